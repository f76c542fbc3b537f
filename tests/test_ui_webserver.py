"""The Dagster UI as a clerk uses it, driven through the webserver's GraphQL API.

Slow: starts `dagster dev` (webserver + daemon, as `make ui` does) once for the module on
127.0.0.1 and a free port, in its own session, and stops that whole process group at the end.
Runs are queued (the project's dagster.yaml keeps Dagster's QueuedRunCoordinator), so it is the
daemon that launches them, as it does for the schedule, the sensor and backfills.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from orchestration.automation.landing import LandingCursor
from orchestration.quarters import Quarter
from orchestration.run_claim import lock_path, read_holder
from orchestration.settings import PROJECT_ROOT
from orchestration.warehouse import connect
from tests.conftest import SAMPLE_DIR
from tests.environment import copy_reference, pipeline_environment
from tests.factories.synthetic import SyntheticCounty, write_county_quarter
from tests.limits import REQUEST_TIMEOUT, RUN_TIMEOUT, STOP_TIMEOUT
from tests.limits import SERVER_START_TIMEOUT as START_TIMEOUT
from tests.webserver import REPOSITORY, free_port, launch_quarter

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _session_processes(session: int) -> list[int]:
    """Live (non-zombie) processes of a session, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _command_line(pid: int) -> str:
    """The command and its blocked / ignored signal masks (a blocked SIGINT never arrives)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "(gone)"
    masks = " ".join(
        line.replace("\t", "") for line in status if line.startswith(("SigBlk", "SigIgn"))
    )
    return f"{command[:200]} [{masks}]"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]
    root: Path

    @property
    def warehouse(self) -> Path:
        return Path(self.env["GONGKAI_WAREHOUSE"])

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            answer = json.loads(response.read())
        assert "errors" not in answer, answer
        return answer["data"]

    def log_tail(self) -> str:
        return (self.root / "dagster-dev.log").read_text(errors="replace")[-4000:]

    def stop(self) -> list[str]:
        """SIGINT to the whole group (what Ctrl-C does), SIGKILL after 30 s; returns leftovers
        as 'pid command line', so a failure says which process would not stop."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_TIMEOUT)
        deadline = time.monotonic() + 15
        while _session_processes(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        leftovers = [f"{pid} {_command_line(pid)}" for pid in _session_processes(self.process.pid)]
        if leftovers:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)
        return leftovers


