"""Quarters as users type and read them: '2020-Q1'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_CHINESE_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, key: str) -> Quarter:
        match = _QUARTER_RE.match(key.strip())
        if not match:
            raise ValueError(
                f"季度应写成“2020-Q1”的形式，收到“{key}”。"
                f" / A quarter is written like '2020-Q1', got {key!r}."
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def chinese(self) -> str:
        """'一季度' as the annex header writes it."""
        return f"{_CHINESE_NUMERALS[self.number]}季度"

    @property
    def chinese_ordinal(self) -> str:
        """'第一季度' as the annex title writes it."""
        return f"第{self.chinese}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def __str__(self) -> str:
        return self.key


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    quarters = []
    current = first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def quarter_of_chinese_word(text: str) -> int | None:
    """The quarter number named in a header such as '一季度公开数量', or None."""
    for number, numeral in _CHINESE_NUMERALS.items():
        if f"{numeral}季度" in text:
            return number
    match = re.search(r"第?([1-4])季度", text)
    return int(match.group(1)) if match else None
