"""The marts built for real: ingest + dbt through Dagster, in a tmp warehouse.

One module-scoped warehouse runs five partitions in order — 2020-Q1 (the sample), 2020-Q2 (written
by the test), 2020-Q2 again unchanged, 2020-Q2 corrected, and 2020-Q2 with a bad raw row that must
fail — and keeps a snapshot of every mart after each, so each test reads the state it asserts on and
the module runs dbt only five times.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import connect
from tests.environment import set_pipeline_environment
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import DEFAULT_HEADERS, AnnexRow, Layout, write_annex_xlsx
from tests.marts import Snapshot, marts_snapshot

MARTS = ("unit_quarter", "column_quarter", "category_quarter", "quarter_summary")

# 2020-Q2 as the test writes it: four counts changed from 2020-Q1, no reviewer's assessment.
Q2_ANNEX1_CHANGES = {"政策解读": 20, "精准扶贫": 0, "人事任免": 3, "资源交易": 80}  # 246 in all
Q2_ANNEX2_CHANGES = {"乡镇政府信息公开(黄寨镇)": 2}  # 12 in all
# The correction: 政府文件 6 -> 16, and the row of 执法局 removed (it then published nothing).
CORRECTION_CHANGES = {"政府文件": 16}
CORRECTION_REMOVED = "政府部门信息公开(执法局)"


def _changed(rows: list[AnnexRow], counts: dict[str, int], drop: str = "") -> list[AnnexRow]:
    kept = [row for row in rows if row.column_name != drop]
    return [replace(row, item_count=counts.get(row.column_name, row.item_count)) for row in kept]


def _write_q2(folder: Path, annex1: list[AnnexRow], annex2: list[AnnexRow]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": "二季度公开数量"})
    for number, subject, rows in ((1, "政府部门", annex1), (2, "乡镇", annex2)):
        title = f"崇信县{subject}信息公开第二季度更新情况统计表"
        total = sum(int(row.item_count) for row in rows)
        write_annex_xlsx(folder / f"附件{number}-{title}.xlsx", title, rows, total, layout)


def _quarter(snapshot: Snapshot, mart: str, quarter: str) -> list[dict[str, Any]]:
    return [row for row in snapshot[mart] if row["quarter"] == quarter]


@dataclass(frozen=True)
class Built:
    q1: Snapshot  # after 2020-Q1
    q2: Snapshot  # after 2020-Q2
    q2_rerun: Snapshot  # after 2020-Q2 again, nothing changed
    q2_corrected: Snapshot  # after 2020-Q2 with corrected workbooks
    failed_run_succeeded: bool  # 2020-Q2 with a unit assessed twice in the raw assessments
    after_failed_run: Snapshot
    settings: Settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    import dagster as dg

    from orchestration.ingest.assets import raw_quarter
    from orchestration.publish import published_quarter
    from orchestration.quality.checks import mart_quality_gate
    from orchestration.transform.assets import all_quarter_views, quarter_marts, reference_data
    from tests.pipeline import BUILD_ASSETS, materialize_quarter

    root = tmp_path_factory.mktemp("marts")
    with pytest.MonkeyPatch.context() as env:
        set_pipeline_environment(env, root)
        settings = Settings.from_env()
        shutil.copytree(
            PROJECT_ROOT / "seeds" / "quarters" / "2020-Q1", settings.landing_dir / "2020-Q1"
        )
        q2_folder = settings.landing_dir / "2020-Q2"
        q2_annex1 = _changed(notice.ANNEX1_ROWS, Q2_ANNEX1_CHANGES)
        q2_annex2 = _changed(notice.ANNEX2_ROWS, Q2_ANNEX2_CHANGES)
        _write_q2(q2_folder, q2_annex1, q2_annex2)

        def materialize(
            quarter: str, *assets: dg.AssetsDefinition, checks: tuple[Any, ...] = ()
        ) -> bool:
            result = materialize_quarter(quarter, assets, checks=checks, instance=instance)
            return result.success

        def run(quarter: str, *assets: dg.AssetsDefinition) -> Snapshot:
            assert materialize(quarter, *assets), quarter
            return marts_snapshot(settings.warehouse_path, MARTS)

        rebuild = (reference_data, all_quarter_views, quarter_marts, published_quarter)
        with dg.instance_for_test() as instance:
            q1 = run("2020-Q1", *BUILD_ASSETS)
            q2 = run("2020-Q2", *BUILD_ASSETS)
            q2_rerun = run("2020-Q2", *rebuild)
            _write_q2(
                q2_folder, _changed(q2_annex1, CORRECTION_CHANGES, CORRECTION_REMOVED), q2_annex2
            )
            q2_corrected = run("2020-Q2", raw_quarter, *rebuild)
            # A raw row no ingest would write (优秀 is no tier), put into the published warehouse
            # by hand: the mart gate refuses the marts built from it, and nothing is published.
            with connect(settings.warehouse_path) as connection:
                connection.execute(
                    "insert into raw.reviewer_assessments values ('崇信县', '2020-Q2',"
                    " 'chongxin-nongban', '农办', '优秀', 1, null, 'x.xlsx', 'sha', 'Sheet1', 3)"
                )
            failed_run_succeeded = materialize("2020-Q2", *rebuild, checks=(mart_quality_gate,))
            after_failed_run = marts_snapshot(settings.warehouse_path, MARTS)
        yield Built(
            q1, q2, q2_rerun, q2_corrected, failed_run_succeeded, after_failed_run, settings
        )


def test_a_run_failing_its_checks_leaves_the_marts_as_they_were(built: Built) -> None:
    # 优秀 is no tier: the mart gate's tier check fails and the run publishes nothing.
    assert built.failed_run_succeeded is False
    assert built.after_failed_run == built.q2_corrected


def _by_unit(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["unit_short_name"]: row for row in rows}


def test_2020q1_tier_lists_are_the_notices_in_its_order_then_nongban(built: Built) -> None:
    units = _quarter(built.q1, "unit_quarter", "2020-Q1")
    for tier, rank in notice.LIST_NUMBERS.items():
        listed = sorted((u for u in units if u["tier"] == tier), key=lambda u: u["tier_position"])
        assert {u["tier_rank"] for u in listed} == {rank}
        expected = notice.TIER_LISTS[tier] + (["农办"] if tier == notice.TIER_GOOD else [])
        assert [u["unit_short_name"] for u in listed] == expected
        assert [u["tier_position"] for u in listed] == list(range(1, len(expected) + 1))
    assert [len(notice.TIER_LISTS[tier]) for tier in notice.LIST_NUMBERS] == [15, 10, 9]


def test_2020q1_nongban_is_tiered_by_rule_and_flagged(built: Built) -> None:
    units = _by_unit(_quarter(built.q1, "unit_quarter", "2020-Q1"))
    nongban = units.pop("农办")
    assert nongban["items_published"] == 2
    assert nongban["due_columns_without_update"] == 0
    assert nongban["rule_id"] == "otherwise"
    assert nongban["rule_tier"] == nongban["tier"] == notice.TIER_GOOD
    assert nongban["tier_source"] == "rule"
    assert nongban["has_reviewer_assessment"] is False
    assert nongban["reviewer_tier"] is None
    assert nongban["tiers_disagree"] is False
    assert nongban["reason"] == "未列入核查意见，按规则判定：其余单位"
    assert all(
        u["has_reviewer_assessment"] and u["tier_source"] == "reviewer" for u in units.values()
    )
    assert all(u["tier"] == u["reviewer_tier"] for u in units.values())


def test_2020q1_rule_and_reviewer_tiers_sit_side_by_side(built: Built) -> None:
    units = _by_unit(_quarter(built.q1, "unit_quarter", "2020-Q1"))
    # 财政局 left 部门预算及三公经费 (early in the year, so due in Q1) at 0: the rule agrees.
    assert units["县财政局"]["due_columns_without_update"] == 1
    assert units["县财政局"]["rule_tier"] == units["县财政局"]["tier"] == notice.TIER_PARTIAL
    assert units["县财政局"]["tiers_disagree"] is False
    # 审计局 published every due column; the reviewer still lists it as partial.
    assert units["审计局"]["rule_tier"] == notice.TIER_GOOD
    assert units["审计局"]["tier"] == notice.TIER_PARTIAL
    assert units["审计局"]["tiers_disagree"] is True
    summary = _quarter(built.q1, "quarter_summary", "2020-Q1")[0]
    assert summary["units_tiers_disagree"] == sum(u["tiers_disagree"] for u in units.values())


def _topic_group_totals_from_the_notice() -> list[tuple[str, int]]:
    """The notice's rows summed by the catalogue's topic groups, in catalogue order."""
    with (PROJECT_ROOT / "seeds" / "reference" / "columns.csv").open(encoding="utf-8") as handle:
        catalogue = list(csv.DictReader(handle))
    group_of = {(int(c["annex"]), c["column_name"]): c["topic_group"] for c in catalogue}
    totals: dict[str, int] = {c["topic_group"]: 0 for c in catalogue}  # first appearance order
    for annex, rows in ((1, notice.ANNEX1_ROWS), (2, notice.ANNEX2_ROWS)):
        for row in rows:
            totals[group_of[annex, row.column_name.replace(" ", "")]] += int(row.item_count)
    return list(totals.items())


def test_2020q1_category_totals(built: Built) -> None:
    categories = _quarter(built.q1, "category_quarter", "2020-Q1")
    by_type: dict[str, list[tuple[str, int]]] = {}
    for row in categories:
        by_type.setdefault(row["category_type"], []).append(
            (row["category"], row["items_published"])
        )
    assert by_type["unit_kind"] == [
        ("政府部门", 248), ("乡镇", 9), ("工业集中区", 3), ("城市社区", 2), ("未归属单位", 0),
    ]  # fmt: skip
    assert by_type["annex"] == [("附件1", 248), ("附件2", 14)]
    assert by_type["topic_group"] == _topic_group_totals_from_the_notice()
    kinds = [r for r in categories if r["category_type"] == "unit_kind"]
    assert [(r["units"], r["columns"]) for r in kinds] == [(27, 42), (6, 6), (1, 1), (1, 1), (0, 1)]
    unattributed = next(r for r in categories if r["category"] == "未归属单位")
    assert (unattributed["units"], unattributed["columns"]) == (0, 1)  # 相关部门's row
    assert {r["items_previous_quarter"] for r in categories} == {None}  # no 2019-Q4 loaded


def test_2020q1_summary(built: Built) -> None:
    assert _quarter(built.q1, "quarter_summary", "2020-Q1") == [
        {
            "county": "崇信县",
            "quarter": "2020-Q1",
            "total_items": 262,
            "department_items": 248,
            "township_items": 14,
            "annex1_declared_total": 248,
            "annex2_declared_total": 14,
            "units_checked": 35,
            "units_good": 15,
            "units_partial": 10,
            "units_late": 9,
            "units_tiers_disagree": 17,
            "units_without_assessment": 1,
            "unattributed_items": 0,
            "previous_total_items": None,
            "total_change": None,
            "units_assessed": 34,
            "units_rule_agrees_with_reviewer": 17,
        }
    ]


def test_2020q1_columns_in_annex_order_with_cadence(built: Built) -> None:
    columns = _quarter(built.q1, "column_quarter", "2020-Q1")
    annex1 = [c for c in columns if c["annex"] == 1]
    assert [c["column_name_raw"] for c in annex1] == [r.column_name for r in notice.ANNEX1_ROWS]
    assert [c["annex_position"] for c in annex1] == list(range(1, 44))
    assert [c["item_count"] for c in annex1] == [r.item_count for r in notice.ANNEX1_ROWS]
    assert len(columns) == 51 and all(c["in_catalogue"] for c in columns)
    by_name = {c["column_name"]: c for c in columns}
    assert (by_name["县财政预算报告"]["cadence"], by_name["县财政预算报告"]["is_due"]) == (
        "early_year",
        True,
    )
    assert by_name["县财政决算报告"]["is_due"] is False  # late in the year
    assert by_name["政府工作报告"]["is_due"] is False  # year end
    assert by_name["提案议案办理结果"]["unit_id"] is None  # 相关部门
    assert by_name["提案议案办理结果"]["note"] == "正在办理中"


def test_second_quarter_compares_with_the_first(built: Built) -> None:
    summary = _quarter(built.q2, "quarter_summary", "2020-Q2")[0]
    assert (summary["total_items"], summary["department_items"], summary["township_items"]) == (
        258,
        246,
        12,
    )
    assert (summary["previous_total_items"], summary["total_change"]) == (262, -4)
    assert summary["units_without_assessment"] == 35
    units = _by_unit(_quarter(built.q2, "unit_quarter", "2020-Q2"))
    zhengfuban = units["县政府办"]
    assert (zhengfuban["items_published_previous_quarter"], zhengfuban["items_published"]) == (
        38,
        29,
    )
    assert zhengfuban["items_change"] == -9
    # Without an assessment every tier is the rule's; 农办 published nothing this time.
    assert {u["tier_source"] for u in units.values()} == {"rule"}
    assert (units["农办"]["rule_id"], units["农办"]["tier"]) == ("no_items", notice.TIER_LATE)
    assert (units["人社局"]["items_change"], units["人社局"]["due_columns_without_update"]) == (
        3,
        0,
    )
    kinds = {
        r["category"]: (r["items_published"], r["items_previous_quarter"], r["items_change"])
        for r in _quarter(built.q2, "category_quarter", "2020-Q2")
        if r["category_type"] == "unit_kind"
    }
    assert kinds["政府部门"] == (246, 248, -2)
    assert kinds["乡镇"] == (7, 9, -2)


def test_second_quarter_leaves_the_first_untouched(built: Built) -> None:
    for mart in MARTS:
        assert _quarter(built.q2, mart, "2020-Q1") == _quarter(built.q1, mart, "2020-Q1")


def test_rerunning_a_quarter_changes_nothing(built: Built) -> None:
    assert built.q2_rerun == built.q2


def test_correction_replaces_only_its_quarter(built: Built) -> None:
    corrected = built.q2_corrected
    for mart in MARTS:
        assert _quarter(corrected, mart, "2020-Q1") == _quarter(built.q1, mart, "2020-Q1")
    columns = _quarter(corrected, "column_quarter", "2020-Q2")
    assert len(columns) == 50
    assert CORRECTION_REMOVED not in {c["column_name"] for c in columns}
    assert [c["annex_position"] for c in columns if c["annex"] == 1] == list(range(1, 43))
    summary = _quarter(corrected, "quarter_summary", "2020-Q2")[0]
    assert (summary["total_items"], summary["department_items"]) == (267, 255)
    units = _by_unit(_quarter(corrected, "unit_quarter", "2020-Q2"))
    assert (units["执法局"]["columns_responsible"], units["执法局"]["tier"]) == (
        0,
        notice.TIER_LATE,
    )
    assert units["县政府办"]["items_published"] == 39
    assert len(units) == 35


# THE MART CONTRACT (.agents/common.md), column for column, in order.
CONTRACT = {
    "unit_quarter": (
        "county quarter unit_id unit_name unit_short_name unit_kind display_order items_published"
        " columns_responsible columns_due due_columns_without_update rule_id rule_tier"
        " reviewer_tier reviewer_list_position reviewer_reason tier tier_rank tier_source"
        " tier_position has_reviewer_assessment tiers_disagree reason"
        " items_published_previous_quarter items_change"
        " columns_overdue columns_due_soon columns_empty listed_in_notice"
    ),
    "column_quarter": (
        "county quarter annex annex_position row_number column_name column_name_raw item_count"
        " unit_id unit_name_raw unit_name note topic_group cadence is_due in_catalogue"
        " source_file source_sheet source_row"
    ),
    "category_quarter": (
        "county quarter category_type category category_order items_published units columns"
        " items_previous_quarter items_change"
    ),
    "quarter_summary": (
        "county quarter total_items department_items township_items annex1_declared_total"
        " annex2_declared_total units_checked units_good units_partial units_late"
        " units_tiers_disagree units_without_assessment unattributed_items previous_total_items"
        " total_change units_assessed units_rule_agrees_with_reviewer"
    ),
}


def test_marts_have_the_contracts_columns_in_order(built: Built) -> None:
    for mart, columns in CONTRACT.items():
        assert list(built.q1[mart][0]) == columns.split(), mart


def test_dbt_unit_tests_pass_for_every_tier_rule_and_the_reviewer_override(
    built: Built, tmp_path: Path
) -> None:
    from orchestration.transform.assets import dbt_cli
    from orchestration.transform.invocation import reading_reference

    # its own target folder: without one, dagster-dbt leaves one under dbt_project/target
    with reading_reference(built.settings.reference_dir):
        invocation = dbt_cli(built.settings.warehouse_path).cli(
            ["test", "--select", "test_type:unit"], raise_on_error=False, target_path=tmp_path
        )
        invocation.wait()
    results = invocation.get_artifact("run_results.json")["results"]
    outcomes = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results}
    assert outcomes == {
        name: "pass"
        for name in (
            "rule_no_items_is_late",
            "rule_due_column_missed_is_partial",
            "rule_otherwise_is_good",
            "a_metric_not_measured_applies_no_rule",
            "county_threshold_changes_the_rule_tier",
            "county_rule_overrides_the_default_with_the_same_rule_id",
            "reviewer_tier_overrides_the_rule_tier",
            "columns_are_due_by_cadence_and_uncatalogued_ones_every_quarter",
            "early_year_columns_are_due_in_the_first_two_quarters_only",
            "a_quarter_holding_only_a_check_record_is_loaded",
            "timeliness_status_boundaries",
            "timeliness_first_matching_rule_decides",
            "a_county_with_own_timeliness_rules_uses_only_its_own",
        )
    }
    assert invocation.is_successful()
