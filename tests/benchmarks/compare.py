"""Two builds of gongkai side by side: which of two commits runs a county's quarter faster.

    .venv/bin/python -m tests.benchmarks.compare BASELINE [--pairs 3]

BASELINE (a commit, e.g. HEAD~1) is exported into a scratch folder beside the work tree, with the
same .venv. Both builds get a deployment of their own, primed with a first run (2019-Q4), then in
each pair both run 2020-Q1 as a new quarter and again (a rerun) through the CLI, alternating
which goes first so that a change of machine load falls on both. Reported: each pair's ratio
(this build / baseline) and the median seconds of each stage of both. This is how each
performance change in orchestration/ was measured before it was kept.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from orchestration.settings import PROJECT_ROOT
from tests.benchmarks.run_benchmark import (
    SAMPLE,
    Result,
    deployment_env,
    materialise,
    write_first_quarter,
)

MANIFEST = Path("dbt_project") / "target" / "manifest.json"


def export_commit(commit: str, into: Path) -> Path:
    """The commit's files in `into`, with this work tree's .venv and its parsed dbt manifest
    when the dbt project is the same (else parsed again, as `make` would)."""
    archive = into / "source.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", commit], cwd=PROJECT_ROOT, stdout=handle, check=True)
    root = into / "baseline"
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    (root / ".venv").symlink_to((PROJECT_ROOT / ".venv").resolve())
    (root / "dbt_project" / "target").mkdir(parents=True, exist_ok=True)
    (root / "dbt_project" / "target" / "reference").symlink_to(root / "seeds" / "reference")
    same_dbt = subprocess.run(
        ["git", "diff", "--quiet", commit, "--", "dbt_project", "seeds/reference"],
        cwd=PROJECT_ROOT, check=False,
    ).returncode == 0  # fmt: skip
    if same_dbt:
        shutil.copyfile(PROJECT_ROOT / MANIFEST, root / MANIFEST)
    else:
        subprocess.run(
            [str(Path(sys.executable).with_name("dagster-dbt")), "project", "prepare-and-package",
             "--file", "orchestration/transform/project.py"],
            cwd=root, check=True,
        )  # fmt: skip
    return root


def _deployment(root: Path, work: Path) -> tuple[dict[str, str], Path]:
    landing = work / "landing"
    shutil.copytree(SAMPLE, landing / SAMPLE.name)
    first = write_first_quarter(landing)
    env = deployment_env(work, None, landing)
    primed = materialise("first run", 1, env, first.key, root)
    if not primed.success:
        raise SystemExit(f"{root}: the first run failed\n{primed.notes[-1]}")
    before = work / "before.duckdb"
    shutil.copyfile(env["GONGKAI_WAREHOUSE"], before)
    return env, before


def _median_stages(results: list[Result]) -> dict[str, float]:
    names = {name for r in results for name in r.stages}
    return {
        name: round(statistics.median(r.stages.get(name, 0.0) for r in results), 2)
        for name in sorted(names)
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline")
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="compare-", dir=PROJECT_ROOT / "bench-results") as tmp:
        scratch = Path(tmp)
        roots = {"baseline": export_commit(args.baseline, scratch), "this": PROJECT_ROOT}
        deployments = {side: _deployment(root, scratch / side) for side, root in roots.items()}
        runs: dict[tuple[str, str], list[Result]] = {}
        for pair in range(args.pairs):
            order = ["baseline", "this"] if pair % 2 == 0 else ["this", "baseline"]
            for scenario in ("new quarter", "rerun"):
                for side in order:
                    env, before = deployments[side]
                    if scenario == "new quarter":
                        shutil.copyfile(before, env["GONGKAI_WAREHOUSE"])
                    result = materialise(scenario, 1, env, SAMPLE.name, roots[side])
                    if not result.success:
                        raise SystemExit(f"{side} {scenario} failed\n{result.notes[-1]}")
                    runs.setdefault((scenario, side), []).append(result)
                    print(f"pair {pair + 1} {scenario:11} {side:8} {result.wall_seconds} s")
    for scenario in ("new quarter", "rerun"):
        this, baseline = runs[(scenario, "this")], runs[(scenario, "baseline")]
        ratios = [t.wall_seconds / b.wall_seconds for t, b in zip(this, baseline, strict=True)]
        print(
            f"\n{scenario}: this / {args.baseline} = "
            + ", ".join(f"{r:.2f}" for r in ratios)
            + f" (median {statistics.median(ratios):.2f})"
        )
        medians = _median_stages(this), _median_stages(baseline)
        print(f"| stage | {args.baseline} s | this s |\n|---|---|---|")
        for name in sorted(set(medians[0]) | set(medians[1])):
            print(f"| {name} | {medians[1].get(name, '-')} | {medians[0].get(name, '-')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
