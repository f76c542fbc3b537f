"""Text as clerks type it, folded to one form: full-width to half-width, no stray spaces."""

from __future__ import annotations

import re
import unicodedata

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


_WHOLE_NUMBER = re.compile(r"^(\d+)(?:\.0*)?条?$")


def parse_whole_number(value: object) -> int | None:
    """A non-negative whole number from a cell (3, 3.0, '3', '３', '3条'), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    match = _WHOLE_NUMBER.match(normalise(value).replace(",", ""))
    return int(match.group(1)) if match else None
