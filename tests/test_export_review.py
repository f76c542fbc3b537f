"""The review workbook (…-核查底稿.xlsx): the lists, figures and comparison behind the notice."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from orchestration.export.files import export_quarter
from orchestration.export.records import read_notices
from orchestration.export.review_workbook import BODY_SIZE, review_workbook
from orchestration.export.sheets import PAGE_FILL, SheetWriter, Styles, page_width_units
from orchestration.quarters import Quarter
from tests.factories import notice_2020q1 as notice
from tests.test_export_contract import (
    ISSUE_DATE,
    SAMPLE_2020Q1,
    TEMPLATES_DIR,
    contract_marts,
    export_sample,
    sample_warehouse,
    write_contract_marts,
)

COUNTS_2020Q1 = "更新情况较好15个，部分更新或信息公开不规范10个，更新不及时9个；未列入通报名单1个"


@pytest.fixture
def review_path(tmp_path: Path) -> Path:
    export = export_sample(tmp_path)
    assert export.files.review.name == "崇信县-2020-Q1-核查底稿.xlsx"
    return export.files.review


def test_review_workbook_holds_the_internal_sheets(review_path: Path) -> None:
    assert load_workbook(review_path).sheetnames == ["分档名单", "汇总", "规则与核查意见"]


def test_tier_lists_count_15_10_9_and_list_the_unassessed_unit_apart(review_path: Path) -> None:
    rows = list(load_workbook(review_path)["分档名单"].iter_rows(values_only=True))

    assert rows[0][0] == "崇信县信息公开第一季度更新情况分档名单"
    assert rows[1][0] == COUNTS_2020Q1
    assert rows[2] == (
        "分档", "名单序号", "单位", "单位类别", "一季度公开数量", "应更新栏目", "其中未更新",
        "审核提示",
    )  # fmt: skip
    units = rows[3:]
    assert len(units) == 35
    for rank, (tier, names) in enumerate(notice.TIER_LISTS.items(), start=1):
        listed = [(row[1], row[2]) for row in units if row[0] == f"{rank}.{tier}"]
        assert listed == list(enumerate(names, start=1))
    # 农办 has no assessment: listed apart, in no tier, flagged.
    assert units[-1] == (
        "未列入通报名单", None, "农办", "政府部门", 2, 1, 0, "无核查意见，未列入通报名单",
    )  # fmt: skip
    (wenlv,) = [row for row in units if row[2] == "文旅局"]
    assert (wenlv[0], wenlv[7]) == ("3.更新不及时", "规则与核查意见不一致")


def _summary_values(path: Path) -> dict[str, tuple[Any, ...]]:
    values = {}
    for row in load_workbook(path)["汇总"].iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:  # the sheet is as wide as its widest table
            cells.pop()
        if cells:
            values[cells[0]] = tuple(cells[1:])
    return values


def test_summary_counts_the_published_lists_only(review_path: Path) -> None:
    values = _summary_values(review_path)

    assert values["项目"] == ("本季度",)
    assert values["更新各类政府信息"] == (262,)
    assert values["政府部门更新信息（附件1）"] == (248,)
    assert values["乡镇、工业集中区、城市社区更新信息（附件2）"] == (14,)
    assert (values["附件1合计（表中填报）"], values["附件2合计（表中填报）"]) == ((248,), (14,))
    assert values["核查单位数"] == (35,)
    tiers = ("更新情况较好", "部分更新或信息公开不规范", "更新不及时", "未列入通报名单")
    assert [values[tier] for tier in tiers] == [(15,), (10,), (9,), (1,)]
    assert "无上季度数据，不计算变化。" in values
    assert [values[k][0] for k in ("政府部门", "乡镇", "工业集中区", "城市社区")] == [248, 9, 3, 2]
    # 资源交易 74 + 规划计划 1 + 重大项目 4 + 城乡建设 2 + 国土资源 1
    assert values["公共资源配置"] == (82, 4, 5)


def test_summary_shows_the_change_from_the_previous_quarter(tmp_path: Path) -> None:
    # 2019-Q4 as the test makes it: every row of 附件1 published one item more.
    earlier_rows = [dataclasses.replace(r, item_count=r.item_count + 1) for r in notice.ANNEX1_ROWS]
    earlier = contract_marts(
        dataclasses.replace(SAMPLE_2020Q1, quarter="2019-Q4", annex1=earlier_rows,
                            annex1_declared=248 + 43)
    )  # fmt: skip
    warehouse = write_contract_marts(
        tmp_path / "w.duckdb", earlier, contract_marts(SAMPLE_2020Q1, previous=earlier)
    )
    (export,) = export_quarter(
        warehouse, tmp_path / "exports", Quarter(2020, 1), TEMPLATES_DIR, ISSUE_DATE
    )

    values = _summary_values(export.files.review)
    assert values["项目"] == ("本季度", "上季度", "变化")
    assert values["更新各类政府信息"] == (262, 305, -43)
    assert values["按单位类别"] == ("公开数量", "单位数", "栏目数", "上季度", "变化")
    assert values["政府部门"] == (248, 27, 42, 290, -42)
    assert values["乡镇"] == (9, 6, 6, 9, 0)
    assert "无上季度数据，不计算变化。" not in values


def test_comparison_sets_the_rule_beside_the_reviewer_for_every_unit(review_path: Path) -> None:
    rows = list(load_workbook(review_path)["规则与核查意见"].iter_rows(values_only=True))

    assert rows[1][6:] == ("规则分档", "核查分档", "核查理由", "比对")
    units = {row[0]: row for row in rows[2:]}
    assert len(units) == 35
    assert units["文旅局"][6:8] == ("更新情况较好", "更新不及时")
    assert units["文旅局"][9] == "规则与核查意见不一致"
    assert units["农办"][7:] == (None, None, "无核查意见，未列入通报名单")
    verdicts = [row[9] for row in units.values()]
    assert (verdicts.count("一致"), verdicts.count("规则与核查意见不一致")) == (17, 17)


def test_review_sheets_print_readably(review_path: Path) -> None:
    workbook = load_workbook(review_path)
    expected = {  # sheet: (orientation, repeated rows, frozen at, filtered range)
        "分档名单": ("landscape", "$1:$3", "A4", "A3:H38"),
        "汇总": ("portrait", "$1:$2", "A3", None),
        "规则与核查意见": ("landscape", "$1:$2", "A3", "A2:J37"),
    }
    for name, (orientation, repeated, frozen, filtered) in expected.items():
        sheet = workbook[name]
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, orientation)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == repeated
        assert sheet.freeze_panes == frozen
        assert sheet.auto_filter.ref == filtered
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
        widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"[: sheet.max_column]]
        page = page_width_units(orientation, sheet.max_column)
        assert page * (PAGE_FILL - 0.01) <= sum(widths) <= page
        sizes = {cell.font.sz for row in sheet.iter_rows(min_row=2) for cell in row if cell.value}
        assert min(sizes) >= 9


def test_another_sheet_can_be_added_in_the_same_style(tmp_path: Path) -> None:
    (county,) = read_notices(sample_warehouse(tmp_path / "w.duckdb"), Quarter(2020, 1))
    workbook, rows = review_workbook(county)
    writer = SheetWriter(workbook.create_sheet("栏目时效"), Styles(BODY_SIZE), width=2)
    header = writer.table_row(["栏目", "最近更新"], header=True)
    writer.table_row(["人事任免", "2020-03-01"])
    writer.finish(title_row=header, header_row=header, filter_header=True)
    workbook.save(tmp_path / "review.xlsx")

    reread = load_workbook(tmp_path / "review.xlsx")
    assert reread.sheetnames[-1] == "栏目时效"
    assert reread["栏目时效"].print_title_rows == "$1:$1"
    assert rows == {"分档名单": 35, "汇总": 16, "规则与核查意见": 35}
