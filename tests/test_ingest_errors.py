"""Bad input fails with a bilingual message naming file, sheet, row and what was expected,
and leaves the warehouse exactly as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import DEFAULT_HEADERS, AnnexRow, Layout, write_annex_xlsx

QUARTER = "2020-Q1"
ANNEX1 = "附件1-政府部门.xlsx"
ANNEX2 = "附件2-乡镇.xlsx"


def _snapshot(settings: Settings) -> dict[str, list[tuple]]:
    with connect(settings.warehouse_path, read_only=True) as connection:
        return {
            table: connection.execute(f"select * from raw.{table} order by all").fetchall()
            for table in ("annex_rows", "annex_totals", "reviewer_assessments", "source_files")
        }


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
    _write_quarter(settings.landing_dir / QUARTER)
    ingest_quarter(settings, QUARTER)
    return settings


def _fails(settings: Settings, *fragments: str) -> str:
    before = _snapshot(settings)
    with pytest.raises(IngestError) as raised:
        ingest_quarter(settings, QUARTER)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "仓库数据保持不变" in message and "the warehouse is unchanged" in message
    assert _snapshot(settings) == before
    return message


def _with_row(index: int, **changes: object) -> list[AnnexRow]:
    rows = list(notice.ANNEX1_ROWS)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return rows


def test_unknown_unit_names_closest_registered_names(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER, _with_row(1, unit_name="人设局"))
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
    _write_quarter(ingested.landing_dir / QUARTER, _with_row(9, item_count=count))
    _fails(
        ingested,
        "第12行",
        f"公开数量应为不小于0的整数，实际为“{shown}”",
        f"the count must be a whole number >= 0, found {shown!r}",
    )


def test_empty_count_is_not_taken_for_zero(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER, _with_row(0, item_count=""))
    _fails(ingested, "第3行", "公开数量为空，应填写整数（没有更新请填0）")


def test_missing_header_column(ingested: Settings) -> None:
    layout = Layout(column_order=("row_number", "column_name", "item_count", "note"))
    _write_quarter(ingested.landing_dir / QUARTER, layout1=layout)
    message = _fails(
        ingested,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第2行",
        "表头缺少“责任单位”列",
        "the header lacks column(s) 责任单位",
    )
    assert "缺少附件1" not in message


def test_duplicate_unit_and_column_row(ingested: Settings) -> None:
    rows = [*notice.ANNEX1_ROWS, dataclasses.replace(notice.ANNEX1_ROWS[10], row_number=44)]
    _write_quarter(ingested.landing_dir / QUARTER, rows)
    _fails(
        ingested,
        "第46行",
        "重复的行：责任单位“政府办”的栏目“政策解读”已在",
        "第13行出现",
        "duplicate row",
    )


def test_empty_file(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER / ANNEX2).write_bytes(b"")
    _fails(ingested, f"文件“{QUARTER}/{ANNEX2}”", "文件是空的", "the file is empty")


def test_unreadable_file(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER / ANNEX2).write_bytes(b"this is not a workbook at all")
    _fails(ingested, f"文件“{QUARTER}/{ANNEX2}”", "无法读取", "cannot be read")


def test_quarter_folder_without_annexes(ingested: Settings) -> None:
    folder = ingested.landing_dir / QUARTER
    for old in folder.glob("*"):
        old.unlink()
    (folder / "说明.txt").write_text("附件稍后补交", encoding="utf-8")
    _fails(ingested, f"文件“{QUARTER}”", "文件夹中没有附件表格", "holds no annex spreadsheet")


def test_missing_quarter_folder(settings: Settings) -> None:
    with pytest.raises(IngestError, match="找不到季度文件夹"):
        ingest_quarter(settings, "2021-Q3")


def test_one_annex_missing(ingested: Settings) -> None:
    (ingested.landing_dir / QUARTER / ANNEX2).unlink()
    _fails(ingested, "缺少附件2", "annex 2 (乡镇 table) is missing")


def test_missing_total_row(ingested: Settings) -> None:
    _write_quarter(ingested.landing_dir / QUARTER, total1=None)
    _fails(ingested, "找不到“合计”行", "no 合计 (total) row")


def test_annex_of_another_quarter(ingested: Settings) -> None:
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": "二季度公开数量"})
    _write_quarter(ingested.landing_dir / QUARTER, layout1=layout)
    _fails(ingested, "表头“二季度公开数量”与文件夹的季度 2020-Q1（一季度）不一致")


def test_every_problem_is_reported_at_once(ingested: Settings) -> None:
    rows = _with_row(0, unit_name="不存在的局")
    rows[5] = dataclasses.replace(rows[5], item_count=-2)
    _write_quarter(ingested.landing_dir / QUARTER, rows)
    message = _fails(ingested, "发现 2 个问题", "不存在的局", "实际为“-2”")
    assert message.count("\n1. ") == 1 and message.count("\n2. ") == 1


def test_failed_asset_run_shows_the_problems(ingested: Settings) -> None:
    from orchestration.ingest.assets import raw_quarter

    _write_quarter(ingested.landing_dir / QUARTER, _with_row(1, unit_name="人设局"))
    before = _snapshot(ingested)

    result = dg.materialize([raw_quarter], partition_key=QUARTER, raise_on_error=False)

    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.step_failure_data.error
    assert "人设局" in error.message and "最接近的已登记单位：人社局" in error.message
    table = failure.step_failure_data.user_failure_data.metadata["问题 / problems"].value
    assert f"| {QUARTER}/{ANNEX1} | Sheet1 | 4 |" in table
    assert _snapshot(ingested) == before
