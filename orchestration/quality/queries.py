"""The checks' queries: expectations/<suite>.sql, run read-only for one quarter.

Every query returns the same location columns first, so a failing expectation can show a clerk
where to look: county, item (what is compared), file, sheet, row, unit, column. The value
columns its suite checks follow. Queries take DuckDB named parameters $quarter ('2020-Q1') and
$quarter_number (1..4). What several queries share is a DuckDB macro in expectations/shared/,
defined on the connection before the queries run.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.quarters import Quarter
from orchestration.settings import EXPECTATIONS_DIR

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

LOCATION_COLUMNS = ("county", "item", "file", "sheet", "row", "unit", "column")


SHARED_DIR = EXPECTATIONS_DIR / "shared"
# In the order they are defined: a macro may call one defined before it.
SHARED_MACROS = (
    "annex_counties",
    "counties_of_quarter",
    "registered_units",
    "checked_counties",
    "empty_annexes",
)


@cache
def load_query(suite: str, directory: Path = EXPECTATIONS_DIR) -> str:
    return (directory / f"{suite}.sql").read_text(encoding="utf-8")


def define_shared_macros(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Define expectations/shared/*.sql as temp macros (a read-only warehouse takes them).

    DuckDB binds a macro's tables when it is defined: a macro over tables the warehouse lacks
    (the marts, before dbt built them) stays undefined. Returns why, per macro, so a check that
    calls it fails naming the missing table rather than the macro.
    """
    import duckdb

    undefined = {}
    for name in SHARED_MACROS:
        try:
            connection.execute((SHARED_DIR / f"{name}.sql").read_text(encoding="utf-8"))
        except duckdb.CatalogException as error:
            undefined[name] = str(error).splitlines()[0]
    return undefined


def query_parameters(query: str, quarter: Quarter) -> dict[str, object]:
    """The parameters the query names: DuckDB refuses a parameter the statement does not use."""
    parameters: dict[str, object] = {"quarter": quarter.key, "quarter_number": quarter.number}
    return {name: value for name, value in parameters.items() if f"${name}" in query}


def read_frame(connection: duckdb.DuckDBPyConnection, query: str, quarter: Quarter) -> pd.DataFrame:
    """Run one check's query; NULLs come back as None so GX treats them as missing."""
    frame = connection.execute(query, query_parameters(query, quarter)).df()
    return plain_frame(frame)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable extension dtypes to numpy ones, or to objects holding None where values are missing.

    GX's pandas metrics call bool() on pd.NA and fail ('boolean value of NA is ambiguous').
    """
    import pandas as pd

    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
            if series.isna().any() or not pd.api.types.is_numeric_dtype(series.dtype):
                series = series.astype(object).where(series.notna(), None)
            else:
                series = series.to_numpy(dtype=series.dtype.numpy_dtype)
        columns[name] = series
    return pd.DataFrame(columns, index=frame.index)
