"""What the UI shows a clerk, and what every quarter's run holds, checked on the definitions."""

from __future__ import annotations

import re

import dagster as dg

from orchestration.definitions import defs
from orchestration.partitions import quarterly_partitions

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _bilingual(text: str | None) -> bool:
    return bool(text and CJK.search(text) and LATIN_WORD.search(text))


def test_every_asset_is_grouped_and_described_in_chinese_and_english() -> None:
    graph = defs.get_repository_def().asset_graph
    gaps = [
        node.key.to_user_string()
        for node in graph.asset_nodes
        if node.is_materializable
        and (node.group_name in (None, "default") or not _bilingual(node.description))
    ]
    assert gaps == [], "assets without a group or a Chinese + English description"
    # The quality gate's checks are written for clerks. dbt's schema tests (not_null_..., named by
    # dbt) appear as checks too; their wording is dbt's, so they are not held to this.
    specs = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    written = [s for s in specs if "dagster_dbt/unique_id" not in s.metadata]
    assert written, "no quality checks"
    check_gaps = [
        f"{s.asset_key.to_user_string()}:{s.name}" for s in written if not _bilingual(s.description)
    ]
    assert check_gaps == [], "asset checks without a Chinese + English description"


def test_the_quarter_job_runs_every_asset_and_check_of_one_quarter() -> None:
    graph = defs.get_repository_def().asset_graph
    job = defs.resolve_job_def("quarter_job")
    materializable = {node.key for node in graph.asset_nodes if node.is_materializable}
    assert job.asset_layer.selected_asset_keys == materializable
    assert job.asset_layer.asset_graph.asset_check_keys == graph.asset_check_keys
    assert job.partitions_def == quarterly_partitions
    # every step works on the run's warehouse copy, none in a concurrency pool (a pool slot
    # outlives a killed run and blocks every later one)
    assert all(node.definition.pool is None for node in job.graph.nodes)
    assert all("warehouse" in node.definition.required_resource_keys for node in job.graph.nodes)


def test_schedule_and_sensor_are_there_to_be_switched_on() -> None:
    schedule = defs.resolve_schedule_def("quarterly_schedule")
    sensor = defs.resolve_sensor_def("landing_sensor")
    assert schedule.job_name == sensor.job_name == "quarter_job"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert _bilingual(schedule.description) and _bilingual(sensor.description)
