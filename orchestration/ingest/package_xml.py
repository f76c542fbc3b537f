"""What the package scans share: one XML part streamed through expat, and the marks a scan
records about a sheet.

A spreadsheet package (.xlsx/.xlsm/.ods) is a zip of XML parts. Streaming a part costs constant
memory whatever its size; a DTD is refused outright (Office never writes one), which rules out
entity expansion (billion laughs) and external entities.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

from orchestration.ingest.errors import UnreadableFile
from orchestration.ingest.limits import InputLimits, unpacked_too_large

CHUNK_BYTES = 64 * 1024
TRUE_VALUES = {"1", "true"}


@dataclass
class SheetMarks:
    """What the reader does not report about a sheet (0-based rows and columns)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def local_name(name: str) -> str:
    return name.rpartition(":")[2]


def parse_ref(ref: str) -> tuple[int, int] | None:
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


def stream_part(
    archive: zipfile.ZipFile,
    member: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Feed one part through expat in chunks: memory stays constant whatever the part's size."""
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
