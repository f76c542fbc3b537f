"""The raw tables as a test sees them, and the check that a refused quarter left them alone."""

from __future__ import annotations

import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect

RAW_TABLES = ("annex_rows", "annex_totals", "reviewer_assessments", "source_files")


def raw_snapshot(settings: Settings) -> dict[str, list[tuple]]:
    with connect(settings.warehouse_path, read_only=True) as connection:
        return {
            table: connection.execute(f"select * from raw.{table} order by all").fetchall()
            for table in RAW_TABLES
        }


def raw_tables(settings: Settings) -> list[str]:
    """The raw tables the warehouse holds (none before a quarter is ingested)."""
    with connect(settings.warehouse_path, read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    return sorted(name for (name,) in rows)


def assert_refused(settings: Settings, quarter: Quarter, *fragments: str) -> str:
    """Ingesting `quarter` fails naming every fragment, and the raw tables do not change."""
    before = raw_snapshot(settings)
    with pytest.raises(IngestError) as raised:
        ingest_quarter(settings, quarter)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "仓库数据保持不变" in message and "the warehouse is unchanged" in message
    assert raw_snapshot(settings) == before
    return message
