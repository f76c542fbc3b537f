"""The dbt assets as Dagster loads them, and the arguments and environment of a quarter's run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.settings import DBT_PROJECT_DIR, REFERENCE_DIR, Settings
from orchestration.transform.invocation import build_args, dbt_environment


def test_build_args_pass_the_quarter_as_a_var_and_leave_unit_tests_to_ci() -> None:
    args = build_args("2020-Q2")
    assert args[0] == "build"
    assert json.loads(args[args.index("--vars") + 1]) == {"quarter": "2020-Q2"}
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_build_args_reject_a_malformed_quarter_in_both_languages() -> None:
    with pytest.raises(ValueError, match="季度应写成") as error:
        build_args("2020Q5")
    assert "A quarter is written like '2020-Q1'" in str(error.value)


def test_dbt_environment_gives_an_absolute_warehouse_and_a_relative_seed_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", "warehouse/relative.duckdb")
    monkeypatch.setenv("GONGKAI_REFERENCE_DIR", str(tmp_path / "reference"))
    settings = Settings.from_env()
    env = dbt_environment(settings)
    assert Path(env["GONGKAI_WAREHOUSE"]) == settings.warehouse_path
    assert Path(env["GONGKAI_WAREHOUSE"]).is_absolute()
    seed_path = env["GONGKAI_DBT_SEED_PATH"]
    assert not os.path.isabs(seed_path)  # an absolute one makes dbt overwrite the CSVs
    assert (DBT_PROJECT_DIR / seed_path).resolve() == (tmp_path / "reference").resolve()
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"


def test_a_reference_folder_elsewhere_is_linked_so_the_seed_path_stays_in_the_project(
    tmp_path: Path,
) -> None:
    from orchestration.transform.invocation import REFERENCE_LINKS_DIR, seed_path

    reference = tmp_path / "elsewhere" / "reference"
    reference.mkdir(parents=True)
    first = seed_path(reference)
    assert not first.startswith("..")
    link = DBT_PROJECT_DIR / first
    assert link.parent == REFERENCE_LINKS_DIR
    assert link.resolve() == reference.resolve()
    # The same folder gives the same path (dbt's partial parse survives); another, another link.
    assert seed_path(reference) == first
    other = tmp_path / "other"
    other.mkdir()
    assert seed_path(other) != first
    assert (DBT_PROJECT_DIR / seed_path(other)).resolve() == other.resolve()
    # a link whose folder is gone is cleared away when the next one is made
    reference.rmdir()
    seed_path(other)
    assert not link.is_symlink()


def test_dbt_keeps_compiled_seeds_of_an_outside_reference_folder_in_its_target(
    settings: Settings,
) -> None:
    import subprocess
    import sys
    import tempfile

    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **dbt_environment(settings)}
    runs = DBT_PROJECT_DIR / "target" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    before = {p for p in runs.rglob("*.csv")}
    csv_bytes = (settings.reference_dir / "units.csv").read_bytes()
    with tempfile.TemporaryDirectory(dir=runs) as target:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "seed", "--target-path", target,
             "--select", "units", "--vars", '{"quarter": "2020-Q1"}'],
            cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        compiled = list(Path(target).rglob("units.csv"))
        assert len(compiled) == 1
        leaked = {p for p in runs.rglob("*.csv")} - before - set(Path(target).rglob("*.csv"))
    assert leaked == set()
    assert (settings.reference_dir / "units.csv").read_bytes() == csv_bytes


def test_default_seed_path_is_the_one_dbt_project_yml_falls_back_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GONGKAI_REFERENCE_DIR", raising=False)
    assert dbt_environment(Settings.from_env())["GONGKAI_DBT_SEED_PATH"] == "../seeds/reference"
    assert (DBT_PROJECT_DIR / "../seeds/reference").resolve() == REFERENCE_DIR
    assert "env_var('GONGKAI_DBT_SEED_PATH', '../seeds/reference')" in (
        DBT_PROJECT_DIR / "dbt_project.yml"
    ).read_text(encoding="utf-8")


def test_dbt_assets_are_keyed_and_grouped_by_layer() -> None:
    from orchestration.transform.assets import gongkai_dbt_assets

    keys = {key.to_user_string() for key in gongkai_dbt_assets.keys}
    for mart in ("unit_quarter", "column_quarter", "category_quarter", "quarter_summary"):
        assert f"marts/{mart}" in keys
    assert {"reference/units", "reference/tier_rules", "staging/stg_annex_rows"} <= keys
    assert "intermediate/int_unit_tiers" in keys
    groups = gongkai_dbt_assets.group_names_by_key
    assert {key.path[0]: groups[key] for key in gongkai_dbt_assets.keys} == {
        "reference": "reference",
        "staging": "staging",
        "intermediate": "intermediate",
        "marts": "marts",
    }
    raw = {key.to_user_string() for key in gongkai_dbt_assets.dependency_keys} - keys
    assert raw == {
        "raw/annex_rows",
        "raw/annex_totals",
        "raw/reviewer_assessments",
        "raw/source_files",
    }
    description = gongkai_dbt_assets.specs_by_key[
        dg.AssetKey(["marts", "unit_quarter"])
    ].description
    assert description is not None
    assert "单位季度表" in description and "one row per registered unit" in description


def test_dbt_assets_share_the_quarter_partitions_and_the_warehouse_pool() -> None:
    from orchestration.partitions import quarterly_partitions
    from orchestration.transform.assets import gongkai_dbt_assets
    from orchestration.warehouse import WAREHOUSE_POOL

    assert gongkai_dbt_assets.partitions_def == quarterly_partitions
    assert gongkai_dbt_assets.op.pool == WAREHOUSE_POOL


def test_the_raw_keys_dbt_reads_are_the_ones_the_ingest_writes() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["staging", "stg_annex_rows"])).parent_keys
    assert upstream == {dg.AssetKey(["raw", "annex_rows"])}
    assert graph.get(dg.AssetKey(["raw", "annex_rows"])).is_materializable


def test_dbt_version_is_read_from_the_installed_package_not_from_dbt_version() -> None:
    from importlib.metadata import version

    from dagster_dbt import DbtCliResource

    from orchestration.transform.assets import dbt_resource

    # The override only helps while dagster-dbt still asks this property for the version.
    assert "_cli_version" in vars(DbtCliResource)
    resource = dbt_resource()
    assert str(resource._cli_version) == version("dbt-core")
    assert Path(resource.dbt_executable).name == "dbt"
    assert Path(resource.dbt_executable).exists()


def test_environment_overrides_are_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.transform.assets import _environment

    monkeypatch.setenv("GONGKAI_WAREHOUSE", "before.duckdb")
    monkeypatch.delenv("GONGKAI_DBT_SEED_PATH", raising=False)
    with _environment({"GONGKAI_WAREHOUSE": "/tmp/x.duckdb", "GONGKAI_DBT_SEED_PATH": "../x"}):
        assert os.environ["GONGKAI_WAREHOUSE"] == "/tmp/x.duckdb"
    assert os.environ["GONGKAI_WAREHOUSE"] == "before.duckdb"
    assert "GONGKAI_DBT_SEED_PATH" not in os.environ


def test_a_quarters_kept_parse_lets_its_next_run_skip_parsing(
    settings: Settings, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from orchestration.transform.parse_cache import keep_parse, restore_parse

    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **dbt_environment(settings)}
    cache = tmp_path / "cache"

    def parse(quarter: str, target: Path) -> dict[str, object]:
        target.mkdir()
        restore_parse(quarter, target, cache)
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "parse", "--target-path", str(target),
             *build_args(quarter)[1:3]],
            cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        keep_parse(quarter, target, cache)
        return json.loads((target / "perf_info.json").read_text(encoding="utf-8"))

    first = parse("2020-Q2", tmp_path / "first")
    assert first["parsed_path_count"] > 100  # every model, seed and YAML file
    assert (cache / "2020-Q2.msgpack").is_file()
    again = parse("2020-Q2", tmp_path / "again")
    assert again["is_partial_parse_enabled"] and again["parsed_path_count"] == 0
    # another quarter is another var: dbt rejects the kept parse and parses everything
    other = parse("2020-Q3", tmp_path / "other")
    assert other["parsed_path_count"] == first["parsed_path_count"]
