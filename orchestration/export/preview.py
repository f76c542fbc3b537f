"""Markdown previews of an export for the asset's metadata in the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from orchestration.export.files import CountyExport
from orchestration.export.records import AnnexTable, CountyQuarterNotice
from orchestration.export.review_workbook import tier_counts
from orchestration.export.wording import (
    REVIEW_NOTE_LABEL,
    TOTAL_LABEL,
    annex_headers,
    review_items,
)


def _cell(value: Any) -> str:
    # A '|' or a line break inside a clerk's text would break the markdown table.
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def annex_preview(notice: CountyQuarterNotice, annex: AnnexTable) -> str:
    rows: list[Sequence[Any]] = [
        (line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note)
        for line in notice.annex(annex.number)
    ]
    rows.append((TOTAL_LABEL, "", annex.declared_total, "", ""))
    return f"**{annex.label} {annex.title}**\n\n" + markdown_table(annex_headers(annex), rows)


def tiers_preview(notice: CountyQuarterNotice) -> str:
    figures = "，".join(
        f"{annex.kinds_wording}（{annex.label}）{annex.items_published}条"
        for annex in notice.annexes
    )
    lines = [f"共{notice.summary.total_items}条：{figures}。", "", f"{tier_counts(notice)}。", ""]
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
        f"- 附件 / annexes: `{export.files.annexes}`",
        f"- 核查底稿 / review: `{export.files.review}`",
        f"- 草稿 / draft: `{export.files.draft}`",
        "",
        tiers_preview(notice),
        summary_preview(notice),
    ]
    for annex in notice.annexes:
        parts += ["", annex_preview(notice, annex)]
    return "\n".join(parts)
