"""The registry and column catalogue (seeds/reference CSVs) as temp tables on a check's connection.

Checks read the CSVs themselves rather than the dbt seeds, so the raw checks can run before dbt
has loaded anything, and both sides of a reconciliation use the registry the run was given.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# temp table -> (CSV file, typed columns). Read with the csv module, not DuckDB's sniffer: a
# description holding an unquoted comma must not shift the columns we need.
REFERENCE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "ref_units": (
        "units.csv",
        {
            "county": "varchar",
            "unit_id": "varchar",
            "unit_name": "varchar",
            "unit_kind": "varchar",
            "display_order": "integer",
        },
    ),
    "ref_non_units": ("non_units.csv", {"county": "varchar", "name": "varchar"}),
    "ref_columns": (
        "columns.csv",
        {
            "county": "varchar",
            "annex": "smallint",
            "catalogue_order": "integer",
            "column_name": "varchar",
            "topic_group": "varchar",
            "cadence": "varchar",
        },
    ),
    "ref_cadences": ("cadences.csv", {"cadence": "varchar", "due_quarters": "varchar"}),
}


def load_reference(connection: duckdb.DuckDBPyConnection, reference_dir: Path) -> None:
    """Create the ref_* temp tables (temp tables work on a read-only connection)."""
    import pandas as pd

    for table, (file_name, columns) in REFERENCE_TABLES.items():
        path = reference_dir / file_name
        if not path.is_file():
            raise FileNotFoundError(f"找不到参照表 {path}。 / Reference file {path} is missing.")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in columns if name not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(
                    f"参照表 {path} 缺少列：{'、'.join(missing)}。"
                    f" / Reference file {path} lacks columns {missing}."
                )
            rows = [[row[name] for name in columns] for row in reader]
        # One set-based insert from a frame: DuckDB's executemany goes row by row, ~84 s for a
        # nation's 240,000 registry rows.
        staged = pd.DataFrame(rows, columns=list(columns), dtype="string")
        typed = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns.items())
        connection.register("reference_rows", staged)
        try:
            connection.execute(
                f"create or replace temp table {table} as select {typed} from reference_rows"
            )
        finally:
            connection.unregister("reference_rows")
