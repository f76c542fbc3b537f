"""The annex file a county office publishes: one sheet per declared annex, nothing internal.

Each sheet is the annex as printed in the notice (label, title, header, rows, 合计), sized to fill
an A4 page's width at 11 pt, with the title and header repeated on every page and the page
number in the footer.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.export.records import AnnexTable, CountyQuarterNotice
from orchestration.export.sheets import SheetWriter, Styles
from orchestration.export.wording import TOTAL_LABEL, annex_headers
from orchestration.export.xlsx import Sheet, Workbook

BODY_SIZE = 11
CENTERED_COLUMNS = (0, 2)


def _write_annex(
    sheet: Sheet, styles: Styles, notice: CountyQuarterNotice, annex: AnnexTable
) -> int:
    writer = SheetWriter(sheet, styles, width=5)
    writer.title(annex.label, font=styles.label, centered=False)
    title_row = writer.title(annex.title)
    header_row = writer.table_row(annex_headers(annex), header=True)
    lines = notice.annex(annex.number)
    for line in lines:
        writer.table_row(
            [line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note],
            centered_columns=CENTERED_COLUMNS,
        )
    writer.table_row(
        [TOTAL_LABEL, None, annex.declared_total, None, None], centered_columns=CENTERED_COLUMNS
    )
    writer.merge(1, 2)
    writer.finish(title_row=title_row, header_row=header_row)
    return len(lines)


def write_annex_workbook(notice: CountyQuarterNotice, path: Path) -> dict[str, int]:
    """Write the county's annex tables to path; return the data rows per sheet."""
    styles = Styles(BODY_SIZE)
    workbook = Workbook()
    rows = {
        annex.label: _write_annex(workbook.create_sheet(annex.label), styles, notice, annex)
        for annex in notice.annexes
    }
    workbook.save(path)
    return rows
