"""Column widths sized to their content and filling the width of a printed page.

Shared by the spreadsheets and the draft's tables; units are whatever the caller measures in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Width in half-width characters: a Chinese (wide or full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def fill_widths(natural: Sequence[float], available: float, minimum: float) -> list[float]:
    """Widths that fill `available` exactly.

    Content narrower than the page is widened in proportion. Content too wide for it is fitted
    by narrowing the widest columns to one common width (their text wraps), so that short
    columns such as 序号 and counts keep the width they need.
    """
    if sum(natural) <= available:
        scale = available / sum(natural)
        return [width * scale for width in natural]
    for ceiling in sorted(set(natural), reverse=True):
        capped = [min(width, ceiling) for width in natural]
        if sum(capped) <= available:
            wide = [index for index, width in enumerate(natural) if width > ceiling]
            share = (available - sum(capped)) / len(wide)
            return [
                ceiling + share if index in wide else width for index, width in enumerate(capped)
            ]
    return [max(available / len(natural), minimum)] * len(natural)
