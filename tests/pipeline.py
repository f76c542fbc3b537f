"""The quarter's pipeline as tests run it in-process: the real assets, checks and resource."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.definitions import QUARTER_ASSETS
from orchestration.ingest.assets import raw_quarter
from orchestration.publish import published_quarter
from orchestration.quality.checks import quality_checks
from orchestration.resources import WarehouseRun
from orchestration.transform.assets import all_quarter_views, quarter_marts, reference_data

# What builds the marts and publishes them, without the GX gate or the export.
BUILD_ASSETS = (
    raw_quarter,
    reference_data,
    all_quarter_views,
    quarter_marts,
    published_quarter,
)


def materialize_quarter(
    quarter: str,
    assets: tuple[dg.AssetsDefinition, ...] = QUARTER_ASSETS,
    *,
    checks: Sequence[dg.AssetChecksDefinition] = tuple(quality_checks),
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """One run of `assets` and `checks` (the whole GX gate unless told) for one quarter."""
    return dg.materialize(
        [*assets, *checks],
        partition_key=quarter,
        resources={"warehouse": WarehouseRun()},
        instance=instance,
        raise_on_error=False,
    )
