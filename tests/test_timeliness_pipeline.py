"""A quarter holding nothing but a check record goes through the whole run, as `make run` does:
ingest, dbt, every GX check, the export and the publication, in a tmp warehouse of its own.
A quarter holding neither annexes nor a check record is refused, saying why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import docx
import pytest
from openpyxl import load_workbook

from orchestration.export.timeliness_sheet import LISTED_STATUSES, SHEET_TITLE
from orchestration.publish import PUBLISHED_QUARTER
from orchestration.quality.checks import ALL_CHECKS
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.environment import copy_reference, set_pipeline_environment
from tests.factories import timeliness_county as synthetic
from tests.factories.annex_workbooks import write_assessment_xlsx
from tests.factories.check_records import write_check_record_xlsx

QUARTER = "2023-Q2"  # checked on synthetic.CHECK_DATE, as its check rows were dated
EMPTY_QUARTER = "2023-Q3"
EXPORT = dg.AssetKey(["exports", "notice_workbook"])


@dataclass(frozen=True)
class Runs:
    settings: Settings
    record_only: dg.ExecuteInProcessResult
    empty: dg.ExecuteInProcessResult


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    from tests.pipeline import materialize_quarter

    root = tmp_path_factory.mktemp("record_only")
    reference = copy_reference(root)
    synthetic.register(reference)
    landing = root / "landing"
    folder = landing / QUARTER / synthetic.COUNTY
    # checked on the portal only: the check record and the reviewer's tiers, no annex
    check_rows = synthetic.check_rows(reference)
    write_check_record_xlsx(folder / "核查记录.xlsx", check_rows, synthetic.CHECK_DATE)
    tiers = [(unit.name, unit.tier, "核查记录") for unit in synthetic.UNITS]
    write_assessment_xlsx(folder / "核查意见.xlsx", "核查意见", tiers)
    (landing / EMPTY_QUARTER / synthetic.COUNTY).mkdir(parents=True)
    with pytest.MonkeyPatch.context() as env:
        set_pipeline_environment(env, root, landing=landing, reference=reference)
        with dg.instance_for_test() as instance:
            record_only = materialize_quarter(QUARTER, instance=instance)
            empty = materialize_quarter(EMPTY_QUARTER, instance=instance)
            yield Runs(Settings.from_env(), record_only, empty)


def test_a_record_only_quarter_passes_every_check_and_is_exported_and_published(
    runs: Runs,
) -> None:
    result = runs.record_only
    assert result.success
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations == {check.name: True for check in ALL_CHECKS}
    assert "quarter_has_annex_or_record" in evaluations
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert {EXPORT, PUBLISHED_QUARTER} <= materialized


def test_its_units_have_no_items_and_their_columns_and_tiers_from_the_record(runs: Runs) -> None:
    with connect(runs.settings.warehouse_path, read_only=True) as connection:
        rows = connection.execute(
            "select unit_name, items_published, columns_overdue, columns_due_soon, columns_empty,"
            " reviewer_tier, rule_tier, tier from marts.unit_quarter where quarter = ?"
            " order by display_order",
            [QUARTER],
        ).fetchall()
    # No annex: items are not measured (null), so no rule on them applies; the tier is the
    # reviewer's, and the county's timeliness rules give the same one.
    assert rows == [
        (u.name, None, u.overdue, u.due_soon, u.empty, u.tier, u.tier, u.tier)
        for u in synthetic.UNITS
    ]


def test_the_export_lists_the_checked_columns_and_still_renders_the_annexes_and_draft(
    runs: Runs,
) -> None:
    folder = runs.settings.exports_dir / QUARTER
    review = load_workbook(folder / f"{synthetic.COUNTY}-{QUARTER}-核查底稿.xlsx")
    sheet = list(review[SHEET_TITLE].iter_rows(values_only=True))
    checked = len(synthetic.UNITS) * len(synthetic.COLUMNS)
    assert f"共核查栏目 {checked} 个" in str(sheet[1][0])
    listed = [(row[1], row[2], row[4]) for row in sheet if isinstance(row[0], int)]
    flagged = sum(u.overdue + u.due_soon + u.empty for u in synthetic.UNITS)
    assert len(listed) == flagged > 0
    assert {status for _, _, status in listed} == set(LISTED_STATUSES)
    assert {column for _, column, _ in listed} <= set(synthetic.COLUMNS)
    assert {unit for unit, _, _ in listed} == {
        u.name for u in synthetic.UNITS if u.overdue + u.due_soon + u.empty
    }
    annexes = load_workbook(folder / f"{synthetic.COUNTY}-{QUARTER}-附件.xlsx")
    assert annexes.sheetnames  # the declared annexes, with no rows: nothing was published
    draft = docx.Document(str(folder / f"{synthetic.COUNTY}-{QUARTER}-通报草稿.docx"))
    assert any(synthetic.COUNTY in p.text for p in draft.paragraphs)


def test_a_quarter_with_neither_annexes_nor_a_check_record_is_refused(runs: Runs) -> None:
    assert not runs.empty.success
    (failure,) = [e for e in runs.empty.all_events if e.is_step_failure]
    assert failure.step_key == "raw_quarter"
    message = failure.step_failure_data.error.message  # type: ignore[union-attr]
    assert f"{EMPTY_QUARTER}/{synthetic.COUNTY}" in message
    assert "文件夹中没有附件表格或核查记录" in message
    assert "holds no annex spreadsheet or check record" in message
    assert not (runs.settings.exports_dir / EMPTY_QUARTER).exists()
