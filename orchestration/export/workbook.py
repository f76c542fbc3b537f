"""The annex workbook a clerk opens, checks and prints: 附件1, 附件2, 分档名单, 汇总.

openpyxl is imported inside the functions: the code location must load without it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration.export.records import CategoryTotal, CountyQuarterNotice, UnitTier
from orchestration.export.wording import (
    TIERS,
    TOTAL_LABEL,
    annex_headers,
    annex_label,
    annex_title,
)

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

TABLE_FONT = "宋体"
# Excel would read these leading characters as the start of a formula (or, for tab and CR, as
# a way to smuggle one past a CSV-minded check); text from a clerk's file must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 48
FLAG_DISAGREE = "规则与核查意见不一致"
FLAG_NO_ASSESSMENT = "无核查意见，未列入通报名单"
NO_PREVIOUS_QUARTER = "无上季度数据，不计算变化。"
UNIT_KIND_TITLE = "按单位类别"
TOPIC_GROUP_TITLE = "按栏目类别"


def display_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class UnwritableTextError(ValueError):
    """Text holding a control character, which the .xlsx format cannot store."""


def set_value(cell: Cell, value: Any) -> None:
    """Write a value; text that Excel could take for a formula is stored as text."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        cell.value = value
    except IllegalCharacterError as error:
        raise UnwritableTextError(
            f"“{value!r}”含有Excel无法保存的控制字符，请在原表格中删除后重新导入。"
            f" / {value!r} contains a control character Excel cannot store:"
            " remove it in the source spreadsheet and ingest again."
        ) from error
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True


