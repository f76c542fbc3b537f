"""Markdown previews of an export for the asset's metadata in the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from orchestration.export.files import CountyExport
from orchestration.export.records import CountyQuarterNotice
from orchestration.export.wording import (
    REVIEW_NOTE_LABEL,
    TOTAL_LABEL,
    annex_headers,
    annex_title,
    published_lists,
    review_items,
    tier_list_sentence,
    totals_sentence,
)


def _cell(value: Any) -> str:
    # A '|' or a line break inside a clerk's text would break the markdown table.
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def annex_preview(notice: CountyQuarterNotice, annex: int) -> str:
    rows: list[Sequence[Any]] = [
        (line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note)
        for line in notice.annex(annex)
    ]
    rows.append((TOTAL_LABEL, "", notice.declared_total(annex), "", ""))
    title = annex_title(notice.county, notice.quarter, annex)
    return f"**{title}**\n\n" + markdown_table(annex_headers(notice.quarter), rows)


def tiers_preview(notice: CountyQuarterNotice) -> str:
    lines = [totals_sentence(notice.summary), ""]
    lines += [
        f"{tier_list_sentence(rank, units)}\n"
        for rank, units in published_lists(notice.units).items()
    ]
    lines += [f"> **{REVIEW_NOTE_LABEL}** {note}\n" for note in review_items(notice)]
    return "\n".join(lines)


def summary_preview(notice: CountyQuarterNotice) -> str:
    rows = [
        (category.category, category.items_published, category.units, category.items_change)
        for category_type in ("unit_kind", "topic_group")
        for category in notice.categories_of(category_type)
    ]
    return markdown_table(("类别", "公开数量", "单位数", "较上季度"), rows)


def export_preview(export: CountyExport) -> str:
    notice = export.notice
    parts = [
        f"### {notice.county} {notice.quarter.key}",
        f"- 工作簿 / workbook: `{export.workbook_path}`",
        f"- 草稿 / draft: `{export.draft_path}`",
        "",
        tiers_preview(notice),
        summary_preview(notice),
        "",
        annex_preview(notice, 1),
        "",
        annex_preview(notice, 2),
    ]
    return "\n".join(parts)
