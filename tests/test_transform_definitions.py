"""The dbt assets as Dagster loads them, and what a run's dbt invocation is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.publication import RunFiles, start_build
from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform.invocation import (
    BUILD_ARGS,
    REFERENCE_LINK,
    keep_parse,
    profiles_dir,
    reading_reference,
    restore_parse,
)
from tests.limits import STOP_TIMEOUT, kill_group

DBT = str(Path(sys.executable).with_name("dbt"))


def test_quarter_runs_build_seeds_and_models_and_leave_dbt_tests_to_make_test() -> None:
    assert BUILD_ARGS[0] == "build"
    excluded = [
        BUILD_ARGS[i + 1] for i, a in enumerate(BUILD_ARGS) if a == "--exclude-resource-type"
    ]
    assert excluded == ["test", "unit_test"]
    assert "--vars" not in BUILD_ARGS  # a changed var would make dbt parse everything again


def test_the_profile_names_the_warehouse_copy_and_is_written_once(tmp_path: Path) -> None:
    warehouse = tmp_path / "a b" / '"odd".duckdb'
    warehouse.parent.mkdir()
    folder = profiles_dir(warehouse)
    profile = (folder / "profiles.yml").read_text(encoding="utf-8")
    assert json.dumps(str(warehouse.resolve())) in profile
    written = (folder / "profiles.yml").stat().st_mtime_ns
    assert profiles_dir(warehouse) == folder
    assert (folder / "profiles.yml").stat().st_mtime_ns == written
    assert profiles_dir(tmp_path / "other.duckdb") != folder
    # a warehouse whose folder is gone takes its profile (and kept parse) with it
    gone = tmp_path / "gone"
    gone.mkdir()
    stale = profiles_dir(gone / "w.duckdb")
    gone.rmdir()
    profiles_dir(tmp_path / "third.duckdb")
    assert not stale.exists() and folder.exists()


def test_the_seed_path_links_to_the_runs_reference_folder(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    with reading_reference(reference):
        assert REFERENCE_LINK.is_symlink() and REFERENCE_LINK.resolve() == reference.resolve()
    assert 'seed-paths: ["target/reference"]' in (DBT_PROJECT_DIR / "dbt_project.yml").read_text(
        encoding="utf-8"
    )


_READER = """
import sys
from pathlib import Path
from orchestration.transform.invocation import REFERENCE_LINK, reading_reference
print("asking", flush=True)
with reading_reference(Path(sys.argv[1])):
    print(REFERENCE_LINK.resolve(), flush=True)
