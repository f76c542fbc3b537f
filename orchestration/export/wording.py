"""Words every county's export shares: headers, the published lists, reviewer's notes, file names.

A county's own words (salutation, offices, the frame of the notice) are in its template
(orchestration/export/template.py); titles, count headers and group wordings come from the marts.
"""

from __future__ import annotations

import re

from orchestration.export.records import AnnexTable, CountyQuarterNotice, Tier, UnitTier
from orchestration.export.timeliness_sheet import overdue_hint
from orchestration.quarters import Quarter

TOTAL_LABEL = "合计"
REVIEW_NOTE_LABEL = "审核提示"
UNLISTED = "未列入通报名单"
REVIEW_WORKBOOK = "核查底稿"
_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def annex_headers(annex: AnnexTable) -> tuple[str, ...]:
    return ("序号", "栏目", annex.count_header, "责任单位", "备注")


def published_lists(notice: CountyQuarterNotice) -> list[tuple[Tier, list[UnitTier]]]:
    """Each numbered list of the notice with the units it names, in the list's order.

    Which units a list names is decided in dbt (`listed_in_notice`: the units the reviewer
    placed); the others are listed apart (`unlisted_units`).
    """
    return [
        (
            tier,
            [
                unit
                for unit in notice.units
                if unit.tier_rank == tier.tier_rank and unit.listed_in_notice
            ],
        )
        for tier in notice.tiers
    ]


def unlisted_units(notice: CountyQuarterNotice) -> list[UnitTier]:
    """Units the notice's lists do not name (no reviewer's assessment), in display order."""
    return sorted(
        (unit for unit in notice.units if not unit.listed_in_notice),
        key=lambda unit: unit.display_order,
    )


def _rule_tier_phrase(unit: UnitTier) -> str:
    return f"按规则为“{unit.rule_tier}”" if unit.rule_tier else "按规则未能分档"


def review_items(notice: CountyQuarterNotice) -> list[str]:
    """What a reviewer must settle before the draft becomes the notice, and nothing else.

    One line on how far the rule and the reviewer agree (the details are in the review
    workbook), then one line per real gap: the units in no list (named together), an annex
    whose 合计 is not the sum of its rows.
    """
    summary = notice.summary
    agreement = (
        f"规则与核查意见一致{summary.units_rule_agrees_with_reviewer} / "
        f"{summary.units_assessed}个已核查单位"
    )
    if summary.units_tiers_disagree:
        agreement += f"，不一致的{summary.units_tiers_disagree}个已按核查意见列入名单"
    items = [f"{agreement}，详见{REVIEW_WORKBOOK}。"]
    unlisted = unlisted_units(notice)
    if len(unlisted) == 1:
        (unit,) = unlisted
        items.append(
            f"{unit.unit_short_name}没有核查意见，未列入以上任何名单（{_rule_tier_phrase(unit)}），"
            "请确定列入哪一项。"
        )
    elif unlisted:
        named = "、".join(f"{u.unit_short_name}（{_rule_tier_phrase(u)}）" for u in unlisted)
        items.append(
            f"以下{len(unlisted)}个单位没有核查意见，未列入以上任何名单，请确定各列入哪一项：{named}。"
        )
    items += [
        f"{annex.label}表中填报合计{annex.declared_total}条，各行相加为{annex.items_published}条，"
        "请核对。"
        for annex in notice.annexes
        if annex.declared_total != annex.items_published
    ]
    # from the check record: a unit's overdue columns, one line each (the rest is in 栏目时效)
    items += [
        f"{unit.unit_short_name}：{hint}"
        for unit in notice.units
        if (hint := overdue_hint(notice.timeliness, unit.unit_id))
    ]
    return items


def _safe(text: str) -> str:
    return _UNSAFE_IN_FILE_NAME.sub("_", text).strip() or "_"


def annex_file_name(county: str, quarter: Quarter) -> str:
    """'<县>-2020-Q1-附件.xlsx': the annex tables as published."""
    return f"{_safe(county)}-{quarter.key}-附件.xlsx"


def review_file_name(county: str, quarter: Quarter) -> str:
    """'<县>-2020-Q1-核查底稿.xlsx': the tier lists, totals and comparison behind the notice."""
    return f"{_safe(county)}-{quarter.key}-{REVIEW_WORKBOOK}.xlsx"


def draft_file_name(county: str, quarter: Quarter) -> str:
    """'<县>-2020-Q1-通报草稿.docx'."""
    return f"{_safe(county)}-{quarter.key}-通报草稿.docx"
