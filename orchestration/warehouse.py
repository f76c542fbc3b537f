"""The DuckDB warehouse: one place that opens the file, owns the raw schema and writes quarters.

DuckDB lets one process hold the file for writing. A run never writes the published file: it
works on a private copy (`.building/<warehouse file>`, see orchestration/publication.py) and
replaces the published file with it, in one rename, once every blocking check has passed. Runs
take turns through the warehouse claim (orchestration/run_claim.py); another program holding a
DuckDB lock (a DuckDB CLI, DBeaver) is waited for, for a bounded time, by `connect`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

RAW_SCHEMA_DDL = """
create schema if not exists raw;

create table if not exists raw.annex_rows (
    county varchar not null,
    quarter varchar not null,
    annex smallint not null,
    row_number integer,
    column_name varchar not null,
    column_name_raw varchar not null,
    item_count integer not null,
    unit_name_raw varchar not null,
    unit_name varchar not null,
    unit_id varchar,
    note varchar,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_sheet varchar not null,
    source_row integer not null
);

create table if not exists raw.annex_totals (
    county varchar not null,
    quarter varchar not null,
    annex smallint not null,
    title varchar,
    count_header varchar not null,
    declared_total integer,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_sheet varchar not null,
    source_row integer
);

create table if not exists raw.reviewer_assessments (
    county varchar not null,
    quarter varchar not null,
    unit_id varchar not null,
    unit_name_raw varchar not null,
    reviewer_tier varchar not null,
    list_position integer not null,
    reason varchar,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_sheet varchar not null,
    source_row integer not null
);

create table if not exists raw.source_files (
    county varchar not null,
    quarter varchar not null,
    source_file varchar not null,
    source_sha256 varchar not null,
    content varchar not null,
    sheets varchar not null,
    rows_read integer not null
);

create table if not exists raw.check_records (
    county varchar not null,
    quarter varchar not null,
    unit_id varchar,
    unit_name_raw varchar not null,
    unit_name varchar not null,
    column_name varchar not null,
    column_name_raw varchar not null,
    address varchar not null,
    last_update date,
    last_update_raw varchar not null,
    note varchar,
    check_date date not null,
    check_date_source varchar not null,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_sheet varchar not null,
    source_row integer not null
);
"""

RAW_TABLES = ("annex_rows", "annex_totals", "reviewer_assessments", "source_files", "check_records")
# Each county's tier labels and ranks as its effective rules name them (dbt's int_tiers, built with
# the reference data): the ingest reads the reviewer's sheet with them, the export lists by them.
TIERS_VIEW = ("intermediate", "int_tiers")


class WarehouseLocked(RuntimeError):
    """Another program kept its lock on the warehouse file for longer than a run may wait."""

    def __init__(self, path: Path, wait_seconds: float, error: Exception) -> None:
        # DuckDB names the holder: "Conflicting lock is held in /usr/bin/duckdb (PID 4242)"
        holder = next((line for line in str(error).splitlines() if "held in" in line), "")
        super().__init__(
            f"仓库文件 {path} 被另一个程序锁定，已等待 {wait_seconds:.0f} 秒仍未释放"
            f"（{holder or '占用者不明'}），本次运行未做任何改动。请关闭打开该文件的程序"
            "（DuckDB 命令行、DBeaver 等）后重试。"
            f" / The warehouse file {path} is locked by another program ({holder or 'unknown'});"
            f" gave up after {wait_seconds:.0f} s and changed nothing. Close the program that"
            f" holds it (DuckDB CLI, DBeaver, ...) and run again. DuckDB said: {error}"
        )


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


@contextmanager
def connect(
    path: Path, *, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, waiting (bounded) while another process holds its lock: up to
    `wait_seconds`, by default GONGKAI_LOCK_WAIT_SECONDS (Settings.lock_wait_seconds)."""
    import duckdb

    from orchestration.settings import Settings

    if wait_seconds is None:
        wait_seconds = Settings.from_env().lock_wait_seconds
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            connection = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(path, wait_seconds, error) from error
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        yield connection
    finally:
        connection.close()


def ensure_raw_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(RAW_SCHEMA_DDL)


def replace_partitions(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    keys: Sequence[tuple[str, str]],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Delete the (county, quarter) partitions named in keys, then insert rows.

    The caller owns the transaction, so that all raw tables of a quarter change together.
    """
    import pandas as pd

    if table not in RAW_TABLES:
        raise ValueError(f"unknown raw table {table!r}")
    # One set-based delete: a statement per county costs ~1 s per 3,000 counties and table.
    replaced = pd.DataFrame.from_records(list(keys), columns=["county", "quarter"])
    connection.register("replaced_partitions", replaced)
    try:
        connection.execute(
            f"delete from raw.{table} using replaced_partitions"
            f" where raw.{table}.county = replaced_partitions.county"
            f" and raw.{table}.quarter = replaced_partitions.quarter"
        )
    finally:
        connection.unregister("replaced_partitions")
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows)
    connection.register("incoming_rows", frame)
    try:
        columns = ", ".join(frame.columns)
        connection.execute(
            f"insert into raw.{table} ({columns}) select {columns} from incoming_rows"
        )
    finally:
        connection.unregister("incoming_rows")
