"""The quality gate as Dagster asset checks: one multi-asset check on raw, one on the marts.

Each check runs one suite from expectations/ on what its query (expectations/<suite>.sql) reads:
the raw tables, dbt's reference seeds and views, the marts. Blocking checks that fail stop every
asset downstream of the checked one in the same run, so the marts are not rebuilt from a raw
quarter that fails, and no notice is exported from marts that fail; the run's failure message
then names the failed checks and their first offending rows.
"""

import warnings
from collections.abc import Iterator, Sequence

import dagster as dg

from orchestration.partitions import quarter_of, quarterly_partitions
from orchestration.quality.evaluate import evaluate
from orchestration.quality.quality_check import QualityCheck
from orchestration.quality.report import (
    blocking_failure_message,
    check_description,
    check_metadata,
    terminal_report,
)
from orchestration.quality.suites import load_suite
from orchestration.resources import WarehouseRun

RAW_ANNEX_ROWS = dg.AssetKey(["raw", "annex_rows"])
RAW_ANNEX_TOTALS = dg.AssetKey(["raw", "annex_totals"])
RAW_REVIEWER_ASSESSMENTS = dg.AssetKey(["raw", "reviewer_assessments"])
RAW_SOURCE_FILES = dg.AssetKey(["raw", "source_files"])
RAW_CHECK_RECORDS = dg.AssetKey(["raw", "check_records"])


def _dbt(layer: str, name: str) -> dg.AssetKey:
    return dg.AssetKey([layer, name])


# The raw checks read dbt's seeds and seed-only views, never the views over raw: those are
# downstream of the raw tables these checks guard.
RAW_CHECKS = (
    QualityCheck(
        "quarter_has_annex_or_record", "quarter_contents", RAW_SOURCE_FILES,
        (RAW_ANNEX_TOTALS, RAW_ANNEX_ROWS, RAW_CHECK_RECORDS),
    ),
    QualityCheck(
        "annex_totals_match", "annex_totals", RAW_ANNEX_TOTALS, (RAW_ANNEX_ROWS,),
    ),
    QualityCheck("annex_rows_valid", "annex_rows", RAW_ANNEX_ROWS),
    QualityCheck(
        "due_columns_present", "due_columns", RAW_ANNEX_ROWS,
        (RAW_ANNEX_TOTALS, _dbt("intermediate", "int_column_cadence")),
    ),
    QualityCheck(
        "units_covered", "unit_coverage", RAW_ANNEX_ROWS,
        (
            RAW_ANNEX_TOTALS, RAW_CHECK_RECORDS, _dbt("reference", "units"),
            _dbt("reference", "non_units"), _dbt("reference", "unit_kinds"),
        ),
    ),
    QualityCheck(
        "reviewer_assessed_every_unit", "reviewer_coverage", RAW_REVIEWER_ASSESSMENTS,
        (
            RAW_ANNEX_ROWS, RAW_ANNEX_TOTALS, RAW_CHECK_RECORDS, RAW_SOURCE_FILES,
            _dbt("reference", "units"),
        ),
        blocking=False,
    ),
)  # fmt: skip

_MART_INPUTS = (
    RAW_ANNEX_ROWS, RAW_ANNEX_TOTALS, RAW_CHECK_RECORDS, _dbt("marts", "quarter_summary"),
)  # fmt: skip

MART_CHECKS = (
    QualityCheck(
        "unit_tiers_complete", "unit_tiers", _dbt("marts", "unit_quarter"),
        (*_MART_INPUTS, _dbt("reference", "units"), _dbt("intermediate", "int_tiers")),
    ),
    QualityCheck(
        "unit_totals_match_raw", "unit_totals", _dbt("marts", "unit_quarter"),
        (*_MART_INPUTS, _dbt("reference", "units")),
    ),
    QualityCheck(
        "column_counts_match_raw", "column_counts", _dbt("marts", "column_quarter"),
        (RAW_ANNEX_ROWS,),
    ),
    QualityCheck(
        "category_totals_match_raw", "category_totals", _dbt("marts", "category_quarter"),
        (*_MART_INPUTS, _dbt("reference", "units"), _dbt("reference", "columns")),
    ),
    QualityCheck(
        "quarter_totals_match_raw", "quarter_totals", _dbt("marts", "quarter_summary"),
        (
            RAW_ANNEX_ROWS, RAW_ANNEX_TOTALS, RAW_CHECK_RECORDS, _dbt("reference", "units"),
            _dbt("marts", "annex_quarter"),
        ),
    ),
    QualityCheck(
        "check_records_complete", "check_records", _dbt("marts", "column_timeliness"),
        (RAW_CHECK_RECORDS, _dbt("reference", "units")),
    ),
)  # fmt: skip

