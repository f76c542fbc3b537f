"""Counties of different shapes in one warehouse, built for real (ingest + dbt through Dagster).

One module-scoped warehouse holds, one quarter each: the sample 崇信县 (two annexes) in 2020-Q1, a
township-only county with one table and a 街道 kind in 2020-Q2 and a county with three annexes in
2020-Q3 (both onboarded by `make onboard`'s code first), then the three-annex county again in
2020-Q4 with an empty third table. The marts are snapshotted after every run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.reference.onboarding import onboard
from orchestration.settings import PROJECT_ROOT, Settings
from tests.environment import copy_reference, set_pipeline_environment
from tests.factories import notice_2020q1 as notice
from tests.factories.county_shapes import (
    THREE_ANNEX_COUNTY,
    TOWNSHIP_COUNTY,
    TOWNSHIP_ITEMS_BY_KIND,
    TOWNSHIP_ROWS,
    township_title,
    write_three_annex_quarter,
    write_township_quarter,
)
from tests.marts import MART_ORDER, Rows, Snapshot, marts_snapshot
from tests.reference_tables import with_reference_data

Q1, Q2, Q3, Q4 = (Quarter(2020, n) for n in (1, 2, 3, 4))


def _of(snapshot: Snapshot, mart: str, quarter: Quarter) -> Rows:
    return [row for row in snapshot[mart] if row["quarter"] == quarter.key]


@dataclass(frozen=True)
class Built:
    after_q1: Snapshot
    final: Snapshot


def _failures(result: object) -> list[str]:
    return [str(e.message) for e in result.all_events if e.is_failure]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    import dagster as dg

    from tests.pipeline import materialize_quarter

    root = tmp_path_factory.mktemp("shapes")
    reference = copy_reference(root)
    landing = root / "landing"
    shutil.copytree(PROJECT_ROOT / "seeds" / "quarters" / Q1.key, landing / Q1.key)
    write_township_quarter(landing / Q2.key, Q2, TOWNSHIP_ROWS)
    write_three_annex_quarter(landing / Q3.key, Q3)
    write_three_annex_quarter(landing / Q4.key, Q4, empty_annexes=(3,))
    onboard(reference, landing, TOWNSHIP_COUNTY, Q2)
    onboard(reference, landing, THREE_ANNEX_COUNTY, Q3)
    with pytest.MonkeyPatch.context() as env:
        set_pipeline_environment(env, root, landing=landing, reference=reference)
        settings = Settings.from_env()

        def run(quarter: Quarter, county: str) -> Snapshot:
            env.setenv("GONGKAI_COUNTY", county)  # flat folders: the quarter's one county
            # the whole run, as `make run` does it: ingest, dbt, the GX gate, export, publish
            result = materialize_quarter(quarter.key, instance=instance)
            assert result.success, (quarter, county, _failures(result))
            return marts_snapshot(settings.warehouse_path)

        with dg.instance_for_test() as instance:
            after_q1 = run(Q1, "崇信县")
            run(Q2, TOWNSHIP_COUNTY)
            run(Q3, THREE_ANNEX_COUNTY)
            final = run(Q4, THREE_ANNEX_COUNTY)
        yield Built(after_q1, final)


def test_each_quarter_holds_only_its_county_and_earlier_quarters_stay(built: Built) -> None:
    for mart in MART_ORDER:
        counties = {q: {r["county"] for r in _of(built.final, mart, q)} for q in (Q1, Q2, Q3, Q4)}
        assert counties == {
            Q1: {"崇信县"},
            Q2: {TOWNSHIP_COUNTY},
            Q3: {THREE_ANNEX_COUNTY},
            Q4: {THREE_ANNEX_COUNTY},
        }, mart
        assert _of(built.final, mart, Q1) == _of(built.after_q1, mart, Q1), mart


def test_the_sample_still_reproduces_the_notice(built: Built) -> None:
    (summary,) = _of(built.final, "quarter_summary", Q1)
    assert (summary["total_items"], summary["department_items"], summary["township_items"]) == (
        262,
        248,
        14,
    )
    annexes = _of(built.final, "annex_quarter", Q1)
    assert [(a["annex"], a["subject"], a["kinds_wording"]) for a in annexes] == [
        (1, "政府部门", "政府部门"),
        (2, "乡镇", "乡镇、工业集中区、城市社区"),
    ]
    assert [(a["items_published"], a["declared_total"], a["rows"]) for a in annexes] == [
        (248, 248, 43),
        (14, 14, 8),
    ]
    assert [a["title"] for a in annexes] == [notice.ANNEX1_TITLE, notice.ANNEX2_TITLE]
    units = _of(built.final, "unit_quarter", Q1)
    listed = [u for u in units if u["has_reviewer_assessment"]]
    assert [sum(u["tier"] == tier for u in listed) for tier in notice.LIST_NUMBERS] == [15, 10, 9]
    (surfaced,) = [u for u in units if not u["has_reviewer_assessment"]]
    assert surfaced["unit_short_name"] == "农办"


def test_a_township_only_county_has_one_annex_and_its_own_kinds(built: Built) -> None:
    (annex,) = _of(built.final, "annex_quarter", Q2)
    assert annex["subject"] == "乡镇"
    assert annex["kinds_wording"] == "乡镇、街道"
    assert annex["title"] == township_title(Q2)
    assert annex["count_header"] == "二季度公开数量"
    assert (annex["declared_total"], annex["items_published"], annex["rows"], annex["units"]) == (
        15,
        15,
        6,
        5,
    )
    categories = _of(built.final, "category_quarter", Q2)
    kinds = {
        c["category"]: c["items_published"] for c in categories if c["category_type"] == "unit_kind"
    }
    assert kinds == {**TOWNSHIP_ITEMS_BY_KIND, "未归属单位": 0}
    assert [c["category"] for c in categories if c["category_type"] == "annex"] == ["附件1"]
    (summary,) = _of(built.final, "quarter_summary", Q2)
    assert (summary["total_items"], summary["units_checked"]) == (15, 5)
    assert (summary["department_items"], summary["township_items"]) == (15, 0)
    assert summary["annex2_declared_total"] is None
    tiers = {u["unit_name"]: u["tier"] for u in _of(built.final, "unit_quarter", Q2)}
    assert tiers["西河乡"] == "更新不及时"  # nothing published: the default rule
    assert tiers["北湖街道"] == "更新情况较好"


def test_a_county_with_three_annexes(built: Built) -> None:
    annexes = _of(built.final, "annex_quarter", Q3)
    assert [(a["annex"], a["kinds_wording"], a["items_published"]) for a in annexes] == [
        (1, "政府部门", 5),
        (2, "乡镇", 2),
        (3, "社区", 3),
    ]
    categories = _of(built.final, "category_quarter", Q3)
    assert [
        (c["category"], c["items_published"]) for c in categories if c["category_type"] == "annex"
    ] == [("附件1", 5), ("附件2", 2), ("附件3", 3)]
    (summary,) = _of(built.final, "quarter_summary", Q3)
    # The two-annex columns are the first and second annex; the third is in annex_quarter.
    assert (summary["total_items"], summary["department_items"], summary["township_items"]) == (
        10,
        5,
        2,
    )


def test_a_declared_annex_without_rows_sums_to_zero_not_null(built: Built) -> None:
    third = _of(built.final, "annex_quarter", Q4)[2]
    assert (third["items_published"], third["rows"], third["units"]) == (0, 0, 0)
    assert third["declared_total"] == 0
    kinds = {
        c["category"]: c["items_published"]
        for c in _of(built.final, "category_quarter", Q4)
        if c["category_type"] == "unit_kind"
    }
    assert kinds["社区"] == 0
    (summary,) = _of(built.final, "quarter_summary", Q4)
    assert summary["total_items"] == 7


@pytest.fixture
def three_annex(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    write_three_annex_quarter(settings.landing_dir / Q3.key, Q3)
    onboard(settings.reference_dir, settings.landing_dir, THREE_ANNEX_COUNTY, Q3)
    monkeypatch.setenv("GONGKAI_COUNTY", THREE_ANNEX_COUNTY)
    return with_reference_data(Settings.from_env())


def test_a_quarter_missing_a_declared_annex_is_refused(three_annex: Settings) -> None:
    (path,) = (three_annex.landing_dir / Q3.key).glob("附件2-*")
    path.unlink()
    with pytest.raises(IngestError) as raised:
        ingest_quarter(three_annex, Q3)
    (problem,) = raised.value.problems
    assert problem.zh == (
        f"缺少附件2（乡镇信息公开更新情况统计表）：{THREE_ANNEX_COUNTY}"
        "在 annexes.csv 中声明了该附件。"
    )
    assert problem.en.startswith("annex 2 (乡镇 table) is missing")


def test_a_table_marked_with_an_undeclared_annex_is_refused(three_annex: Settings) -> None:
    (path,) = (three_annex.landing_dir / Q3.key).glob("附件3-*")
    path.rename(path.with_name(path.name.replace("附件3", "附件4")))
    with pytest.raises(IngestError) as raised:
        ingest_quarter(three_annex, Q3)
    assert [p.zh.split("。")[0] for p in raised.value.problems] == [
        f"附件4不是{THREE_ANNEX_COUNTY}声明的附件（已声明：附件1（政府部门）、附件2（乡镇）、附件3（社区））"
    ]
