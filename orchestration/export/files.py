"""Export a quarter: read the marts once, then write every county's workbook and draft.

All files of the quarter are rendered to temporary files first and only then moved into place,
so a failure anywhere (a bad value, a full disk, a killed run) leaves the previous export whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.export.atomic import replacing
from orchestration.export.records import CountyQuarterNotice, read_notices
from orchestration.export.wording import draft_file_name, workbook_file_name
from orchestration.parallel import map_in_processes


@dataclass(frozen=True)
class CountyExport:
    notice: CountyQuarterNotice
    workbook_path: Path
    draft_path: Path
    sheet_rows: dict[str, int]
    review_notes: int


# Rendering one county's two files takes ~90 ms; a worker process (~1 s to start and import
# openpyxl and python-docx) pays off from a few dozen counties.
MIN_COUNTIES_PER_WORKER = 25


class ExportError(RuntimeError):
    """A county's files could not be rendered (the message names the county)."""


@dataclass(frozen=True)
class _Rendering:
    notice: CountyQuarterNotice
    workbook: Path
    draft: Path


def export_notices(notices: list[CountyQuarterNotice], exports_dir: Path) -> list[CountyExport]:
    """Write each notice's workbook and draft into exports_dir/<quarter>/, all or none.

    Counties are rendered in worker processes when there are many (orchestration/parallel.py),
    each into its own temporary files; only when every county succeeded are they moved into place.
    """
    targets = [
        (
            exports_dir / notice.quarter.key / workbook_file_name(notice.county, notice.quarter),
            exports_dir / notice.quarter.key / draft_file_name(notice.county, notice.quarter),
        )
        for notice in notices
    ]
    with replacing([path for pair in targets for path in pair]) as temporaries:
        renderings = [
            _Rendering(notice, workbook_temporary, draft_temporary)
            for notice, workbook_temporary, draft_temporary in zip(
                notices, temporaries[0::2], temporaries[1::2], strict=True
            )
        ]
        rendered = map_in_processes(_render, renderings, MIN_COUNTIES_PER_WORKER)
    return [
        CountyExport(notice, workbook_path, draft_path, sheet_rows, review_notes)
        for notice, (workbook_path, draft_path), (sheet_rows, review_notes) in zip(
            notices, targets, rendered, strict=True
        )
    ]


def _render(rendering: _Rendering) -> tuple[dict[str, int], int]:
    from orchestration.export.draft import write_draft
    from orchestration.export.workbook import write_workbook

    notice = rendering.notice
    try:
        return write_workbook(notice, rendering.workbook), write_draft(notice, rendering.draft)
    except Exception as error:
        # Raised in a worker, the error crosses back to the run by pickling: a plain message
        # naming the county survives that; a traceback would not.
        raise ExportError(
            f"{notice.county}{notice.quarter.key}的通报文件生成失败：{error}"
            f" / Writing the notice files of {notice.county} {notice.quarter.key} failed:"
            f" {error!r}"
        ) from error


def export_quarter(warehouse_path: Path, exports_dir: Path, quarter_key: str) -> list[CountyExport]:
    """Write the workbook and the draft of every county that has the quarter in the marts."""
    return export_notices(read_notices(warehouse_path, quarter_key), exports_dir)
