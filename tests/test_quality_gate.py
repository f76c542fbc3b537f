"""The quality gate end to end: real ingest, real dbt, real GX, real Dagster blocking semantics.

One clean 2020-Q1 run per module builds the warehouse every scenario starts from. Each scenario
breaks exactly one check, runs one materialisation, and asserts the check failed for that reason
(its offending rows) and that the export was skipped, leaving the previous export untouched.
Inputs the ingest already refuses (a negative count, a duplicate row, an unknown unit) are written
straight into the raw tables: the check is the second line of defence behind the ingest.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import dagster as dg
import pytest

from orchestration.quality.checks import MART_CHECKS, RAW_CHECKS, quality_checks
from orchestration.quarters import Quarter
from orchestration.resources import WarehouseRun
from orchestration.settings import Settings
from orchestration.transform.assets import reference_data
from orchestration.warehouse import connect, ensure_raw_schema
from tests.conftest import SAMPLE_DIR, SAMPLE_QUARTER
from tests.environment import set_pipeline_environment
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import AnnexRow, write_annex_xlsx
from tests.factories.sample_quarter import ANNEX1_FILE
from tests.pipeline import QUARTER_ASSETS

EXPORT = dg.AssetKey(["exports", "notice_workbook"])
RAW_KEYS = [dg.AssetKey(["raw", t]) for t in ("annex_rows", "annex_totals", "reviewer_assessments")]
# The raw checks read dbt's seeds (and seed-only views), which a run builds before them.
SEED_KEYS = set(reference_data.keys)  # the seeds and what dbt builds from them alone
MART_KEYS = sorted({check.asset for check in MART_CHECKS}, key=str)
WORKBOOK = f"崇信县-{SAMPLE_QUARTER}-附件.xlsx"
PREVIOUS = b"the notice exported by an earlier, good run"
QUALITY = {check.name for check in RAW_CHECKS + MART_CHECKS}
BLOCKING = {check.name for check in RAW_CHECKS + MART_CHECKS if check.blocking}
ANNEX1_PATH = f"{SAMPLE_QUARTER}/{ANNEX1_FILE}"

# Run only what follows the raw tables (they were written by the test), or only the export and
# the mart checks (the marts were altered by the test and must not be rebuilt). The gate's own
# checks are named: dbt's tests are checks on the same assets and would start a dbt run.
AFTER_RAW = dg.AssetSelection.checks(*[c.key for c in RAW_CHECKS]) | dg.AssetSelection.assets(
    *RAW_KEYS
).downstream(include_self=False)
AFTER_MARTS = dg.AssetSelection.checks(*[c.key for c in MART_CHECKS]) | dg.AssetSelection.assets(
    EXPORT
)


def materialize(
    selection: dg.AssetSelection | None = None, instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    """One in-process run of the quarter; no selection means every asset and check.

    Pass an instance to read the run's log lines afterwards (what the CLI prints).
    """
    return dg.materialize(
        [*QUARTER_ASSETS, *quality_checks],
        resources={"warehouse": WarehouseRun()},
        partition_key=SAMPLE_QUARTER,
        selection=selection,
        raise_on_error=False,
        instance=instance,
    )


def log_lines(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult, check: str) -> list:
    """The run's plain log lines (not Dagster events) about one check, as the CLI prints them."""
    return [
        entry
        for entry in instance.all_logs(result.run_id)
        if entry.dagster_event is None and check in entry.user_message
    ]


def run_failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The error the run's failure carries: what the UI and the CLI show first for a failed run."""
    (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
    return failure.job_failure_data.error.message


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """This gate's check results (dbt's tests are asset checks too, and are not ours)."""
    return {
        e.check_name: e for e in result.get_asset_check_evaluations() if e.check_name in QUALITY
    }


def offending_rows(evaluation: dg.AssetCheckEvaluation) -> list[dict[str, str]]:
    table = evaluation.metadata["问题行 / offending rows (table)"]
    return [dict(record.data) for record in table.records]


def failed_blocking(result: dg.ExecuteInProcessResult) -> set[str]:
    return {name for name, e in evaluations(result).items() if name in BLOCKING and not e.passed}


def materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {e.asset_key for e in result.get_asset_materialization_events()}


@dataclasses.dataclass(frozen=True)
class CleanRun:
    result: dg.ExecuteInProcessResult
    settings: Settings
    instance: dg.DagsterInstance


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CleanRun]:
    """The bundled sample quarter through the whole pipeline, once for the module."""
    root = tmp_path_factory.mktemp("clean")
    with pytest.MonkeyPatch.context() as env:
        shutil.copytree(SAMPLE_DIR, root / "landing" / SAMPLE_QUARTER)
        set_pipeline_environment(env, root)
        instance = dg.DagsterInstance.ephemeral()
        yield CleanRun(materialize(instance=instance), Settings.from_env(), instance)


