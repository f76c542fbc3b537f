"""The review workbook (核查底稿): what the notice is based on, for the office, never published.

分档名单 (the published lists, then the units listed apart, with a flag where the rule and the
reviewer differ), 汇总 (the quarter's figures) and 规则与核查意见 (the rule's tier beside the
reviewer's, unit by unit). Another sheet is added by
building the workbook with `review_workbook`, writing the sheet with a `SheetWriter` in the same
`Styles`, and saving it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestration.export.records import CategoryTotal, CountyQuarterNotice, UnitTier
from orchestration.export.sheets import SheetWriter, Styles
from orchestration.export.timeliness_sheet import SHEET_TITLE as TIMELINESS_SHEET
from orchestration.export.timeliness_sheet import add_timeliness_sheet, agreement_figure
from orchestration.export.wording import UNLISTED, published_lists, unlisted_units
from orchestration.export.xlsx import Sheet, Workbook

BODY_SIZE = 10
TIERS_SHEET = "分档名单"
SUMMARY_SHEET = "汇总"
COMPARISON_SHEET = "规则与核查意见"
FLAG_DISAGREE = "规则与核查意见不一致"
FLAG_NO_ASSESSMENT = "无核查意见，未列入通报名单"
NO_PREVIOUS_QUARTER = "无上季度数据，不计算变化。"
UNIT_KIND_TITLE = "按单位类别"
TOPIC_GROUP_TITLE = "按栏目类别"
RULE_SOURCE = {"reviewer": "核查意见", "rule": "规则"}


def _unit_flag(unit: UnitTier) -> str | None:
    if not unit.listed_in_notice:
        return FLAG_NO_ASSESSMENT
    return FLAG_DISAGREE if unit.tiers_disagree else None


def tier_counts(notice: CountyQuarterNotice) -> str:
    """'更新情况较好15个，…，更新不及时9个；未列入通报名单1个'."""
    counts = "，".join(f"{tier.tier}{len(units)}个" for tier, units in published_lists(notice))
    return f"{counts}；{UNLISTED}{len(unlisted_units(notice))}个"


def _write_tiers(sheet: Sheet, styles: Styles, notice: CountyQuarterNotice) -> int:
    writer = SheetWriter(sheet, styles, width=8)
    title_row = writer.title(
        f"{notice.county}信息公开{notice.quarter.chinese_ordinal}更新情况分档名单"
    )
    writer.title(tier_counts(notice), font=styles.header)
    header_row = writer.table_row(
        ["分档", "名单序号", "单位", "单位类别", f"{notice.quarter.chinese}公开数量",
         "应更新栏目", "其中未更新", "审核提示"],
        header=True,
    )  # fmt: skip
    listed = [
        (f"{tier.tier_rank}.{tier.tier}", position, unit)
        for tier, units in published_lists(notice)
        for position, unit in enumerate(units, start=1)
    ]
    unlisted: list[tuple[str, int | None, UnitTier]] = [
        (UNLISTED, None, unit) for unit in unlisted_units(notice)
    ]
    for tier_text, position, unit in [*listed, *unlisted]:
        flag = _unit_flag(unit)
        writer.table_row(
            [tier_text, position, unit.unit_short_name, unit.unit_kind, unit.items_published,
             unit.columns_due, unit.due_columns_without_update, flag],
            centered_columns=(1, 4, 5, 6),
            flagged=flag is not None,
        )  # fmt: skip
    writer.finish(title_row=title_row, header_row=header_row, landscape=True, filter_header=True)
    return len(notice.units)


def _category_rows(
    writer: SheetWriter, title: str, categories: Sequence[CategoryTotal], with_previous: bool
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


def _write_summary(sheet: Sheet, styles: Styles, notice: CountyQuarterNotice) -> int:
    summary = notice.summary
    with_previous = notice.has_previous_quarter
    writer = SheetWriter(sheet, styles, width=6 if with_previous else 4)
    title_row = writer.title(f"{notice.county}信息公开{notice.quarter.chinese_ordinal}更新情况汇总")
    header_row = writer.table_row(
        ["项目", "本季度", "上季度", "变化"] if with_previous else ["项目", "本季度"], header=True
    )
    figures: list[tuple[str, int | str | None]] = []
    for annex in notice.annexes:
        figures.append((f"{annex.kinds_wording}更新信息（{annex.label}）", annex.items_published))
    for annex in notice.annexes:
        figures.append((f"{annex.label}合计（表中填报）", annex.declared_total))
    figures += [
        ("未归属单位的信息", summary.unattributed_items),
        ("核查单位数", summary.units_checked),
    ]
    figures += [(tier.tier, len(units)) for tier, units in published_lists(notice)]
    figures += [
        (UNLISTED, len(unlisted_units(notice))),
        (FLAG_DISAGREE, summary.units_tiers_disagree),
    ]
    agreement_label, agreement = agreement_figure(
        summary.units_assessed, summary.units_rule_agrees_with_reviewer
    )
    total: list[Any] = ["更新各类政府信息", summary.total_items]
    if with_previous:
        total += [summary.previous_total_items, summary.total_change]
    writer.table_row(total, centered_columns=(1, 2, 3))
    for label, value in [*figures, (agreement_label, agreement)]:
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
    writer.finish(title_row=title_row, header_row=header_row)
    return len(notice.categories)


def _comparison(unit: UnitTier) -> str:
    if not unit.has_reviewer_assessment:
        return FLAG_NO_ASSESSMENT
    return FLAG_DISAGREE if unit.tiers_disagree else "一致"


def _write_comparison(sheet: Sheet, styles: Styles, notice: CountyQuarterNotice) -> int:
    writer = SheetWriter(sheet, styles, width=10)
    title_row = writer.title(
        f"{notice.county}信息公开{notice.quarter.chinese_ordinal}规则分档与核查意见比对"
    )
    header_row = writer.table_row(
        ["单位", "单位类别", f"{notice.quarter.chinese}公开数量", "负责栏目", "应更新栏目",
         "其中未更新", "规则分档", "核查分档", "核查理由", "比对"],
        header=True,
    )  # fmt: skip
    units = sorted(notice.units, key=lambda unit: unit.display_order)
    for unit in units:
        writer.table_row(
            [unit.unit_short_name, unit.unit_kind, unit.items_published,
             unit.columns_responsible, unit.columns_due, unit.due_columns_without_update,
             unit.rule_tier, unit.reviewer_tier,
             unit.reason if unit.has_reviewer_assessment else None, _comparison(unit)],
            centered_columns=(2, 3, 4, 5),
            flagged=_unit_flag(unit) is not None,
        )  # fmt: skip
    writer.finish(title_row=title_row, header_row=header_row, landscape=True, filter_header=True)
    return len(units)


def review_workbook(notice: CountyQuarterNotice) -> tuple[Workbook, dict[str, int]]:
    """The review workbook, not yet saved, and the data rows of each of its sheets."""
    styles = Styles(BODY_SIZE)
    workbook = Workbook()
    rows = {
        name: writer(workbook.create_sheet(name), styles, notice)
        for name, writer in (
            (TIERS_SHEET, _write_tiers),
            (SUMMARY_SHEET, _write_summary),
            (COMPARISON_SHEET, _write_comparison),
        )
    }
    if notice.timeliness:
        rows[TIMELINESS_SHEET] = add_timeliness_sheet(
            workbook, notice.county, notice.quarter, notice.timeliness
        )
    return workbook, rows
