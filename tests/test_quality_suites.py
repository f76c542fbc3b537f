"""The expectation suites as data, and how the quality checks are wired into Dagster."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.quality.checks import (
    ALL_CHECKS,
    MART_CHECKS,
    RAW_CHECKS,
    mart_quality_gate,
    raw_quality_gate,
)
from orchestration.quality.quality_check import QualityCheck
from orchestration.quality.queries import SHARED_DIR, SHARED_MACROS, load_query
from orchestration.quality.suites import load_suite
from orchestration.settings import EXPECTATIONS_DIR, PROJECT_ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")
SUITE_FILES = sorted(EXPECTATIONS_DIR.glob("*.json"))


def test_every_check_has_its_own_suite_file_and_every_file_is_used() -> None:
    assert sorted(check.suite for check in ALL_CHECKS) == sorted(p.stem for p in SUITE_FILES)
    assert len({check.name for check in ALL_CHECKS}) == len(ALL_CHECKS) == 12


def test_every_suite_has_its_query_beside_it_and_python_holds_no_sql() -> None:
    assert sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.sql")) == [p.stem for p in SUITE_FILES]
    assert sorted(p.stem for p in SHARED_DIR.glob("*.sql")) == sorted(SHARED_MACROS)
    for path in (PROJECT_ROOT / "orchestration" / "quality").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bselect\b[^\n]*\n[^\n]*\bfrom\b", text, re.IGNORECASE), path


# A query's `schema.table` references: the warehouse relations it reads.
RELATION = re.compile(r"\b(raw|reference|intermediate|marts)\.([a-z_]+)\b")


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.name)
def test_every_relation_a_query_reads_is_a_declared_dependency_of_its_check(
    check: QualityCheck,
) -> None:
    """Dagster runs a check only after what it declares: an undeclared read could see stale data."""
    query = load_query(check.suite)
    # a shared macro reads on the query's behalf (and may call one defined before it)
    for macro in reversed(SHARED_MACROS):
        if f"{macro}(" in query:
            query += (SHARED_DIR / f"{macro}.sql").read_text(encoding="utf-8")
    read = {dg.AssetKey(list(m)) for m in RELATION.findall(query)}
    assert read, check.suite
    assert read <= {check.asset, *check.additional_deps}


def test_the_raw_checks_read_no_view_built_over_the_raw_tables() -> None:
    """Raw checks run before dbt's staging views exist, so they read raw tables and seeds only."""
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    raw = {dg.AssetKey(["raw", t]) for t in ("annex_rows", "annex_totals", "reviewer_assessments")}
    over_raw = set().union(*(graph.get(key).child_keys for key in raw))
    for check in RAW_CHECKS:
        for dependency in check.additional_deps:
            assert not graph.get(dependency).parent_keys & raw, (check.name, dependency)
        assert not set(check.additional_deps) & over_raw, check.name


def test_no_suite_quotes_a_county_or_its_figures() -> None:
    for path in [*SUITE_FILES, *EXPECTATIONS_DIR.glob("*.sql")]:
        text = path.read_text(encoding="utf-8")
        assert "崇信" not in text and not re.search(r"\d{4}年", text), path
        assert not re.search(r"[\u4e00-\u9fff]\d{2,}", text), path  # 附件1为248, 35个


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_suite_is_a_gx_suite_whose_every_rule_a_clerk_can_read(path: Path) -> None:
    import great_expectations as gx

    document = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**document)

    assert suite.name == path.stem
    assert HAN.search(document["meta"]["description_zh"])
    assert suite.expectations, "a suite without rules checks nothing"
    for expectation in suite.expectations:
        assert HAN.search(expectation.notes or ""), expectation.expectation_type
        assert HAN.search(expectation.meta["problem_zh"]), expectation.expectation_type
        # the offending-rows table needs an expected and a found value for each rule
        assert {"expected_zh", "expected_column"} & set(expectation.meta)


def test_blocking_checks_and_the_single_warning() -> None:
    specs = {
        spec.name: spec for spec in [*raw_quality_gate.check_specs, *mart_quality_gate.check_specs]
    }
    warning_only = {name for name, spec in specs.items() if not spec.blocking}
    assert warning_only == {"reviewer_assessed_every_unit"}
    (reviewer,) = [c for c in RAW_CHECKS if c.name == "reviewer_assessed_every_unit"]
    assert reviewer.severity == dg.AssetCheckSeverity.WARN
    assert specs["annex_totals_match"].asset_key == dg.AssetKey(["raw", "annex_totals"])
    assert {c.asset for c in MART_CHECKS} == {
        dg.AssetKey(["marts", m])
        for m in (
            "unit_quarter",
            "column_quarter",
            "category_quarter",
            "quarter_summary",
            "column_timeliness",
        )
    }
    for spec in specs.values():
        assert (
            spec.partitions_def is not None
            and "2020-Q1" in spec.partitions_def.get_partition_keys()
        )
        assert HAN.search(spec.description or "")
        assert load_suite(spec.metadata["suite"].split("/")[-1].removesuffix(".json"))


def test_checks_read_the_runs_warehouse_copy() -> None:
    for gate in (raw_quality_gate, mart_quality_gate):
        assert gate.op.pool is None
        assert "warehouse" in gate.required_resource_keys


def test_loading_the_checks_does_not_import_great_expectations_or_pandas() -> None:
    code = (
        "import sys, orchestration.quality.checks;"
        "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[]"


def test_the_code_location_runs_every_check_in_the_quarter_job() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("quarter_job")
    assert {check.key for check in ALL_CHECKS} <= set(job.asset_layer.asset_graph.asset_check_keys)
