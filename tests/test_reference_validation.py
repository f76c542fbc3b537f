"""The reference CSVs are checked before anything runs: each broken file is named with its row in
Chinese and English, the ingest stops before reading a spreadsheet, the warehouse is unchanged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.reference.metrics import tier_metrics
from orchestration.reference.validation import (
    ReferenceDataError,
    load_reference,
    validate_reference,
)
from orchestration.settings import REFERENCE_DIR, Settings
from orchestration.warehouse import connect
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)


def _append(reference: Path, file: str, *lines: str) -> int:
    """Append lines to a reference CSV; returns the row number of the first one."""
    path = reference / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return text.count("\n") + 1


def _replace(reference: Path, file: str, old: str, new: str) -> int:
    """Replace one line's text; returns its row number."""
    path = reference / file
    lines = path.read_text(encoding="utf-8").split("\n")
    (index,) = [n for n, line in enumerate(lines) if line == old]
    lines[index] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def _second_county(reference: Path) -> None:
    _append(reference, "counties.csv", "示范县")
    _append(reference, "annexes.csv", "示范县,1,乡镇,{county}乡镇信息公开{quarter_ordinal}统计表")
    _append(reference, "unit_kinds.csv", "示范县,乡镇,1,1")


def _unknown_kind(reference: Path) -> int:
    return _replace(
        reference,
        "units.csv",
        "崇信县,chongxin-jinping,锦屏镇,锦屏镇,乡镇,28",
        "崇信县,chongxin-jinping,锦屏镇,锦屏镇,街道,28",
    )


def _unit_id_in_two_counties(reference: Path) -> int:
    _second_county(reference)
    return _append(reference, "units.csv", "示范县,chongxin-caizheng,城关镇,城关镇,乡镇,1")


def _duplicate_display_order(reference: Path) -> int:
    return _replace(
        reference,
        "units.csv",
        "崇信县,chongxin-caizheng,财政局,县财政局,政府部门,2",
        "崇信县,chongxin-caizheng,财政局,县财政局,政府部门,1",
    )


def _duplicate_kind_order(reference: Path) -> int:
    return _replace(reference, "unit_kinds.csv", "崇信县,城市社区,2,4", "崇信县,城市社区,2,3")


def _alias_of_two_units(reference: Path) -> int:
    return _append(reference, "unit_aliases.csv", "崇信县,县政府办,chongxin-caizheng")


def _unknown_metric(reference: Path) -> int:
    return _append(
        reference,
        "tier_rules.csv",
        "崇信县,9,few_items,更新不及时,3,items_publised,<=,1,条数过少 / few items",
    )


def _column_in_undeclared_annex(reference: Path) -> int:
    return _append(reference, "columns.csv", "崇信县,3,1,新栏目,机构人事,quarterly")


def _kind_in_undeclared_annex(reference: Path) -> int:
    return _append(reference, "unit_kinds.csv", "崇信县,街道,3,5")


def _title_pattern_field(reference: Path) -> int:
    return _replace(
        reference,
        "annexes.csv",
        "崇信县,2,乡镇,{county}乡镇信息公开{quarter_ordinal}更新情况统计表",
        "崇信县,2,乡镇,{county}乡镇信息公开{季度}更新情况统计表",
    )


def _missing_annex_declarations(reference: Path) -> int:
    (reference / "annexes.csv").unlink()
    return 0


@dataclass(frozen=True)
class Case:
    file: str
    break_it: Callable[[Path], int]  # returns the row the problem must name (0: none)
    zh: str
    en: str


CASES = {
    "unknown_kind": Case(
        "units.csv",
        _unknown_kind,
        "单位类别“街道”未在 unit_kinds.csv 中为崇信县登记"
        "（已登记：政府部门、乡镇、工业集中区、城市社区）",
        "unit kind '街道' is not registered for 崇信县",
    ),
    "unit_id_in_two_counties": Case(
        "units.csv",
        _unit_id_in_two_counties,
        "单位编号“chongxin-caizheng”已被崇信县的另一单位使用（第3行）",
        "unit id 'chongxin-caizheng' is already used (row 3, 崇信县)",
    ),
    "duplicate_display_order": Case(
        "units.csv", _duplicate_display_order, "display_order=1 重复（另见第2行）", "duplicate"
    ),
    "duplicate_kind_order": Case(
        "unit_kinds.csv", _duplicate_kind_order, "kind_order=3 重复（另见第4行）", "duplicate"
    ),
    "alias_of_two_units": Case(
        "unit_aliases.csv",
        _alias_of_two_units,
        "名称“县政府办”同时指向单位“chongxin-caizheng”和“chongxin-zhengfuban”",
        "name '县政府办' resolves to both 'chongxin-caizheng' and 'chongxin-zhengfuban'",
    ),
    "unknown_metric": Case(
        "tier_rules.csv",
        _unknown_metric,
        "指标“items_publised”不存在（可用：items_published、",
        "metric 'items_publised' does not exist",
    ),
    "column_in_undeclared_annex": Case(
        "columns.csv",
        _column_in_undeclared_annex,
        "附件3未在 annexes.csv 中为崇信县声明（已声明：附件1、附件2）",
        "annex 3 is not declared for 崇信县 in annexes.csv",
    ),
    "kind_in_undeclared_annex": Case(
        "unit_kinds.csv",
        _kind_in_undeclared_annex,
        "附件3未在 annexes.csv 中为崇信县声明",
        "annex 3 is not declared",
    ),
    "title_pattern_field": Case(
        "annexes.csv",
        _title_pattern_field,
        "中有未知字段 季度：可用字段为 {county}{year}{quarter_ordinal}{quarter_chinese}",
        "uses unknown fields ['季度']",
    ),
    "missing_file": Case(
        "annexes.csv",
        _missing_annex_declarations,
        "找不到参照表：应有列 county,annex,subject,title_pattern",
        "the reference file is missing",
    ),
}


