"""Benchmark: wall time per stage, rows per second and peak memory, as the pipeline grows.

    make bench                      # all scenarios (under 10 minutes on 2 cores)
    .venv/bin/python -m tests.benchmarks.run_benchmark --only 1x1 100x1

Scenarios: 1 county x 1 quarter (the bundled sample, then once more as a correction's rerun
would run it), 1 county x 40 quarters (the cost of adding
the 41st), 100 counties x 1 quarter and 2,800 counties x 1 quarter (province / nation). Each
materialisation runs as a user runs it, `dagster asset materialize --select '*' --partition Q`, in
a fresh process; stage times are read back from the run's step events in the Dagster instance.
Figures go to stdout and to bench-results/ (JSON per run, plus latest.md) so runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from orchestration.transform.parse_cache import cached_parse

from orchestration.quarters import Quarter, quarter_range
from orchestration.settings import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "bench-results"
# Run a command and print the peak resident memory of its process tree (largest process, KiB).
_PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
TARGETS = {
    "1x1": "end to end < 10 s",
    "1x1-rerun": "(the same quarter again: no target)",
    "1x40": "41st quarter <= 1.2 x the first",
    "100x1": "< 60 s",
    "2800x1": "< 300 s, peak memory < 2 GB",
}


@dataclass
class Result:
    scenario: str
    counties: int
    quarters_in_warehouse: int
    quarter: str
    success: bool
    wall_seconds: float
    stages: dict[str, float]
    rows: int
    rows_per_second: float
    peak_memory_mb: float
    setup_seconds: float
    target: str
    notes: list[str] = field(default_factory=list)


def _env(work: Path, reference: Path | None, landing: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GONGKAI_LANDING_DIR": str(landing),
        "GONGKAI_WAREHOUSE": str(work / "warehouse.duckdb"),
        "GONGKAI_EXPORTS_DIR": str(work / "exports"),
        "DAGSTER_HOME": str(work / "dagster_home"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    if reference is not None:
        env["GONGKAI_REFERENCE_DIR"] = str(reference)
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", work / "dagster_home")
    return env


def _materialise(env: dict[str, str], quarter: str) -> tuple[bool, float, float, str]:
    dagster = str(Path(sys.executable).with_name("dagster"))
    command = [
        sys.executable, "-c", _PEAK_RSS_WRAPPER,
        dagster, "asset", "materialize", "-m", "orchestration.definitions",
        "--select", "*", "--partition", quarter,
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return done.returncode == 0, wall, peak_kib / 1024, done.stderr[-3000:]


def _stage_of(step_key: str) -> str:
    if step_key.startswith("raw_quarter"):
        return "ingest"
    if "dbt" in step_key:
        return "dbt"
    if "notice" in step_key or "export" in step_key:
        return "export"
    return "checks"


def _stage_seconds(env: dict[str, str]) -> dict[str, float]:
    """Step durations of the newest run in the instance, summed per stage."""
    code = (
        "import json\n"
        "from dagster import DagsterEventType, DagsterInstance\n"
        "instance = DagsterInstance.get()\n"
        "run = instance.get_runs(limit=1)[0]\n"
        "steps = {}\n"
        "for record in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_SUCCESS):\n"
        "    event = record.dagster_event\n"
        "    steps[event.step_key] = event.event_specific_data.duration_ms / 1000\n"
        "print(json.dumps(steps))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    stages: dict[str, float] = {}
    for step, seconds in json.loads(done.stdout).items():
        stage = _stage_of(step)
        stages[stage] = round(stages.get(stage, 0.0) + seconds, 3)
    return stages


def _rows(env: dict[str, str], quarter: str) -> int:
    import duckdb

    with duckdb.connect(env["GONGKAI_WAREHOUSE"], read_only=True) as connection:
        row = connection.execute(
            "select count(*) from raw.annex_rows where quarter = ?", [quarter]
        ).fetchone()
    return int(row[0]) if row else 0


def _measure(
    name: str, counties: int, quarters: int, env: dict[str, str], quarter: str, setup: float
) -> Result:
    success, wall, peak_mb, log_tail = _materialise(env, quarter)
    rows = _rows(env, quarter) if success else 0
    result = Result(
        scenario=name,
        counties=counties,
        quarters_in_warehouse=quarters,
        quarter=quarter,
        success=success,
        wall_seconds=round(wall, 2),
        stages=_stage_seconds(env),
        rows=rows,
        rows_per_second=round(rows / wall, 1) if wall else 0.0,
        peak_memory_mb=round(peak_mb, 1),
        setup_seconds=round(setup, 1),
        target=TARGETS[name],
    )
    if not success:
        result.notes.append(log_tail)
    return result


def one_county_one_quarter(work: Path) -> list[Result]:
    """The sample quarter, then the same quarter again (a correction's rerun)."""
    landing = work / "landing"
    shutil.copytree(PROJECT_ROOT / "seeds" / "quarters" / "2020-Q1", landing / "2020-Q1")
    env = _env(work, None, landing)
    # A parse kept by an earlier run of 2020-Q1 (make run) would make the first run a rerun.
    cached_parse("2020-Q1").unlink(missing_ok=True)
    first = _measure("1x1", 1, 1, env, "2020-Q1", 0.0)
    return [first, _measure("1x1-rerun", 1, 1, env, "2020-Q1", 0.0)]


def _build_history(env: dict[str, str], quarters: list[Quarter]) -> None:
    """Ingest and build earlier quarters in one process (tests/benchmarks/history.py)."""
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.history", *(q.key for q in quarters)],
        env=env, cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip


def one_county_forty_quarters(work: Path) -> list[Result]:
    from tests.factories.synthetic import generate

    started = time.perf_counter()
    last = Quarter.containing(datetime.now(UTC).date())
    first = last
    for _ in range(40):
        first = first.previous()
    reference, landing = generate(work / "data", 1, quarter_range(first, last))
    env = _env(work, reference, landing)
    _build_history(env, quarter_range(first, last.previous()))
    return [_measure("1x40", 1, 41, env, last.key, time.perf_counter() - started)]


def many_counties(count: int) -> Callable[[Path], list[Result]]:
    def scenario(work: Path) -> list[Result]:
        from tests.factories.synthetic import generate

        started = time.perf_counter()
        reference, landing = generate(work / "data", count, [Quarter(2020, 1)])
        env = _env(work, reference, landing)
        return [_measure(f"{count}x1", count, 1, env, "2020-Q1", time.perf_counter() - started)]

    return scenario


SCENARIOS: dict[str, Callable[[Path], list[Result]]] = {
    "1x1": one_county_one_quarter,
    "1x40": one_county_forty_quarters,
    "100x1": many_counties(100),
    "2800x1": many_counties(2800),
}


def _table(results: list[Result]) -> str:
    stages = ("ingest", "dbt", "checks", "export")
    lines = [
        "| scenario | ok | whole s | "
        + " | ".join(f"{s} s" for s in stages)
        + " | rows | rows/s | peak MB | target |",
        "|---" * (7 + len(stages)) + "|",
    ]
    for r in results:
        lines.append(
            f"| {r.scenario} | {'yes' if r.success else 'NO'} | {r.wall_seconds} | "
            + " | ".join(str(r.stages.get(s, "-")) for s in stages)
            + f" | {r.rows} | {r.rows_per_second} | {r.peak_memory_mb} | {r.target} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "bench-results" / "work")
    args = parser.parse_args()

    results = []
    for name in args.only:
        work = args.work / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        print(f"== {name} ...", flush=True)
        for result in SCENARIOS[name](work):
            print(json.dumps(asdict(result), ensure_ascii=False), flush=True)
            results.append(result)
        shutil.rmtree(work, ignore_errors=True)

    table = _table(results)
    print(table)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    record = {
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": [asdict(r) for r in results],
    }
    (RESULTS_DIR / f"bench-{stamp}.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (RESULTS_DIR / "latest.md").write_text(table + "\n", encoding="utf-8")
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
