"""Bad input fails with a bilingual message naming file, sheet, row and what was expected,
and leaves the warehouse exactly as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import (
    DEFAULT_HEADERS,
    AnnexRow,
    Layout,
    write_annex_csv,
    write_annex_ods,
    write_annex_xlsx,
    write_assessment_xlsx,
)
from tests.factories.raw_snapshot import assert_refused, raw_snapshot
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)
ANNEX1 = "附件1-政府部门.xlsx"
ANNEX2 = "附件2-乡镇.xlsx"


def _write_quarter(
    folder: Path,
    annex1: list[AnnexRow] | None = None,
    total1: int | str | None = 248,
    layout1: Layout | None = None,
) -> None:
    for old in folder.glob("*"):
        old.unlink()
    write_annex_xlsx(
        folder / ANNEX1, notice.ANNEX1_TITLE, annex1 or notice.ANNEX1_ROWS, total1, layout1
    )
    write_annex_xlsx(folder / ANNEX2, notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14)


@pytest.fixture
def ingested(settings: Settings) -> Settings:
    """A warehouse holding a good 2020-Q1, and its landing folder ready to be broken."""
    _write_quarter(settings.landing_dir / QUARTER.key)
    ingest_quarter(with_reference_data(settings), QUARTER)
    return settings


def _fails(settings: Settings, *fragments: str) -> str:
    return assert_refused(settings, QUARTER, *fragments)


def _with_row(index: int, **changes: object) -> list[AnnexRow]:
    rows = list(notice.ANNEX1_ROWS)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return rows


def test_unknown_unit_names_closest_registered_names(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(1, unit_name="人设局"))
    _fails(
        ingested,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第4行",
        "责任单位“人设局”不在崇信县单位名录中",
        "最接近的已登记单位：人社局",
        f"file '{QUARTER}/{ANNEX1}', sheet 'Sheet1', row 4",
        "unit '人设局' is not in the 崇信县 registry",
    )


@pytest.mark.parametrize(
    ("count", "shown"), [(-1, "-1"), ("3.5", "3.5"), ("三", "三"), ("约5", "约5")]
)
def test_count_that_is_not_a_non_negative_whole_number(
    ingested: Settings, count: object, shown: str
) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(9, item_count=count))
    _fails(
        ingested,
        "第12行",
        f"公开数量应为不小于0的整数，实际为“{shown}”",
        f"the count must be a whole number >= 0, found {shown!r}",
    )


def test_empty_count_is_not_taken_for_zero(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(0, item_count=""))
    _fails(ingested, "第3行", "公开数量为空，应填写整数（没有更新请填0）")


def test_missing_header_column(ingested: Settings) -> None:
    layout = Layout(column_order=("row_number", "column_name", "item_count", "note"))
    _write_quarter(ingested.landing_dir / QUARTER.key, layout1=layout)
    message = _fails(
        ingested,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第2行",
        "表头缺少“责任单位”列",
        "the header lacks column(s) 责任单位",
    )
    assert "缺少附件1" not in message


def test_duplicate_unit_and_column_row(ingested: Settings) -> None:
    rows = [*notice.ANNEX1_ROWS, dataclasses.replace(notice.ANNEX1_ROWS[10], row_number=44)]
    _write_quarter(ingested.landing_dir / QUARTER.key, rows)
    _fails(
        ingested,
        "第46行",
        "重复的行：责任单位“政府办”的栏目“政策解读”已在",
        "第13行出现",
        "duplicate row",
    )


def test_empty_file(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER.key / ANNEX2).write_bytes(b"")
    _fails(ingested, f"文件“{QUARTER}/{ANNEX2}”", "文件是空的", "the file is empty")


def test_unreadable_file(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER.key / ANNEX2).write_bytes(b"this is not a workbook at all")
    _fails(ingested, f"文件“{QUARTER}/{ANNEX2}”", "无法读取", "cannot be read")


def test_quarter_folder_without_annexes(ingested: Settings) -> None:
    folder = ingested.landing_dir / QUARTER.key
    for old in folder.glob("*"):
        old.unlink()
    (folder / "说明.txt").write_text("附件稍后补交", encoding="utf-8")
    _fails(ingested, f"文件“{QUARTER}”", "文件夹中没有附件表格", "holds no annex spreadsheet")


def test_missing_quarter_folder(settings: Settings) -> None:
    with pytest.raises(IngestError, match="找不到季度文件夹"):
        ingest_quarter(with_reference_data(settings), Quarter(2021, 3))


def test_one_annex_missing(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER.key / ANNEX2).unlink()
    _fails(ingested, "缺少附件2", "annex 2 (乡镇 table) is missing")


def test_missing_total_row(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, total1=None)
    _fails(ingested, "找不到“合计”行", "no 合计 (total) row")


def test_annex_of_another_quarter(ingested: Settings) -> None:
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": "二季度公开数量"})
    _write_quarter(ingested.landing_dir / QUARTER.key, layout1=layout)
    _fails(ingested, "表头“二季度公开数量”与文件夹的季度 2020-Q1（一季度）不一致")


def test_every_problem_is_reported_at_once(ingested: Settings) -> None:
    rows = _with_row(0, unit_name="不存在的局")
    rows[5] = dataclasses.replace(rows[5], item_count=-2)
    _write_quarter(ingested.landing_dir / QUARTER.key, rows)
    message = _fails(ingested, "发现 2 个问题", "不存在的局", "实际为“-2”")
    assert message.count("\n1. ") == 1 and message.count("\n2. ") == 1


def test_failed_asset_run_shows_the_problems(ingested: Settings) -> None:
    from orchestration.ingest.assets import raw_quarter
    from tests.pipeline import materialize_quarter

    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(1, unit_name="人设局"))
    before = raw_snapshot(ingested)

    result = materialize_quarter(QUARTER.key, (raw_quarter,), checks=())

    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.step_failure_data.error
    assert "人设局" in error.message and "最接近的已登记单位：人社局" in error.message
    table = failure.step_failure_data.user_failure_data.metadata["问题 / problems"].value
    assert f"| {QUARTER}/{ANNEX1} | Sheet1 | 4 |" in table
    assert raw_snapshot(ingested) == before


@pytest.mark.parametrize("count", ["1 2", "1,2", "1，2", "1 000", "1,00", "1、2"])
def test_count_with_inner_spaces_or_separators_is_not_read_as_one_number(
    ingested: Settings, count: str
) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(9, item_count=count))
    _fails(ingested, "第12行", f"公开数量应为不小于0的整数，实际为“{count}”", repr(count))


def test_count_with_proper_thousands_separators_is_read(ingested: Settings) -> None:
    """'1,000' is how Excel shows a number formatted with separators; a text copy keeps it."""
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(9, item_count="1,000"))

    ingest_quarter(ingested, QUARTER)

    with connect(ingested.warehouse_path, read_only=True) as connection:
        [(count,)] = connection.execute(
            "select item_count from raw.annex_rows where annex = 1 and source_row = 12"
        ).fetchall()
    assert count == 1000


@pytest.mark.parametrize(
    "code", ["#REF!", "#DIV/0!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!"]
)
def test_excel_error_value_is_named_as_such(ingested: Settings, code: str) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(9, item_count=code))
    message = _fails(
        ingested,
        f"工作表“Sheet1”，第12行：公开数量单元格是错误值 {code}（C12）",
        f"the count cell C12 holds the Excel error value {code}",
    )
    assert "为空" not in message


def test_excel_error_value_in_a_unit_cell_and_in_the_total(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key, _with_row(1, unit_name="#N/A"), "#REF!")
    message = _fails(
        ingested,
        "第4行：责任单位单元格是错误值 #N/A（D4）",
        "第46行：公开数量单元格是错误值 #REF!（C46）",
    )
    assert "不在崇信县单位名录中" not in message


def test_excel_error_value_as_a_csv_carries_it(ingested: Settings) -> None:
    folder = ingested.landing_dir / QUARTER.key
    (folder / ANNEX1).unlink()
    write_annex_csv(
        folder / "附件1.csv", notice.ANNEX1_TITLE, _with_row(9, item_count="#DIV/0!"), 248
    )
    _fails(ingested, "工作表“CSV”，第12行：公开数量单元格是错误值 #DIV/0!（C12）")


def test_count_above_the_maximum(ingested: Settings) -> None:
    _write_quarter(
        ingested.landing_dir / QUARTER.key, _with_row(9, item_count=3_000_000_000), 3_000_000_238
    )
    _fails(
        ingested,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第12行：公开数量 3000000000 超过上限 1000000",
        "第46行：公开数量 3000000238 超过上限 1000000",
        "the count 3000000000 is above the maximum of 1000000",
    )


def _insert_count_column(path: Path, header: str, value: int) -> None:
    """Another count column just before this quarter's (C in the default layout)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.insert_cols(3)
    sheet.cell(row=2, column=3, value=header)
    for row in range(3, 3 + len(notice.ANNEX1_ROWS)):
        sheet.cell(row=row, column=3, value=value)
    sheet.cell(row=3 + len(notice.ANNEX1_ROWS), column=3, value=value * len(notice.ANNEX1_ROWS))
    workbook.save(path)


