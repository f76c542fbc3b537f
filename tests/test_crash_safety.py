"""Crash-safe quarters: a killed run blocks nothing, a failed run changes nothing.

Real `dagster asset materialize` processes are killed with SIGKILL (their whole process group,
dbt included) as each step starts; after every kill the published warehouse and exports are
compared with what they were, and the next run must get through. Slow: each run is a full CLI
run of the sample quarter.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import write_annex_xlsx
from tests.limits import RUN_TIMEOUT, kill_group
from tests.pipeline import materialize_quarter

pytestmark = pytest.mark.slow

DAGSTER = str(Path(sys.executable).parent / "dagster")
STEPS = (
    "reference_data",
    "raw_quarter",
    "raw_quality_gate",
    "all_quarter_views",
    "quarter_marts",
    "mart_quality_gate",
    "exports__notice_workbook",
    "warehouse__published_quarter",
)
RELEASED = "Found and released the warehouse claim of a dead run"


class CliRun:
    """`dagster asset materialize` of one quarter in its own process group, its output read as
    it comes, so the test can kill it the moment a step starts."""

    def __init__(self, quarter: str, log: Path) -> None:
        self.log = log
        self.lines: list[str] = []
        self.started: dict[str, threading.Event] = {step: threading.Event() for step in STEPS}
        command = [DAGSTER, "asset", "materialize", "-m", "orchestration.definitions"]
        self.process = subprocess.Popen(
            [*command, "--select", "*", "--partition", quarter],
            cwd=PROJECT_ROOT,
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            for step, event in self.started.items():
                if f'Started execution of step "{step}"' in line:
                    event.set()

    def output(self) -> str:
        return "".join(self.lines)

    def kill_when_started(self, step: str) -> None:
        assert self.started[step].wait(RUN_TIMEOUT), self.output()[-3000:]
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(RUN_TIMEOUT)
        self.reader.join(RUN_TIMEOUT)

    def finish(self) -> int:
        code = self.process.wait(RUN_TIMEOUT)
        self.reader.join(RUN_TIMEOUT)
        self.log.write_text(self.output(), encoding="utf-8")
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            kill_group(self.process)


@pytest.fixture
def cli_runs() -> Iterator[list[CliRun]]:
    runs: list[CliRun] = []
    yield runs
    for run in runs:  # a test that gave up leaves no dagster or dbt behind
        run.stop()


def _published(settings: Settings, quarter: str) -> tuple[object, ...]:
    """What readers see of a quarter: raw and mart figures, and the export files' bytes."""
    with connect(settings.warehouse_path, read_only=True) as connection:
        raw = connection.execute(
            "select count(*), sum(item_count) from raw.annex_rows where quarter = ?", [quarter]
        ).fetchone()
        marts = connection.execute(
            "select total_items from marts.quarter_summary where quarter = ?", [quarter]
        ).fetchall()
        columns = connection.execute(
            "select sum(item_count) from marts.column_quarter where quarter = ?", [quarter]
        ).fetchone()
    folder = settings.exports_dir / quarter
    files = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
    }
    return raw, marts, columns, files


def _correct_annex1(settings: Settings, quarter: str, change: int, declared: int) -> None:
    """Rewrite 附件1 with one count changed by `change` and the 合计 written as `declared`."""
    folder = settings.landing_dir / quarter
    for old in folder.glob("附件1*"):
        old.unlink()
    rows = list(notice.ANNEX1_ROWS)
    first = rows[0]
    rows[0] = type(first)(**{**first.__dict__, "item_count": int(first.item_count) + change})
    title = "崇信县政府部门信息公开第一季度更新情况统计表"
    write_annex_xlsx(folder / f"附件1-{title}.xlsx", title, rows, declared)