@pytest.fixture
def previous_export(settings: Settings) -> Path:
    """An export of the quarter from an earlier run, which a blocked run must leave as it is."""
    folder = settings.exports_dir / SAMPLE_QUARTER
    folder.mkdir(parents=True)
    (folder / WORKBOOK).write_bytes(PREVIOUS)
    return folder


def assert_export_blocked(result: dg.ExecuteInProcessResult, previous: Path) -> None:
    assert not result.success
    assert EXPORT not in materialized(result)
    assert [p.name for p in previous.iterdir()] == [WORKBOOK]
    assert (previous / WORKBOOK).read_bytes() == PREVIOUS


def blocked_rows(
    result: dg.ExecuteInProcessResult, check: str, previous: Path
) -> list[dict[str, str]]:
    """The run failed on this blocking check alone and left the previous export as it was: the
    check's offending rows."""
    assert failed_blocking(result) == {check}
    assert_export_blocked(result, previous)
    return offending_rows(evaluations(result)[check])


def clean_warehouse(clean_run: CleanRun, settings: Settings, *statements: str) -> None:
    """The clean run's warehouse, copied for this test and altered by the given SQL."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clean_run.settings.warehouse_path, settings.warehouse_path)
    with connect(settings.warehouse_path) as connection:
        for statement in statements:
            connection.execute(statement)


Rerun = Callable[..., dg.ExecuteInProcessResult]


@pytest.fixture
def rerun(clean_run: CleanRun, settings: Settings) -> Rerun:
    """Runs a selection on the clean run's warehouse, copied for the test and altered by SQL."""

    def run(selection: dg.AssetSelection, *statements: str) -> dg.ExecuteInProcessResult:
        clean_warehouse(clean_run, settings, *statements)
        return materialize(selection)

    return run


def landing_with_annex1(settings: Settings, rows: Sequence[AnnexRow], declared: int) -> None:
    """The sample quarter with annex 1 rewritten by the test."""
    folder = settings.landing_dir / SAMPLE_QUARTER
    shutil.copytree(SAMPLE_DIR, folder)
    write_annex_xlsx(folder / ANNEX1_FILE, notice.ANNEX1_TITLE, rows, declared)


# --- the clean quarter ------------------------------------------------------------------------


def test_clean_2020q1_passes_every_blocking_check_and_is_exported(clean_run: CleanRun) -> None:
    result = clean_run.result
    checks = evaluations(result)

    assert result.success
    assert set(checks) == QUALITY
    assert {name for name, e in checks.items() if e.passed} == BLOCKING
    assert {e.partition for e in checks.values()} == {SAMPLE_QUARTER}
    assert EXPORT in materialized(result)
    assert (clean_run.settings.exports_dir / SAMPLE_QUARTER / WORKBOOK).is_file()
    annex_totals = checks["annex_totals_match"].metadata
    assert annex_totals["核对行数 / rows checked"].value == 2
    assert checks["units_covered"].metadata["核对行数 / rows checked"].value == 36  # 35 + 相关部门


def test_clean_2020q1_warns_that_nongban_has_no_reviewer_assessment(clean_run: CleanRun) -> None:
    warning = evaluations(clean_run.result)["reviewer_assessed_every_unit"]

    assert not warning.passed
    assert warning.severity == dg.AssetCheckSeverity.WARN
    assert warning.metadata["涉及单位 / units"].value == "农办"
    # a warning-only check reads as a reminder, never as a failure
    assert warning.description.startswith("提醒（1 处，涉及单位：农办）：该单位没有核查意见")
    (row,) = offending_rows(warning)
    assert row["单位"] == "农办"
    assert row["文件"] == f"{SAMPLE_QUARTER}/核查意见-2020年第一季度.xlsx"
    assert (row["应为"], row["实际"]) == ("有一条核查意见", "0")
    assert "农办" in warning.metadata["问题行 / offending rows"].value


