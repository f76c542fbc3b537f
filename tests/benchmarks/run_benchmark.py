"""Benchmark: a county's quarter against the hand script, and the pipeline as it grows.

    make bench                      # every scenario
    .venv/bin/python -m tests.benchmarks.run_benchmark --only 1x1 --pairs 3

Every materialisation runs as a user runs it, `dagster asset materialize -m
orchestration.definitions --select '*' --partition Q`, in a fresh (cold) process; where its time
goes is read back from the run's events (timeline.py: start-up, planning, run start, each step,
exit).

- 1x1: a deployment's first run (2019-Q4, written from the sample's rows), then, in pairs, the
  sample quarter 2020-Q1 as a new quarter and the same quarter run again (a correction's rerun),
  each side by side with the hand script (hand_script.py) on the same folder, run just before it.
  The ratio gongkai / hand script of each pair is what the targets are about: ratios hold on a
  busy machine where seconds do not.
- ui: the same three runs launched from the UI with `make ui` already running (warm_path.py).
- 1x40: the cost of the 41st quarter of one county (40 earlier quarters built by history.py).
- 100x1 and 2800x1: a province's and a nation's quarter, with peak memory.

Figures go to stdout and to bench-results/ (one JSON per run, and latest.md) to compare runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from orchestration.quarters import Quarter, quarter_range
from orchestration.settings import PROJECT_ROOT
from tests.benchmarks.timeline import run_timeline
from tests.environment import pipeline_environment

RESULTS_DIR = PROJECT_ROOT / "bench-results"
SAMPLE = PROJECT_ROOT / "seeds" / "quarters" / "2020-Q1"
# Run a command and print the peak resident memory of its process tree (largest process, KiB).
_PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
# Ratio to the hand script (issue 15); None: no ratio target.
RATIO_TARGETS = {"new quarter": 30.0, "rerun": 17.0}
TARGETS = {
    "first run": "(a deployment's first run: no target)",
    "new quarter": "<= 30 x hand script",
    "rerun": "<= 17 x hand script",
    "1x40": "41st quarter <= 1.2 x the first",
    "100x1": "< 60 s",
    "2800x1": "< 120 s, peak memory < 2 GB",
}
# Limits of the whole run: (seconds, peak memory in MB or None).
WALL_LIMITS = {"100x1": (60.0, None), "2800x1": (120.0, 2048.0)}


@dataclass
class Result:
    scenario: str
    counties: int
    quarter: str
    success: bool
    wall_seconds: float
    stages: dict[str, float]
    peak_memory_mb: float
    target: str
    hand_seconds: float | None = None
    ratio: float | None = None
    notes: list[str] = field(default_factory=list)


def deployment_env(work: Path, reference: Path | None, landing: Path) -> dict[str, str]:
    """A deployment of its own under `work`: warehouse, exports and Dagster instance."""
    env = {
        **os.environ,
        **pipeline_environment(work, landing=landing, reference=reference),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", env["DAGSTER_HOME"])
    return env


def materialise(
    name: str, counties: int, env: dict[str, str], quarter: str, root: Path = PROJECT_ROOT
) -> Result:
    dagster = str(Path(sys.executable).with_name("dagster"))
    command = [
        sys.executable, "-c", _PEAK_RSS_WRAPPER,
        dagster, "asset", "materialize", "-m", "orchestration.definitions",
        "--select", "*", "--partition", quarter,
    ]  # fmt: skip
    started = time.time()
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True)
    ended = time.time()
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    result = Result(
        scenario=name,
        counties=counties,
        quarter=quarter,
        success=done.returncode == 0,
        wall_seconds=round(ended - started, 2),
        stages=run_timeline(Path(env["DAGSTER_HOME"]), started, ended),
        peak_memory_mb=round(peak_kib / 1024, 1),
        target=TARGETS[name],
    )
    if not result.success:
        result.notes.append(done.stderr[-3000:])
    return result


def hand_script(folder: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.hand_script", str(folder), str(out)],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _paired(name: str, env: dict[str, str], work: Path) -> Result:
    """The hand script on the quarter's folder, then gongkai on the same folder; then, in a
    cold process, what the run's start-up spent importing Dagster and loading the code location
    (the events cannot tell: the run does not exist yet)."""
    folder = Path(env["GONGKAI_LANDING_DIR"]) / SAMPLE.name
    hand = hand_script(folder, work / "hand.xlsx")
    result = materialise(name, 1, env, SAMPLE.name)
    result.hand_seconds = round(hand, 3)
    result.ratio = round(result.wall_seconds / hand, 1)
    result.stages.update(_load_seconds(env))
    return result


def _load_seconds(env: dict[str, str]) -> dict[str, float]:
    code = (
        "import json, time\n"
        "started = time.perf_counter()\n"
        "import dagster\n"
        "imported = time.perf_counter()\n"
        "import orchestration.definitions\n"
        "loaded = time.perf_counter()\n"
        "print(json.dumps([imported - started, loaded - imported]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    dagster_import, code_location = json.loads(done.stdout)
    return {
        "(start-up: Dagster import)": round(dagster_import, 3),
        "(start-up: code location)": round(code_location, 3),
    }


def write_first_quarter(landing: Path) -> Quarter:
    """The quarter before the sample, from the sample's rows with that quarter's headers: the
    deployment's first run, so that 2020-Q1 is then a new quarter of a running deployment."""
    from tests.factories import notice_2020q1 as notice
    from tests.factories.annex_workbooks import DEFAULT_HEADERS, Layout, write_annex_xlsx

    quarter = Quarter.parse(SAMPLE.name).previous()
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": f"{quarter.chinese}公开数量"})
    for annex, title, rows, total in (
        (1, notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, notice.ANNEX1_DECLARED_TOTAL),
        (2, notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, notice.ANNEX2_DECLARED_TOTAL),
    ):
        title = title.replace("第一季度", quarter.chinese_ordinal)
        write_annex_xlsx(
            landing / quarter.key / f"附件{annex}-{title}.xlsx", title, rows, total, layout
        )
    return quarter


