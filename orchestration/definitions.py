"""The gongkai code location: everything Dagster loads, assembled from one module per concern."""

from __future__ import annotations

import dagster as dg

from orchestration.automation.jobs import quarter_job
from orchestration.automation.schedule import quarterly_schedule
from orchestration.automation.sensor import landing_sensor
from orchestration.execution import executor_from_env
from orchestration.export.assets import notice_workbook
from orchestration.ingest.assets import raw_quarter
from orchestration.quality.checks import quality_checks
from orchestration.transform.assets import dbt_resource, gongkai_dbt_assets

defs = dg.Definitions(
    assets=[raw_quarter, gongkai_dbt_assets, notice_workbook],
    asset_checks=quality_checks,
    jobs=[quarter_job],
    schedules=[quarterly_schedule],
    sensors=[landing_sensor],
    executor=executor_from_env(),
    resources={"dbt": dbt_resource()},
)
