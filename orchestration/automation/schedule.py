"""The quarterly schedule: some days after a quarter ends, materialise that quarter."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.automation.jobs import quarter_job
from orchestration.automation.landing import (
    FINGERPRINT_TAG,
    hash_files,
    landing_fingerprint,
    quarter_spreadsheets,
)
from orchestration.automation.quarter_clock import (
    SCHEDULE_HOUR,
    quarter_just_ended,
    quarterly_cron,
)
from orchestration.partitions import quarterly_partitions
from orchestration.settings import Settings


def build_quarterly_schedule(
    day_of_month: int | None = None, timezone: str | None = None
) -> dg.ScheduleDefinition:
    """The schedule, firing on `day_of_month` (GONGKAI_SCHEDULE_DAY_OF_MONTH) of Jan/Apr/Jul/Oct."""
    settings = Settings.from_env()
    day = day_of_month or settings.schedule_day_of_month
    zone = timezone or settings.schedule_timezone

    @dg.schedule(
        name="quarterly_schedule",
        cron_schedule=quarterly_cron(day),
        execution_timezone=zone,
        job=quarter_job,
        # Off until a user switches it on in the UI (Automation): see the README.
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=f"每季度结束后次月 {day} 日 {SCHEDULE_HOUR} 点（{zone}）处理刚结束的季度。"
        f" / On day {day} of the month after a quarter ends, at {SCHEDULE_HOUR}:00 {zone},"
        " materialise that quarter.",
    )
    def quarterly_schedule(
        context: dg.ScheduleEvaluationContext,
    ) -> dg.RunRequest | dg.SkipReason:
        moment = context.scheduled_execution_time or datetime.now(ZoneInfo(zone))
        quarter = quarter_just_ended(moment).key
        if quarter not in quarterly_partitions.get_partition_keys():
            return dg.SkipReason(
                f"季度 {quarter} 不在分区列表中。 / Quarter {quarter} is not a partition."
            )
        landing_dir = Settings.from_env().landing_dir
        paths = quarter_spreadsheets(landing_dir / quarter)
        if not paths:
            return dg.SkipReason(
                f"{landing_dir / quarter} 中还没有附件表格，本次不运行；放入附件后"
                "由文件夹监测（landing_sensor）或手动运行。"
                f" / No annex spreadsheet in {landing_dir / quarter} yet: nothing to run."
            )
        files = {path: h.sha256 for path, h in hash_files(landing_dir, paths, {}).items()}
        return dg.RunRequest(
            partition_key=quarter,
            # one scheduled run per quarter, even if the daemon evaluates the tick again
            run_key=f"{quarter}:scheduled",
            tags={FINGERPRINT_TAG: landing_fingerprint(files)},
        )

    return quarterly_schedule


quarterly_schedule = build_quarterly_schedule()
