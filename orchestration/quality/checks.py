"""The quality gate as Dagster asset checks: one multi-asset check on raw, one on the marts.

Each check runs one suite from expectations/ on one reconciliation frame (frames.py). Blocking
checks that fail stop every asset downstream of the checked one in the same run, so the marts are
not rebuilt from a raw quarter that fails, and no notice is exported from marts that fail.
"""

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import dagster as dg

from orchestration.partitions import quarterly_partitions
from orchestration.quality import frames
from orchestration.quality.report import check_description, check_metadata
from orchestration.quality.run import evaluate
from orchestration.quality.suites import load_suite
from orchestration.settings import EXPECTATIONS_DIR, Settings
from orchestration.warehouse import WAREHOUSE_POOL

RAW_ANNEX_ROWS = dg.AssetKey(["raw", "annex_rows"])
RAW_ANNEX_TOTALS = dg.AssetKey(["raw", "annex_totals"])
RAW_REVIEWER_ASSESSMENTS = dg.AssetKey(["raw", "reviewer_assessments"])


@dataclass(frozen=True)
class QualityCheck:
    name: str  # the Dagster check name
    suite: str  # expectations/<suite>.json
    asset: dg.AssetKey
    query: str
    additional_deps: tuple[dg.AssetKey, ...] = ()
    blocking: bool = True

    @property
    def key(self) -> dg.AssetCheckKey:
        return dg.AssetCheckKey(self.asset, self.name)

    @property
    def severity(self) -> dg.AssetCheckSeverity:
        return dg.AssetCheckSeverity.ERROR if self.blocking else dg.AssetCheckSeverity.WARN


def _mart(model: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", model])


RAW_CHECKS = (
    QualityCheck(
        "annex_totals_match", "annex_totals", RAW_ANNEX_TOTALS, frames.ANNEX_TOTALS,
        (RAW_ANNEX_ROWS,),
    ),
    QualityCheck("annex_rows_valid", "annex_rows", RAW_ANNEX_ROWS, frames.ANNEX_ROWS),
    QualityCheck(
        "due_columns_present", "due_columns", RAW_ANNEX_ROWS, frames.DUE_COLUMNS,
        (RAW_ANNEX_TOTALS,),
    ),
    QualityCheck("units_covered", "unit_coverage", RAW_ANNEX_ROWS, frames.UNIT_COVERAGE),
    QualityCheck(
        "reviewer_assessed_every_unit", "reviewer_coverage", RAW_REVIEWER_ASSESSMENTS,
        frames.REVIEWER_COVERAGE, (RAW_ANNEX_ROWS,), blocking=False,
    ),
)  # fmt: skip

MART_CHECKS = (
    QualityCheck(
        "unit_tiers_complete", "unit_tiers", _mart("unit_quarter"), frames.UNIT_TIERS,
        (RAW_ANNEX_ROWS, _mart("quarter_summary")),
    ),
    QualityCheck(
        "unit_totals_match_raw", "unit_totals", _mart("unit_quarter"), frames.UNIT_TOTALS,
        (RAW_ANNEX_ROWS, _mart("quarter_summary")),
    ),
    QualityCheck(
        "column_counts_match_raw", "column_counts", _mart("column_quarter"),
        frames.COLUMN_COUNTS, (RAW_ANNEX_ROWS,),
    ),
    QualityCheck(
        "category_totals_match_raw", "category_totals", _mart("category_quarter"),
        frames.CATEGORY_TOTALS, (RAW_ANNEX_ROWS, _mart("quarter_summary")),
    ),
    QualityCheck(
        "quarter_totals_match_raw", "quarter_totals", _mart("quarter_summary"),
        frames.QUARTER_TOTALS, (RAW_ANNEX_ROWS, RAW_ANNEX_TOTALS),
    ),
    QualityCheck(
        "check_records_complete", "check_records", _mart("column_timeliness"),
        (EXPECTATIONS_DIR / "check_records.sql").read_text(encoding="utf-8"),
        (dg.AssetKey(["raw", "check_records"]),),
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
            metadata={"suite": f"expectations/{check.suite}.json"},
        )


def run_quality_checks(
    context: dg.AssetCheckExecutionContext, checks: Sequence[QualityCheck]
) -> Iterator[dg.AssetCheckResult]:
    """Read each selected check's frame read-only, validate all in one GX context, report."""
    selected = [c for c in checks if c.key in context.selected_asset_check_keys]
    outcomes = evaluate(Settings.from_env(), context.partition_key, selected)
    for check in selected:
        outcome = outcomes[check.name]
        context.log.info(f"{check.name}: {'passed' if outcome.passed else 'FAILED'}")
        yield dg.AssetCheckResult(
            asset_key=check.asset,
            check_name=check.name,
            passed=outcome.passed,
            severity=check.severity,
            description=check_description(outcome, load_suite(check.suite).description_zh),
            metadata=check_metadata(outcome),
        )


@dg.multi_asset_check(
    name="raw_quality_gate",
    specs=[_spec(check) for check in RAW_CHECKS],
    can_subset=True,
    pool=WAREHOUSE_POOL,
    description="核对本季度导入的附件：合计、单位覆盖、数据完整性和核查意见。"
    " / Checks the quarter's raw annex rows: totals, unit coverage, integrity, assessments.",
)
def raw_quality_gate(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
    yield from run_quality_checks(context, RAW_CHECKS)


@dg.multi_asset_check(
    name="mart_quality_gate",
    specs=[_spec(check) for check in MART_CHECKS],
    can_subset=True,
    pool=WAREHOUSE_POOL,
    description="核对数据集市与附件原始行是否一致，以及每个单位是否恰好分在一个档次。"
    " / Checks that every mart total agrees with the raw rows and every unit has one tier.",
)
def mart_quality_gate(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
    yield from run_quality_checks(context, MART_CHECKS)


quality_checks = [raw_quality_gate, mart_quality_gate]