class _Styles:
    """Style objects built once per workbook (openpyxl shares equal styles anyway)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=TABLE_FONT, size=16, bold=True, charset=134)
        self.label = Font(name=TABLE_FONT, size=12, bold=True, charset=134)
        self.header = Font(name=TABLE_FONT, size=11, bold=True, charset=134)
        self.body = Font(name=TABLE_FONT, size=11, charset=134)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.flagged = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")


class _SheetWriter:
    """Writes rows top-down and remembers how wide each column must be."""

    def __init__(self, sheet: Worksheet, styles: _Styles, width: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.width = width
        self.row = 0
        self.widths = [6] * width

    def title(self, text: str, *, font: Any = None, centered: bool = True) -> int:
        self.row += 1
        cell = self.sheet.cell(row=self.row, column=1)
        set_value(cell, text)
        cell.font = font or self.styles.title
        cell.alignment = self.styles.center if centered else self.styles.left
        self.sheet.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=self.width
        )
        self.sheet.row_dimensions[self.row].height = 30 if font is None else 20
        return self.row

    def blank(self) -> None:
        self.row += 1

    def table_row(
        self,
        values: Sequence[Any],
        *,
        header: bool = False,
        centered_columns: Sequence[int] = (),
        flagged: bool = False,
    ) -> int:
        self.row += 1
        for index, value in enumerate(values):
            cell = self.sheet.cell(row=self.row, column=index + 1)
            set_value(cell, value)
            cell.border = self.styles.border
            cell.font = self.styles.header if header else self.styles.body
            centered = header or index in centered_columns
            cell.alignment = self.styles.center if centered else self.styles.left
            if flagged:
                cell.fill = self.styles.flagged
            if value is not None:
                text_width = display_width(str(value)) + 2
                self.widths[index] = max(self.widths[index], min(text_width, MAX_COLUMN_WIDTH))
        return self.row

    def finish(self, *, header_row: int, title_rows: str) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(self.widths):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = width
        self.sheet.freeze_panes = self.sheet.cell(row=header_row + 1, column=1)
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages tall as needed
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_options.horizontalCentered = True
        self.sheet.print_title_rows = title_rows


def _write_annex(sheet: Worksheet, styles: _Styles, notice: CountyQuarterNotice, annex: int) -> int:
    writer = _SheetWriter(sheet, styles, width=5)
    writer.title(annex_label(annex), font=styles.label, centered=False)
    title_row = writer.title(annex_title(notice.county, notice.quarter, annex))
    header_row = writer.table_row(annex_headers(notice.quarter), header=True)
    lines = notice.annex(annex)
    for line in lines:
        writer.table_row(
            [line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note],
            centered_columns=(0, 2),
        )
    total_row = writer.table_row(
        [TOTAL_LABEL, None, notice.declared_total(annex), None, None], centered_columns=(0, 2)
    )
    sheet.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=2)
    writer.finish(header_row=header_row, title_rows=f"{title_row}:{header_row}")
    return len(lines)


def _unit_flag(unit: UnitTier) -> str | None:
    if not unit.has_reviewer_assessment:
        return FLAG_NO_ASSESSMENT
    return FLAG_DISAGREE if unit.tiers_disagree else None


def _write_tiers(sheet: Worksheet, styles: _Styles, notice: CountyQuarterNotice) -> int:
    writer = _SheetWriter(sheet, styles, width=9)
    title_row = writer.title(
        f"{notice.county}信息公开{notice.quarter.chinese_ordinal}更新情况分档名单"
    )
    writer.table_row(
        ["分档", "单位数", "按核查意见", "仅按规则（待审核）", FLAG_DISAGREE], header=True
    )
    for rank, tier in TIERS.items():
        units = [u for u in notice.units if u.tier_rank == rank]
        writer.table_row(
            [
                f"{rank}.{tier}",
                len(units),
                sum(u.has_reviewer_assessment for u in units),
                sum(not u.has_reviewer_assessment for u in units),
                sum(u.tiers_disagree for u in units),
            ],
            centered_columns=(1, 2, 3, 4),
        )
    writer.table_row(
        [
            TOTAL_LABEL,
            len(notice.units),
            sum(u.has_reviewer_assessment for u in notice.units),
            sum(not u.has_reviewer_assessment for u in notice.units),
            sum(u.tiers_disagree for u in notice.units),
        ],
        centered_columns=(1, 2, 3, 4),
    )
    writer.blank()
    header_row = writer.table_row(
        ["分档", "名单序号", "单位", "单位类别", f"{notice.quarter.chinese}公开数量",
         "分档依据", "规则分档", "核查分档", "审核提示"],
        header=True,
    )  # fmt: skip
    for unit in notice.units:
        flag = _unit_flag(unit)
        writer.table_row(
            [
                unit.tier,
                unit.tier_position,
                unit.unit_short_name,
                unit.unit_kind,
                unit.items_published,
                "核查意见" if unit.tier_source == "reviewer" else "规则",
                unit.rule_tier,
                unit.reviewer_tier,
                flag,
            ],
            centered_columns=(1, 4),
            flagged=flag is not None,
        )
    writer.finish(header_row=header_row, title_rows=f"{title_row}:{title_row}")
    return len(notice.units)


def _category_rows(
    writer: _SheetWriter, title: str, categories: Sequence[CategoryTotal], with_previous: bool
) -> None:
    headers = [title, "公开数量", "单位数", "栏目数"]
    writer.table_row([*headers, "上季度", "变化"] if with_previous else headers, header=True)
    for category in categories:
        values: list[Any] = [
            category.category,
            category.items_published,
            category.units,
            category.columns,
        ]
        if with_previous:
            values += [category.items_previous_quarter, category.items_change]
        writer.table_row(values, centered_columns=(1, 2, 3, 4, 5))


def _write_summary(sheet: Worksheet, styles: _Styles, notice: CountyQuarterNotice) -> int:
    summary = notice.summary
    with_previous = notice.has_previous_quarter
    writer = _SheetWriter(sheet, styles, width=6 if with_previous else 4)
    title_row = writer.title(f"{notice.county}信息公开{notice.quarter.chinese_ordinal}更新情况汇总")
    header_row = writer.table_row(
        ["项目", "本季度", "上季度", "变化"] if with_previous else ["项目", "本季度"], header=True
    )
    figures: list[tuple[str, int | None]] = [
        ("政府部门更新信息（附件1）", summary.department_items),
        ("乡镇、工业集中区、城市社区更新信息（附件2）", summary.township_items),
        ("附件1合计（表中填报）", summary.annex1_declared_total),
        ("附件2合计（表中填报）", summary.annex2_declared_total),
        ("未归属单位的信息", summary.unattributed_items),
        ("核查单位数", summary.units_checked),
        (TIERS[1], summary.units_good),
        (TIERS[2], summary.units_partial),
        (TIERS[3], summary.units_late),
        (FLAG_DISAGREE, summary.units_tiers_disagree),
        ("无核查意见的单位", summary.units_without_assessment),
    ]
    total: list[Any] = ["更新各类政府信息", summary.total_items]
    if with_previous:
        total += [summary.previous_total_items, summary.total_change]
    writer.table_row(total, centered_columns=(1, 2, 3))
    for label, value in figures:
        writer.table_row(
            [label, value, None, None] if with_previous else [label, value],
            centered_columns=(1, 2, 3),
        )
    if not with_previous:
        writer.title(NO_PREVIOUS_QUARTER, font=styles.body, centered=False)
    for title, category_type in (
        (UNIT_KIND_TITLE, "unit_kind"),
        (TOPIC_GROUP_TITLE, "topic_group"),
    ):
        writer.blank()
        _category_rows(writer, title, notice.categories_of(category_type), with_previous)
    writer.finish(header_row=header_row, title_rows=f"{title_row}:{header_row}")
    return len(notice.categories)


def write_workbook(notice: CountyQuarterNotice, path: Path) -> dict[str, int]:
    """Write the county's workbook to path; return the data rows per sheet."""
    from openpyxl import Workbook

    styles = _Styles()
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = {
        annex_label(1): _write_annex(workbook.create_sheet(annex_label(1)), styles, notice, 1),
        annex_label(2): _write_annex(workbook.create_sheet(annex_label(2)), styles, notice, 2),
        "分档名单": _write_tiers(workbook.create_sheet("分档名单"), styles, notice),
        "汇总": _write_summary(workbook.create_sheet("汇总"), styles, notice),
    }
    workbook.save(path)
    return rows