"""


def _reader(reference: Path) -> subprocess.Popen[str]:
    """Another process reading the seed path for `reference`, as another run's dbt would."""
    process = subprocess.Popen(
        [sys.executable, "-c", _READER, str(reference)],
        stdout=subprocess.PIPE, text=True, cwd=DBT_PROJECT_DIR.parent,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline() == "asking\n"
    return process


def _answer(reader: subprocess.Popen[str]) -> str:
    """What the reader printed once it read the link. Read through the same buffered stream as
    "asking": `communicate(timeout=...)` reads the pipe itself and would miss a line that
    `readline` had already buffered."""
    reader.wait(timeout=STOP_TIMEOUT)
    assert reader.stdout is not None
    return reader.stdout.read().strip()


def test_a_run_of_another_reference_folder_waits_while_dbt_reads_the_seed_path(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    readers: list[subprocess.Popen[str]] = []
    try:
        with reading_reference(first):
            readers = [_reader(second), _reader(first)]
            other, same = readers
            # a reader of the same folder shares the link at once
            assert _answer(same) == str(first.resolve())
            # the other folder's reader waits: the link keeps naming ours while we read it
            with pytest.raises(subprocess.TimeoutExpired):
                other.wait(timeout=1)
            assert REFERENCE_LINK.resolve() == first.resolve()
        assert _answer(other) == str(second.resolve())
    finally:
        for reader in readers:
            kill_group(reader)


def _built_copy(settings: Settings, quarter: str) -> Path:
    files = RunFiles(settings.warehouse_path, settings.exports_dir)
    start_build(files, "test-run", Quarter.parse(quarter))
    return files.building


def _dbt(args: list[str], warehouse: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """dbt on the test's warehouse (the caller holds the seed path: `reading_reference`)."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(profiles_dir(warehouse))}
    return subprocess.run(
        [DBT, *args, "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_dbt_keeps_compiled_seeds_of_an_outside_reference_folder_in_its_target(
    settings: Settings,
) -> None:
    building = _built_copy(settings, "2020-Q1")
    runs = DBT_PROJECT_DIR / "target" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    csv_bytes = (settings.reference_dir / "units.csv").read_bytes()
    with tempfile.TemporaryDirectory(dir=runs) as target:
        with reading_reference(settings.reference_dir):
            done = _dbt(["seed", "--select", "units"], building, Path(target))
        assert done.returncode == 0, done.stdout[-2000:]
        assert len(list(Path(target).rglob("units.csv"))) == 1
    assert (settings.reference_dir / "units.csv").read_bytes() == csv_bytes
    with duckdb.connect(str(building), read_only=True) as connection:
        assert connection.execute("select count(*) from reference.units").fetchone() == (35,)


def test_a_new_quarter_keeps_dbts_partial_parse(settings: Settings, tmp_path: Path) -> None:
    """The quarter comes from the warehouse, not from --vars: dbt re-parses nothing for it."""
    parses = []
    with reading_reference(settings.reference_dir):  # the same seed files for all three
        for number, quarter in enumerate(("2020-Q2", "2020-Q3", "2020-Q3")):
            building = _built_copy(settings, quarter)
            profiles = profiles_dir(building)
            target = tmp_path / f"target-{number}"
            restore_parse(profiles, target)
            done = _dbt(["parse"], building, target)
            assert done.returncode == 0, done.stdout[-2000:]
            keep_parse(profiles, target)
            parses.append(json.loads((target / "perf_info.json").read_text(encoding="utf-8")))
    assert parses[0]["parsed_path_count"] > 50 or not parses[0]["is_partial_parse_enabled"]
    for later in parses[1:]:
        assert later["is_partial_parse_enabled"] and later["parsed_path_count"] == 0


def test_dbt_assets_are_keyed_and_grouped_by_layer_and_split_by_partitioning() -> None:
    from orchestration.partitions import quarterly_partitions
    from orchestration.transform.assets import all_quarter_views, quarter_marts, reference_data

    reference = {key.to_user_string() for key in reference_data.keys}
    views = {key.to_user_string() for key in all_quarter_views.keys}
    per_quarter = {key.to_user_string() for key in quarter_marts.keys}
    assert {
        "marts/unit_quarter",
        "marts/column_quarter",
        "marts/category_quarter",
        "marts/quarter_summary",
    } <= per_quarter
    assert all(key.startswith("marts/") for key in per_quarter)
    # the seeds and what is built from them alone: the raw gate reads them
    assert {"reference/units", "reference/tier_rules", "intermediate/int_tiers"} <= reference
    assert all(key.startswith(("reference/", "intermediate/")) for key in reference)
    assert {"staging/stg_annex_rows", "intermediate/int_unit_tiers"} <= views
    assert not reference & views
    assert {k for k in reference_data.dependency_keys if k.path[0] == "raw"} == set()
    # Seeds and all-quarter views are one asset each; the marts are built per quarter.
    assert reference_data.partitions_def is None and all_quarter_views.partitions_def is None
    assert quarter_marts.partitions_def == quarterly_partitions
    groups = {
        key.path[0]: group
        for assets in (reference_data, all_quarter_views, quarter_marts)
        for key, group in assets.group_names_by_key.items()
    }
    assert groups == {
        "reference": "reference",
        "staging": "staging",
        "intermediate": "intermediate",
        "marts": "marts",
    }
    raw = {key.to_user_string() for key in all_quarter_views.dependency_keys} - views - reference
    assert raw == {
        "raw/annex_rows",
        "raw/annex_totals",
        "raw/check_records",
        "raw/reviewer_assessments",
        "raw/source_files",
    }
    description = quarter_marts.specs_by_key[dg.AssetKey(["marts", "unit_quarter"])].description
    assert description is not None
    assert "单位季度表" in description and "one row per registered unit" in description
    # dbt's data tests run in make test, not as each quarter's asset checks
    for assets in (reference_data, all_quarter_views, quarter_marts):
        assert not list(assets.check_specs)


def test_the_raw_keys_dbt_reads_are_the_ones_the_ingest_writes() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["staging", "stg_annex_rows"])).parent_keys
    assert upstream == {dg.AssetKey(["raw", "annex_rows"])}
    assert graph.get(dg.AssetKey(["raw", "annex_rows"])).is_materializable


def test_dbt_version_is_read_from_the_installed_package_not_from_dbt_version(
    tmp_path: Path,
) -> None:
    from importlib.metadata import version

    from dagster_dbt import DbtCliResource

    from orchestration.transform.assets import dbt_cli

    # The override only helps while dagster-dbt still asks this property for the version.
    assert "_cli_version" in vars(DbtCliResource)
    resource = dbt_cli(tmp_path / "w.duckdb")
    assert str(resource._cli_version) == version("dbt-core")
    assert Path(resource.dbt_executable).name == "dbt"
    assert Path(resource.dbt_executable).exists()


def test_a_build_without_a_quarter_in_the_warehouse_is_refused_in_both_languages(
    settings: Settings, tmp_path: Path
) -> None:
    building = settings.warehouse_path
    building.parent.mkdir(parents=True)
    duckdb.connect(str(building)).close()
    with reading_reference(settings.reference_dir):
        done = _dbt(["compile", "--select", "quarter_summary"], building, tmp_path / "t")
    assert done.returncode != 0
    assert "仓库中没有本次运行的季度" in done.stdout
    assert "holds no quarter for this build" in done.stdout


@pytest.mark.parametrize("quarter", ["2020-Q1", "2021-Q4"])
def test_the_build_context_carries_what_python_computed(settings: Settings, quarter: str) -> None:
    building = _built_copy(settings, quarter)
    with duckdb.connect(str(building), read_only=True) as connection:
        row = connection.execute(
            "select quarter, previous_quarter, quarter_number from main.build_context"
        ).fetchone()
    parsed = Quarter.parse(quarter)
    assert row == (parsed.key, parsed.previous().key, parsed.number)
