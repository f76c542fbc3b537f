"""The gongkai code location: everything Dagster loads, assembled from one module per concern."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import raw_quarter

# Steps of one run execute in one process, one after another: DuckDB allows one writer, and a
# quarter is small, so a process per step would only add start-up time.
defs = dg.Definitions(
    assets=[raw_quarter],
    executor=dg.in_process_executor,
)
