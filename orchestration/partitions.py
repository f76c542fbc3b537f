"""Quarterly partitions keyed the way users write quarters: '2020-Q1'.

Dagster's time-window partitions can only key quarters by date ('2020-01-01'), so the keys are a
static list. It starts at the earliest quarter folder that has landed (a county's data starts
there: no years of "Missing" quarters before it in the UI) and runs to the current quarter, or to
a later landed folder. With nothing landed yet it holds the quarter that just ended, which the
schedule will run first. The list is computed when the code location loads, so a quarter folder
added for an earlier year shows after a reload (`make ui` reloads on the button in the UI).
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from orchestration.quarters import Quarter, quarter_range

PARTITION_TAG = "dagster/partition"


def quarter_keys(today: date, landed: list[str]) -> list[str]:
    current = Quarter.containing(today)
    quarters = []
    for key in landed:
        try:
            quarters.append(Quarter.parse(key))
        except ValueError:
            continue  # not a quarter folder: ingest reports it when asked for that quarter
    first = min(quarters, default=current.previous())
    last = max([current, *quarters])
    return [quarter.key for quarter in quarter_range(first, last)]


def quarter_of(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> Quarter:
    """A step's quarter: with quarter_of_run, the one place a partition key becomes a Quarter."""
    return Quarter.parse(context.partition_key)


def quarter_of_run(run: dg.DagsterRun | None) -> Quarter | None:
    """The quarter a run was started for (its partition tag); None for a run of no quarter."""
    key = run.tags.get(PARTITION_TAG) if run is not None else None
    return Quarter.parse(key) if key else None


def _landed_quarters() -> list[str]:
    from orchestration.settings import Settings

    landing = Settings.from_env().landing_dir
    return sorted(p.name for p in landing.iterdir() if p.is_dir()) if landing.is_dir() else []


quarterly_partitions = dg.StaticPartitionsDefinition(quarter_keys(date.today(), _landed_quarters()))