def test_previous_quarters_count_beside_this_quarters_is_not_taken(ingested: Settings) -> None:
    folder = ingested.landing_dir / QUARTER.key
    _insert_count_column(folder / ANNEX1, "上季度公开数量", 99)

    [summary] = ingest_quarter(ingested, QUARTER)

    assert summary.items_by_annex == {1: 248, 2: 14}
    assert summary.declared_by_annex == {1: 248, 2: 14}
    with connect(ingested.warehouse_path, read_only=True) as connection:
        headers = connection.execute(
            "select count_header from raw.annex_totals order by annex"
        ).fetchall()
    assert headers == [("一季度公开数量",), ("一季度公开数量",)]


def test_two_count_columns_naming_no_quarter_are_refused(ingested: Settings) -> None:
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": "公开数量"})
    _write_quarter(ingested.landing_dir / QUARTER.key, layout1=layout)
    _insert_count_column(ingested.landing_dir / QUARTER.key / ANNEX1, "上季度公开数量", 99)
    message = _fails(
        ingested,
        "第2行：表头有 2 个数量列（“上季度公开数量”、“公开数量”），"
        "无法判断哪一列是2020-Q1（一季度）的公开数量",
        "请把本季度那一列的表头写成“一季度公开数量”",
        "it cannot be told which is 2020-Q1's",
    )
    assert "找不到“合计”行" not in message


