"""The quarterly schedule: which quarter it runs, when, and what it does with an empty folder."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.automation.jobs import quarter_job
from orchestration.automation.landing import FINGERPRINT_TAG
from orchestration.automation.quarter_clock import quarter_just_ended, quarterly_cron
from orchestration.automation.schedule import build_quarterly_schedule
from orchestration.definitions import defs
from orchestration.settings import Settings

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("moment", "quarter"),
    [
        (datetime(2020, 4, 5, 6, tzinfo=BEIJING), "2020-Q1"),
        (datetime(2020, 7, 1, 0, 0, tzinfo=BEIJING), "2020-Q2"),
        (datetime(2020, 10, 28, 23, 59), "2020-Q3"),
        (datetime(2021, 1, 5, 6, tzinfo=BEIJING), "2020-Q4"),
        (datetime(2020, 3, 31, 23, 59), "2019-Q4"),
    ],
)
def test_quarter_just_ended(moment: datetime, quarter: str) -> None:
    assert quarter_just_ended(moment).key == quarter


def test_the_schedule_fires_after_each_quarter_ends() -> None:
    assert quarterly_cron(5) == "0 6 5 1,4,7,10 *"


def test_schedule_reads_its_day_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GONGKAI_SCHEDULE_DAY_OF_MONTH", raising=False)
    default = build_quarterly_schedule()
    assert default.cron_schedule == "0 6 5 1,4,7,10 *"
    assert default.execution_timezone == "Asia/Shanghai"
    assert default.default_status == dg.DefaultScheduleStatus.STOPPED

    monkeypatch.setenv("GONGKAI_SCHEDULE_DAY_OF_MONTH", "10")
    later = build_quarterly_schedule()
    assert later.cron_schedule == "0 6 10 1,4,7,10 *"
    assert "10 日" in (later.description or "")


def _evaluate(schedule: dg.ScheduleDefinition, moment: datetime) -> dg.ScheduleExecutionData:
    # the project's assets and job, with this schedule in place of the one built at import
    repository = dg.Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        resources=defs.resources,
        jobs=[quarter_job],
        schedules=[schedule],
    ).get_repository_def()
    # The context is closed here, while its instance is alive: left to the garbage collector, it
    # would reset Dagster's current defs-state storage to the disposed instance's in a later test.
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(
            instance=instance, scheduled_execution_time=moment, repository_def=repository
        ) as context,
    ):
        return schedule.evaluate_tick(context)


def test_schedule_runs_the_quarter_that_just_ended(sample_settings: Settings) -> None:
    schedule = build_quarterly_schedule(day_of_month=5)
    result = _evaluate(schedule, datetime(2020, 4, 5, 6, tzinfo=BEIJING))

    [request] = result.run_requests or []
    assert request.partition_key == "2020-Q1"
    assert request.run_key == "2020-Q1:scheduled"
    folder = sample_settings.landing_dir / "2020-Q1"
    listing = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  2020-Q1/{p.name}\n"
        for p in sorted(folder.iterdir())
    )
    assert request.tags[FINGERPRINT_TAG] == hashlib.sha256(listing.encode()).hexdigest()


def test_schedule_skips_a_quarter_with_no_files_yet(sample_settings: Settings) -> None:
    (sample_settings.landing_dir / "2020-Q2").mkdir()
    (sample_settings.landing_dir / "2020-Q2" / "~$附件1.xlsx").write_bytes(b"lock")
    result = _evaluate(build_quarterly_schedule(), datetime(2020, 7, 5, 6, tzinfo=BEIJING))

    assert not result.run_requests
    assert "2020-Q2" in (result.skip_message or "")
    assert "还没有附件表格" in (result.skip_message or "")


def test_schedule_skips_a_quarter_that_is_not_a_partition(sample_settings: Settings) -> None:
    result = _evaluate(build_quarterly_schedule(), datetime(2099, 4, 5, 6, tzinfo=BEIJING))
    assert not result.run_requests
    assert "2099-Q1 不在分区列表中" in (result.skip_message or "")