def test_the_bundled_reference_is_valid() -> None:
    assert validate_reference(REFERENCE_DIR) == []


def test_tier_metrics_are_the_activity_columns() -> None:
    assert tier_metrics() == (
        "items_published",
        "columns_responsible",
        "columns_due",
        "due_columns_without_update",
        "columns_overdue",
        "columns_due_soon",
        "columns_empty",
        "always",
    )


def _raw(settings: Settings) -> dict[str, list[tuple]]:
    with connect(settings.warehouse_path, read_only=True) as connection:
        return {
            table: connection.execute(f"select * from raw.{table} order by all").fetchall()
            for table in ("annex_rows", "annex_totals", "source_files")
        }


@pytest.mark.parametrize("name", CASES)
def test_a_broken_reference_file_is_named_with_its_row_and_nothing_runs(
    sample_settings: Settings, name: str
) -> None:
    case = CASES[name]
    ingest_quarter(with_reference_data(sample_settings), QUARTER)
    before = _raw(sample_settings)
    row = case.break_it(sample_settings.reference_dir)

    problems = validate_reference(sample_settings.reference_dir)
    matching = [p for p in problems if case.zh in p.zh]
    assert len(matching) == 1, [p.render() for p in problems]
    (problem,) = matching
    assert problem.file == str(sample_settings.reference_dir / case.file)
    assert problem.row == (row or None)
    assert case.en in problem.en

    with pytest.raises(ReferenceDataError) as raised:
        ingest_quarter(sample_settings, QUARTER)
    # An IngestError: the ingest asset reports it like an annex problem, with its table.
    assert isinstance(raised.value, IngestError)
    message = str(raised.value)
    assert "未运行任何步骤，仓库数据保持不变" in message
    assert case.zh in message and case.en in message
    if row:
        assert f"第{row}行" in message and f"row {row}" in message
    assert _raw(sample_settings) == before


def test_every_problem_is_listed_at_once(settings: Settings) -> None:
    reference = settings.reference_dir
    rows = [_unknown_kind(reference), _alias_of_two_units(reference), _unknown_metric(reference)]
    problems = validate_reference(reference)
    assert [(Path(p.file).name, p.row) for p in problems] == [
        ("units.csv", rows[0]),
        ("unit_aliases.csv", rows[1]),
        ("tier_rules.csv", rows[2]),
    ]


def test_a_csv_saved_with_a_byte_order_mark_is_refused_with_the_fix(settings: Settings) -> None:
    path = settings.reference_dir / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (problem,) = validate_reference(settings.reference_dir)
    assert problem.file == str(path)
    assert "请另存为不带 BOM 的 UTF-8" in problem.zh


def test_a_one_annex_county_needs_no_second_annex(settings: Settings) -> None:
    reference = settings.reference_dir
    shutil.copyfile(REFERENCE_DIR / "counties.csv", reference / "counties.csv")
    _second_county(reference)
    _append(reference, "units.csv", "示范县,shifan-1,城关镇,城关镇,乡镇,1")
    assert validate_reference(reference) == []


def test_a_run_with_a_broken_reference_stops_before_anything_runs(
    sample_settings: Settings,
) -> None:
    import dagster as dg

    from tests.pipeline import materialize_quarter

    ingest_quarter(with_reference_data(sample_settings), QUARTER)
    before = _raw(sample_settings)
    row = _unknown_kind(sample_settings.reference_dir)
    with dg.instance_for_test() as instance:
        result = materialize_quarter(QUARTER.key, instance=instance)
    assert not result.success
    # the reference check is the run's first step: nothing after it ran
    assert not result.get_asset_materialization_events()
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    described = failure.step_failure_data.user_failure_data.description
    assert f"units.csv”，第{row}行：单位类别“街道”未在 unit_kinds.csv 中为崇信县登记" in described
    assert _raw(sample_settings) == before


def test_unchanged_reference_files_are_validated_once(settings: Settings) -> None:
    """A run's second reader (the ingest, after the reference_data asset) gets the files the first
    validated; a change of one byte, even one that keeps the size, is validated again."""
    rules = settings.reference_dir / "tier_rules.csv"
    validated = load_reference(settings.reference_dir)
    assert load_reference(settings.reference_dir) is validated

    text = rules.read_text(encoding="utf-8")
    broken = text.replace("更新情况较好,1,always", "更新情况较好,4,always")
    assert len(broken) == len(text) and broken != text
    rules.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="tier_rank 应为 1、2 或 3，实际为 4"):
        load_reference(settings.reference_dir)

    rules.write_text(text, encoding="utf-8")  # as validated before: nothing to check again
    assert load_reference(settings.reference_dir) is validated