def one_county_one_quarter(work: Path, pairs: int) -> list[Result]:
    landing = work / "landing"
    shutil.copytree(SAMPLE, landing / SAMPLE.name)
    first = write_first_quarter(landing)
    env = deployment_env(work, None, landing)
    results = [materialise("first run", 1, env, first.key)]
    warehouse = Path(env["GONGKAI_WAREHOUSE"])
    before = work / "before-2020-Q1.duckdb"
    shutil.copyfile(warehouse, before)
    for _ in range(pairs):
        shutil.copyfile(before, warehouse)  # 2020-Q1 is a new quarter again
        results.append(_paired("new quarter", env, work))
        results.append(_paired("rerun", env, work))
    return results


def _build_history(env: dict[str, str], quarters: list[Quarter]) -> None:
    """Ingest and build earlier quarters in one process (tests/benchmarks/history.py)."""
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.history", *(q.key for q in quarters)],
        env=env, cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip


def one_county_forty_quarters(work: Path, pairs: int) -> list[Result]:
    from tests.factories.synthetic import generate

    last = Quarter.containing(datetime.now(UTC).date())
    first = last
    for _ in range(40):
        first = first.previous()
    reference, landing = generate(work / "data", 1, quarter_range(first, last))
    env = deployment_env(work, reference, landing)
    _build_history(env, quarter_range(first, last.previous()))
    return [materialise("1x40", 1, env, last.key)]


def many_counties(count: int) -> Callable[[Path, int], list[Result]]:
    def scenario(work: Path, pairs: int) -> list[Result]:
        from tests.factories.synthetic import generate

        reference, landing = generate(work / "data", count, [Quarter(2020, 1)])
        env = deployment_env(work, reference, landing)
        return [materialise(f"{count}x1", count, env, "2020-Q1")]

    return scenario


