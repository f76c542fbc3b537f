"""The same figures come out of annexes laid out the way other clerks make them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import (
    DEFAULT_HEADERS,
    Layout,
    write_annex_csv,
    write_annex_ods,
    write_annex_xls,
    write_annex_xlsx,
)
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)
Writer = Callable[[Path, str, list, int, Layout], Path]


def _headers(**overrides: str) -> dict[str, str]:
    return {**DEFAULT_HEADERS, **overrides}


LAYOUTS: dict[str, tuple[Layout, str]] = {
    "other header wording": (
        Layout(
            headers=_headers(
                row_number="编号",
                column_name="栏目名称",
                item_count="公开数量（条）",
                unit_name="责任部门",
                note="说明",
            )
        ),
        ".xlsx",
    ),
    "columns in another order": (
        Layout(column_order=("row_number", "unit_name", "column_name", "note", "item_count")),
        ".xlsx",
    ),
    "extra title rows, blank rows and an offset": (
        Layout(title_rows=2, blank_rows_before_header=2, leading_blank_columns=1),
        ".xlsx",
    ),
    "full-width brackets and header": (
        Layout(full_width_brackets=True, headers=_headers(item_count="一季度公开数量（条）")),
        ".xlsx",
    ),
    "numbers stored as text": (Layout(numbers_as_text=True, total_label="总计"), ".xlsx"),
    "merged unit cells": (Layout(merge_unit_cells=True), ".xlsx"),
    "no 序号 and no 备注 column": (
        Layout(column_order=("column_name", "item_count", "unit_name")),
        ".xlsx",
    ),
    "legacy .xls as WPS saves it": (Layout(), ".xls"),
    "OpenDocument .ods as LibreOffice saves it": (Layout(), ".ods"),
    "csv saved by Chinese Excel (GB18030)": (Layout(), ".csv"),
    "csv saved as UTF-8 with BOM": (Layout(), ".utf8.csv"),
}


def _write(folder: Path, name: str, title: str, rows, total, layout: Layout, kind: str) -> None:  # type: ignore[no-untyped-def]
    if kind == ".xlsx":
        write_annex_xlsx(folder / f"{name}.xlsx", title, rows, total, layout)
    elif kind == ".xls":
        write_annex_xls(folder / f"{name}.xls", title, rows, total, layout)
    elif kind == ".ods":
        write_annex_ods(folder / f"{name}.ods", title, rows, total, layout)
    else:
        encoding = "utf-8-sig" if kind == ".utf8.csv" else "gb18030"
        write_annex_csv(folder / f"{name}.csv", title, rows, total, layout, encoding)


def _expected_rows() -> list[tuple[int, str, int]]:
    return sorted(
        (annex, row.unit_name, row.item_count)
        for annex, rows in ((1, notice.ANNEX1_ROWS), (2, notice.ANNEX2_ROWS))
        for row in rows
    )


@pytest.mark.parametrize("case", list(LAYOUTS), ids=list(LAYOUTS))
def test_layout_gives_the_notice_figures(settings: Settings, case: str) -> None:
    layout, kind = LAYOUTS[case]
    folder = settings.landing_dir / QUARTER.key
    folder.mkdir()
    # File names without 附件N: the annex is told from the title.
    _write(folder, "政府部门统计", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248, layout, kind)
    _write(folder, "乡镇统计", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14, layout, kind)

    [summary] = ingest_quarter(with_reference_data(settings), QUARTER)

    assert summary.rows == 51
    assert summary.items_by_annex == {1: 248, 2: 14}
    assert summary.declared_by_annex == {1: 248, 2: 14}
    assert summary.units_resolved == 35
    with connect(settings.warehouse_path, read_only=True) as connection:
        rows = connection.execute(
            "select annex, unit_name_raw, item_count from raw.annex_rows order by all"
        ).fetchall()
        column_names = {
            r[0] for r in connection.execute("select column_name from raw.annex_rows").fetchall()
        }
    assert rows == _expected_rows()
    assert "政府部门信息公开(文体广电和旅游局)" in column_names


def test_both_annexes_as_sheets_of_one_workbook_with_untitled_tables(settings: Settings) -> None:
    """No title, no 附件 mark anywhere: the annex is told from the units' kinds."""
    from openpyxl import load_workbook

    folder = settings.landing_dir / QUARTER.key
    untitled = Layout(title_rows=0)
    first = write_annex_xlsx(folder / "a.xlsx", "", notice.ANNEX1_ROWS, 248, untitled)
    second = write_annex_xlsx(folder / "b.xlsx", "", notice.ANNEX2_ROWS, 14, untitled)
    workbook = load_workbook(first)
    target = workbook.create_sheet("乡镇")
    for values in load_workbook(second).active.iter_rows(values_only=True):
        target.append(values)
    workbook.save(folder / "一季度统计.xlsx")
    first.unlink()
    second.unlink()

    [summary] = ingest_quarter(with_reference_data(settings), QUARTER)

    assert summary.items_by_annex == {1: 248, 2: 14}
    assert summary.rows == 51


def test_county_prefixed_and_aliased_unit_names_resolve(settings: Settings) -> None:
    folder = settings.landing_dir / QUARTER.key
    renamed = {"财政局": "崇信县财政局", "政府办": "县政府办", "文体广电和旅游局": "文旅局"}
    rows = [
        type(row)(
            row.row_number,
            row.column_name,
            row.item_count,
            renamed.get(row.unit_name, row.unit_name),
            row.note,
        )
        for row in notice.ANNEX1_ROWS
    ]
    write_annex_xlsx(folder / "附件1.xlsx", notice.ANNEX1_TITLE, rows, 248)
    write_annex_xlsx(folder / "附件2.xlsx", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14)

    ingest_quarter(with_reference_data(settings), QUARTER)

    with connect(settings.warehouse_path, read_only=True) as connection:
        resolved = connection.execute(
            "select distinct unit_name_raw, unit_id, unit_name from raw.annex_rows "
            "where unit_name_raw in ('崇信县财政局', '县政府办', '文旅局') order by all"
        ).fetchall()
    assert resolved == [
        ("县政府办", "chongxin-zhengfuban", "政府办"),
        ("崇信县财政局", "chongxin-caizheng", "财政局"),
        ("文旅局", "chongxin-wenlv", "文体广电和旅游局"),
    ]


def test_office_lock_files_and_other_documents_are_ignored(sample_settings: Settings) -> None:
    folder = sample_settings.landing_dir / QUARTER.key
    (folder / "~$附件1.xlsx").write_bytes(b"lock")
    (folder / "说明.txt").write_text("本季度核查说明", encoding="utf-8")
    shutil.copy(
        folder / next(p.name for p in folder.iterdir() if "附件1" in p.name),
        folder / "附件1备份.bak",
    )

    [summary] = ingest_quarter(with_reference_data(sample_settings), QUARTER)

    assert summary.rows == 51
    assert len(summary.files) == 3
