"""make onboard: a county's first quarter of spreadsheets becomes its reference rows, appended only,
the same folder twice adds nothing, and the clerk is told in Chinese what to review."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from orchestration.onboard import main
from orchestration.quality.checks import ALL_CHECKS
from orchestration.quarters import Quarter
from orchestration.reference.guesses import KIND_TO_SET, guess_kind, guess_subject, title_pattern
from orchestration.reference.onboarding import onboard
from orchestration.reference.validation import validate_reference
from orchestration.settings import REFERENCE_DIR, Settings
from orchestration.warehouse import connect
from tests.factories.annex_workbooks import AnnexRow
from tests.factories.check_records import CheckRow, write_check_record_xlsx
from tests.factories.county_shapes import (
    THREE_ANNEX_COUNTY,
    TOWNSHIP_COUNTY,
    TOWNSHIP_ROWS,
    write_three_annex_quarter,
    write_township_quarter,
)

Q2 = Quarter(2020, 2)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


@pytest.fixture
def township(settings: Settings) -> Settings:
    """An empty reference folder and the township county's 2020-Q2 spreadsheet."""
    shutil.rmtree(settings.reference_dir)
    write_township_quarter(settings.landing_dir / Q2.key, Q2, TOWNSHIP_ROWS)
    return settings


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("财政局", "政府部门"),
        ("发改委", "政府部门"),
        ("政务服务中心", "政府部门"),
        ("城关镇", "乡镇"),
        ("西河乡", "乡镇"),
        ("北湖街道", "街道"),
        ("东门社区", "社区"),
        ("工业集中区", "园区"),
        ("经济开发区", "园区"),
        ("老年大学", KIND_TO_SET),
    ],
)
def test_a_units_kind_is_guessed_from_the_end_of_its_name(name: str, kind: str) -> None:
    assert guess_kind(name) == kind


def test_the_annex_subject_and_title_pattern_come_from_the_clerks_title() -> None:
    title = "附件1-示范县乡镇信息公开第二季度更新情况统计表"
    assert guess_subject(title, "示范县") == "乡镇"
    assert guess_subject("示范县政府部门信息公开第二季度更新情况统计表", "示范县") == "政府部门"
    assert (
        title_pattern(title, "示范县", Q2) == "{county}乡镇信息公开{quarter_ordinal}更新情况统计表"
    )
    assert title_pattern("2020年示范县二季度公开情况", "示范县", Q2) == (
        "{year}年{county}{quarter_chinese}公开情况"
    )


def test_a_township_county_is_onboarded_from_its_one_table(township: Settings) -> None:
    result = onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)
    reference = township.reference_dir
    assert result.problems == []
    assert _rows(reference / "counties.csv") == [{"county": TOWNSHIP_COUNTY}]
    assert _rows(reference / "annexes.csv") == [
        {
            "county": TOWNSHIP_COUNTY,
            "annex": "1",
            "subject": "乡镇",
            "title_pattern": "{county}乡镇信息公开{quarter_ordinal}更新情况统计表",
        }
    ]
    assert [
        (r["unit_kind"], r["annex"], r["kind_order"]) for r in _rows(reference / "unit_kinds.csv")
    ] == [
        ("乡镇", "1", "1"),
        ("街道", "1", "2"),
    ]
    units = _rows(reference / "units.csv")
    assert [(u["unit_name"], u["unit_kind"], u["display_order"]) for u in units] == [
        ("城关镇", "乡镇", "1"),
        ("东坝镇", "乡镇", "2"),  # written 示范县东坝镇: the county's name is not part of it
        ("西河乡", "乡镇", "3"),
        ("北湖街道", "街道", "4"),
        ("新华街道", "街道", "5"),
    ]
    assert len({u["unit_id"] for u in units}) == 5
    columns = _rows(reference / "columns.csv")
    assert [(c["annex"], c["catalogue_order"], c["column_name"]) for c in columns][-1] == (
        "1",
        "6",
        "财政预决算",
    )
    cadences = {c["column_name"]: c["cadence"] for c in columns}
    assert cadences["财政预决算"] == "early_year"  # from its 备注 每年前季只有一次
    assert cadences["乡镇政府信息公开(城关镇)"] == "quarterly"
    assert _rows(reference / "unit_aliases.csv") == []
    assert (reference / "tier_rules.csv").read_bytes() == (
        REFERENCE_DIR / "tier_rules.csv"
    ).read_bytes()
    assert validate_reference(reference) == []


def test_onboarding_the_same_quarter_twice_adds_nothing(township: Settings) -> None:
    onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)
    first = _snapshot(township.reference_dir)
    again = onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)
    assert again.added == {}
    assert _snapshot(township.reference_dir) == first


