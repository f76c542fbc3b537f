"""The dbt project's own tests, as `make test` runs them: unit tests and structural data tests.

Each quarter's run checks its data with the GX gate (tests/test_quality_gate.py); the dbt tests
check the SQL logic on fixtures (unit tests) and the shape of the reference data and models (data
tests). Here `dbt build` runs all of them on the 2020-Q1 sample in a temporary warehouse.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.ingest.load import ingest_quarter
from orchestration.publication import RunFiles, start_build
from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform.invocation import profiles_dir, reading_reference
from tests.conftest import SAMPLE_DIR, SAMPLE_QUARTER
from tests.environment import copy_reference, set_pipeline_environment
from tests.reference_tables import with_reference_data

DBT = Path(sys.executable).parent / "dbt"
FALLBACK_TEST = "assert_every_county_has_a_fallback_rule"


@dataclass(frozen=True)
class Build:
    returncode: int
    statuses: dict[str, str]  # unique_id -> status
    output: str


def dbt_build(warehouse: Path, target: Path, *selection: str) -> Build:
    """One `dbt build` (unit tests and data tests included) of the quarter, as a subprocess."""
    command = [str(DBT), "build", "--target-path", str(target), *selection]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env=os.environ | {"DBT_PROFILES_DIR": str(profiles_dir(warehouse))},
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    return Build(done.returncode, statuses, done.stdout + done.stderr)


@dataclass(frozen=True)
class Builds:
    sample: Build
    broken_rules: Build


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    """The sample quarter ingested, then built with every test; then with a broken rules seed."""
    root = tmp_path_factory.mktemp("dbt_project")
    reference = copy_reference(root)
    shutil.copytree(SAMPLE_DIR, root / "landing" / SAMPLE_QUARTER)
    with pytest.MonkeyPatch.context() as env:
        set_pipeline_environment(env, root, reference=reference)
        settings = with_reference_data(Settings.from_env())
        # the quarter's warehouse copy, as a run makes it: stamped with its quarter, then ingested
        files = RunFiles(settings.warehouse_path, settings.exports_dir)
        quarter = Quarter.parse(SAMPLE_QUARTER)
        start_build(files, "test-dbt-project", quarter)
        ingest_quarter(settings, quarter, files.building)
        with reading_reference(reference):
            sample = dbt_build(files.building, root / "target-sample")
        # A county rule that replaces the default catch-all: some unit may get no tier.
        rules = reference / "tier_rules.csv"
        with rules.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows.append(
            [
                "崇信县",
                "3",
                "otherwise",
                "更新情况较好",
                "1",
                "items_published",
                ">=",
                "1",
                "有更新",
            ]
        )
        with rules.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        with reading_reference(reference):
            broken = dbt_build(
                files.building, root / "target-broken", "--select", f"tier_rules+ {FALLBACK_TEST}"
            )
        yield Builds(sample, broken)


def test_dbt_build_of_the_sample_quarter_passes_every_unit_test_and_data_test(
    builds: Builds,
) -> None:
    sample = builds.sample
    by_kind: dict[str, list[str]] = {}
    for unique_id, status in sample.statuses.items():
        by_kind.setdefault(unique_id.split(".")[0], []).append(status)

    assert sample.returncode == 0, sample.output[-3000:]
    assert {"seed", "model", "test", "unit_test"} <= set(by_kind)
    assert set(by_kind["test"]) == {"pass"} and set(by_kind["unit_test"]) == {"pass"}
    assert len(by_kind["unit_test"]) >= 8  # the tier, cadence and quarter logic on fixtures
    assert f"test.gongkai.{FALLBACK_TEST}" in sample.statuses


def test_a_rules_seed_without_a_catch_all_fails_the_named_dbt_test(builds: Builds) -> None:
    broken = builds.broken_rules

    assert broken.returncode != 0
    assert broken.statuses[f"test.gongkai.{FALLBACK_TEST}"] == "fail"
    assert {s for k, s in broken.statuses.items() if k != f"test.gongkai.{FALLBACK_TEST}"} <= {
        "pass",
        "success",
        "skipped",
    }
