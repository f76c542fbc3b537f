"""The notice's own words: titles, headers, the totals sentence, the tier lists and reviewer notes.

Shared by the workbook and the draft so both say exactly the same thing. The sentences follow the
published 2020-Q1 notice (../shared/reference/notice-2020-Q1.txt) word for word.
"""

from __future__ import annotations

import re

from orchestration.export.records import CountyQuarterNotice, QuarterSummary, UnitTier
from orchestration.quarters import Quarter

# The three published lists, by tier_rank; the labels are the notice's own.
TIERS: dict[int, str] = {1: "更新情况较好", 2: "部分更新或信息公开不规范", 3: "更新不及时"}
ANNEX_KINDS = {1: "政府部门", 2: "乡镇"}
TOTAL_LABEL = "合计"
REVIEW_NOTE_LABEL = "审核提示"
_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def annex_label(annex: int) -> str:
    return f"附件{annex}"


def annex_title(county: str, quarter: Quarter, annex: int) -> str:
    """'崇信县政府部门信息公开第一季度更新情况统计表'."""
    return f"{county}{ANNEX_KINDS[annex]}信息公开{quarter.chinese_ordinal}更新情况统计表"


def annex_headers(quarter: Quarter) -> tuple[str, ...]:
    return ("序号", "栏目", f"{quarter.chinese}公开数量", "责任单位", "备注")


def checked_units_sentence(notice: CountyQuarterNotice) -> str:
    return (
        f"近期，县政务服务中心对{notice.summary.units_checked}个单位"
        f"{notice.quarter.chinese_ordinal}信息公开栏目更新情况进行了核查统计。"
        "现将更新情况通报如下："
    )


def totals_sentence(summary: QuarterSummary) -> str:
    return (
        f"共更新各类政府信息{summary.total_items}条，"
        f"其中政府部门更新各类信息{summary.department_items}条，"
        f"乡镇、工业集中区、城市社区更新信息{summary.township_items}条。"
    )


def published_lists(units: tuple[UnitTier, ...]) -> dict[int, list[UnitTier]]:
    """The units each numbered list names: only units the reviewer placed.

    A unit the reviewer did not assess is left out of every list (and gets a reviewer's note):
    the draft must not quietly publish a tier nobody decided.
    """
    lists: dict[int, list[UnitTier]] = {rank: [] for rank in TIERS}
    for unit in sorted(units, key=lambda u: (u.tier_rank, u.tier_position)):
        if unit.has_reviewer_assessment:
            lists[unit.tier_rank].append(unit)
    return lists


def tier_list_sentence(rank: int, units: list[UnitTier]) -> str:
    """'1.更新情况较好的单位15个，分别为县政府办、市场监督管理局、…工业集中区。'."""
    head = f"{rank}.{TIERS[rank]}的单位{len(units)}个"
    if not units:
        return f"{head}。"
    return f"{head}，分别为{'、'.join(unit.unit_short_name for unit in units)}。"


def rule_basis(unit: UnitTier) -> str:
    """Why the rule gave its tier, in the figures a reviewer can check in the annex."""
    return (
        f"本季度公开{unit.items_published}条，应更新栏目{unit.columns_due}个，"
        f"其中未更新{unit.due_columns_without_update}个"
    )


def _rule_tier_phrase(unit: UnitTier) -> str:
    return f"按规则应为“{unit.rule_tier}”" if unit.rule_tier else "按规则未能分档"


def unassessed_note(unit: UnitTier) -> str:
    return (
        f"{unit.unit_short_name}：核查意见中没有该单位，未列入以上任何名单；"
        f"{_rule_tier_phrase(unit)}（{rule_basis(unit)}）。请核查后确定列入哪一项。"
    )


def disagreement_note(reviewer_tier: str, rule_phrase: str, units: list[UnitTier]) -> str:
    named = "、".join(f"{unit.unit_short_name}（{rule_basis(unit)}）" for unit in units)
    return (
        f"以下{len(units)}个单位已按核查意见列入“{reviewer_tier}”，但{rule_phrase}，"
        f"两者不一致，请核查后确定：{named}。"
    )


def reviewer_notes(units: tuple[UnitTier, ...]) -> list[str]:
    """What a reviewer must settle: each unit without an assessment, then each disagreement.

    Disagreements are grouped by (reviewer's tier, rule's tier) so that a quarter where the
    reviewer overrules the rule for many units stays readable.
    """
    ordered = sorted(units, key=lambda u: (u.tier_rank, u.tier_position))
    notes = [unassessed_note(unit) for unit in ordered if not unit.has_reviewer_assessment]
    groups: dict[tuple[str, str], list[UnitTier]] = {}
    for unit in ordered:
        if unit.has_reviewer_assessment and unit.tiers_disagree:
            key = (unit.reviewer_tier or unit.tier, _rule_tier_phrase(unit))
            groups.setdefault(key, []).append(unit)
    notes += [disagreement_note(tier, rule, members) for (tier, rule), members in groups.items()]
    return notes


def review_items(notice: CountyQuarterNotice) -> list[str]:
    """Everything a reviewer must settle before the draft becomes the notice."""
    listed = sum(len(units) for units in published_lists(notice.units).values())
    items = []
    if listed != notice.summary.units_checked:
        items.append(f"以上名单共{listed}个单位，本季度核查{notice.summary.units_checked}个单位。")
    return items + reviewer_notes(notice.units)


def _safe(text: str) -> str:
    return _UNSAFE_IN_FILE_NAME.sub("_", text).strip() or "_"


def workbook_file_name(county: str, quarter: Quarter) -> str:
    """'崇信县-2020-Q1-信息公开更新情况通报.xlsx'."""
    return f"{_safe(county)}-{quarter.key}-信息公开更新情况通报.xlsx"


def draft_file_name(county: str, quarter: Quarter) -> str:
    """'崇信县-2020-Q1-通报草稿.docx'."""
    return f"{_safe(county)}-{quarter.key}-通报草稿.docx"
