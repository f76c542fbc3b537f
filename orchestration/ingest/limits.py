"""How large a clerk's spreadsheet may be before the ingest refuses it instead of reading it.

Every bound is checked before the reader allocates anything in proportion to the file: a 7 KB
xlsx can declare a cell at XFD1048576 (a 17-billion-cell rectangle) and a 336 KB xlsx can hold a
300 MB note. The defaults are far above any county's annex (about 50 rows of 5 columns, short
notes, files of 10-30 KB) and each is a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestration.cell_names import column_letter
from orchestration.ingest.errors import Problem

if TYPE_CHECKING:
    from orchestration.settings import Settings

MEGABYTE = 1024 * 1024

# A count or 序号 above this is refused: no column publishes a million items in a quarter, and
# the warehouse keeps counts as 32-bit INTEGER (2,147,483,647), which a typo must not overflow.
MAX_COUNT = 1_000_000

# Unpacked xlsx/ods text may be this many times the file limit: ordinary sheets compress 5-10
# times; far more is a zip bomb, refused before it is inflated.
UNPACKED_RATIO = 10


@dataclass(frozen=True)
class InputLimits:
    max_file_mb: int = 20
    max_rows: int = 5_000
    max_columns: int = 50
    max_cell_chars: int = 2_000

    @classmethod
    def from_settings(cls, settings: Settings) -> InputLimits:
        return cls(
            max_file_mb=settings.max_file_mb,
            max_rows=settings.max_rows,
            max_columns=settings.max_columns,
            max_cell_chars=settings.max_cell_chars,
        )

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MEGABYTE

    @property
    def max_unpacked_bytes(self) -> int:
        return self.max_file_bytes * UNPACKED_RATIO


DEFAULT_LIMITS = InputLimits()


def over_limit(
    file: str,
    zh: str,
    en: str,
    variable: str,
    sheet: str | None = None,
    row: int | None = None,
) -> Problem:
    """A problem about a bound, ending with the setting that lifts it."""
    return Problem(
        file,
        f"{zh}如确属正常表格，可调高环境变量 {variable} 后重新运行。",
        f"{en} If the table is genuine, raise the environment variable {variable} and run again.",
        sheet,
        row,
    )


def file_too_large(file: str, size: int, limits: InputLimits) -> Problem:
    return over_limit(
        file,
        f"文件有 {size / MEGABYTE:.1f} MB，超过 {limits.max_file_mb} MB 的上限，不像是附件表格。",
        f"the file is {size / MEGABYTE:.1f} MB, over the {limits.max_file_mb} MB limit.",
        "GONGKAI_MAX_FILE_MB",
    )


def unpacked_too_large(file: str, parts: dict[str, int], limits: InputLimits) -> Problem:
    """`parts`: the package's XML parts and their unpacked sizes."""
    limit = limits.max_unpacked_bytes // MEGABYTE
    unpacked = sum(parts.values()) / MEGABYTE
    largest = max(parts, key=parts.__getitem__)
    return over_limit(
        file,
        f"文件解压后的表格内容有 {unpacked:.0f} MB，超过 {limit} MB 的上限"
        f"（文件大小上限 {limits.max_file_mb} MB 的 {UNPACKED_RATIO} 倍），其中 {largest} "
        f"有 {parts[largest] / MEGABYTE:.0f} MB（可能是某个单元格的文字过长），不像是附件表格。",
        f"the file unpacks to {unpacked:.0f} MB of sheet text, over the {limit} MB limit "
        f"({UNPACKED_RATIO} times the {limits.max_file_mb} MB file limit); {largest} alone is "
        f"{parts[largest] / MEGABYTE:.0f} MB (a cell with a very long text?).",
        "GONGKAI_MAX_FILE_MB",
    )


def beyond_extent(
    file: str,
    sheet: str,
    what_zh: str,
    what_en: str,
    extent: tuple[int, int],
    limits: InputLimits,
    row: int | None = None,
) -> Problem:
    """`what` reaches `extent` (rows, columns), past max_rows or max_columns."""
    rows, _ = extent
    return over_limit(
        file,
        f"{what_zh}超出上限（最多 {limits.max_rows} 行、{limits.max_columns} 列）："
        "请删除表格下方或右侧多余的内容（包括只有格式的空行、空列）后保存。",
        f"{what_en} beyond the limit of {limits.max_rows} rows and {limits.max_columns} "
        "columns: delete what lies below or right of the table (formatted empty rows and "
        "columns too) and save.",
        "GONGKAI_MAX_ROWS" if rows > limits.max_rows else "GONGKAI_MAX_COLUMNS",
        sheet,
        row,
    )


def cell_beyond_extent(
    file: str, sheet: str, row: int, column: int, limits: InputLimits
) -> Problem:
    """A value at 0-based (row, column), past the limits."""
    return beyond_extent(
        file,
        sheet,
        f"单元格 {cell_name(row, column)} 有内容，",
        f"cell {cell_name(row, column)} holds a value",
        (row + 1, column + 1),
        limits,
        row + 1,
    )


def text_too_long(
    file: str, sheet: str | None, row: int, column: int | None, limits: InputLimits
) -> Problem:
    """The cell at 0-based (row, column) holds more than max_cell_chars characters (column None:
    a cell of that row, when the reader cannot tell which)."""
    where_zh = f"单元格 {cell_name(row, column)} " if column is not None else "该行有单元格"
    where_en = f"cell {cell_name(row, column)}" if column is not None else "a cell of the row"
    return over_limit(
        file,
        f"{where_zh}的文字超过 {limits.max_cell_chars} 个字符的上限：附件单元格应为简短文字。",
        f"{where_en} holds more than {limits.max_cell_chars} characters.",
        "GONGKAI_MAX_CELL_CHARS",
        sheet,
        row + 1,
    )


def cell_name(row: int, column: int) -> str:
    """0-based (row, column) -> 'C5'."""
    return f"{column_letter(column + 1)}{row + 1}"
