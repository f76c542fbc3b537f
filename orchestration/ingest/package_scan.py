"""Look inside an .xlsx/.xlsm/.ods package before any reader parses it.

The package is a zip of XML parts. Reading its directory and streaming its sheets and shared
strings through expat costs a few milliseconds and constant memory, and tells what a reader would
have to allocate: the declared and real extent of each sheet, the longest text of any cell, the
unpacked size. Anything over an `InputLimits` bound is refused here, so the reader never sees it.
The same pass records what the reader loses: hidden rows and columns, and Excel error values
(#REF!, #DIV/0! ...), which calamine returns as empty cells.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

from orchestration.ingest.errors import Problem, UnreadableFile, damaged_file
from orchestration.ingest.limits import (
    InputLimits,
    beyond_extent,
    cell_beyond_extent,
    over_limit,
    text_too_long,
    unpacked_too_large,
)

CHUNK_BYTES = 64 * 1024
_TRUE = {"1", "true"}


@dataclass
class SheetMarks:
    """What the reader does not report about a sheet (0-based rows and columns)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def is_zip_package(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse_ref(ref: str) -> tuple[int, int] | None:
    """'C5' -> (4, 2), 0-based; None when not a cell reference. Called for every cell, so
    string methods rather than a regular expression."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not digits or not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return None
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return int(digits) - 1, column - 1


class _Stop(Exception):
    """Ends a scan early: what was looked for is found."""


def _stream(
    archive: zipfile.ZipFile,
    member: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Feed one part through expat in chunks: memory stays constant whatever the part's size.

    A DTD is refused outright: Office never writes one, and refusing it rules out entity
    expansion (billion laughs) and external entities.
    """
    parser = expat.ParserCreate()

    def refuse_dtd(*_: object) -> None:
        raise expat.ExpatError("DTD")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    # Handlers get names as written ('x:c' where a writer uses a prefix) and strip the prefix
    # themselves: a wrapper per element would double the cost of a scan.
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    parser.buffer_text = True  # one call per text run, at most buffer_size (8 KB) at a time
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


class PackageScan:
    """Checks one package against the limits; `sheets()` gives each sheet's marks by name."""

    def __init__(self, file: str, archive: zipfile.ZipFile, limits: InputLimits) -> None:
        self.file = file
        self.limits = limits
        self.archive = archive

    def check_unpacked_size(self) -> None:
        """Sizes from the zip directory; zipfile stops at the declared size, so they cannot lie."""
        xml = {
            i.filename: i.file_size for i in self.archive.infolist() if i.filename.endswith(".xml")
        }
        if sum(xml.values()) > self.limits.max_unpacked_bytes:
            raise UnreadableFile(unpacked_too_large(self.file, xml, self.limits))


class XlsxScan(PackageScan):
    def sheets(self) -> dict[str, SheetMarks]:
        self.check_unpacked_size()
        workbook = self._workbook_part()
        targets = self._relationships(workbook)
        names = self._sheet_names(workbook)
        shared = next((t for t in targets.values() if t[0] == "sharedStrings"), None)
        too_long = self._first_long_shared_string(shared[1]) if shared else None
        marks = {}
        scanned = set()
        for name, relation in names:
            kind, member = targets.get(relation, ("", ""))
            if kind == "worksheet" and member in self.archive.NameToInfo:
                marks[name] = _XlsxSheet(self, name, too_long).scan(member)
                scanned.add(member)
        # A sheet the workbook part does not list as expected may still be found by a reader:
        # it is bounded too, named by its part.
        for member in self.archive.namelist():
            if (
                member.startswith("xl/worksheets/")
                and member.endswith(".xml")
                and member not in scanned
            ):
                _XlsxSheet(self, member, too_long).scan(member)
        if too_long is not None:  # no cell shows it, yet the reader would load it
            raise UnreadableFile(
                over_limit(
                    self.file,
                    f"共享字符串表中第 {too_long + 1} 个字符串超过 {self.limits.max_cell_chars} "
                    "个字符的上限。",
                    f"shared string #{too_long + 1} is longer than the "
                    f"{self.limits.max_cell_chars}-character limit.",
                    "GONGKAI_MAX_CELL_CHARS",
                )
            )
        return marks

    def _workbook_part(self) -> str:
        found: list[str] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            name = name.rpartition(":")[2]
            if name == "Relationship" and attributes.get("Type", "").endswith("/officeDocument"):
                found.append(attributes.get("Target", "").lstrip("/"))

        if "_rels/.rels" in self.archive.NameToInfo:
            _stream(self.archive, "_rels/.rels", start)
        return found[0] if found else "xl/workbook.xml"

    def _relationships(self, workbook: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (kind such as 'worksheet', member path)."""
        folder, base = posixpath.split(workbook)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        targets: dict[str, tuple[str, str]] = {}

        def start(name: str, attributes: dict[str, str]) -> None:
            name = name.rpartition(":")[2]
            if name != "Relationship":
                return
            target = attributes.get("Target", "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            kind = attributes.get("Type", "").rpartition("/")[2]
            targets[attributes.get("Id", "")] = (kind, member)

        if rels in self.archive.NameToInfo:
            _stream(self.archive, rels, start)
        return targets

    def _sheet_names(self, workbook: str) -> list[tuple[str, str]]:
        names: list[tuple[str, str]] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            name = name.rpartition(":")[2]
            if name == "sheet":
                relation = next((v for k, v in attributes.items() if _local(k) == "id"), "")
                names.append((attributes.get("name", ""), relation))

        if workbook in self.archive.NameToInfo:
            _stream(self.archive, workbook, start)
        return names

    def _first_long_shared_string(self, member: str) -> int | None:
        """Index of the first shared string over the limit; stops reading there."""
        if member not in self.archive.NameToInfo:
            return None
        state = {"index": -1, "length": 0, "depth": 0}
        limit = self.limits.max_cell_chars

        def start(name: str, _: dict[str, str]) -> None:
            name = name.rpartition(":")[2]
            if name == "si":
                state["index"] += 1
                state["length"] = 0
            elif name == "t":
                state["depth"] += 1

        def end(name: str) -> None:
            name = name.rpartition(":")[2]
            if name == "t":
                state["depth"] -= 1

        def text(data: str) -> None:
            if state["depth"]:
                state["length"] += len(data)
                if state["length"] > limit:
                    raise _Stop

        try:
            _stream(self.archive, member, start, end, text)
        except _Stop:
            return state["index"]
        return None


class _XlsxSheet:
    """One worksheet's XML, streamed: extent, text length, hidden rows/columns, error cells."""

    def __init__(self, scan: XlsxScan, name: str, too_long_shared: int | None) -> None:
        self.package = scan
        self.name = name
        self.too_long_shared = too_long_shared
        self.limits = scan.limits
        self.marks = SheetMarks()
        self.row = -1
        self.column = -1
        self.cell_type = ""
        self.in_value = False  # inside <v> or an inline string's <t>
        self.value = ""  # kept only for short values: shared-string index, error text
        self.length = 0

    def scan(self, member: str) -> SheetMarks:
        _stream(self.package.archive, member, self.start, self.end, self.text)
        return self.marks

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            position = _parse_ref(attributes.get("r", ""))
            self.row, self.column = position if position else (self.row, self.column + 1)
            self.cell_type = attributes.get("t", "n")
            self.value, self.length = "", 0
        elif name in ("v", "t"):
            self.in_value = True
        elif name == "row":
            number = attributes.get("r")
            self.row = int(number) - 1 if number and number.isdigit() else self.row + 1
            self.column = -1
            if attributes.get("hidden", "").lower() in _TRUE and self.row < self.limits.max_rows:
                self.marks.hidden_rows.add(self.row)
        elif name == "col" and attributes.get("hidden", "").lower() in _TRUE:
            first = int(attributes.get("min", "1") or 1) - 1
            last = min(int(attributes.get("max", "1") or 1), self.limits.max_columns)
            self.marks.hidden_columns.update(range(first, last))
        elif name == "dimension":
            self.check_dimension(attributes.get("ref", ""))

    def check_dimension(self, ref: str) -> None:
        last = _parse_ref(ref.rpartition(":")[2])
        if last is None:
            return
        rows, columns = last[0] + 1, last[1] + 1
        if rows > self.limits.max_rows or columns > self.limits.max_columns:
            raise UnreadableFile(
                beyond_extent(
                    self.package.file,
                    self.name,
                    f"工作表声明的范围 {ref}（{rows} 行 × {columns} 列）",
                    f"the sheet's declared range {ref} ({rows} rows x {columns} columns) is",
                    (rows, columns),
                    self.limits,
                )
            )

    def text(self, data: str) -> None:
        if not self.in_value:
            return
        self.length += len(data)
        if len(self.value) < 32:
            self.value += data[:32]
        if self.length > self.limits.max_cell_chars:
            raise self.too_long()

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name in ("v", "t"):
            self.in_value = False
        elif name == "c" and self.length:
            self.end_cell()

    def end_cell(self) -> None:
        """A cell holding a value: the reader would place it, so it must lie within the limits."""
        if self.row >= self.limits.max_rows or self.column >= self.limits.max_columns:
            raise UnreadableFile(
                cell_beyond_extent(self.package.file, self.name, self.row, self.column, self.limits)
            )
        if self.cell_type == "e":
            self.marks.errors[(self.row, self.column)] = self.value.strip()
        elif (
            self.cell_type == "s"
            and self.too_long_shared is not None
            and self.value.strip() == str(self.too_long_shared)
        ):
            raise self.too_long()

    def too_long(self) -> UnreadableFile:
        return UnreadableFile(
            text_too_long(self.package.file, self.name, self.row, self.column, self.limits)
        )


def _attribute(attributes: dict[str, str], local: str) -> str:
    """An attribute by its local name: 'table:name' is found as 'name'."""
    return next((v for k, v in attributes.items() if _local(k) == local), "")


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
            _stream(self.archive, "content.xml", self.start, self.end, self.text)
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
            types = {v for k, v in self.cell.items() if _local(k) == "value-type"}
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


def _is_binary_sheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".bin")


def scan_package(file: str, content: bytes, limits: InputLimits) -> dict[str, SheetMarks]:
    """Marks by sheet name of an xlsx/xlsm/ods package; raises UnreadableFile over a limit
    or for a damaged package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        if any(_is_binary_sheet(name) for name in archive.namelist()):
            raise UnreadableFile(
                Problem(
                    file,
                    "这是 .xlsb（二进制工作簿）文件，不能事先检查大小，因此不读取："
                    "请用 Excel 或 WPS 另存为 .xlsx 再试。",
                    "this is an .xlsb (binary workbook), whose size cannot be checked before it "
                    "is read: save it as .xlsx in Excel or WPS.",
                )
            )
        scan = (
            OdsScan(file, archive, limits)
            if "content.xml" in archive.NameToInfo
            else XlsxScan(file, archive, limits)
        )
        return scan.sheets()
    except (
        zipfile.BadZipFile,
        expat.ExpatError,
        KeyError,
        ValueError,
        EOFError,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # an encrypted member
    ) as error:
        raise UnreadableFile(damaged_file(file, error)) from error
