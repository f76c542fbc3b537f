"""The annex file (…-附件.xlsx), read back with openpyxl and compared with the 2020-Q1 notice."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from orchestration.export.files import export_quarter
from orchestration.export.sheets import PAGE_FILL, page_width_units, text_units
from orchestration.quarters import Quarter
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import AnnexRow
from tests.test_export_contract import ISSUE_DATE, TEMPLATES_DIR, export_sample, sample_warehouse

HEADERS = ("序号", "栏目", "一季度公开数量", "责任单位", "备注")


def notice_annex_grid(
    label: str, title: str, rows: list[AnnexRow], total: int
) -> list[tuple[Any, ...]]:
    """The annex as the notice prints it, one tuple per sheet row ('' notes are empty cells)."""
    return [
        (label, None, None, None, None),
        (title, None, None, None, None),
        HEADERS,
        *[(r.row_number, r.column_name, r.item_count, r.unit_name, r.note or None) for r in rows],
        ("合计", None, total, None, None),
    ]


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    export = export_sample(tmp_path)
    assert export.files.annexes == tmp_path / "exports" / "2020-Q1" / "崇信县-2020-Q1-附件.xlsx"
    return export.files.annexes


def test_annex_sheets_equal_the_notice_cell_by_cell(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)

    # Only the annexes: the file is published as it is, with no internal sheet to delete first.
    assert workbook.sheetnames == ["附件1", "附件2"]
    expected = {
        "附件1": notice_annex_grid(
            "附件1", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, notice.ANNEX1_DECLARED_TOTAL
        ),
        "附件2": notice_annex_grid(
            "附件2", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, notice.ANNEX2_DECLARED_TOTAL
        ),
    }
    for sheet_name, grid in expected.items():
        assert list(workbook[sheet_name].iter_rows(values_only=True)) == grid
    # Counts are numbers a clerk can sum, not text.
    assert workbook["附件1"]["C4"].data_type == "n"
    assert workbook["附件1"]["C47"].value == 248


def test_annex_sheets_are_formatted_for_reading_and_printing(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["附件1"]

    assert sheet["A2"].font.name == "宋体" and sheet["A2"].font.bold
    assert "A2:E2" in {str(r) for r in sheet.merged_cells.ranges}
    assert "A47:B47" in {str(r) for r in sheet.merged_cells.ranges}
    for row in sheet.iter_rows(min_row=3, max_row=47):
        for cell in row:
            assert cell.border.top.style == "thin" and cell.border.bottom.style == "thin"
            if not isinstance(cell, MergedCell):  # the inside of 合计's merged A:B has no line
                assert cell.font.name == "宋体"
                assert cell.border.left.style == "thin" and cell.border.right.style == "thin"
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$2:$3"
    assert sheet.page_setup.paperSize == 9  # A4 in the OOXML paper-size table
    assert sheet.page_setup.orientation == "portrait"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area == "'附件1'!$A$1:$E$47"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_annex_columns_fill_the_printed_page_at_a_readable_size(workbook_path: Path) -> None:
    for sheet in load_workbook(workbook_path):
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
        # The columns fill the page between the margins, so fit-to-width never shrinks the text.
        page = page_width_units("portrait", 5)
        assert page * (PAGE_FILL - 0.01) <= sum(widths) <= page
        wrapped = 0
        for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1):
            too_long = [
                cell
                for cell in row
                if cell.value is not None
                and text_units(str(cell.value), 11) > widths[cell.column - 1]
            ]
            assert all(cell.font.sz >= 10 and cell.alignment.wrap_text for cell in row)
            # A row whose text wraps is made two lines tall, the others one.
            assert sheet.row_dimensions[row[0].row].height == (28.6 if too_long else 14.3)
            wrapped += bool(too_long)
        # Sized to the content: a handful of the longest names wrap, not whole columns.
        assert wrapped <= 4

    annex1 = load_workbook(workbook_path)["附件1"]
    # 序号 and the notes are never narrower than their content; the header takes two lines.
    for letter, values in (
        ("A", [str(r.row_number) for r in notice.ANNEX1_ROWS]),
        ("E", [r.note for r in notice.ANNEX1_ROWS if r.note]),
    ):
        assert annex1.column_dimensions[letter].width >= max(text_units(v, 11) for v in values)
    assert annex1.row_dimensions[3].height == 28.6


FORMULA_LIKE = {
    "column_name_raw": '=HYPERLINK("http://example.invalid","点击")',
    "unit_name_raw": "+人社局",
    "note": "-1",
}
TAB_FORMULA = "\t=1+1"


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    warehouse = sample_warehouse(tmp_path / "w.duckdb")
    with connect(warehouse) as connection:
        connection.execute(
            "update marts.column_quarter set column_name_raw = ?, unit_name_raw = ?, note = ?"
            " where annex = 1 and annex_position = 1",
            list(FORMULA_LIKE.values()),
        )
        connection.execute(
            "update marts.column_quarter set unit_name_raw = ?"
            " where annex = 2 and annex_position = 1",
            [TAB_FORMULA],
        )
        connection.execute(
            "update marts.unit_quarter set unit_short_name = '@SUM(1,2)' where unit_id = ?",
            ["chongxin-nongban"],
        )
    (export,) = export_quarter(
        warehouse, tmp_path / "exports", Quarter(2020, 1), TEMPLATES_DIR, ISSUE_DATE
    )

    workbook = load_workbook(export.files.annexes)
    row = workbook["附件1"][4]
    assert (row[1].value, row[3].value, row[4].value) == tuple(FORMULA_LIKE.values())
    for cell in (row[1], row[3], row[4]):
        assert cell.data_type == "s" and cell.quotePrefix
    tab_cell = workbook["附件2"]["D4"]
    assert (tab_cell.value, tab_cell.data_type, tab_cell.quotePrefix) == (TAB_FORMULA, "s", True)
    tiers = load_workbook(export.files.review)["分档名单"]
    (nongban,) = [row[2] for row in tiers.iter_rows(min_row=4) if row[2].value == "@SUM(1,2)"]
    assert nongban.data_type == "s" and nongban.quotePrefix
    for path in (export.files.annexes, export.files.review):
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)