def launched_from_the_ui(work: Path, pairs: int) -> list[Result]:
    from tests.benchmarks.warm_path import warm_runs

    return warm_runs(work)


SCENARIOS: dict[str, Callable[[Path, int], list[Result]]] = {
    "1x1": one_county_one_quarter,
    "ui": launched_from_the_ui,
    "1x40": one_county_forty_quarters,
    "100x1": many_counties(100),
    "2800x1": many_counties(2800),
}


def _holding(result: Result) -> str:
    """The largest stages of a run: what holds it when a target is missed."""
    # "(start-up: ...)" entries are parts of start-up, not stages of their own.
    stages = [(name, s) for name, s in result.stages.items() if not name.startswith("(")]
    largest = sorted(stages, key=lambda item: -item[1])[:3]
    share = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in largest)
    return share


def _met(result: Result) -> str:
    """'yes' or 'NO' where the scenario has a target the bench can judge, else ''."""
    if result.scenario in RATIO_TARGETS:
        if result.ratio is None:
            return ""
        return "yes" if result.ratio <= RATIO_TARGETS[result.scenario] else "NO"
    if result.scenario in WALL_LIMITS:
        seconds, megabytes = WALL_LIMITS[result.scenario]
        within = result.success and result.wall_seconds < seconds
        if megabytes is not None:
            within = within and result.peak_memory_mb < megabytes
        return "yes" if within else "NO"
    return ""


def _summary(results: list[Result]) -> str:
    lines = [
        "| scenario | ok | whole s | hand s | ratio | peak MB | target | met | largest stages |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        met = _met(r)
        lines.append(
            f"| {r.scenario} | {'yes' if r.success else 'NO'} | {r.wall_seconds} |"
            f" {r.hand_seconds or '-'} | {r.ratio or '-'} | {r.peak_memory_mb} | {r.target} |"
            f" {met} | {_holding(r)} |"
        )
    for name, limit in RATIO_TARGETS.items():
        ratios = [r.ratio for r in results if r.scenario == name and r.ratio is not None]
        if ratios:
            lines.append(
                f"\n{name}: median ratio {statistics.median(ratios):.1f} x the hand script over"
                f" {len(ratios)} pair(s) (target <= {limit:g} x)"
            )
    return "\n".join(lines)


def _stages_table(results: list[Result]) -> str:
    names: list[str] = []
    for r in results:
        names += [n for n in r.stages if n not in names]
    lines = [
        "| stage | " + " | ".join(r.scenario for r in results) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for name in names:
        cells = [str(r.stages.get(name, "-")) for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **whole run** | " + " | ".join(str(r.wall_seconds) for r in results) + " |")
    return "\n".join(lines)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--pairs", type=int, default=2, help="new quarter / rerun pairs (1x1)")
    parser.add_argument("--work", type=Path, default=RESULTS_DIR / "work")
    args = parser.parse_args()

    results: list[Result] = []
    loads = [_load()]
    for name in args.only:
        work = args.work / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        print(f"== {name} ({_load()}) ...", flush=True)
        for result in SCENARIOS[name](work, args.pairs):
            print(json.dumps(asdict(result), ensure_ascii=False), flush=True)
            results.append(result)
        shutil.rmtree(work, ignore_errors=True)
    loads.append(_load())

    report = "\n\n".join(
        [
            f"Python {platform.python_version()}; {loads[0]} at the start, {loads[1]} at the end.",
            _summary(results),
            "Where each run's time goes (seconds, from the run's events):",
            _stages_table(results),
        ]
    )
    print(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    record = {
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": loads},
        "results": [asdict(r) for r in results],
    }
    (RESULTS_DIR / f"bench-{stamp}.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (RESULTS_DIR / "latest.md").write_text(report + "\n", encoding="utf-8")
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
