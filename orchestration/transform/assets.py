"""The dbt project as Dagster assets: one dbt build per quarter partition."""

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from packaging.version import Version

from orchestration.partitions import quarterly_partitions
from orchestration.transform.project import gongkai_dbt_project
from orchestration.warehouse import WAREHOUSE_POOL

# dbt's layers are the schemas (macros/generate_schema_name.sql); assets are keyed and grouped by
# them, e.g. ["marts", "unit_quarter"]. Sources keep dagster-dbt's ["raw", "<table>"], the keys
# the ingest asset writes.
LAYERS = ("reference", "staging", "intermediate", "marts")


class GongkaiDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        schema = dbt_resource_props.get("schema")
        return schema if schema in LAYERS else None

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # The YAML descriptions are written for clerks and developers (Chinese / English);
        # dagster-dbt's fallback would show raw SQL instead.
        return dbt_resource_props.get("description") or dbt_resource_props["name"]


class GongkaiDbtCliResource(DbtCliResource):
    """DbtCliResource that knows dbt's version instead of asking `dbt --version` every step.

    `dbt --version` costs ~2 s and asks pypi.org for a newer release (dbt/version.py, whatever
    DBT_VERSION_CHECK says). The dbt it runs is the dbt-core installed beside it, pinned in uv.lock.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))


def dbt_resource() -> DbtCliResource:
    # The venv is not necessarily on PATH (stack-facts): use the dbt installed beside Python.
    return GongkaiDbtCliResource(
        project_dir=gongkai_dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
    )


@contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """Set variables for the dbt subprocess, which inherits os.environ when it starts.

    DbtCliResource.cli takes no env argument; steps of a run execute one at a time, so setting and
    restoring around the start of the subprocess is safe.
    """
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dbt_assets(
    manifest=gongkai_dbt_project.manifest_path,
    project=gongkai_dbt_project,
    dagster_dbt_translator=GongkaiDbtTranslator(),
    # One quarter per run (the quarter is a dbt var): the default for static partitions.
    partitions_def=quarterly_partitions,
    pool=WAREHOUSE_POOL,
)
def gongkai_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Seeds, staging and intermediate views and the quarter's rows of the marts: one dbt build."""
    from orchestration.settings import Settings
    from orchestration.transform.invocation import build_args, dbt_environment
    from orchestration.transform.parse_cache import keep_parse, restore_parse

    # Each invocation gets its own target folder; it is removed after the step, or every
    # quarter's run would leave ~6 MB behind for good.
    quarter = context.partition_key
    # The seeds may be built before the ingest creates the warehouse (the raw gate reads them).
    Settings.from_env().warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="run-", dir=_target_dir() / "runs") as target:
        restore_parse(quarter, Path(target))
        with _environment(dbt_environment(Settings.from_env())):
            invocation = dbt.cli(build_args(quarter), context=context, target_path=Path(target))
        yield from invocation.stream()
        keep_parse(quarter, Path(target))


def _target_dir() -> Path:
    target = gongkai_dbt_project.project_dir / gongkai_dbt_project.target_path
    (target / "runs").mkdir(parents=True, exist_ok=True)
    return target