def _hide(path: Path, rows: tuple[int, ...] = (), columns: tuple[str, ...] = ()) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    for row in rows:
        sheet.row_dimensions[row].hidden = True
    for column in columns:
        sheet.column_dimensions[column].hidden = True
    workbook.save(path)


def test_hidden_row_holding_data_is_refused(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key)
    _hide(ingested.landing_dir / QUARTER.key / ANNEX1, rows=(12,))
    _fails(
        ingested,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第12行：该行被隐藏（或被筛选隐藏），但有内容",
        "the row is hidden (or filtered out) but holds data",
    )


def test_hidden_column_holding_data_is_refused(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key)
    _hide(ingested.landing_dir / QUARTER.key / ANNEX1, columns=("E",))
    _fails(ingested, "第2行：第 E 列被隐藏，但有内容", "column E is hidden but holds data")


def test_hidden_empty_rows_and_columns_are_harmless(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER.key)
    _hide(ingested.landing_dir / QUARTER.key / ANNEX1, rows=(60, 61), columns=("G", "H"))

    [summary] = ingest_quarter(ingested, QUARTER)

    assert summary.items_by_annex == {1: 248, 2: 14}


def test_hidden_row_and_error_value_in_the_assessment_sheet(ingested: Settings) -> None:
    path = write_assessment_xlsx(
        ingested.landing_dir / QUARTER.key / "核查意见.xlsx",
        "核查意见",
        [("政府办", "更新情况较好", ""), ("财政局", "#N/A", ""), ("人社局", "更新不及时", "")],
    )
    _hide(path, rows=(5,))
    _fails(
        ingested,
        "工作表“核查意见”，第4行：分档单元格是错误值 #N/A（C4）",
        "工作表“核查意见”，第5行：该行被隐藏（或被筛选隐藏），但有内容",
    )


def test_ods_error_value_and_hidden_row(ingested: Settings) -> None:
    """LibreOffice keeps a failed formula as the number 0 marked as an error: not a count of 0."""
    folder = ingested.landing_dir / QUARTER.key
    (folder / ANNEX1).unlink()
    rows = _with_row(9, item_count="#DIV/0!")
    write_annex_ods(folder / "附件1.ods", notice.ANNEX1_TITLE, rows, 248, hidden_rows=(20,))
    _fails(
        ingested,
        "工作表“Sheet1”，第12行：公开数量单元格是错误值 #DIV/0!（C12）",
        "工作表“Sheet1”，第20行：该行被隐藏（或被筛选隐藏），但有内容",
    )


def test_hidden_row_is_found_in_the_sheet_it_is_on(ingested: Settings) -> None:
    """Both annexes as two sheets of one workbook: the scan maps each sheet part to its name."""
    from openpyxl import load_workbook

    folder = ingested.landing_dir / QUARTER.key
    workbook = load_workbook(folder / ANNEX1)
    township = workbook.create_sheet("乡镇")
    for values in load_workbook(folder / ANNEX2).active.iter_rows(values_only=True):
        township.append(values)
    township.row_dimensions[5].hidden = True
    workbook.save(folder / "附件.xlsx")
    (folder / ANNEX1).unlink()
    (folder / ANNEX2).unlink()

    message = _fails(ingested, f"文件“{QUARTER}/附件.xlsx”，工作表“乡镇”，第5行：该行被隐藏")
    assert "工作表“Sheet1”" not in message