def test_the_reviewer_warning_is_logged_as_a_warning_never_as_a_failure(
    clean_run: CleanRun,
) -> None:
    lines = log_lines(clean_run.instance, clean_run.result, "reviewer_assessed_every_unit")

    (line,) = lines
    assert line.level == logging.WARNING
    assert line.user_message.startswith("reviewer_assessed_every_unit：提醒，不阻止导出")
    assert "FAILED" not in line.user_message and "未通过" not in line.user_message
    # the offending row is in the log as a table a clerk reads in the terminal
    assert "问题：该单位没有核查意见（将按规则自动分档）（1 处）" in line.user_message
    assert "农办" in line.user_message and "有一条核查意见" in line.user_message
    passed = log_lines(clean_run.instance, clean_run.result, "annex_totals_match")
    assert [(p.level, p.user_message) for p in passed] == [
        (logging.INFO, "annex_totals_match：通过 / passed")
    ]


# --- raw layer: spreadsheets the ingest accepts --------------------------------------------


def test_an_annex_whose_rows_do_not_add_up_to_its_total_blocks_the_export(
    settings: Settings, previous_export: Path
) -> None:
    landing_with_annex1(settings, notice.ANNEX1_ROWS, 249)
    instance = dg.DagsterInstance.ephemeral()

    result = materialize(instance=instance)

    (row,) = blocked_rows(result, "annex_totals_match", previous_export)
    assert row["文件"] == ANNEX1_PATH
    assert (row["工作表"], row["行"], row["栏目"]) == ("Sheet1", "46", "合计")
    assert (row["应为"], row["实际"]) == ("249", "248")
    assert row["问题"] == "各行公开数量相加与“合计”不符"
    # the marts are not rebuilt from a quarter that fails, so nothing downstream ran
    assert materialized(result) - SEED_KEYS == set(RAW_KEYS) | {
        dg.AssetKey(["raw", "source_files"]),
        dg.AssetKey(["raw", "check_records"]),
    }
    # the terminal shows the row, the rows' sum beside the declared 合计, and where to look
    (line,) = log_lines(instance, result, "annex_totals_match")
    assert line.level == logging.ERROR
    assert "问题：各行公开数量相加与“合计”不符（1 处）" in line.user_message
    assert "附件1合计：各行公开数量相加为 248，合计行填写为 249。" in line.user_message
    assert "错误可能在任意一行数据，也可能在合计本身" in line.user_message
    assert ANNEX1_PATH in line.user_message
    # the run's failure leads with the cause, Chinese first
    message = run_failure_message(result)
    assert "质量检查未通过，本季度不导出通报：annex_totals_match。" in message
    assert message.index("质量检查未通过") < message.index("Blocking quality check(s) failed")
    assert "合计行填写为 249" in message


def test_a_registered_unit_missing_from_the_annexes_blocks_the_export(
    settings: Settings, previous_export: Path
) -> None:
    # 精准扶贫 handed to 政府办: totals and columns unchanged, but 农办 is gone from the annexes
    rows = [
        dataclasses.replace(row, unit_name="政府办") if row.unit_name == "农办" else row
        for row in notice.ANNEX1_ROWS
    ]
    landing_with_annex1(settings, rows, notice.ANNEX1_DECLARED_TOTAL)

    result = materialize()

    (row,) = blocked_rows(result, "units_covered", previous_export)
    assert (row["单位"], row["应为"], row["实际"]) == ("农办", "至少负责1个栏目", "0")
    assert row["问题"] == "名录中的单位未出现在本季度附件中"


