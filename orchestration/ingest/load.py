"""Ingest a quarter: read every county's folder, then replace the quarter in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.limits import InputLimits
from orchestration.ingest.quarter_folder import CountyQuarter, read_quarter
from orchestration.ingest.registry import registry_from
from orchestration.ingest.tier_labels import read_tier_labels
from orchestration.quarters import Quarter
from orchestration.reference.validation import load_reference
from orchestration.settings import Settings
from orchestration.warehouse import RAW_TABLES, connect, ensure_raw_schema, replace_partitions


@dataclass(frozen=True)
class CountySummary:
    county: str
    rows: int
    items_by_annex: dict[int, int]
    declared_by_annex: dict[int, int | None]
    units_resolved: int
    unattributed_rows: int
    assessments: int
    files: dict[str, str]  # source file -> sha256
    check_records: int = 0
    # '2023-06-26 (file_name)' per distinct check date: where the run's check date came from
    check_dates: tuple[str, ...] = ()


def summarise(county: CountyQuarter) -> CountySummary:
    items: dict[int, int] = {}
    for row in county.annex_rows:
        items[row["annex"]] = items.get(row["annex"], 0) + row["item_count"]
    return CountySummary(
        county=county.county,
        rows=len(county.annex_rows),
        items_by_annex=dict(sorted(items.items())),
        declared_by_annex={t["annex"]: t["declared_total"] for t in county.annex_totals},
        units_resolved=len({r["unit_id"] for r in county.annex_rows if r["unit_id"]}),
        unattributed_rows=sum(1 for r in county.annex_rows if r["unit_id"] is None),
        assessments=len(county.reviewer_assessments),
        files={f["source_file"]: f["source_sha256"] for f in county.source_files},
        check_records=len(county.check_records),
        check_dates=tuple(
            sorted(
                {
                    f"{r['check_date'].isoformat()} ({r['check_date_source']})"
                    for r in county.check_records
                }
            )
        ),
    )


def write_quarter(warehouse: Path, quarter: Quarter, counties: list[CountyQuarter]) -> None:
    """Replace the quarter of every county read, in all raw tables, atomically."""
    keys = [(county.county, quarter.key) for county in counties]
    with connect(warehouse) as connection:
        ensure_raw_schema(connection)
        connection.execute("begin transaction")
        try:
            for table in RAW_TABLES:
                rows = [row for county in counties for row in getattr(county, table)]
                replace_partitions(connection, table, keys, rows)
            connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise


def ingest_quarter(
    settings: Settings, quarter: Quarter, warehouse: Path | None = None
) -> list[CountySummary]:
    """Read the quarter's folder and replace it in `warehouse` (a run's private copy), which
    already holds the reference data (the tier labels the reviewer's sheet is read with)."""
    warehouse = warehouse or settings.warehouse_path
    # A broken reference file (ReferenceDataError, naming its row) is reported before anything
    # else is read.
    reference = load_reference(settings.reference_dir)
    registry = registry_from(reference, read_tier_labels(warehouse))
    limits = InputLimits.from_settings(settings)
    counties = read_quarter(settings.landing_dir, quarter, registry, settings.county, limits)
    write_quarter(warehouse, quarter, counties)
    return [summarise(county) for county in counties]
