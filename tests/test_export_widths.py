"""The fast paths of the export against the plain computations they replace."""

from __future__ import annotations

import math
import random
from collections import Counter

import docx
import pytest
from lxml import etree

from orchestration.export import widths
from orchestration.export.draft import _run_content
from orchestration.export.widths import Row, _lines, fit_columns


def _row_by_row_narrowing(
    table: Counter[Row],
    widths: list[float],
    lowest: list[float],
    candidates: list[set[float]],
    excess: float,
) -> tuple[float, int, float] | None:
    """fit_columns' narrowing as first written: every candidate width tried against every row."""
    lines = {row: [_lines(text, w) for text, w in zip(row, widths, strict=True)] for row in table}
    best: tuple[float, int, float] | None = None
    for index in range(len(widths)):
        others = {row: max([1, *line[:index], *line[index + 1 :]]) for row, line in lines.items()}
        for candidate in candidates[index] | {lowest[index]}:
            target = max(candidate, lowest[index], widths[index] - excess)
            if target >= widths[index] - 1e-9:
                continue
            added = sum(
                times * (max(_lines(row[index], target), others[row]) - max(lines[row]))
                for row, times in table.items()
            )
            cost = added / (widths[index] - target)
            if best is None or cost < best[0]:
                best = (cost, index, target)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_fit_columns_chooses_what_trying_every_row_chooses(seed: int) -> None:
    generator = random.Random(seed)
    count = generator.randint(1, 10)
    # Few distinct texts, so that rows repeat and ties between narrowings are common.
    texts = [round(generator.uniform(0, 60), 1) for _ in range(generator.randint(1, 12))]
    rows = [
        [generator.choice(texts) for _ in range(generator.randint(1, count))]
        for _ in range(generator.randint(1, 60))
    ]
    floors = [generator.choice([0.0, 3.0, 8.5]) for _ in range(count)]
    available = generator.uniform(20, 200)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(widths, "_narrowing", _row_by_row_narrowing)
        expected = fit_columns(rows, 1.5, 6, available, floors)

    assert fit_columns(rows, 1.5, 6, available, floors) == expected
    assert all(math.isfinite(width) for width in expected)


@pytest.mark.parametrize(
    "text",
    [
        "人社局",
        " 前后有空格 ",
        "a\tb",
        "第一行\n第二行",
        "\r\n两个换行",
        "A&B <c>",
        "\u3000全角空格",
        "\t",
    ],
)
def test_run_content_is_what_python_docx_writes(text: str) -> None:
    run = docx.Document().add_paragraph().add_run(text)

    ours = etree.fromstring(
        f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{_run_content(text)}</w:r>"
    )

    assert _elements(ours) == _elements(run._r)


def _elements(run: etree._Element) -> list[tuple[str, dict[str, str], str | None]]:
    return [(child.tag, dict(child.attrib), child.text) for child in run]
