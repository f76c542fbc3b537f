"""The marts as a test reads them back: every row of each mart, in the order of its grain."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from orchestration.warehouse import connect

# Each mart by the columns of its grain: a snapshot lists its rows in that order.
MART_ORDER = {
    "annex_quarter": "county, quarter, annex",
    "unit_quarter": "county, quarter, unit_id",
    "column_quarter": "county, quarter, annex, annex_position",
    "category_quarter": "county, quarter, category_type, category_order, category",
    "quarter_summary": "county, quarter",
}
Rows = list[dict[str, Any]]
Snapshot = dict[str, Rows]


def marts_snapshot(warehouse: Path, marts: Iterable[str] = MART_ORDER) -> Snapshot:
    """Every row of each mart named (all of them unless told), as column -> value dicts."""
    with connect(warehouse, read_only=True) as connection:
        snapshot = {}
        for mart in marts:
            cursor = connection.execute(f"select * from marts.{mart} order by {MART_ORDER[mart]}")
            names = [column[0] for column in cursor.description]
            snapshot[mart] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return snapshot
