"""The gongkai code location: everything Dagster loads, assembled from one module per concern."""

from __future__ import annotations

import dagster as dg

from orchestration.automation.jobs import quarter_job
from orchestration.automation.schedule import quarterly_schedule
from orchestration.automation.sensor import landing_sensor
from orchestration.cli_exit import skip_final_collection_in_cli
from orchestration.execution import executor_for
from orchestration.export.assets import notice_workbook
from orchestration.ingest.assets import raw_quarter
from orchestration.publish import published_quarter
from orchestration.quality.checks import quality_checks
from orchestration.resources import WarehouseRun
from orchestration.settings import Settings
from orchestration.transform.assets import all_quarter_views, quarter_marts, reference_data

skip_final_collection_in_cli()

# Everything a quarter's run materialises (`make run`), in this order.
QUARTER_ASSETS: tuple[dg.AssetsDefinition, ...] = (
    raw_quarter,
    reference_data,
    all_quarter_views,
    quarter_marts,
    notice_workbook,
    published_quarter,
)

defs = dg.Definitions(
    assets=QUARTER_ASSETS,
    asset_checks=quality_checks,
    jobs=[quarter_job],
    schedules=[quarterly_schedule],
    sensors=[landing_sensor],
    executor=executor_for(Settings.from_env()),
    resources={"warehouse": WarehouseRun()},
)
