"""Dates as clerks store them, and the date a check record was taken on.

Accepted: real Excel dates, Excel serial numbers (45103), 2023-06-26, 2023/6/26, 2023.06.26 and
2023年6月26日, each optionally followed by a time of day. Anything else is refused, never guessed:
a wrong date silently changes a column's timeliness status.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

from orchestration.ingest.text import normalise
from orchestration.quarters import Quarter

# Excel's day 0 for serial numbers after its 1900 leap-year bug (every date a clerk records).
_EXCEL_EPOCH = date(1899, 12, 30)
# Earlier years are a typing slip (a count typed into the date column reads as a 1900 serial).
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

_SEPARATED = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_IN_TEXT = re.compile(r"(?<!\d)(\d{4})\s*[-/.年_]\s*(\d{1,2})\s*[-/.月_]\s*(\d{1,2})(?!\d)")
_COMPACT_IN_TEXT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")

ACCEPTED_FORMS_ZH = "2023-06-26、2023/6/26、2023.06.26、2023年6月26日或 Excel 日期"
ACCEPTED_FORMS_EN = "2023-06-26, 2023/6/26, 2023.06.26, 2023年6月26日 or an Excel date"


class NotADate(ValueError):
    """A cell holds something that is not a date in an accepted form."""


def _checked(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError as error:
        raise NotADate(str(error)) from error
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise NotADate(f"year {value.year} out of range")
    return value


def parse_date(value: object) -> date | None:
    """The date in a cell; None for an empty cell; NotADate for anything else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise NotADate(repr(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            # A fraction is a time of day on that date; the day is what counts.
            value = int(value)
        serial = _EXCEL_EPOCH + timedelta(days=int(value))
        return _checked(serial.year, serial.month, serial.day)
    if not isinstance(value, str):
        raise NotADate(repr(value))
    # Full-width digits and separators folded; spaces kept (one may separate date and time).
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    match = _SEPARATED.match(text)
    if match is None:
        raise NotADate(text)
    return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def date_in_text(text: str) -> date | None:
    """The first valid date written inside a longer text, such as a file name."""
    plain = normalise(text)
    for pattern in (_IN_TEXT, _COMPACT_IN_TEXT):
        for match in pattern.finditer(plain):
            try:
                return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except NotADate:
                continue
    return None


# Where a check date came from, as stored in raw.check_records.check_date_source.
FROM_SHEET = "sheet"
FROM_FILE_NAME = "file_name"
FROM_QUARTER_END = "quarter_end"
CHECK_DATE_SOURCES_ZH = {
    FROM_SHEET: "表内核查日期",
    FROM_FILE_NAME: "文件名中的日期",
    FROM_QUARTER_END: "季度末（未写核查日期）",
}


@dataclass(frozen=True)
class CheckDate:
    value: date
    source: str  # FROM_SHEET, FROM_FILE_NAME or FROM_QUARTER_END


def check_date_fallback(file: str, quarter: Quarter) -> CheckDate:
    """The check date when the sheet names none: a date in the file name, else quarter end."""
    named = date_in_text(PurePath(file).stem)
    if named is not None:
        return CheckDate(named, FROM_FILE_NAME)
    return CheckDate(quarter.last_day, FROM_QUARTER_END)
