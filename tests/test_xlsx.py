"""The export's own .xlsx writer, read back with openpyxl: values, formats, merges, print setup."""

from __future__ import annotations

import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from orchestration.cell_names import column_letter
from orchestration.export.xlsx import (
    CellFormat,
    Font,
    PageSetup,
    UnwritableTextError,
    Workbook,
)

BODY = CellFormat(Font("宋体", 10, charset=134), "left", "center", wrap=True, border=True)
NUMBER = CellFormat(Font("宋体", 10, charset=134), "center", "center", wrap=True, border=True)
TEXTS = [
    "人事任免",
    "  前后有空格  ",
    "两行\n文字",
    "回车\r换行",
    "制表\t符",
    "A&B <c> \"d\" 'e'",
    "",
]


def _saved(tmp_path: Path, workbook: Workbook) -> Path:
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    return path


def test_values_come_back_as_written(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("附件1")
    values = [
        *TEXTS,
        0,
        248,
        -3,
        2.5,
        1e-7,
        True,
        False,
        datetime(2020, 3, 31, 12),
        date(2020, 3, 31),
    ]
    for row, value in enumerate(values, start=1):
        sheet.set(row, 1, value, BODY)
    sheet.set(len(values) + 1, 2, None, BODY)

    reread = load_workbook(_saved(tmp_path, workbook))["附件1"]
    back = [reread.cell(row=row, column=1).value for row in range(1, len(values) + 1)]
    assert back[: len(TEXTS)] == TEXTS
    assert back[len(TEXTS) :] == [
        0, 248, -3, 2.5, 1e-7, True, False, datetime(2020, 3, 31, 12), datetime(2020, 3, 31)
    ]  # fmt: skip
    assert reread.cell(row=len(values), column=1).number_format == "yyyy-mm-dd"
    assert [reread.cell(row=r, column=1).data_type for r in (len(TEXTS) + 1, len(TEXTS) + 2)] == [
        "n",
        "n",
    ]
    empty = reread.cell(row=len(values) + 1, column=2)
    assert empty.value is None and empty.border.left.style == "thin"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("表")
    formulas = ["=1+1", "+人社局", "-1", "@SUM(1,2)", "\t=1", "\r=1"]
    for row, text in enumerate(formulas, start=1):
        sheet.set(row, 1, text, BODY)
    path = _saved(tmp_path, workbook)

    reread = load_workbook(path)["表"]
    cells = [reread.cell(row=row, column=1) for row in range(1, len(formulas) + 1)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (text, "s", True) for text in formulas
    ]
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_a_control_character_is_refused_with_the_text_named() -> None:
    sheet = Workbook().create_sheet("表")
    with pytest.raises(UnwritableTextError, match=r"“'人社\\x07局'”含有Excel无法保存的控制字符"):
        sheet.set(1, 1, "人社\x07局", BODY)
    assert sheet.cells == {}


@pytest.mark.parametrize("name", ["", "附件[1]", "a/b", "问?", "x" * 32])
def test_a_sheet_name_excel_refuses_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=r"工作表名称.*无效"):
        Workbook().create_sheet(name)


def test_a_sheet_name_used_twice_is_refused() -> None:
    workbook = Workbook()
    workbook.create_sheet("附件1")
    with pytest.raises(ValueError, match="工作表名称“附件1”重复"):
        workbook.create_sheet("附件1")


