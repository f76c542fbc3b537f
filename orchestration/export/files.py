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


@dataclass(frozen=True)
class CountyExport:
    notice: CountyQuarterNotice
    workbook_path: Path
    draft_path: Path
    sheet_rows: dict[str, int]
    review_notes: int


def export_notices(notices: list[CountyQuarterNotice], exports_dir: Path) -> list[CountyExport]:
    """Write each notice's workbook and draft into exports_dir/<quarter>/, all or none."""
    from orchestration.export.draft import write_draft
    from orchestration.export.workbook import write_workbook

    targets = [
        (
            exports_dir / notice.quarter.key / workbook_file_name(notice.county, notice.quarter),
            exports_dir / notice.quarter.key / draft_file_name(notice.county, notice.quarter),
        )
        for notice in notices
    ]
    with replacing([path for pair in targets for path in pair]) as temporaries:
        return [
            CountyExport(
                notice=notice,
                workbook_path=workbook_path,
                draft_path=draft_path,
                sheet_rows=write_workbook(notice, workbook_temporary),
                review_notes=write_draft(notice, draft_temporary),
            )
            for notice, (workbook_path, draft_path), workbook_temporary, draft_temporary in zip(
                notices, targets, temporaries[0::2], temporaries[1::2], strict=True
            )
        ]


def export_quarter(warehouse_path: Path, exports_dir: Path, quarter_key: str) -> list[CountyExport]:
    """Write the workbook and the draft of every county that has the quarter in the marts."""
    return export_notices(read_notices(warehouse_path, quarter_key), exports_dir)
