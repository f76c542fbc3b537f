"""Timeliness built for real: ingest + dbt through Dagster, then the GX check, in a tmp warehouse.

One module-scoped warehouse holds four quarters: 崇信县 2020-Q1 (the sample) with a check
record, and the synthetic county of tests/factories/timeliness_county.py in 2023-Q2 with its check
record, 2023-Q3 without one, and 2023-Q4 with nothing but a check record.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import connect
from tests.environment import copy_reference, set_pipeline_environment
from tests.factories import timeliness_county as synthetic
from tests.factories.check_records import CheckRow, write_check_record_xlsx

SAMPLE = "2020-Q1"
CHONGXIN = "崇信县"
CHONGXIN_RECORD = [
    CheckRow("县政府办", "工作动态", date(2020, 3, 20)),  # 11 days: dynamic_news 15/8 -> due soon
    CheckRow("政府办", "政府文件", "2019-09-01"),  # 212 days: notices_policies 184 -> overdue
    CheckRow("人社局", "人事任免", "2019/5/1"),  # 335 days: personnel_planning 366/336 -> normal
    CheckRow("财政局", "财政预决算", None),  # never updated -> empty
    *[CheckRow("锦屏镇", "政策文件", "2019.8.1", f"http://jp/{n}") for n in range(1, 4)],
]
Rows = list[dict[str, Any]]


def _rows(warehouse: Path, query: str) -> Rows:
    with connect(warehouse, read_only=True) as connection:
        cursor = connection.execute(query)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Built:
    settings: Settings
    runs_succeeded: dict[str, bool]
    check_dates: dict[str, object]  # quarter -> metadata 'check_dates' of raw/check_records


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    import dagster as dg

    from tests.pipeline import BUILD_ASSETS, materialize_quarter

    root = tmp_path_factory.mktemp("timeliness")
    reference = copy_reference(root)
    synthetic.register(reference)
    landing = root / "landing"
    shutil.copytree(PROJECT_ROOT / "seeds" / "quarters" / SAMPLE, landing / SAMPLE / CHONGXIN)
    write_check_record_xlsx(
        landing / SAMPLE / CHONGXIN / "核查记录.xlsx", CHONGXIN_RECORD, "2020年3月31日"
    )
    for quarter, word, with_record in (("2023-Q2", "二季度", True), ("2023-Q3", "三季度", False)):
        folder = landing / quarter / synthetic.COUNTY
        synthetic.write_quarter(folder, word, with_record, reference)
    write_check_record_xlsx(
        landing / "2023-Q4" / synthetic.COUNTY / "核查记录(2023-12-20).xlsx",
        synthetic.check_rows(reference),
    )
    with pytest.MonkeyPatch.context() as env:
        set_pipeline_environment(env, root, landing=landing, reference=reference)
        succeeded, check_dates = {}, {}
        with dg.instance_for_test() as instance:
            for quarter in (SAMPLE, "2023-Q2", "2023-Q3", "2023-Q4"):
                result = materialize_quarter(quarter, BUILD_ASSETS, checks=(), instance=instance)
                succeeded[quarter] = result.success
                (record,) = [
                    m
                    for m in result.asset_materializations_for_node("raw_quarter")
                    if m.asset_key == dg.AssetKey(["raw", "check_records"])
                ]
                check_dates[quarter] = record.metadata["check_dates"].value
        yield Built(Settings.from_env(), succeeded, check_dates)


def test_every_quarter_builds(built: Built) -> None:
    assert built.runs_succeeded == dict.fromkeys((SAMPLE, "2023-Q2", "2023-Q3", "2023-Q4"), True)


def test_the_run_shows_each_check_date_and_where_it_came_from(built: Built) -> None:
    assert built.check_dates == {
        SAMPLE: f"{CHONGXIN} 2020-03-31 (sheet)",
        "2023-Q2": f"{synthetic.COUNTY} 2023-06-26 (sheet)",
        "2023-Q3": "",
        "2023-Q4": f"{synthetic.COUNTY} 2023-12-20 (file_name)",
    }


def test_column_timeliness_follows_the_national_defaults(built: Built) -> None:
    rows = _rows(
        built.settings.warehouse_path,
        "select unit_name, column_name, address, days_since_update, rule_id, limit_days,"
        " warn_days, status, check_date from marts.column_timeliness"
        f" where quarter = '{SAMPLE}' order by source_row",
    )
    assert [
        (r["unit_name"], r["column_name"], r["days_since_update"], r["rule_id"], r["status"])
        for r in rows
    ] == [
        ("政府办", "工作动态", 11, "dynamic_news", "即将超期"),
        ("政府办", "政府文件", 212, "notices_policies", "已超期"),
        ("人社局", "人事任免", 335, "personnel_planning", "正常"),
        ("财政局", "财政预决算", None, "other_columns", "空栏目"),
        *[("锦屏镇", "政策文件", 243, "notices_policies", "已超期")] * 3,
    ]
    assert {r["check_date"] for r in rows} == {date(2020, 3, 31)}


def test_unit_quarter_counts_overdue_due_soon_and_empty_columns(built: Built) -> None:
    rows = _rows(
        built.settings.warehouse_path,
        "select unit_name, columns_overdue, columns_due_soon, columns_empty"
        f" from marts.unit_quarter where quarter = '{SAMPLE}'"
        " and columns_overdue + columns_due_soon + columns_empty > 0 order by display_order",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("政府办", 1, 1, 0),
        ("财政局", 0, 0, 1),
        ("锦屏镇", 3, 0, 0),
    ]


def test_the_sample_still_reproduces_with_a_check_record(built: Built) -> None:
    (summary,) = _rows(
        built.settings.warehouse_path,
        "select total_items, units_checked, units_good, units_partial, units_late,"
        " units_assessed, units_rule_agrees_with_reviewer"
        f" from marts.quarter_summary where quarter = '{SAMPLE}'",
    )
    # 262 items, 35 units, published lists 15 / 10 / 9 (农办 listed apart); the default tier rules
    # use no timeliness metric, so they agree with the reviewer for 17 of the 34 assessed units.
    assert tuple(summary.values()) == (262, 35, 15, 10, 9, 34, 17)


def test_with_the_check_record_the_rules_reproduce_every_reviewer_tier(built: Built) -> None:
    rows = _rows(
        built.settings.warehouse_path,
        "select unit_name, rule_tier, reviewer_tier, columns_overdue, columns_due_soon,"
        " columns_empty from marts.unit_quarter where quarter = '2023-Q2' order by display_order",
    )
    assert [
        (r["unit_name"], r["columns_overdue"], r["columns_due_soon"], r["columns_empty"])
        for r in rows
    ] == [(u.name, u.overdue, u.due_soon, u.empty) for u in synthetic.UNITS]
    assert [r["reviewer_tier"] for r in rows] == [u.tier for u in synthetic.UNITS]
    assert [r["rule_tier"] for r in rows] == [r["reviewer_tier"] for r in rows]
    assert len({r["reviewer_tier"] for r in rows}) == 3
    (summary,) = _rows(
        built.settings.warehouse_path,
        "select units_assessed, units_rule_agrees_with_reviewer, units_tiers_disagree"
        " from marts.quarter_summary where quarter = '2023-Q2'",
    )
    assert tuple(summary.values()) == (6, 6, 0)


def test_without_the_check_record_no_rule_can_reproduce_them(built: Built) -> None:
    rows = _rows(
        built.settings.warehouse_path,
        "select items_published, columns_responsible, columns_due, due_columns_without_update,"
        " columns_overdue, columns_due_soon, columns_empty, reviewer_tier, rule_tier"
        " from marts.unit_quarter where quarter = '2023-Q3'",
    )
    # Every unit has the same figures, so any rule gives every unit the same tier, while the
    # reviewer used all three: at most the largest tier list can agree. Without a check record
    # the timeliness metrics are not measured (null), so no rule on them applies.
    figures = {tuple(r[k] for k in list(r)[:7]) for r in rows}
    assert figures == {(6, 2, 2, 0, None, None, None)}
    assert len({r["reviewer_tier"] for r in rows}) == 3
    (summary,) = _rows(
        built.settings.warehouse_path,
        "select units_assessed, units_rule_agrees_with_reviewer"
        " from marts.quarter_summary where quarter = '2023-Q3'",
    )
    assert summary["units_assessed"] == 6 and summary["units_rule_agrees_with_reviewer"] < 6


def _check_outcome(settings: Settings, quarter: str) -> Any:
    from orchestration.quality.checks import MART_CHECKS
    from orchestration.quality.evaluate import evaluate
    from orchestration.quarters import Quarter

    (check,) = [c for c in MART_CHECKS if c.suite == "check_records"]
    return evaluate(settings.warehouse_path, Quarter.parse(quarter), [check])[check.name]


def test_the_gate_passes_a_good_check_record(built: Built) -> None:
    assert _check_outcome(built.settings, SAMPLE).passed


def test_the_gate_names_each_bad_check_record_row(built: Built, tmp_path: Path) -> None:
    warehouse = tmp_path / "copy.duckdb"
    shutil.copy(built.settings.warehouse_path, warehouse)
    with connect(warehouse) as connection:
        # A date after the check date, and a unit no registry holds: both also lack a status,
        # because the marts were built before they came.
        connection.execute(
            "insert into raw.check_records values"
            " ('崇信县', '2020-Q1', 'chongxin-renshe', '人社局', '人社局', '招聘公告', '招聘公告',"
            " '', date '2020-04-02', '2020-04-02', null, date '2020-03-31', 'sheet',"
            " '2020-Q1/崇信县/核查记录.xlsx', 'sha', '核查记录', 40),"
            " ('崇信县', '2020-Q1', null, '人设局', '人设局', '工作动态', '工作动态',"
            " '', date '2020-03-01', '2020-03-01', null, date '2020-03-31', 'sheet',"
            " '2020-Q1/崇信县/核查记录.xlsx', 'sha', '核查记录', 41)"
        )
    outcome = _check_outcome(replace(built.settings, warehouse_path=warehouse), SAMPLE)
    assert not outcome.passed
    problems = {(f.problem_zh, int(row["row"])) for f in outcome.failures for row in f.rows}
    assert ("最后更新日期晚于核查日期", 40) in problems
    assert ("核查记录中的单位不在单位名录中", 41) in problems
    assert ("栏目没有得到时效状态", 40) in problems


def test_the_export_reads_the_sheet_records_from_the_mart(built: Built) -> None:
    from orchestration.export.timeliness_sheet import overdue_hint, read_column_timeliness
    from orchestration.quarters import Quarter

    with connect(built.settings.warehouse_path, read_only=True) as connection:
        records = read_column_timeliness(connection, Quarter.parse(SAMPLE))[CHONGXIN]
    assert [(r.unit_name, r.column_name, r.status) for r in records] == [
        *[("锦屏镇", "政策文件", "已超期")] * 3,
        ("政府办", "政府文件", "已超期"),
        ("政府办", "工作动态", "即将超期"),
        ("财政局", "财政预决算", "空栏目"),
        ("人社局", "人事任免", "正常"),
    ]
    assert overdue_hint(records, "chongxin-zhengfuban") == (
        "已超期栏目 1 个：政府文件（212 天未更新，时限 184 天）。"
    )


def test_a_quarter_with_only_a_check_record_builds_its_timeliness(built: Built) -> None:
    (summary,) = _rows(
        built.settings.warehouse_path,
        "select count(*) as units, count(items_published) as with_items,"
        " list(distinct rule_id) as rules,"
        " sum(columns_overdue + columns_due_soon + columns_empty) > 0 as flagged"
        " from marts.unit_quarter where quarter = '2023-Q4'",
    )
    # no annex: items are not measured (null, not 0), so the rule on them (no_items) tiers no
    # unit; the county's timeliness rules decide from the record
    assert summary["units"] == 6 and summary["with_items"] == 0 and summary["flagged"]
    assert "no_items" not in summary["rules"]
    (columns,) = _rows(
        built.settings.warehouse_path,
        "select count(*) as checked, count(status) as with_status"
        " from marts.column_timeliness where quarter = '2023-Q4'",
    )
    assert columns == {"checked": 24, "with_status": 24}