def _wait_until_loaded(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log_tail()
        try:
            entries = server.graphql(
                "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
                "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
            )["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError):
            entries = []
        if entries and entries[0]["loadStatus"] == "LOADED":
            location = entries[0]["locationOrLoadError"]
            assert location["__typename"] == "RepositoryLocation", location
            return
        time.sleep(0.5)
    pytest.fail(f"dagster dev did not load the code location in time:\n{server.log_tail()}")


def _default_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("ui")
    landing = root / "landing"
    shutil.copytree(SAMPLE_DIR, landing / "2020-Q1")
    for seed, quarter in ((2, "2020-Q2"), (3, "2020-Q3")):
        write_county_quarter(
            landing / quarter,
            SyntheticCounty("崇信县", "chongxin"),
            Quarter.parse(quarter),
            random.Random(seed),
        )
    reference = copy_reference(root)
    env = {
        **os.environ,
        **pipeline_environment(root, landing=landing, reference=reference),
        # as `make ui` has it: dagster dev re-parses the dbt project and calls `dbt` from PATH
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GONGKAI_SENSOR_SETTLE_SECONDS": "0",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", env["DAGSTER_HOME"])
    port = free_port()
    command = [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1"]
    with (root / "dagster-dev.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "-p", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
            # As from a terminal: a test run started in the background (`make test &`) ignores
            # SIGINT, children inherit that, and Python then never turns it into Ctrl-C.
            preexec_fn=_default_interrupts,
        )
    running = Server(process, f"http://127.0.0.1:{port}", env, root)
    try:
        _wait_until_loaded(running)
        yield running
    finally:
        running.stop()


def _wait_for_runs(server: Server, run_ids: list[str]) -> dict[str, str]:
    deadline = time.monotonic() + RUN_TIMEOUT
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        for run_id in run_ids:
            statuses[run_id] = server.graphql(
                "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                {"id": run_id},
            )["runOrError"]["status"]
        if all(s in ("SUCCESS", "FAILURE", "CANCELED") for s in statuses.values()):
            return statuses
        time.sleep(1)
    pytest.fail(f"runs did not finish in time: {statuses}\n{server.log_tail()}")


def _materializations(server: Server, key: list[str], quarter: str) -> list[dict[str, Any]]:
    return server.graphql(
        "query($key: AssetKeyInput!, $quarter: String!) { assetOrError(assetKey: $key) {"
        " ... on Asset { assetMaterializations(partitions: [$quarter]) { runId partition"
        " metadataEntries { label ... on JsonMetadataEntry { jsonString } } } } } }",
        {"key": {"path": key}, "quarter": quarter},
    )["assetOrError"]["assetMaterializations"]


def _raw_rows(server: Server, quarter: str) -> list[tuple[Any, ...]]:
    with connect(server.warehouse, read_only=True) as connection:
        return connection.execute(
            "select * from raw.annex_rows where quarter = ? order by annex, source_row", [quarter]
        ).fetchall()


@pytest.fixture(scope="module")
def first_quarter_run(server: Server) -> str:
    """2020-Q1 launched from the UI's API as the Materialize button does: the job, one partition."""
    run_id = _launch_quarter(server, "2020-Q1")
    assert _wait_for_runs(server, [run_id]) == {run_id: "SUCCESS"}, server.log_tail()
    return run_id


def test_ui_shows_grouped_bilingual_assets_checks_quarters_and_automation(server: Server) -> None:
    nodes = server.graphql(
        "{ assetNodes { assetKey { path } groupName description partitionKeys"
        " assetChecksOrError { ... on AssetChecks { checks { name description } } } } }"
    )["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    assert {"raw/annex_rows", "raw/source_files", "exports/notice_workbook"} <= keys
    assert {f"marts/{m}" for m in ("unit_quarter", "column_quarter", "quarter_summary")} <= keys
    for node in nodes:
        assert node["groupName"] and node["groupName"] != "default", node["assetKey"]
        description = node["description"] or ""
        assert CJK.search(description) and LATIN_WORD.search(description), node["assetKey"]
        # the quarter picker offers quarters as users write them, starting where the data
        # starts; seeds and all-quarter views are not partitioned
        if node["assetKey"]["path"][0] in ("raw", "marts", "exports", "warehouse"):
            offered = node["partitionKeys"]
            assert {"2020-Q1", "2020-Q2"} <= set(offered), node["assetKey"]
            assert min(offered) == "2020-Q1", node["assetKey"]
        else:
            assert node["partitionKeys"] == [], node["assetKey"]
    # the quality gate is visible on the raw tables and on the marts, in the clerks' language
    checked = {
        n["assetKey"]["path"][0]
        for n in nodes
        for c in n["assetChecksOrError"]["checks"]
        if CJK.search(c["description"] or "")
    }
    assert {"raw", "marts"} <= checked

    automation = server.graphql(
        "query($repo: RepositorySelector!) {"
        " schedulesOrError(repositorySelector: $repo) { ... on Schedules { results {"
        "  name cronSchedule executionTimezone scheduleState { status } } } }"
        " sensorsOrError(repositorySelector: $repo) { ... on Sensors { results {"
        "  name sensorState { status } } } } }",
        {"repo": REPOSITORY},
    )
    [schedule] = automation["schedulesOrError"]["results"]
    assert schedule == {
        "name": "quarterly_schedule",
        "cronSchedule": "0 6 5 1,4,7,10 *",
        "executionTimezone": "Asia/Shanghai",
        "scheduleState": {"status": "STOPPED"},
    }
    [sensor] = automation["sensorsOrError"]["results"]
    assert sensor == {"name": "landing_sensor", "sensorState": {"status": "STOPPED"}}


def test_ui_run_of_2020_q1_records_the_files_it_used(
    server: Server, first_quarter_run: str
) -> None:
    [materialization] = _materializations(server, ["raw", "source_files"], "2020-Q1")
    assert materialization["runId"] == first_quarter_run
    [files] = [
        json.loads(e["jsonString"])
        for e in materialization["metadataEntries"]
        if e["label"] == "source_files"
    ]
    assert files == {
        f"2020-Q1/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in SAMPLE_DIR.iterdir()
    }
    with connect(server.warehouse, read_only=True) as connection:
        assert connection.execute(
            "select total_items, department_items, township_items, units_checked"
            " from marts.quarter_summary where quarter = '2020-Q1'"
        ).fetchall() == [(262, 248, 14, 35)]
    assert list((server.root / "exports" / "2020-Q1").iterdir())


@dataclass(frozen=True)
class Backfill:
    first_quarter_rows_before: list[tuple[Any, ...]]
    statuses_by_partition: dict[str, str]


@pytest.fixture(scope="module")
def backfill(server: Server, first_quarter_run: str) -> Backfill:
    """2020-Q2 and 2020-Q3 backfilled from the CLI; the UI's daemon runs them."""
    before = _raw_rows(server, "2020-Q1")
    command = [str(BIN / "dagster"), "job", "backfill", "-w", "workspace.yaml"]
    command += ["-j", "quarter_job", "--partitions", "2020-Q2,2020-Q3", "--noprompt"]
    launched = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr
    backfill_id = re.search(r"Launched backfill job `(\w+)`", launched.stdout)
    assert backfill_id, launched.stdout
    runs = server.graphql(
        'query($tag: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill",'
        " value: $tag}]}) { ... on Runs { results { runId tags { key value } } } } }",
        {"tag": backfill_id.group(1)},
    )["runsOrError"]["results"]
    statuses = _wait_for_runs(server, [r["runId"] for r in runs])
    return Backfill(
        before,
        {
            tag["value"]: statuses[run["runId"]]
            for run in runs
            for tag in run["tags"]
            if tag["key"] == "dagster/partition"
        },
    )


def test_cli_backfill_of_two_quarters_leaves_the_others_alone(
    server: Server, backfill: Backfill
) -> None:
    assert backfill.statuses_by_partition == {"2020-Q2": "SUCCESS", "2020-Q3": "SUCCESS"}
    with connect(server.warehouse, read_only=True) as connection:
        per_quarter = connection.execute(
            "select r.quarter, sum(r.item_count), any_value(t.total) from raw.annex_rows r"
            " join (select quarter, sum(declared_total) as total from raw.annex_totals"
            "       group by quarter) t using (quarter)"
            " group by r.quarter order by r.quarter"
        ).fetchall()
        summaries = connection.execute(
            "select quarter, total_items from marts.quarter_summary order by quarter"
        ).fetchall()
    assert [q for q, _, _ in per_quarter] == ["2020-Q1", "2020-Q2", "2020-Q3"]
    assert all(items == declared for _, items, declared in per_quarter)
    assert len({items for _, items, _ in per_quarter}) == 3  # the test built different counts
    assert summaries == [(q, items) for q, items, _ in per_quarter]
    # adding quarters rebuilt none of the others
    assert _raw_rows(server, "2020-Q1") == backfill.first_quarter_rows_before
    assert len(_materializations(server, ["raw", "annex_rows"], "2020-Q1")) == 1


def test_sensor_switched_on_in_the_ui_rebuilds_nothing_already_ingested(
    server: Server, backfill: Backfill
) -> None:
    selector = {**REPOSITORY, "sensorName": "landing_sensor"}
    started = server.graphql(
        "mutation($selector: SensorSelector!) { startSensor(sensorSelector: $selector) {"
        " __typename ... on Sensor { sensorState { status } } ... on PythonError { message } } }",
        {"selector": selector},
    )["startSensor"]
    assert started == {"__typename": "Sensor", "sensorState": {"status": "RUNNING"}}, started
    deadline = time.monotonic() + 60
    ticks: list[dict[str, Any]] = []
    # a tick is listed as STARTED while the daemon evaluates it
    while (not ticks or ticks[0]["status"] == "STARTED") and time.monotonic() < deadline:
        time.sleep(1)
        ticks = server.graphql(
            "query($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {"
            " ... on Sensor { sensorState { ticks(limit: 1) { status runIds cursor } } } } }",
            {"selector": selector},
        )["sensorOrError"]["sensorState"]["ticks"]
    assert ticks, f"the daemon evaluated no sensor tick:\n{server.log_tail()}"
    [tick] = ticks
    # every landed quarter was ingested from exactly these files: nothing to run
    assert tick["status"] == "SKIPPED" and tick["runIds"] == [], tick
    cursor = LandingCursor.from_json(tick["cursor"])
    assert sorted(cursor.handled) == ["2020-Q1", "2020-Q2", "2020-Q3"]
    assert cursor.requests == {}


def _launch_quarter(server: Server, quarter: str) -> str:
    launched = launch_quarter(server.graphql, quarter)
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return str(launched["run"]["runId"])


def _run_messages(server: Server, run_id: str) -> list[str]:
    return [
        event["message"]
        for event in server.graphql(
            "query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection {"
            " events { ... on MessageEvent { message } } } } }",
            {"id": run_id},
        )["logsForRun"]["events"]
        if event
    ]


def test_a_ui_run_killed_mid_run_blocks_nothing_and_changes_nothing(
    server: Server, first_quarter_run: str
) -> None:
    before = _raw_rows(server, "2020-Q1")
    doomed = _launch_quarter(server, "2020-Q1")
    deadline = time.monotonic() + RUN_TIMEOUT
    worker = None
    while worker is None and time.monotonic() < deadline:
        if any('step "raw_quality_gate"' in m for m in _run_messages(server, doomed)):
            # the run worker holds the warehouse claim, which records its process
            holder = read_holder(lock_path(server.warehouse))
            assert holder is not None and holder.run_id == doomed, holder
            worker = holder.pid
        time.sleep(0.2)
    assert worker is not None, f"the run never reached the raw gate:\n{server.log_tail()}"
    os.kill(worker, signal.SIGKILL)
    assert _raw_rows(server, "2020-Q1") == before  # nothing it built was published

    after = _launch_quarter(server, "2020-Q1")
    assert _wait_for_runs(server, [after]) == {after: "SUCCESS"}, server.log_tail()
    assert any("Found and released the warehouse claim" in m for m in _run_messages(server, after))
    status = server.graphql(
        "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }", {"id": doomed}
    )["runOrError"]["status"]
    assert status == "FAILURE"  # recorded as failed by the next run, not STARTED for ever


def test_server_stops_cleanly_with_its_process_group(server: Server) -> None:
    assert server.stop() == []
    assert server.process.returncode is not None
