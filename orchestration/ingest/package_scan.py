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
import zipfile
from xml.parsers import expat

from orchestration.ingest.errors import Problem, UnreadableFile, damaged_file
from orchestration.ingest.limits import InputLimits
from orchestration.ingest.ods_scan import OdsScan
from orchestration.ingest.package_xml import SheetMarks
from orchestration.ingest.xlsx_scan import XlsxScan


def is_zip_package(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


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
