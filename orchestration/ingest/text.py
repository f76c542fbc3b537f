"""Text as clerks type it, folded to one form: full-width to half-width, no stray spaces."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")


def normalise(value: object) -> str:
    """'政府部门信息公开 （公安局）' -> '政府部门信息公开(公安局)'.

    NFKC turns full-width brackets, digits, letters and the ideographic space into their
    half-width forms; every space is then dropped, because Chinese names carry none on purpose.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def as_written(value: object) -> str:
    """The cell as the clerk wrote it, trimmed only at the ends (kept for provenance)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: object) -> bool:
    return normalise(value) == ""


EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"}
)


@dataclass(frozen=True)
class CellError:
    """A cell showing an Excel error value; the reader alone would return it as empty."""

    code: str  # '#REF!'

    def __str__(self) -> str:
        return self.code


def excel_error(value: object) -> str | None:
    """'#REF!' for an error cell, or for the error's text as a CSV or ODS file carries it."""
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None


# Digits, optionally in proper thousands groups ('1,000', '12,345'), as Excel and WPS show a
# number formatted with separators and as a text copy of such a cell keeps it. Any other
# separator or inner space ('1 2', '1,2', '1，2', '1 000') is refused, never read as 12.
_WHOLE_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?\s*条?$")
_ENDS = re.compile(r"^[\s\u200b\u200c\u200d\ufeff]+|[\s\u200b\u200c\u200d\ufeff]+$")
# Full-width and ideographic commas become ',' under NFKC; in Chinese text they separate list
# items, so a count holding one is two numbers, not a thousands group.
_CHINESE_COMMAS = ("，", "、", "﹐", "､")


def parse_whole_number(value: object) -> int | None:
    """A non-negative whole number from a cell (3, 3.0, '3', '３', '3条', '1,000'), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str) or any(comma in value for comma in _CHINESE_COMMAS):
        return None
    match = _WHOLE_NUMBER.match(_ENDS.sub("", unicodedata.normalize("NFKC", value)))
    return int(match.group(1).replace(",", "")) if match else None
