"""The reviewer's tiers are read against the county's own tier labels (tier_rules.csv)."""

from __future__ import annotations

import pytest

from orchestration.ingest.assessment import tier_label
from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.ingest.tier_labels import read_tier_labels
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import write_annex_xlsx, write_assessment_xlsx
from tests.factories.raw_snapshot import raw_tables
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)
SAMPLE_TIERS = ("更新情况较好", "部分更新或信息公开不规范", "更新不及时")
# 崇信县's own rules, one per default rule_id, with labels of its own.
OWN_RULES = (
    "崇信县,1,no_items,待改进,3,items_published,<=,0,自定 / own\n"
    "崇信县,2,due_column_missed,基本合格,2,due_columns_without_update,>=,1,自定 / own\n"
    "崇信县,3,otherwise,优秀,1,always,,,自定 / own\n"
)


def test_the_sample_county_has_the_national_labels_best_first(settings: Settings) -> None:
    assert read_tier_labels(with_reference_data(settings).warehouse_path) == {
        "崇信县": SAMPLE_TIERS
    }


@pytest.mark.parametrize(
    ("written", "tier"),
    [
        ("更新情况较好", "更新情况较好"),
        ("较好", "更新情况较好"),
        (" 部分更新 ", "部分更新或信息公开不规范"),
        ("不规范", "部分更新或信息公开不规范"),
        ("不及时", "更新不及时"),
        ("更新", None),  # part of every label: ambiguous
        ("优秀", None),
        ("", None),
        (None, None),
    ],
)
def test_a_written_tier_is_one_label_or_a_unique_part_of_one(
    written: object, tier: str | None
) -> None:
    assert tier_label(written, SAMPLE_TIERS) == tier


@pytest.fixture
def own_labels(settings: Settings) -> Settings:
    """崇信县 with its own tier labels, and its 2020-Q1 annexes landed."""
    with (settings.reference_dir / "tier_rules.csv").open("a", encoding="utf-8") as rules:
        rules.write(OWN_RULES)
    folder = settings.landing_dir / QUARTER.key
    write_annex_xlsx(folder / "附件1.xlsx", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248)
    write_annex_xlsx(folder / "附件2.xlsx", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14)
    return with_reference_data(settings)


def test_a_county_with_its_own_labels_is_read_with_them(own_labels: Settings) -> None:
    # dbt takes the county's own rule for each default it overrides (int_tier_rules_effective)
    assert read_tier_labels(own_labels.warehouse_path) == {"崇信县": ("优秀", "基本合格", "待改进")}
    write_assessment_xlsx(
        own_labels.landing_dir / QUARTER.key / "核查意见.xlsx",
        "核查意见",
        [("政府办", "优秀", ""), ("财政局", "合格", ""), ("人社局", "待改进", "")],
    )

    ingest_quarter(own_labels, QUARTER)

    with connect(own_labels.warehouse_path, read_only=True) as connection:
        tiers = connection.execute(
            "select unit_name_raw, reviewer_tier from raw.reviewer_assessments order by source_row"
        ).fetchall()
    assert tiers == [("政府办", "优秀"), ("财政局", "基本合格"), ("人社局", "待改进")]


def test_the_national_label_is_refused_where_the_county_has_its_own(own_labels: Settings) -> None:
    write_assessment_xlsx(
        own_labels.landing_dir / QUARTER.key / "核查意见.xlsx",
        "核查意见",
        [("政府办", "更新情况较好", "")],
    )
    with pytest.raises(IngestError) as raised:
        ingest_quarter(own_labels, QUARTER)
    assert "第3行：分档“更新情况较好”无法识别，应为：优秀、基本合格、待改进。" in str(raised.value)
    assert "tier '更新情况较好' is not one of 优秀, 基本合格, 待改进." in str(raised.value)
    assert not raw_tables(own_labels)