def test_a_column_due_this_quarter_missing_from_the_annex_blocks_the_export(
    settings: Settings, previous_export: Path
) -> None:
    # 人事任免 (published 0, due every quarter) left out: the total is still 248
    rows = [row for row in notice.ANNEX1_ROWS if row.column_name != "人事任免"]
    landing_with_annex1(settings, rows, notice.ANNEX1_DECLARED_TOTAL)

    result = materialize()

    (row,) = blocked_rows(result, "due_columns_present", previous_export)
    assert (row["文件"], row["栏目"], row["实际"]) == (ANNEX1_PATH, "人事任免", "0")
    assert row["核对项"] == "附件1目录第1项"


# --- raw layer: rows the ingest refuses, written straight into the warehouse ----------------

ANNEX_ROW = f"raw.annex_rows where quarter = '{SAMPLE_QUARTER}' and column_name"


def test_a_negative_count_blocks_the_export(rerun: Rerun, previous_export: Path) -> None:
    # -1 and +1 keep the annex total at 248, so only the count itself is wrong
    result = rerun(
        AFTER_RAW,
        f"update {ANNEX_ROW.replace(' where', ' set item_count = -1 where')} = '人事任免'",
        f"update {ANNEX_ROW.replace(' where', ' set item_count = 2 where')} = '招聘公告'",
    )

    (row,) = blocked_rows(result, "annex_rows_valid", previous_export)
    assert (row["文件"], row["行"], row["单位"], row["栏目"]) == (
        ANNEX1_PATH,
        "3",
        "人社局",
        "人事任免",
    )
    assert (row["应为"], row["实际"], row["问题"]) == ("不小于0的整数", "-1", "公开数量为负数")


def test_a_count_that_is_not_a_whole_number_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    # a warehouse whose raw table drifted to a decimal count: 0.5 + 0.5 keeps the total at 248
    result = rerun(
        AFTER_RAW,
        "alter table raw.annex_rows alter item_count type double",
        f"update {ANNEX_ROW.replace(' where', ' set item_count = 0.5 where')} = '人事任免'",
        f"update {ANNEX_ROW.replace(' where', ' set item_count = 0.5 where')} = '招聘公告'",
    )

    (row,) = blocked_rows(result, "annex_rows_valid", previous_export)
    assert (row["问题"], row["应为"]) == ("公开数量不是整数", "整数")


def test_a_duplicate_unit_and_column_row_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    # a second 人事任免 row for 人社局 with 0 items: the total stays 248
    result = rerun(
        AFTER_RAW,
        "insert into raw.annex_rows select * replace (99 as source_row)"
        f" from {ANNEX_ROW} = '人事任免'",
    )

    rows = blocked_rows(result, "annex_rows_valid", previous_export)
    assert [(r["行"], r["单位"], r["栏目"]) for r in rows] == [
        ("3", "人社局", "人事任免"),
        ("99", "人社局", "人事任免"),
    ]
    assert {r["问题"] for r in rows} == {"同一单位的同一栏目出现了两次"}


def test_an_unknown_unit_that_slipped_through_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    result = rerun(
        AFTER_RAW,
        "insert into raw.annex_rows select * replace ("
        " '政府部门信息公开(档案局)' as column_name, '政府部门信息公开(档案局)' as column_name_raw,"
        " '档案局' as unit_name_raw, '档案局' as unit_name, 'chongxin-dangan' as unit_id,"
        f" 0 as item_count, 99 as source_row) from {ANNEX_ROW} = '人事任免'",
    )

    (row,) = blocked_rows(result, "units_covered", previous_export)
    assert (row["文件"], row["行"], row["单位"]) == (ANNEX1_PATH, "99", "档案局")
    assert row["问题"] == "责任单位不在单位名录中"


# --- marts that disagree with the raw rows ----------------------------------------------------

MART = f"where quarter = '{SAMPLE_QUARTER}'"


def test_a_unit_given_two_tiers_blocks_the_export(rerun: Rerun, previous_export: Path) -> None:
    result = rerun(
        AFTER_MARTS,
        "insert into marts.unit_quarter select * replace ('更新情况较好' as tier)"
        f" from marts.unit_quarter {MART} and unit_name = '农办'",
    )

    (row,) = blocked_rows(result, "unit_tiers_complete", previous_export)
    assert (row["单位"], row["应为"], row["实际"]) == ("农办", "恰好1个档次", "2")