def test_existing_rows_are_never_changed(settings: Settings) -> None:
    """A second county joins the bundled registry: each file keeps its rows, new ones follow."""
    write_township_quarter(settings.landing_dir / Q2.key / TOWNSHIP_COUNTY, Q2, TOWNSHIP_ROWS)
    before = _snapshot(settings.reference_dir)
    result = onboard(settings.reference_dir, settings.landing_dir, TOWNSHIP_COUNTY, Q2)
    after = _snapshot(settings.reference_dir)
    assert set(result.added) == {
        "counties.csv",
        "annexes.csv",
        "unit_kinds.csv",
        "units.csv",
        "columns.csv",
    }
    for name, content in before.items():
        assert after[name].startswith(content), name
    assert validate_reference(settings.reference_dir) == []


def test_a_later_quarter_adds_only_its_new_unit_and_column(township: Settings) -> None:
    onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)
    q3 = Q2.next()
    new_unit = AnnexRow(7, "街道信息公开(南关街道)", 1, "南关街道")
    write_township_quarter(township.landing_dir / q3.key, q3, [*TOWNSHIP_ROWS, new_unit])
    result = onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, q3)
    assert {name: len(rows) for name, rows in result.added.items()} == {
        "units.csv": 1,
        "columns.csv": 1,
    }
    (unit,) = result.added["units.csv"]
    assert (unit["unit_name"], unit["unit_kind"], unit["display_order"]) == (
        "南关街道",
        "街道",
        "6",
    )


def test_a_unit_whose_kind_cannot_be_guessed_stops_the_run_until_the_clerk_sets_it(
    township: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*TOWNSHIP_ROWS, AnnexRow(7, "老年大学信息公开", 2, "老年大学")]
    write_township_quarter(township.landing_dir / Q2.key, Q2, rows)
    assert main(["--county", TOWNSHIP_COUNTY, "--quarter", Q2.key]) == 0
    printed = capsys.readouterr().out
    assert f"单位“老年大学”的类别无法从名称判断，已记为“{KIND_TO_SET}”" in printed
    assert "参照表还有 1 个问题，改正后才能运行" in printed
    (problem,) = validate_reference(township.reference_dir)
    assert problem.file == str(township.reference_dir / "units.csv")
    assert problem.row == 7
    assert f"单位类别“{KIND_TO_SET}”未在 unit_kinds.csv 中为{TOWNSHIP_COUNTY}登记" in problem.zh


def test_the_cli_says_in_chinese_what_it_added_and_what_to_review(
    township: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--county", TOWNSHIP_COUNTY, "--quarter", Q2.key]) == 0
    printed = capsys.readouterr().out
    for expected in (
        f"{TOWNSHIP_COUNTY} 2020-Q2：读取 {township.landing_dir / Q2.key}",
        "复制默认文件 cadences.csv",
        "units.csv：新增 5 个单位",
        "columns.csv：新增 6 个栏目",
        "unit_kinds.csv：新增 2 个单位类别",
        "annexes.csv：新增 1 个附件声明",
        "请核对：",
        "简称“乡镇”，标题模板“{county}乡镇信息公开{quarter_ordinal}更新情况统计表”",
        "参照表校验通过。",
    ):
        assert expected in printed, printed
    assert main(["--county", TOWNSHIP_COUNTY, "--quarter", Q2.key]) == 0
    assert "没有需要添加的内容" in capsys.readouterr().out


def test_a_later_quarter_finds_its_annexes_without_marks(settings: Settings) -> None:
    shutil.rmtree(settings.reference_dir)
    q3 = Q2.next()
    write_three_annex_quarter(settings.landing_dir / Q2.key, Q2)
    onboard(settings.reference_dir, settings.landing_dir, THREE_ANNEX_COUNTY, Q2)
    for path in write_three_annex_quarter(settings.landing_dir / q3.key, q3):
        path.rename(path.with_name(path.name.split("-", 1)[1]))  # 附件N- dropped from every name
    again = onboard(settings.reference_dir, settings.landing_dir, THREE_ANNEX_COUNTY, q3)
    assert again.added == {}


def test_a_one_table_county_keeps_its_annex_when_the_clerk_renamed_its_subject(
    township: Settings,
) -> None:
    onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)
    annexes = township.reference_dir / "annexes.csv"
    annexes.write_text(annexes.read_text(encoding="utf-8").replace(",乡镇,", ",乡镇街道,"), "utf-8")
    assert onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2).added == {}


# --- a county whose first quarter holds a check record ----------------------------------------

RECORD_COUNTY = "核查县"
RECORD_ROWS = [
    CheckRow("核查县财政局", "财政预决算", date(2020, 6, 1)),  # the county's name is not part of it
    CheckRow("城关镇", "工作动态", date(2020, 6, 20)),
    CheckRow("北湖街道", "通知公告", None),
    CheckRow("教育局", "政策文件", date(2019, 10, 8)),
    CheckRow("城关镇", "政策文件", date(2020, 1, 5)),
    CheckRow("财政局", "工作动态", date(2020, 6, 25)),  # the same unit as 核查县财政局
]


