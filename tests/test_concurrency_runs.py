"""Two materialisations at once share one warehouse: DuckDB's single writer never fails a run.

Slow (two `dagster` processes): each run holds the warehouse claim (orchestration/run_claim.py)
for the whole run, so the second waits for the first and then starts from its published result.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.quarters import Quarter
from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import connect
from tests.factories.synthetic import SyntheticCounty, write_county_quarter
from tests.limits import RUN_TIMEOUT, kill_group

pytestmark = pytest.mark.slow

DAGSTER = str(Path(sys.executable).parent / "dagster")


def _materialize(quarter: str, log: Path) -> subprocess.Popen[bytes]:
    command = [DAGSTER, "asset", "materialize", "-m", "orchestration.definitions"]
    command += ["--select", "*", "--partition", quarter]
    with log.open("wb") as handle:
        return subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=os.environ,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _step_windows(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float, str]]:
    starts: dict[str, float] = {}
    windows = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[entry.step_key] = entry.timestamp
        elif event.event_type in (
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
        ):
            windows.append((starts[entry.step_key], entry.timestamp, entry.step_key))
    return windows


def test_two_quarters_at_once_both_succeed(sample_settings: Settings, tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", os.environ["DAGSTER_HOME"])
    write_county_quarter(
        sample_settings.landing_dir / "2020-Q2",
        SyntheticCounty("崇信县", "chongxin"),
        Quarter.parse("2020-Q2"),
        random.Random(2),
    )
    # The instance's sqlite storage is created once, as by the first run or `make ui`: two
    # processes creating it at the same moment race on its schema, which is not what is tested.
    dg.DagsterInstance.get().dispose()
    runs = {q: _materialize(q, tmp_path / f"{q}.log") for q in ("2020-Q1", "2020-Q2")}
    try:
        for quarter, process in runs.items():
            code = process.wait(RUN_TIMEOUT)
            assert code == 0, (tmp_path / f"{quarter}.log").read_text()[-3000:]
    finally:
        for process in runs.values():  # a test that gave up leaves no dagster or dbt behind
            if process.poll() is None:
                kill_group(process)

    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        per_quarter = connection.execute(
            "select quarter, count(*), sum(item_count) from raw.annex_rows "
            "group by quarter order by quarter"
        ).fetchall()
        assert per_quarter[0] == ("2020-Q1", 51, 262)
        assert per_quarter[1][:2] == ("2020-Q2", 51)
        summaries = connection.execute(
            "select quarter, total_items from marts.quarter_summary order by quarter"
        ).fetchall()
        assert summaries == [(quarter, items) for quarter, _, items in per_quarter]
    for quarter in runs:
        assert list((sample_settings.exports_dir / quarter).glob("*.xlsx")), quarter

    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records()
        assert sorted(r.dagster_run.tags["dagster/partition"] for r in records) == [
            "2020-Q1",
            "2020-Q2",
        ]
        assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in records)
        # the two runs were under way at the same time...
        assert max(r.start_time or 0 for r in records) < min(r.end_time or 0 for r in records)
        # ...and no two warehouse steps of the two runs ever overlapped
        first, second = (_step_windows(instance, r.dagster_run.run_id) for r in records)
        assert first and second
        for start_a, end_a, key_a in first:
            for start_b, end_b, key_b in second:
                assert end_a <= start_b or end_b <= start_a, (key_a, key_b)
    # one of them found the warehouse claimed and said so while it waited
    logs = "".join((tmp_path / f"{quarter}.log").read_text() for quarter in runs)
    assert "仓库正由运行" in logs and "waiting up to" in logs
