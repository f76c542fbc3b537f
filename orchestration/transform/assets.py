"""The dbt project as Dagster assets: what holds for every quarter, and what is built per quarter.

- `reference_data` (unpartitioned): the reference seeds and the models built from them alone
  (tagged `reference_data`: cadence per column, tier labels, effective rules). The raw gate reads
  them, so they come before it.
- `all_quarter_views` (unpartitioned): the staging and intermediate views over every quarter's raw
  rows. Downstream of the raw tables, they wait for the raw gate's blocking checks.
- `quarter_marts` (partitioned by quarter): the marts, each run replacing its quarter's rows.

Each runs `dbt build` (seeds and models; dbt's own tests run in `make test`) on the run's private
warehouse copy (orchestration/resources.py). The two unpartitioned ones change only with the
reference CSVs or the dbt project, not with a quarter's data: when the warehouse copy holds them
built from the same inputs, dbt is not started for them at all.
"""

import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from packaging.version import Version

from orchestration.partitions import quarterly_partitions
from orchestration.resources import WarehouseRun
from orchestration.transform.project import gongkai_dbt_project

# dbt's layers are the schemas (macros/generate_schema_name.sql); assets are keyed and grouped by
# them, e.g. ["marts", "unit_quarter"]. Sources keep dagster-dbt's ["raw", "<table>"], the keys
# the ingest asset writes.
LAYERS = ("reference", "staging", "intermediate", "marts")
REFERENCE_TAG = "reference_data"
REFERENCE_SELECTION = f"resource_type:seed tag:{REFERENCE_TAG}"
VIEWS_SELECTION = "path:models/staging path:models/intermediate"
QUARTER_SELECTION = "path:models/marts"


class GongkaiDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        # dbt's data tests are not asset checks: they run in `make test`, and each quarter's run
        # is gated by the GX checks (orchestration/quality), one check per property.
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False))

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

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        """No dbt adapter in the step's process.

        dagster-dbt builds one before every invocation (loading dbt's project and profile again,
        ~1.3 s) for `fetch_row_counts` / `fetch_column_metadata` alone, which gongkai does not
        call; it runs without one when dbt is Fusion. dbt's own process does the work.
        """
        return None


def dbt_cli(warehouse: Path) -> DbtCliResource:
    """dbt for one warehouse file: its generated profile, and the dbt installed beside Python
    (the venv is not necessarily on PATH)."""
    from orchestration.transform.invocation import profiles_dir

    return GongkaiDbtCliResource(
        project_dir=gongkai_dbt_project,
        dbt_executable=str(Path(sys.executable).parent / "dbt"),
        profiles_dir=str(profiles_dir(warehouse)),
    )


def _build(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> Iterator[Any]:
    from orchestration.settings import Settings
    from orchestration.transform.invocation import (
        BUILD_ARGS,
        keep_parse,
        reading_reference,
        restore_parse,
    )

    dbt = dbt_cli(warehouse.path)
    profiles = Path(dbt.profiles_dir or "")
    # Each invocation gets its own target folder, removed after the step: a run would otherwise
    # leave ~6 MB behind for good.
    runs = gongkai_dbt_project.project_dir / gongkai_dbt_project.target_path / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    with (
        reading_reference(Settings.from_env().reference_dir),
        tempfile.TemporaryDirectory(prefix="run-", dir=runs) as target,
    ):
        restore_parse(profiles, Path(target))
        yield from dbt.cli(list(BUILD_ARGS), context=context, target_path=Path(target)).stream()
        keep_parse(profiles, Path(target))


def _in_dependency_order(context: dg.AssetExecutionContext) -> list[dg.AssetKey]:
    """The selected keys, each after the ones it reads (Dagster requires that order)."""
    from graphlib import TopologicalSorter

    selected = context.selected_asset_keys
    deps = context.assets_def.asset_deps
    order = TopologicalSorter({key: deps.get(key, set()) & selected for key in selected})
    return list(order.static_order())


def _gongkai_dbt_assets(name: str, select: str, **options: Any) -> Callable[..., Any]:
    """@dbt_assets over the gongkai project's manifest, with its translator: `name` builds the
    models of `select` (and `options`: exclude, partitions_def)."""
    return dbt_assets(
        manifest=gongkai_dbt_project.manifest_path,
        project=gongkai_dbt_project,
        select=select,
        name=name,
        dagster_dbt_translator=GongkaiDbtTranslator(),
        **options,
    )


def _build_unless_unchanged(
    context: dg.AssetExecutionContext, warehouse: WarehouseRun, name: str
) -> Iterator[Any]:
    from orchestration.settings import Settings
    from orchestration.transform.invocation import all_quarter_fingerprint

    fingerprint = all_quarter_fingerprint(Settings.from_env().reference_dir)
    if warehouse.built_fingerprint(name) == fingerprint:
        context.log.info(
            f"{name}：参照表和模型自上次发布以来未变，无需重建。"
            f" / {name}: unchanged since the last publication (same reference CSVs and dbt"
            " project): not rebuilt."
        )
        for key in _in_dependency_order(context):
            yield dg.MaterializeResult(
                asset_key=key, metadata={"unchanged": True, "fingerprint": fingerprint[:16]}
            )
        return
    yield from _build(context, warehouse)
    warehouse.record_fingerprint(name, fingerprint)


@_gongkai_dbt_assets("reference_data", REFERENCE_SELECTION)
def reference_data(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> Iterator[Any]:
    """The reference seeds and the models built from them alone, once the reference files have
    passed their checks (a problem is named by file and row before dbt sees the file)."""
    from orchestration.ingest.assets import failure_naming_the_problems
    from orchestration.reference.validation import ReferenceDataError, load_reference
    from orchestration.settings import Settings

    try:
        load_reference(Settings.from_env().reference_dir)
    except ReferenceDataError as error:
        raise failure_naming_the_problems(error) from error
    yield from _build_unless_unchanged(context, warehouse, "reference_data")


@_gongkai_dbt_assets("all_quarter_views", VIEWS_SELECTION, exclude=f"tag:{REFERENCE_TAG}")
def all_quarter_views(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> Iterator[Any]:
    """The staging and intermediate views over every quarter's raw rows."""
    yield from _build_unless_unchanged(context, warehouse, "all_quarter_views")


@_gongkai_dbt_assets("quarter_marts", QUARTER_SELECTION, partitions_def=quarterly_partitions)
def quarter_marts(context: dg.AssetExecutionContext, warehouse: WarehouseRun) -> Iterator[Any]:
    """The quarter's rows of every mart (the quarter comes from main.build_context)."""
    yield from _build(context, warehouse)
