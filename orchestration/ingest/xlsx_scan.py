"""Bound an .xlsx/.xlsm before calamine reads it, and record what calamine does not report.

The workbook part names the sheets, its relationships name their parts; the shared strings are
streamed up to the first string over the limit, then each sheet part is streamed: its declared
<dimension>, every cell holding a value (its position and the length of its text), hidden rows
and columns, and error cells (t="e"), which calamine returns as empty.
"""

from __future__ import annotations

import posixpath

from orchestration.ingest.errors import UnreadableFile
from orchestration.ingest.limits import (
    beyond_extent,
    cell_beyond_extent,
    over_limit,
    text_too_long,
)
from orchestration.ingest.package_xml import (
    TRUE_VALUES,
    PackageScan,
    SheetMarks,
    local_name,
    parse_ref,
    stream_part,
)


class _Stop(Exception):
    """Ends a scan early: what was looked for is found."""


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
            stream_part(self.archive, "_rels/.rels", start)
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
            stream_part(self.archive, rels, start)
        return targets

    def _sheet_names(self, workbook: str) -> list[tuple[str, str]]:
        names: list[tuple[str, str]] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            name = name.rpartition(":")[2]
            if name == "sheet":
                relation = next((v for k, v in attributes.items() if local_name(k) == "id"), "")
                names.append((attributes.get("name", ""), relation))

        if workbook in self.archive.NameToInfo:
            stream_part(self.archive, workbook, start)
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
            stream_part(self.archive, member, start, end, text)
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
        stream_part(self.package.archive, member, self.start, self.end, self.text)
        return self.marks

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            position = parse_ref(attributes.get("r", ""))
            self.row, self.column = position if position else (self.row, self.column + 1)
            self.cell_type = attributes.get("t", "n")
            self.value, self.length = "", 0
        elif name in ("v", "t"):
            self.in_value = True
        elif name == "row":
            number = attributes.get("r")
            self.row = int(number) - 1 if number and number.isdigit() else self.row + 1
            self.column = -1
            if (
                attributes.get("hidden", "").lower() in TRUE_VALUES
                and self.row < self.limits.max_rows
            ):
                self.marks.hidden_rows.add(self.row)
        elif name == "col" and attributes.get("hidden", "").lower() in TRUE_VALUES:
            first = int(attributes.get("min", "1") or 1) - 1
            last = min(int(attributes.get("max", "1") or 1), self.limits.max_columns)
            self.marks.hidden_columns.update(range(first, last))
        elif name == "dimension":
            self.check_dimension(attributes.get("ref", ""))

    def check_dimension(self, ref: str) -> None:
        last = parse_ref(ref.rpartition(":")[2])
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
