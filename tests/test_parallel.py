"""orchestration.parallel: how many worker processes, and workers that find the project."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from orchestration.parallel import map_in_processes, worker_count
from orchestration.settings import PROJECT_ROOT


def test_workers_start_only_when_each_gets_enough_items() -> None:
    assert worker_count(1, 25, 4) == 1
    assert worker_count(49, 25, 4) == 1
    assert worker_count(50, 25, 4) == 2
    assert worker_count(10_000, 25, 4) == 4
    assert worker_count(10_000, 25, 1) == 1


def test_workers_find_the_project_when_the_parent_dropped_it_from_sys_path() -> None:
    # What `dagster asset materialize -m orchestration.definitions` does: the project is on
    # sys.path while the code location loads, and no longer when a step starts the pool.
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        from orchestration.parallel import map_in_processes
        from orchestration.quarters import Quarter
        sys.path.remove({str(PROJECT_ROOT)!r})
        if __name__ == "__main__":
            print(map_in_processes(Quarter.parse, ["2020-Q1", "2020-Q2", "2021-Q4"], 1, 2))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd="/", capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Quarter(year=2021, number=4)" in done.stdout


def _process_id(_: object) -> int:
    return os.getpid()


@pytest.mark.parametrize(("setting", "in_this_process"), [("1", True), ("2", False)])
def test_gongkai_workers_sets_the_processes(
    monkeypatch: pytest.MonkeyPatch, setting: str, in_this_process: bool
) -> None:
    monkeypatch.setenv("GONGKAI_WORKERS", setting)
    pids = set(map_in_processes(_process_id, range(8), min_items_per_worker=1))
    assert (pids == {os.getpid()}) is in_this_process
    assert os.getpid() not in pids or in_this_process