def test_a_run_killed_at_any_step_changes_nothing_and_blocks_nothing(
    sample_settings: Settings, tmp_path: Path, cli_runs: list[CliRun]
) -> None:
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", os.environ["DAGSTER_HOME"])
    first = CliRun("2020-Q1", tmp_path / "first.log")
    cli_runs.append(first)
    assert first.finish() == 0, first.output()[-3000:]
    before = _published(sample_settings, "2020-Q1")
    assert before[0] == (51, 262)
    # A correction (one more item in 附件1, with its 合计): what every killed run would publish.
    _correct_annex1(sample_settings, "2020-Q1", change=1, declared=249)

    killed = []
    for step in STEPS:
        run = CliRun("2020-Q1", tmp_path / f"killed-at-{step}.log")
        cli_runs.append(run)
        run.kill_when_started(step)
        killed.append(run)
        after = _published(sample_settings, "2020-Q1")
        if step == "warehouse__published_quarter":
            # killed while publishing: the whole old quarter, or (completed by the next run's
            # claim from the journal) the whole new one, never a mix
            assert after == before or after[0] == (51, 263), step
        else:
            assert after == before, step

    last = CliRun("2020-Q1", tmp_path / "last.log")
    cli_runs.append(last)
    assert last.finish() == 0, last.output()[-3000:]
    assert _published(sample_settings, "2020-Q1")[0] == (51, 263)
    # every run after a kill found the dead run's claim, said so, and went on
    for later in [*killed[1:], last]:
        assert RELEASED in later.output() or "发现已中断的运行" in later.output()
    with dg.DagsterInstance.get() as instance:
        statuses = [record.dagster_run.status for record in instance.get_run_records()]
    assert dg.DagsterRunStatus.STARTED not in statuses  # dead runs were recorded as failed
    assert statuses.count(dg.DagsterRunStatus.FAILURE) == len(STEPS)


def test_a_failed_quarter_is_not_used_by_the_next_one(sample_settings: Settings) -> None:
    """The issue's case: 2020-Q1 published at 262, a bad correction (267, its 合计 999) fails the
    raw gate, then 2020-Q2 compares with the published 262, not with the rejected 267."""
    with dg.instance_for_test() as instance:
        assert materialize_quarter("2020-Q1", instance=instance).success
        published = _published(sample_settings, "2020-Q1")
        shutil.copytree(
            sample_settings.landing_dir / "2020-Q1", sample_settings.landing_dir / "2020-Q2"
        )
        _correct_annex1(sample_settings, "2020-Q1", change=5, declared=999)
        failed = materialize_quarter("2020-Q1", instance=instance)
        assert not failed.success
        assert _published(sample_settings, "2020-Q1") == published
        with connect(sample_settings.warehouse_path, read_only=True) as connection:
            raw = connection.execute(
                "select sum(item_count) from raw.annex_rows where quarter = '2020-Q1'"
            ).fetchone()
        assert raw == (262,)
        _rename_quarter_headers(sample_settings.landing_dir / "2020-Q2")
        assert materialize_quarter("2020-Q2", instance=instance).success
    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        summary = connection.execute(
            "select total_items, previous_total_items, total_change from marts.quarter_summary"
            " where quarter = '2020-Q2'"
        ).fetchone()
    assert summary == (262, 262, 0)


def _rename_quarter_headers(folder: Path) -> None:
    """The copied sample says 一季度 in its headers; 2020-Q2's annexes must say 二季度."""
    from openpyxl import load_workbook

    for path in folder.glob("附件*.xlsx"):
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "一季度" in cell.value:
                        cell.value = cell.value.replace("一季度", "二季度")
        workbook.save(path)


def test_a_run_waits_for_a_program_writing_the_warehouse_then_gives_up_naming_it(
    sample_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.instance_for_test() as instance:
        assert materialize_quarter("2020-Q1", instance=instance).success
        published = _published(sample_settings, "2020-Q1")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(sample_settings.warehouse_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            monkeypatch.setenv("GONGKAI_LOCK_WAIT_SECONDS", "1")
            result = materialize_quarter("2020-Q1", instance=instance)
        finally:
            kill_group(holder)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_failure)
    message = str(failure.event_specific_data)
    assert "被另一个程序锁定" in message and f"PID {holder.pid}" in message
    assert _published(sample_settings, "2020-Q1") == published


HOLDER = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("create table if not exists held (n integer)")
print("held", flush=True)
time.sleep(600)
"""