def test_formats_are_read_back_and_equal_formats_share_one_style(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("表")
    title = CellFormat(Font("宋体", 16, bold=True, charset=134), "center", "center", wrap=True)
    flagged = CellFormat(BODY.font, "left", "center", wrap=True, border=True, fill="FFF2CC")
    sheet.set(1, 1, "标题", title)
    for row in range(2, 6):
        sheet.set(row, 1, "单位", flagged if row == 5 else BODY)
        sheet.set(row, 2, row, NUMBER)
    path = _saved(tmp_path, workbook)

    reread = load_workbook(path)["表"]
    a1, a2, b2, a5 = reread["A1"], reread["A2"], reread["B2"], reread["A5"]
    assert (a1.font.name, a1.font.sz, a1.font.b, a1.font.charset) == ("宋体", 16, True, 134)
    assert (a1.alignment.horizontal, a1.border.left.style) == ("center", None)
    assert (a2.font.sz, a2.font.b, a2.alignment.horizontal, a2.alignment.wrap_text) == (
        10,
        False,
        "left",
        True,
    )
    assert {a2.border.left.style, a2.border.right.style, a2.border.top.style} == {"thin"}
    assert (b2.alignment.horizontal, b2.alignment.vertical) == ("center", "center")
    assert (a5.fill.fill_type, a5.fill.fgColor.rgb[-6:]) == ("solid", "FFF2CC")
    assert a2.fill.fill_type is None
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    # The default format, the title, the body, the numbers, the flagged body.
    assert '<cellXfs count="5">' in styles


def test_a_merged_range_is_boxed_by_its_first_cells_border(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("表")
    sheet.set(1, 1, "标题", CellFormat(Font("宋体", 16)))
    sheet.merge(1, 1, 1, 5)
    sheet.set(2, 1, "合计", NUMBER)
    sheet.set(2, 3, 262, NUMBER)
    sheet.merge(2, 1, 2, 2)
    path = _saved(tmp_path, workbook)

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # The covered cell of 合计 carries the border (Excel draws a range's edges from its cells);
    # the title, without a border, adds no cells.
    assert '<c r="B2" s="2"/>' in xml and 'r="B1"' not in xml
    reread = load_workbook(path)["表"]
    assert {str(r) for r in reread.merged_cells.ranges} == {"A1:E1", "A2:B2"}
    assert (reread["A2"].value, reread["C2"].value) == ("合计", 262)


def test_print_setup_and_view_come_back(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("O'Brien & 附件")
    for row in range(1, 11):
        for column in range(1, 5):
            sheet.set(row, column, f"{row}-{column}", BODY)
    sheet.column_widths = {1: 6, 2: 38.15, 3: 9.88, 4: 18.26}
    sheet.row_heights = {1: 30, 3: 28.6}
    sheet.frozen_at = (4, 3)
    sheet.auto_filter = (3, 1, 10, 4)
    sheet.print_area = (1, 1, 10, 4)
    sheet.print_title_rows = (1, 3)
    sheet.page = PageSetup(
        orientation="landscape",
        margins=(0.6, 0.6, 0.6, 0.6, 0.5, 0.3),
        footer='&C&"宋体"&10 第 &P 页 共 &N 页',
    )
    other = workbook.create_sheet("第二张")
    other.set(1, 1, "仅一格", BODY)
    other.page = PageSetup(fit_to_width=False, horizontally_centered=False)

    reread = load_workbook(_saved(tmp_path, workbook))
    assert reread.sheetnames == ["O'Brien & 附件", "第二张"]
    first = reread["O'Brien & 附件"]
    assert [first.column_dimensions[c].width for c in "ABCD"] == [6, 38.15, 9.88, 18.26]
    assert (first.row_dimensions[1].height, first.row_dimensions[3].height) == (30, 28.6)
    assert first.row_dimensions[2].height is None
    assert first.freeze_panes == "C4"
    assert first.auto_filter.ref == "A3:D10"
    assert first.print_area == "'O''Brien & 附件'!$A$1:$D$10"
    assert first.print_title_rows == "$1:$3"
    setup = first.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert first.sheet_properties.pageSetUpPr.fitToPage
    assert first.print_options.horizontalCentered
    margins = first.page_margins
    assert (margins.left, margins.top, margins.header, margins.footer) == (0.6, 0.6, 0.5, 0.3)
    footer = first.oddFooter.center
    assert (footer.text, footer.font, footer.size) == ("第 &P 页 共 &N 页", "宋体", 10)
    second = reread["第二张"]
    assert second.freeze_panes is None and second.print_title_rows is None
    assert not second.print_options.horizontalCentered
    assert second.sheet_properties.pageSetUpPr is None or not (
        second.sheet_properties.pageSetUpPr.fitToPage
    )


def test_a_random_grid_comes_back_cell_for_cell(tmp_path: Path) -> None:
    chooser = random.Random(15)
    pool: list[object] = [*TEXTS[:-1], "政府信息公开", "=x", 7, 3.25, None, date(2021, 1, 2)]
    workbook = Workbook()
    expected: dict[str, dict[tuple[int, int], object]] = {}
    for name in ("甲", "乙", "丙"):
        sheet = workbook.create_sheet(name)
        grid = expected[name] = {}
        for _ in range(300):
            row, column = chooser.randint(1, 60), chooser.randint(1, 30)
            value = chooser.choice(pool)
            sheet.set(row, column, value, chooser.choice((BODY, NUMBER)))
            grid[(row, column)] = (
                datetime.combine(value, datetime.min.time()) if isinstance(value, date) else value
            )
    reread = load_workbook(_saved(tmp_path, workbook))
    for name, grid in expected.items():
        sheet = reread[name]
        assert {
            (cell.row, cell.column): cell.value
            for row in sheet.iter_rows()
            for cell in row
            if (cell.row, cell.column) in grid
        } == grid
        last_row = max(row for row, _ in grid)
        last_column = max(column for _, column in grid)
        assert (sheet.max_row, sheet.max_column) == (last_row, last_column)


def test_column_letters() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"
    ]  # fmt: skip
