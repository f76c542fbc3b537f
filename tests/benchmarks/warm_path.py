"""The warm path: a quarter launched from the UI, with `make ui` (webserver, daemon, code server)
already running and loaded, measured from the launch until the run has succeeded.

Starts `dagster dev -w workspace.yaml` as `make ui` does, on 127.0.0.1 and a free port, in its own
session (stopped as one group at the end, SIGKILL if it does not stop). Then, as a clerk clicking
Materialize: the deployment's first run (2019-Q4), 2020-Q1 as a new quarter and 2020-Q1 again.
Each launch goes through the webserver's GraphQL API; the run is queued, the daemon starts a run
worker, the worker runs the steps. The stages come from the run's events (timeline.py; here
"start-up" is the queue and the worker's start, up to the run's first event in the worker).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from orchestration.settings import PROJECT_ROOT
from tests.benchmarks.run_benchmark import (
    SAMPLE,
    Result,
    deployment_env,
    hand_script,
    write_first_quarter,
)
from tests.benchmarks.timeline import run_timeline
from tests.webserver import free_port, launch_quarter

BIN = Path(sys.executable).parent
LOAD_TIMEOUT = 600.0
RUN_TIMEOUT = 900.0


def _graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if "errors" in answer:
        raise RuntimeError(answer["errors"])
    return answer["data"]


@contextmanager
def ui(env: dict[str, str], log: Path) -> Iterator[str]:
    """`make ui`'s `dagster dev`, loaded; yields its URL and stops its whole session."""
    port = free_port()
    command = [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "-p", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + LOAD_TIMEOUT
        while not _loaded(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dagster dev did not load:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(60)


def _loaded(url: str) -> bool:
    try:
        entries = _graphql(
            url, "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
        )["workspaceOrError"]["locationEntries"]
    except (urllib.error.URLError, ConnectionError):
        return False
    return bool(entries) and entries[0]["loadStatus"] == "LOADED"


def launch_and_wait(url: str, quarter: str) -> tuple[str, float, float]:
    """Launch the quarter as the Materialize button does; (status, launched at, finished at)."""
    launched_at = time.time()
    launched = launch_quarter(functools.partial(_graphql, url), quarter)
    if launched["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(launched)
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        status = _graphql(
            url,
            "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
            {"id": run_id},
        )["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status, launched_at, time.time()
        time.sleep(0.2)
    raise RuntimeError(f"run {run_id} did not finish in {RUN_TIMEOUT:.0f} s")


def warm_runs(work: Path) -> list[Result]:
    landing = work / "landing"
    shutil.copytree(SAMPLE, landing / SAMPLE.name)
    first = write_first_quarter(landing)
    env = {**deployment_env(work, None, landing), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    results = []
    with ui(env, work / "dagster-dev.log") as url:
        for name, quarter in (
            ("UI first run", first.key),
            ("UI new quarter", SAMPLE.name),
            ("UI rerun", SAMPLE.name),
        ):
            hand = hand_script(landing / quarter, work / "hand.xlsx")
            status, launched, finished = launch_and_wait(url, quarter)
            stages = run_timeline(Path(env["DAGSTER_HOME"]), launched, finished)
            # Not the worker's exit (the clerk does not wait for it): until the UI shows it.
            stages["status seen"] = stages.pop("exit")
            results.append(
                Result(
                    scenario=name,
                    counties=1,
                    quarter=quarter,
                    success=status == "SUCCESS",
                    wall_seconds=round(finished - launched, 2),
                    stages=stages,
                    peak_memory_mb=0.0,
                    target="(warm path: no target)",
                    hand_seconds=round(hand, 3),
                    ratio=round((finished - launched) / hand, 1),
                )
            )
    return results
