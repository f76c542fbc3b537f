"""make onboard: a county's first quarter of spreadsheets becomes its reference rows, appended only,
the same folder twice adds nothing, and the clerk is told in Chinese what to review."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from orchestration.onboard import main
from orchestration.quarters import Quarter
from orchestration.reference.guesses import KIND_TO_SET, guess_kind, guess_subject, title_pattern
from orchestration.reference.onboarding import onboard
from orchestration.reference.validation import validate_reference
from orchestration.settings import REFERENCE_DIR, Settings
from tests.factories.annex_workbooks import AnnexRow
from tests.factories.county_shapes import TOWNSHIP_COUNTY, TOWNSHIP_ROWS, write_township_quarter

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
