"""Excel's names for columns (A … XFD): the ingest's messages name the cells of a clerk's
spreadsheet with them, and the export's .xlsx writer addresses its cells with them."""

from __future__ import annotations

from functools import lru_cache


# A sheet uses a handful of columns, named again for every cell the export writes.
@lru_cache(maxsize=1024)
def column_letter(column: int) -> str:
    """Column number, counted from 1 as Excel does -> its letters (1 -> 'A', 16384 -> 'XFD')."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
