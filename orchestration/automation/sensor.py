"""The landing sensor: a run for a quarter whenever its folder's spreadsheets change in content."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from orchestration.automation.jobs import quarter_job
from orchestration.automation.landing import (
    FINGERPRINT_TAG,
    LandingCursor,
    QuarterLanding,
    hash_files,
    newest_change,
    quarter_spreadsheets,
)
from orchestration.partitions import quarterly_partitions
from orchestration.publish import PUBLISHED_QUARTER
from orchestration.quarters import Quarter

LastIngested = Callable[[Quarter], Mapping[str, str] | None]


@dataclass
class LandingPlan:
    run_requests: list[dg.RunRequest] = field(default_factory=list)
    cursor: LandingCursor = field(default_factory=LandingCursor)
    messages: list[str] = field(default_factory=list)


def plan_landing_runs(
    landing_dir: Path,
    cursor: LandingCursor,
    partition_keys: Collection[str],
    last_ingested: LastIngested,
    now: float,
    settle: float,
) -> LandingPlan:
    """Which quarters to run: those whose files differ from what was requested or ingested last."""
    plan = LandingPlan(
        cursor=LandingCursor(handled=dict(cursor.handled), requests=dict(cursor.requests))
    )
    folders = sorted(p for p in landing_dir.iterdir() if p.is_dir()) if landing_dir.is_dir() else []
    for folder in folders:
        if folder.name.startswith("."):
            continue
        if folder.name not in partition_keys:
            plan.messages.append(
                f"跳过文件夹“{folder.name}”：不是可处理的季度（应形如 2020-Q1，且在分区列表中）。"
                f" / Skipped folder {folder.name!r}: not a quarter partition (like '2020-Q1')."
            )
            continue
        quarter = Quarter.parse(folder.name)
        paths = quarter_spreadsheets(folder)
        if not paths:
            continue
        # a modification time in the future is clock skew between machines, not a copy going on
        if 0 <= now - newest_change(paths) < settle:
            # keep what is known of the folder until it has settled
            plan.cursor.hashes.update(
                {p: h for p, h in cursor.hashes.items() if p.startswith(f"{quarter.key}/")}
            )
            plan.messages.append(
                f"{quarter} 的文件刚刚改动，稍后再检查。"
                f" / {quarter}: files changed in the last {settle:.0f} s, looking again later."
            )
            continue
        hashes = hash_files(landing_dir, paths, cursor.hashes)
        plan.cursor.hashes.update(hashes)
        landing = QuarterLanding(quarter, {path: h.sha256 for path, h in hashes.items()})
        _plan_quarter(landing, plan, last_ingested)
    return plan


def _plan_quarter(landing: QuarterLanding, plan: LandingPlan, last_ingested: LastIngested) -> None:
    quarter, fingerprint = landing.quarter, landing.fingerprint
    if plan.cursor.handled.get(quarter.key) == fingerprint:
        return
    plan.cursor.handled[quarter.key] = fingerprint
    # Checked only when the folder changed since the last tick (or the cursor is new), so the
    # instance is not queried for every quarter at every tick.
    if dict(last_ingested(quarter) or {}) == landing.files:
        plan.messages.append(
            f"{quarter} 的文件与上次导入的相同，无需运行。"
            f" / {quarter}: same files as last ingested, no run needed."
        )
        return
    count = plan.cursor.requests.get(quarter.key, 0) + 1
    plan.cursor.requests[quarter.key] = count
    plan.run_requests.append(
        dg.RunRequest(
            partition_key=quarter.key,
            run_key=f"{quarter}:{fingerprint[:16]}:{count}",
            tags={FINGERPRINT_TAG: fingerprint},
        )
    )
    plan.messages.append(
        f"{quarter} 的文件有新增或改动（{len(landing.files)} 个文件），启动运行。"
        f" / {quarter}: new or changed files ({len(landing.files)} files), requesting a run."
    )


def last_ingested_files(instance: dg.DagsterInstance, quarter: Quarter) -> dict[str, str] | None:
    """The files (path -> SHA-256) the latest publication of the quarter was built from. Only a
    published quarter counts: a run that failed a check or died published nothing."""
    result = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PUBLISHED_QUARTER, asset_partitions=[quarter.key]), limit=1
    )
    if not result.records:
        return None
    materialization = result.records[0].asset_materialization
    value = materialization.metadata.get("source_files") if materialization else None
    return dict(value.value) if isinstance(value, dg.JsonMetadataValue) else None


@dg.sensor(
    name="landing_sensor",
    job=quarter_job,
    minimum_interval_seconds=30,
    # Off until a user switches it on in the UI (Automation): see the README.
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="监测 $GONGKAI_LANDING_DIR/<季度>/ 文件夹：附件表格新增或内容改动时处理该季度。"
    " / Watches $GONGKAI_LANDING_DIR/<quarter>/ and runs a quarter when its spreadsheets are"
    " added or change in content (SHA-256).",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    from orchestration.settings import Settings

    settings = Settings.from_env()
    plan = plan_landing_runs(
        settings.landing_dir,
        LandingCursor.from_json(context.cursor),
        set(quarterly_partitions.get_partition_keys()),
        lambda quarter: last_ingested_files(context.instance, quarter),
        now=time.time(),
        settle=settings.sensor_settle_seconds,
    )
    for message in plan.messages:
        context.log.info(message)
    return dg.SensorResult(run_requests=plan.run_requests, cursor=plan.cursor.to_json())