def test_a_unit_total_that_disagrees_with_the_annex_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    result = rerun(
        AFTER_MARTS,
        "update marts.unit_quarter set items_published = items_published + 1"
        f" {MART} and unit_name = '政府办'",
    )

    (row,) = blocked_rows(result, "unit_totals_match_raw", previous_export)
    assert (row["核对项"], row["单位"], row["应为"], row["实际"]) == (
        "单位公开数量",
        "政府办",
        "38",
        "39",
    )


def test_a_column_count_that_disagrees_with_its_annex_row_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    result = rerun(
        AFTER_MARTS,
        f"update marts.column_quarter set item_count = 75 {MART} and column_name = '资源交易'",
    )

    (row,) = blocked_rows(result, "column_counts_match_raw", previous_export)
    assert (row["文件"], row["工作表"], row["行"]) == (ANNEX1_PATH, "Sheet1", "30")
    assert (row["单位"], row["栏目"], row["应为"], row["实际"]) == (
        "公共资源交易中心",
        "资源交易",
        "74",
        "75",
    )


def test_a_category_total_that_disagrees_with_the_annexes_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    result = rerun(
        AFTER_MARTS,
        f"update marts.category_quarter set items_published = 10 {MART} and category = '乡镇'",
    )

    rows = blocked_rows(result, "category_totals_match_raw", previous_export)
    # the category itself, and the unit kinds no longer adding up to the quarter's items
    assert [(r["核对项"], r["应为"], r["实际"]) for r in rows] == [
        ("单位类型：乡镇", "9", "10"),
        ("单位类型：全部类别合计", "262", "263"),
    ]


def test_a_quarter_total_that_is_not_the_sum_of_its_annexes_blocks_the_export(
    rerun: Rerun, previous_export: Path
) -> None:
    result = rerun(AFTER_MARTS, f"update marts.quarter_summary set total_items = 263 {MART}")

    rows = blocked_rows(result, "quarter_totals_match_raw", previous_export)
    assert [(r["核对项"], r["应为"], r["实际"]) for r in rows] == [
        ("全县公开总数", "262", "263"),
        ("各附件之和 = 全县总数", "262", "263"),
    ]


def test_an_annex_declared_empty_adds_up_to_zero_not_to_nothing(
    clean_run: CleanRun, settings: Settings
) -> None:
    from orchestration.quality.evaluate import evaluate

    # annex 2 with its 合计 row only, declaring 0: a county may publish an empty table
    clean_warehouse(
        clean_run,
        settings,
        f"delete from raw.annex_rows where quarter = '{SAMPLE_QUARTER}' and annex = 2",
        "update raw.annex_totals set declared_total = 0"
        f" where quarter = '{SAMPLE_QUARTER}' and annex = 2",
    )
    (check,) = [c for c in RAW_CHECKS if c.name == "annex_totals_match"]

    outcome = evaluate(settings.warehouse_path, Quarter.parse(SAMPLE_QUARTER), [check])[check.name]

    assert outcome.passed, outcome.failures
    assert outcome.rows_checked == 2


# --- a warehouse that cannot be reconciled -----------------------------------------------------


def test_a_quarter_with_no_annex_no_check_record_and_no_marts_fails_rather_than_passing_empty(
    settings: Settings,
) -> None:
    from orchestration.quality.evaluate import evaluate

    with connect(settings.warehouse_path) as connection:
        ensure_raw_schema(connection)

    outcomes = evaluate(
        settings.warehouse_path, Quarter.parse(SAMPLE_QUARTER), [*RAW_CHECKS, *MART_CHECKS]
    )

    assert [f.problem_zh for f in outcomes["quarter_has_annex_or_record"].failures] == [
        "本季度仓库中没有任何附件或核查记录"
    ]
    assert outcomes["annex_totals_match"].passed  # no annex has no total to disagree with
    for check in MART_CHECKS:
        (failure,) = outcomes[check.name].failures
        assert failure.problem_zh.startswith("仓库中缺少本项核对要读的表，请先生成数据集市")
        assert "marts" in failure.problem_zh, failure.problem_zh  # the table, not a macro
