"""The 栏目时效 sheet and the draft's overdue hint, from plain records, read back with openpyxl."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from orchestration.export.timeliness_sheet import (
    SHEET_TITLE,
    ColumnTimeliness,
    add_timeliness_sheet,
    agreement_figure,
    overdue_hint,
)
from orchestration.export.xlsx import Workbook
from orchestration.quarters import Quarter

CHECK_DATE = date(2020, 3, 31)
QUARTER = Quarter(2020, 1)


def _record(
    unit: str, order: int, column: str, days: int | None, status: str, limit: int = 184
) -> ColumnTimeliness:
    return ColumnTimeliness(
        unit_id=f"u-{unit}",
        unit_name=unit,
        display_order=order,
        column_name=column,
        address=f"http://{unit}/{column}",
        last_update=None if days is None else CHECK_DATE - timedelta(days=days),
        check_date=CHECK_DATE,
        days_since_update=days,
        limit_days=limit,
        warn_days=limit - 30,
        rule_description="通知公告、政策文件类栏目超过6个月（183天）未更新即超期",
        status=status,
    )


RECORDS = [
    _record("政府办", 1, "通知公告", 10, "正常"),
    _record("政府办", 1, "政府文件", 200, "已超期"),
    _record("财政局", 2, "财政预决算", None, "空栏目"),
    _record("人社局", 3, "人事任免", 170, "即将超期"),
    _record("人社局", 3, "招聘公告", 400, "已超期"),
    _record("人社局", 3, "政策文件", 190, "已超期"),
    _record("人社局", 3, "工作动态", 30, "已超期", limit=15),
    _record("人社局", 3, "通知公告", 300, "已超期"),
]


def _sheet(tmp_path: Path, records: list[ColumnTimeliness]):  # type: ignore[no-untyped-def]
    workbook = Workbook()
    listed = add_timeliness_sheet(workbook, "崇信县", QUARTER, records)
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    return listed, load_workbook(path)[SHEET_TITLE]


def test_the_sheet_lists_overdue_first_most_days_first(tmp_path: Path) -> None:
    listed, sheet = _sheet(tmp_path, RECORDS)
    assert listed == 7  # 正常 is not listed
    assert sheet["A1"].value == "崇信县第一季度政府信息公开栏目时效情况"
    assert "核查日期：2020-03-31。共核查栏目 8 个，其中已超期 5 个，即将超期 1 个，空栏目 1 个" in (
        sheet["A2"].value
    )
    header = [c.value for c in sheet[3]]
    assert header[:8] == [
        "序号", "单位", "栏目", "栏目地址", "状态", "最后更新日期", "未更新天数", "时限（天）"
    ]  # fmt: skip
    body = [[c.value for c in row][1:8] for row in sheet.iter_rows(min_row=4)]
    assert [(r[0], r[1], r[3], r[5], r[6]) for r in body] == [
        ("人社局", "招聘公告", "已超期", 400, 184),
        ("人社局", "通知公告", "已超期", 300, 184),
        ("政府办", "政府文件", "已超期", 200, 184),
        ("人社局", "政策文件", "已超期", 190, 184),
        ("人社局", "工作动态", "已超期", 30, 15),
        ("人社局", "人事任免", "即将超期", 170, 184),
        ("财政局", "财政预决算", "空栏目", None, 184),
    ]
    assert body[0][4].date() == CHECK_DATE - timedelta(days=400)
    assert body[-1][4] is None


def test_the_sheet_prints_readably(tmp_path: Path) -> None:
    _, sheet = _sheet(tmp_path, RECORDS)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "C4"
    assert sheet.auto_filter.ref == "A3:I10"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    sizes = {c.font.sz for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None}
    assert min(sizes) >= 9


def test_without_a_check_record_the_sheet_says_so(tmp_path: Path) -> None:
    listed, sheet = _sheet(tmp_path, [])
    assert listed == 0
    assert sheet["A2"].value.startswith("本季度没有核查记录")


def test_the_overdue_hint_cites_the_units_overdue_columns() -> None:
    assert (
        overdue_hint(RECORDS, "u-政府办")
        == "已超期栏目 1 个：政府文件（200 天未更新，时限 184 天）。"
    )
    assert overdue_hint(RECORDS, "u-人社局") == (
        "已超期栏目 4 个：招聘公告（400 天未更新，时限 184 天）、"
        "通知公告（300 天未更新，时限 184 天）、政策文件（190 天未更新，时限 184 天）等。"
    )
    assert overdue_hint(RECORDS, "u-财政局") is None


def test_the_agreement_figure_for_the_summary_sheet() -> None:
    assert agreement_figure(34, 17) == ("规则分档与核查意见一致的单位", "17 / 34")
