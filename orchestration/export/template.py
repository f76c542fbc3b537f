"""The draft notice's text, from the county's own Jinja2 template in the reference folder.

`<reference>/templates/notice.j2` is the default frame; a county overrides it with
`<reference>/templates/<county>.notice.j2` (usually `{% extends "notice.j2" %}` and a few blocks:
the salutation, the checking office). A reference folder without templates (a county's own
GONGKAI_REFERENCE_DIR) gets the bundled default, seeds/reference/templates/notice.j2.
The template produces plain lines; a short mark at the start of a line says how the draft sets
it (see `LINE_MARKS`, documented in exports/README.md).
Jinja2 is imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration.export.records import CountyQuarterNotice
from orchestration.export.wording import published_lists, review_items, unlisted_units
from orchestration.settings import REFERENCE_DIR

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

TEMPLATES_FOLDER = "templates"
BUNDLED_TEMPLATES = REFERENCE_DIR / TEMPLATES_FOLDER
DEFAULT_TEMPLATE = "notice.j2"
COUNTY_TEMPLATE_SUFFIX = ".notice.j2"

# How a line is set in the draft, by its leading mark; a line without a mark is body text.
LINE_MARKS = {
    "## ": "heading",  # 一、… : 黑体
    "# ": "title",  # the notice's title: 小标宋, centred
    ":: ": "flush",  # no first-line indent: the salutation (主送机关)
    ">> ": "signature",  # right-aligned: issuing office, then the date
    "!! ": "review_note",  # 【审核提示】 in red on yellow, deleted before the notice is issued
    "?? ": "to_write",  # a place the drafter writes, on yellow
    "@@ ": "attachment",  # one item of the 附件 list
}
BLANK_MARK = "--"


@dataclass(frozen=True)
class DraftLine:
    kind: str  # "body", "blank" or one of LINE_MARKS' values
    text: str


class TemplateError(ValueError):
    """A county's template that cannot be rendered: the message names the file and line."""


def template_path(templates_dir: Path, county: str) -> Path:
    """The county's own template when it has one, else the default."""
    own = templates_dir / f"{county}{COUNTY_TEMPLATE_SUFFIX}"
    return own if own.is_file() else templates_dir / DEFAULT_TEMPLATE


def chinese_date(day: date) -> str:
    """'2020年4月16日', as GB/T 9704 writes the date of a document."""
    return f"{day.year}年{day.month}月{day.day}日"


def template_fields(notice: CountyQuarterNotice, issue_date: date) -> dict[str, Any]:
    """Every field a template may use (documented in exports/README.md)."""
    return {
        "county": notice.county,
        "quarter": notice.quarter,
        "units_checked": notice.summary.units_checked,
        "total_items": notice.summary.total_items,
        "annexes": list(notice.annexes),
        "tier_lists": [
            {
                "rank": tier.tier_rank,
                "label": tier.tier,
                "units": [unit.unit_short_name for unit in units],
            }
            for tier, units in published_lists(notice)
        ],
        "unlisted": [unit.unit_short_name for unit in unlisted_units(notice)],
        "review_notes": review_items(notice),
        "date": chinese_date(issue_date),
    }


@lru_cache(maxsize=8)
def _environment(templates_dir: Path) -> SandboxedEnvironment:
    """The Jinja2 environment of a templates folder; it keeps each template once compiled.

    Compiling a template took as long as writing a county's annex tables, so a process compiles
    each template once, not once per county; Jinja compiles it again when the file changes (it
    compares the file's modification time on each use), so an edited template is picked up.
    Runs export in a process of their own (the CLI's, or a run worker's), so the cache lasts a run.
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: a template is text a clerk edits, so it gets the fields and nothing else.
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([templates_dir, BUNDLED_TEMPLATES]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render_text(notice: CountyQuarterNotice, templates_dir: Path, issue_date: date) -> str:
    """The county's template rendered with the notice's fields."""
    import jinja2

    path = template_path(templates_dir, notice.county)
    environment = _environment(templates_dir)
    try:
        template = environment.get_template(path.name)
        return template.render(template_fields(notice, issue_date))
    except jinja2.TemplateNotFound as error:
        raise TemplateError(
            f"找不到通报模板“{error.name}”（在{templates_dir}中）。"
            f" / The notice template {error.name} is not in {templates_dir}."
        ) from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"通报模板“{error.filename or path}”第{error.lineno}行有语法错误：{error.message}。"
            f" / Template {error.filename or path}, line {error.lineno}: {error.message}."
        ) from error
    except jinja2.UndefinedError as error:
        raise TemplateError(
            f"通报模板“{path}”使用了不存在的字段：{error.message}。可用字段见 exports/README.md。"
            f" / Template {path} uses a field that does not exist: {error.message}."
            " The fields are listed in exports/README.md."
        ) from error


def parse_lines(text: str) -> list[DraftLine]:
    """The rendered text as marked lines; empty lines are ignored (`--` is a blank line)."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == BLANK_MARK:
            lines.append(DraftLine("blank", ""))
            continue
        for mark, kind in LINE_MARKS.items():
            if line.startswith(mark):
                lines.append(DraftLine(kind, line[len(mark) :].strip()))
                break
        else:
            lines.append(DraftLine("body", line))
    return lines


def draft_lines(
    notice: CountyQuarterNotice, templates_dir: Path, issue_date: date
) -> list[DraftLine]:
    return parse_lines(render_text(notice, templates_dir, issue_date))
