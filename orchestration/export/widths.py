"""Column widths sized to their content and filling the width of a printed page.

Shared by the spreadsheets and the draft's tables; widths are in whatever unit the caller
measures its text in (column-width units, points).
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

# Narrower widths are looked for where one of a column's widest texts takes 1 to 4 lines.
MAX_LINES_CONSIDERED = 4
CANDIDATE_TEXTS = 8


# A county's unit and column names recur in every sheet and table of its three files.
@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Width in half-width characters: a Chinese (wide or full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wider_half(text: str) -> str:
    """The wider half of a text cut in the middle: the line it needs when set on two lines."""
    middle = (len(text) + 1) // 2
    return max(text[:middle], text[middle:], key=display_width)


def _lines(text: float, width: float) -> int:
    return max(1, math.ceil(text / width - 1e-9))


def _candidates(texts: Sequence[float]) -> set[float]:
    """Widths worth trying for a column: where one of its widest texts takes one line fewer."""
    widest = sorted(set(texts), reverse=True)[:CANDIDATE_TEXTS]
    return {text / lines for text in widest for lines in range(1, MAX_LINES_CONSIDERED + 1)}


Row = tuple[float, ...]


def _narrowing(
    table: Counter[Row],
    widths: list[float],
    lowest: list[float],
    candidates: list[set[float]],
    excess: float,
) -> tuple[float, int, float] | None:
    """The narrowing that adds the fewest printed lines per unit of width saved, as
    (cost, column, new width), or None when every column is at its floor."""
    # Each row's tallest cell, which column it is in and the tallest of the others: a row's
    # height without one column is then known without looking at its cells again.
    tallest: list[tuple[Row, int, int, int, int]] = []
    for row, times in table.items():
        line = [_lines(text, width) for text, width in zip(row, widths, strict=True)]
        top = max(line)
        at = line.index(top)
        tallest.append((row, times, top, at, max([1, *line[:at], *line[at + 1 :]])))
    best: tuple[float, int, float] | None = None
    for index, current in enumerate(widths):
        # Rows alike in this column's text and in their height otherwise add the same lines.
        groups: Counter[tuple[float, int, int]] = Counter()
        for row, times, top, at, second in tallest:
            groups[(row[index], second if index == at else top, top)] += times
        shapes = list(groups.items())
        tried: set[float] = set()
        for candidate in candidates[index] | {lowest[index]}:
            target = max(candidate, lowest[index], current - excess)
            if target >= current - 1e-9 or target in tried:
                continue
            tried.add(target)
            added = sum(
                times * (max(_lines(text, target), others) - top)
                for (text, others, top), times in shapes
            )
            cost = added / (current - target)
            if best is None or cost < best[0]:
                best = (cost, index, target)
    return best


def fit_columns(
    rows: Sequence[Sequence[float]],
    padding: float,
    minimum: float,
    available: float,
    floors: Sequence[float] = (),
) -> list[float]:
    """Widths (padding included) of `len(floors)` columns that fill `available`, wrapping as
    few lines as possible.

    `rows[r][i]` is the one-line width of the text in row r, column i (a short row has empty
    cells at its end). Each column starts as wide as its widest text. While the columns are too
    wide for the page, the column narrowed is the one whose narrowing adds the fewest printed
    lines (a row is as tall as its tallest cell) per unit of width saved, so that a 备注 with
    four notes wraps before a 栏目 with forty names. A column is never narrowed by more than
    the page needs nor below its floor (an inner width: e.g. half its header, two lines at
    most). Whatever room is left over is shared in proportion to the widths.
    """
    count = len(floors)
    table = Counter(tuple([*row, *[0.0] * (count - len(row))]) for row in rows)
    columns = [[row[i] for row in table] for i in range(count)]
    lowest = [max(minimum - padding, floor, 1e-3) for floor in floors]
    widths = [max([low, *column]) for low, column in zip(lowest, columns, strict=True)]
    candidates = [_candidates(column) for column in columns]
    while sum(widths) + padding * count > available + 1e-9:
        excess = sum(widths) + padding * count - available
        best = _narrowing(table, widths, lowest, candidates, excess)
        if best is None:  # every column at its floor: the page is simply too narrow
            break
        _, index, target = best
        widths[index] = target
    total = [width + padding for width in widths]
    spare = available - sum(total)
    if spare > 0:
        total = [width + spare * width / sum(total) for width in total]
    return total
