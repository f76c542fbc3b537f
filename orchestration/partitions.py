"""Quarterly partitions keyed the way users write quarters: '2020-Q1'.

Dagster's time-window partitions can only key quarters by date ('2020-01-01'), so the keys are a
static list from FIRST_QUARTER to the current quarter, extended by any later landing folder.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from orchestration.quarters import Quarter, quarter_range

FIRST_QUARTER = Quarter(2015, 1)


def quarter_keys(today: date, landed: list[str] | None = None) -> list[str]:
    last = Quarter.containing(today)
    for key in landed or []:
        try:
            last = max(last, Quarter.parse(key))
        except ValueError:
            continue  # not a quarter folder: ingest reports it when asked for that quarter
    return [quarter.key for quarter in quarter_range(FIRST_QUARTER, last)]


def _landed_quarters() -> list[str]:
    from orchestration.settings import Settings

    landing = Settings.from_env().landing_dir
    return sorted(p.name for p in landing.iterdir() if p.is_dir()) if landing.is_dir() else []


quarterly_partitions = dg.StaticPartitionsDefinition(quarter_keys(date.today(), _landed_quarters()))