ALL_CHECKS = RAW_CHECKS + MART_CHECKS


def _spec(check: QualityCheck) -> dg.AssetCheckSpec:
    suite = load_suite(check.suite)
    kind = "阻止导出" if check.blocking else "仅提醒，不阻止导出"
    with warnings.catch_warnings():
        # Partitioned check specs are a Dagster preview; we rely on them on purpose so each
        # quarter's result is recorded against that quarter.
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return dg.AssetCheckSpec(
            check.name,
            asset=check.asset,
            description=f"{suite.description_zh}（{kind}） / {suite.description_en}",
            additional_deps=check.additional_deps,
            blocking=check.blocking,
            partitions_def=quarterly_partitions,
            metadata={
                "suite": f"expectations/{check.suite}.json",
                "query": f"expectations/{check.suite}.sql",
            },
        )


def run_quality_checks(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseRun,
    checks: Sequence[QualityCheck],
) -> Iterator[dg.AssetCheckResult]:
    """Evaluate the selected checks, report each one, then fail the step on a blocking failure.

    The failure is raised after every result is yielded, so each check keeps its own result and
    the run's failure message leads with the cause (Dagster's own one names only the checks).
    """
    selected = [c for c in checks if c.key in context.selected_asset_check_keys]
    outcomes = evaluate(warehouse.path, quarter_of(context), selected)
    failed_blocking = []
    for check in selected:
        outcome = outcomes[check.name]
        description_zh = load_suite(check.suite).description_zh
        if outcome.passed:
            context.log.info(f"{check.name}：通过 / passed")
        elif check.blocking:
            failed_blocking.append((check.name, description_zh, outcome))
            context.log.error(
                f"{check.name}：未通过，阻止导出 / failed, blocks the export\n"
                + terminal_report(outcome)
            )
        else:
            context.log.warning(
                f"{check.name}：提醒，不阻止导出 / warning only, the export goes ahead\n"
                + terminal_report(outcome)
            )
        yield dg.AssetCheckResult(
            asset_key=check.asset,
            check_name=check.name,
            passed=outcome.passed,
            severity=check.severity,
            description=check_description(outcome, description_zh, blocking=check.blocking),
            metadata=check_metadata(outcome),
        )
    if failed_blocking:
        raise dg.Failure(description=blocking_failure_message(failed_blocking))


def _gate(
    name: str, checks: tuple[QualityCheck, ...], description: str
) -> dg.AssetChecksDefinition:
    """One Dagster step that evaluates a group of checks on one read-only connection."""

    @dg.multi_asset_check(
        name=name,
        specs=[_spec(check) for check in checks],
        can_subset=True,
        description=description,
    )
    def gate(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseRun
    ) -> Iterator[dg.AssetCheckResult]:
        yield from run_quality_checks(context, warehouse, checks)

    return gate


raw_quality_gate = _gate(
    "raw_quality_gate",
    RAW_CHECKS,
    "核对本季度导入的附件与核查记录：有可核对的材料、合计、单位覆盖、数据完整性和核查意见。"
    " / Checks the quarter's raw rows: something to check, totals, unit coverage, integrity,"
    " assessments.",
)

mart_quality_gate = _gate(
    "mart_quality_gate",
    MART_CHECKS,
    "核对数据集市与附件原始行是否一致，以及每个单位是否恰好分在一个档次。"
    " / Checks that every mart total agrees with the raw rows and every unit has one tier.",
)

quality_checks = [raw_quality_gate, mart_quality_gate]
