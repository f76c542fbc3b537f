"""Export a quarter: read the marts once, then write every county's three files.

For each county: the annex file as published (`…-附件.xlsx`), the review workbook behind the
notice (`…-核查底稿.xlsx`) and the draft of the notice (`…-通报草稿.docx`). All files of the
quarter are rendered to temporary files first and only then moved into place, so a failure
anywhere (a bad value, a full disk, a killed run) leaves the previous export whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.export.atomic import replacing
from orchestration.export.records import CountyQuarterNotice, read_notices
from orchestration.export.wording import annex_file_name, draft_file_name, review_file_name
from orchestration.parallel import map_in_processes
from orchestration.quarters import Quarter


@dataclass(frozen=True)
class CountyFiles:
    """Where one county's files go (or, while rendering, their temporary stand-ins)."""

    annexes: Path
    review: Path
    draft: Path


@dataclass(frozen=True)
class CountyExport:
    notice: CountyQuarterNotice
    files: CountyFiles
    sheet_rows: dict[str, int]  # data rows per sheet, over both workbooks
    review_notes: int


# Rendering one county's files takes ~35 ms; a worker process (~1 s to start, import python-docx
# and set the draft's document up) pays off from a few dozen counties.
MIN_COUNTIES_PER_WORKER = 25


class ExportError(RuntimeError):
    """A county's files could not be rendered (the message names the county)."""


@dataclass(frozen=True)
class _Rendering:
    notice: CountyQuarterNotice
    files: CountyFiles
    templates_dir: Path
    issue_date: date


def county_files(notice: CountyQuarterNotice, exports_dir: Path) -> CountyFiles:
    folder = exports_dir / notice.quarter.key
    return CountyFiles(
        annexes=folder / annex_file_name(notice.county, notice.quarter),
        review=folder / review_file_name(notice.county, notice.quarter),
        draft=folder / draft_file_name(notice.county, notice.quarter),
    )


def export_notices(
    notices: list[CountyQuarterNotice], exports_dir: Path, templates_dir: Path, issue_date: date
) -> list[CountyExport]:
    """Write each notice's files into exports_dir/<quarter>/, all or none.

    Counties are rendered in worker processes when there are many (orchestration/parallel.py),
    each into its own temporary files; only when every county succeeded are they moved into place.
    """
    targets = [county_files(notice, exports_dir) for notice in notices]
    paths = [path for files in targets for path in (files.annexes, files.review, files.draft)]
    with replacing(paths) as temporaries:
        renderings = [
            _Rendering(notice, CountyFiles(*temporaries[3 * i : 3 * i + 3]), templates_dir,
                       issue_date)
            for i, notice in enumerate(notices)
        ]  # fmt: skip
        rendered = map_in_processes(_render, renderings, MIN_COUNTIES_PER_WORKER)
    return [
        CountyExport(notice, files, sheet_rows, review_notes)
        for notice, files, (sheet_rows, review_notes) in zip(
            notices, targets, rendered, strict=True
        )
    ]


def _render(rendering: _Rendering) -> tuple[dict[str, int], int]:
    from orchestration.export.annex_workbook import write_annex_workbook
    from orchestration.export.draft import write_draft
    from orchestration.export.review_workbook import review_workbook

    notice, files = rendering.notice, rendering.files
    try:
        rows = write_annex_workbook(notice, files.annexes)
        workbook, review_rows = review_workbook(notice)
        workbook.save(files.review)
        notes = write_draft(notice, files.draft, rendering.templates_dir, rendering.issue_date)
    except Exception as error:
        # Raised in a worker, the error crosses back to the run by pickling: a plain message
        # naming the county survives that; a traceback would not.
        raise ExportError(
            f"{notice.county}{notice.quarter.key}的通报文件生成失败：{error}"
            f" / Writing the notice files of {notice.county} {notice.quarter.key} failed:"
            f" {error!r}"
        ) from error
    return rows | review_rows, notes


def export_quarter(
    warehouse_path: Path,
    exports_dir: Path,
    quarter: Quarter,
    templates_dir: Path,
    issue_date: date,
) -> list[CountyExport]:
    """Write the files of every county that has the quarter in the marts."""
    return export_notices(
        read_notices(warehouse_path, quarter), exports_dir, templates_dir, issue_date
    )
