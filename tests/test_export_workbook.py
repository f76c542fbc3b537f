"""The exported workbook, read back with openpyxl and compared with the 2020-Q1 notice."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from orchestration.export.files import export_quarter
from orchestration.export.workbook import display_width
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import AnnexRow
from tests.test_export_contract import (
    SAMPLE_2020Q1,
    contract_marts,
    export_sample,
    sample_warehouse,
    write_contract_marts,
)

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
    assert export.workbook_path == tmp_path / "exports" / "2020-Q1" / (
        "崇信县-2020-Q1-信息公开更新情况通报.xlsx"
    )
    return export.workbook_path


def test_annex_sheets_equal_the_notice_cell_by_cell(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)

    assert workbook.sheetnames == ["附件1", "附件2", "分档名单", "汇总"]
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
    # Every column is at least as wide as its longest data text (Chinese counts double).
    for letter, values in (("B", [r.column_name for r in notice.ANNEX1_ROWS]),
                           ("D", [r.unit_name for r in notice.ANNEX1_ROWS])):  # fmt: skip
        assert sheet.column_dimensions[letter].width >= max(display_width(v) for v in values)


def test_tier_sheet_lists_the_published_tiers_in_order_and_flags_the_rest(
    workbook_path: Path,
) -> None:
    rows = list(load_workbook(workbook_path)["分档名单"].iter_rows(values_only=True))

    assert rows[0][0] == "崇信县信息公开第一季度更新情况分档名单"
    assert rows[1][:5] == (
        "分档",
        "单位数",
        "按核查意见",
        "仅按规则（待审核）",
        "规则与核查意见不一致",
    )
    counts = {row[0]: row[1:5] for row in rows[2:6]}
    assert counts == {
        "1.更新情况较好": (16, 15, 1, 0),
        "2.部分更新或信息公开不规范": (10, 10, 0, 8),
        "3.更新不及时": (9, 9, 0, 9),
        "合计": (35, 34, 1, 17),
    }
    units = [row for row in rows[8:] if row[0]]
    assert len(units) == 35
    for tier, names in notice.TIER_LISTS.items():
        listed = [(row[1], row[2]) for row in units if row[0] == tier and row[5] == "核查意见"]
        assert listed == list(enumerate(names, start=1))
    (nongban,) = [row for row in units if row[2] == "农办"]
    assert nongban == (
        "更新情况较好", 16, "农办", "政府部门", 2, "规则", "更新情况较好", None,
        "无核查意见，未列入通报名单",
    )  # fmt: skip
    (wenlv,) = [row for row in units if row[2] == "文旅局"]
    assert (wenlv[6], wenlv[7], wenlv[8]) == ("更新情况较好", "更新不及时", "规则与核查意见不一致")


def _summary_values(path: Path) -> dict[str, tuple[Any, ...]]:
    values = {}
    for row in load_workbook(path)["汇总"].iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:  # the sheet is as wide as its widest table
            cells.pop()
        if cells:
            values[cells[0]] = tuple(cells[1:])
    return values


def test_summary_sheet_without_a_previous_quarter(workbook_path: Path) -> None:
    values = _summary_values(workbook_path)

    assert values["项目"] == ("本季度",)
    assert values["更新各类政府信息"] == (262,)
    assert values["政府部门更新信息（附件1）"] == (248,)
    assert values["乡镇、工业集中区、城市社区更新信息（附件2）"] == (14,)
    assert values["核查单位数"] == (35,)
    assert values["无核查意见的单位"] == (1,)
    assert "无上季度数据，不计算变化。" in values
    assert [values[k][0] for k in ("政府部门", "乡镇", "工业集中区", "城市社区")] == [248, 9, 3, 2]
    # 资源交易 74 + 规划计划 1 + 重大项目 4 + 城乡建设 2 + 国土资源 1
    assert values["公共资源配置"] == (82, 4, 5)


def test_summary_sheet_shows_the_change_from_the_previous_quarter(tmp_path: Path) -> None:
    # 2019-Q4 as the test makes it: every row of 附件1 published one item more.
    earlier_rows = [dataclasses.replace(r, item_count=r.item_count + 1) for r in notice.ANNEX1_ROWS]
    earlier = contract_marts(
        dataclasses.replace(SAMPLE_2020Q1, quarter="2019-Q4", annex1=earlier_rows,
                            annex1_declared=248 + 43)
    )  # fmt: skip
    warehouse = write_contract_marts(
        tmp_path / "w.duckdb", earlier, contract_marts(SAMPLE_2020Q1, previous=earlier)
    )
    (export,) = export_quarter(warehouse, tmp_path / "exports", "2020-Q1")

    values = _summary_values(export.workbook_path)
    assert values["项目"] == ("本季度", "上季度", "变化")
    assert values["更新各类政府信息"] == (262, 305, -43)
    assert values["按单位类别"] == ("公开数量", "单位数", "栏目数", "上季度", "变化")
    assert values["政府部门"] == (248, 27, 42, 290, -42)
    assert values["乡镇"] == (9, 6, 6, 9, 0)
    assert "无上季度数据，不计算变化。" not in values


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
    (export,) = export_quarter(warehouse, tmp_path / "exports", "2020-Q1")

    workbook = load_workbook(export.workbook_path)
    row = workbook["附件1"][4]
    assert (row[1].value, row[3].value, row[4].value) == tuple(FORMULA_LIKE.values())
    for cell in (row[1], row[3], row[4]):
        assert cell.data_type == "s" and cell.quotePrefix
    tab_cell = workbook["附件2"]["D4"]
    assert (tab_cell.value, tab_cell.data_type, tab_cell.quotePrefix) == (TAB_FORMULA, "s", True)
    tier_names = [r[2] for r in workbook["分档名单"].iter_rows(min_row=9, values_only=True)]
    assert "@SUM(1,2)" in tier_names
    with zipfile.ZipFile(export.workbook_path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)
