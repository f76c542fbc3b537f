"""Bound an .ods before calamine reads it, and record what calamine does not report."""

from __future__ import annotations

import zipfile

from orchestration.ingest.errors import UnreadableFile
from orchestration.ingest.limits import InputLimits, cell_beyond_extent, text_too_long
from orchestration.ingest.package_xml import PackageScan, SheetMarks, local_name, stream_part


def _attribute(attributes: dict[str, str], local: str) -> str:
    """An attribute by its local name: 'table:name' is found as 'name'."""
    return next((v for k, v in attributes.items() if local_name(k) == local), "")


def _repeat(attributes: dict[str, str], local: str) -> int:
    value = _attribute(attributes, local)
    return int(value) if value.isdigit() and int(value) > 0 else 1


class OdsScan(PackageScan):
    """content.xml of an OpenDocument spreadsheet: rows and cells carry repeat counts, so one
    element can stand for a million rows; error cells carry the error as text and a value of 0,
    which the reader returns as the number 0."""

    def __init__(self, file: str, archive: zipfile.ZipFile, limits: InputLimits) -> None:
        super().__init__(file, archive, limits)
        self.marks: dict[str, SheetMarks] = {}
        self.table = ""
        self.row = self.next_row = self.column = self.next_column = self.rows_repeated = 0
        self.cell: dict[str, str] | None = None  # the attributes of the cell being read
        self.value = ""  # its text, kept only up to an error code's length
        self.length = self.annotation = 0

    def sheets(self) -> dict[str, SheetMarks]:
        self.check_unpacked_size()
        if "content.xml" in self.archive.NameToInfo:
            stream_part(self.archive, "content.xml", self.start, self.end, self.text)
        return self.marks

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if name == "table":
            self.table = _attribute(attributes, "name")
            self.marks[self.table] = SheetMarks()
            self.next_row = self.next_column = 0
        elif name == "table-column":
            repeated = _repeat(attributes, "number-columns-repeated")
            if _attribute(attributes, "visibility") in ("collapse", "filter"):
                last = min(self.next_column + repeated, self.limits.max_columns)
                self.marks[self.table].hidden_columns.update(range(self.next_column, last))
            self.next_column += repeated
        elif name == "table-row":
            self.row, self.rows_repeated = (
                self.next_row,
                _repeat(attributes, "number-rows-repeated"),
            )
            self.next_row += self.rows_repeated
            self.column = 0
            if _attribute(attributes, "visibility") in ("collapse", "filter"):
                last = min(self.next_row, self.limits.max_rows)
                self.marks[self.table].hidden_rows.update(range(self.row, last))
        elif name in ("table-cell", "covered-table-cell"):
            self.cell, self.length, self.value = attributes, 0, ""
        elif name == "annotation":
            self.annotation += 1

    def text(self, data: str) -> None:
        if self.cell is None or self.annotation:
            return
        self.length += len(data)
        if len(self.value) < 32:
            self.value += data[:32]
        if self.length > self.limits.max_cell_chars:
            raise UnreadableFile(
                text_too_long(self.file, self.table, self.row, self.column, self.limits)
            )

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "annotation":
            self.annotation -= 1
        elif name in ("table-cell", "covered-table-cell") and self.cell is not None:
            repeated = _repeat(self.cell, "number-columns-repeated")
            # office:value-type says there is a value; calcext:value-type="error" that it is
            # an error (LibreOffice keeps office:value-type="float" and a value of 0 beside it).
            types = {v for k, v in self.cell.items() if local_name(k) == "value-type"}
            if types:
                self.end_cell(repeated, "error" in types)
            self.column += repeated
            self.cell = None

    def end_cell(self, repeated: int, error: bool) -> None:
        """A cell with a value, repeated across columns and (with its row) down rows."""
        last_row = self.row + self.rows_repeated - 1
        last_column = self.column + repeated - 1
        if last_row >= self.limits.max_rows or last_column >= self.limits.max_columns:
            raise UnreadableFile(
                cell_beyond_extent(self.file, self.table, last_row, last_column, self.limits)
            )
        if error:
            code = self.value.strip() or "#VALUE!"
            for row in range(self.row, last_row + 1):
                for column in range(self.column, last_column + 1):
                    self.marks[self.table].errors[(row, column)] = code