def test_a_county_with_only_a_check_record_is_onboarded_and_its_quarter_runs(
    settings: Settings,
) -> None:
    import dagster as dg

    from tests.pipeline import materialize_quarter

    shutil.rmtree(settings.reference_dir)
    folder = settings.landing_dir / Q2.key / RECORD_COUNTY
    write_check_record_xlsx(folder / "核查记录.xlsx", RECORD_ROWS, date(2020, 6, 26))

    result = onboard(settings.reference_dir, settings.landing_dir, RECORD_COUNTY, Q2)

    reference = settings.reference_dir
    assert result.problems == []
    assert _rows(reference / "counties.csv") == [{"county": RECORD_COUNTY}]
    # one annex per kind, as a table without a title would declare it: the clerk reviews them
    assert [
        (r["annex"], r["subject"], r["title_pattern"]) for r in _rows(reference / "annexes.csv")
    ] == [
        (str(n), kind, f"{{county}}{kind}信息公开{{quarter_ordinal}}更新情况统计表")
        for n, kind in enumerate(("政府部门", "乡镇", "街道"), start=1)
    ]
    assert [
        (r["unit_kind"], r["annex"], r["kind_order"]) for r in _rows(reference / "unit_kinds.csv")
    ] == [("政府部门", "1", "1"), ("乡镇", "2", "2"), ("街道", "3", "3")]
    units = _rows(reference / "units.csv")
    assert [(u["unit_name"], u["unit_kind"], u["display_order"]) for u in units] == [
        ("财政局", "政府部门", "1"),
        ("城关镇", "乡镇", "2"),
        ("北湖街道", "街道", "3"),
        ("教育局", "政府部门", "4"),
    ]
    assert all(u["county"] == RECORD_COUNTY and u["unit_id"] for u in units)
    assert _rows(reference / "columns.csv") == []  # the catalogue holds annex columns only
    assert any(
        "由核查记录“2020-Q2/核查县/核查记录.xlsx”中的街道单位推断" in r for r in result.review
    )
    assert validate_reference(reference) == []
    assert onboard(reference, settings.landing_dir, RECORD_COUNTY, Q2).added == {}

    with dg.instance_for_test() as instance:
        run = materialize_quarter(Q2.key, instance=instance)
    assert run.success
    blocking = {c.name for c in ALL_CHECKS if c.blocking}
    passed = {e.check_name for e in run.get_asset_check_evaluations() if e.passed}
    assert blocking <= passed
    with connect(settings.warehouse_path, read_only=True) as connection:
        checked = connection.execute(
            "select unit_name, items_published, columns_overdue + columns_due_soon"
            " + columns_empty > 0 from marts.unit_quarter where quarter = ? order by display_order",
            [Q2.key],
        ).fetchall()
    assert checked == [
        ("财政局", None, False),
        ("城关镇", None, True),
        ("北湖街道", None, True),
        ("教育局", None, True),
    ]
    assert (settings.exports_dir / Q2.key / f"{RECORD_COUNTY}-{Q2.key}-核查底稿.xlsx").exists()


def test_annex_and_check_record_units_are_onboarded_together_once(township: Settings) -> None:
    write_check_record_xlsx(
        township.landing_dir / Q2.key / "核查记录.xlsx",
        [
            CheckRow("示范县城关镇", "工作动态", None),  # listed by the annex as 城关镇
            CheckRow("西河乡", "工作动态", None),
            CheckRow("南关街道", "工作动态", None),  # a new unit of a kind the annex lists
            CheckRow("老城社区", "工作动态", None),  # a new unit of a new kind
            CheckRow("南关街道", "通知公告", None),
        ],
        date(2020, 6, 26),
    )

    result = onboard(township.reference_dir, township.landing_dir, TOWNSHIP_COUNTY, Q2)

    reference = township.reference_dir
    units = _rows(reference / "units.csv")
    assert [(u["unit_name"], u["unit_kind"], u["display_order"]) for u in units] == [
        ("城关镇", "乡镇", "1"),
        ("东坝镇", "乡镇", "2"),
        ("西河乡", "乡镇", "3"),
        ("北湖街道", "街道", "4"),
        ("新华街道", "街道", "5"),
        ("南关街道", "街道", "6"),
        ("老城社区", "社区", "7"),
    ]
    assert len({u["unit_id"] for u in units}) == 7
    # the record lists no annex: its new kind joins the county's annex, for the clerk to review
    assert [(r["annex"], r["subject"]) for r in _rows(reference / "annexes.csv")] == [("1", "乡镇")]
    assert [
        (r["unit_kind"], r["annex"], r["kind_order"]) for r in _rows(reference / "unit_kinds.csv")
    ] == [("乡镇", "1", "1"), ("街道", "1", "2"), ("社区", "1", "3")]
    assert any(r.startswith("单位类别“社区”只见于核查记录") for r in result.review)
    assert validate_reference(reference) == []
