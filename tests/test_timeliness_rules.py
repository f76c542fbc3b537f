"""The timeliness rules are refused before a run when they cannot be applied as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.ingest.timeliness_rules import validate_timeliness_rules
from orchestration.settings import REFERENCE_DIR

HEADER = "county,priority,rule_id,column_pattern,limit_days,warn_days,description\n"
COUNTIES = {"崇信县"}


def _problems(tmp_path: Path, body: str) -> list[str]:
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "timeliness_rules.csv").write_text(HEADER + body, encoding="utf-8")
    return [p.render() for p in validate_timeliness_rules(reference, COUNTIES)]


def test_the_shipped_rules_are_valid() -> None:
    assert validate_timeliness_rules(REFERENCE_DIR) == []


def test_a_county_set_with_its_own_catch_all_is_valid(tmp_path: Path) -> None:
    body = "*,1,all,.*,366,,全部\n崇信县,1,news,动态,15,8,动态\n崇信县,2,rest,^,366,336,其他\n"
    assert _problems(tmp_path, body) == []


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        (
            "*,1,bad,(动态,15,8,x\n*,2,all,.*,366,,x\n",
            ["第2行", "column_pattern“(动态”不是有效的正则表达式", "missing )", "RE2"],
        ),
        (  # Python's re accepts a look-behind; DuckDB's RE2 does not
            "*,1,bad,(?<=政府)文件,15,8,x\n*,2,all,.*,366,,x\n",
            ["第2行", "不是有效的正则表达式"],
        ),
        (
            "*,1,news,动态,15,15,x\n*,2,all,.*,366,,x\n",
            ["第2行", "warn_days（15）应小于 limit_days（15）", "must be below"],
        ),
        (
            "*,1,news,动态,15,8,x\n",
            ["全国默认规则（*）没有兜底规则", "no catch-all"],
        ),
        (
            "*,1,all,.*,366,,x\n崇信县,1,news,动态,15,8,x\n",
            ["县“崇信县”的规则没有兜底规则"],
        ),
        (
            "*,1,all,,366,,x\n",
            ["column_pattern 为空", "没有兜底规则"],
        ),
        (
            "*,1,all,.*,十五,,x\n",
            ["limit_days“十五”应为大于 0 的整数"],
        ),
        (
            "*,1,all,.*,366,,x\n*,1,news,动态,15,8,x\n",
            ["第3行", "priority“1”在县“*”的规则中重复（另见第2行）"],
        ),
        (
            "*,1,all,.*,366,,x\n样例县,1,all,.*,366,,x\n",
            ["县“样例县”不在 counties.csv 中"],
        ),
    ],
)
def test_invalid_rules_are_refused(tmp_path: Path, body: str, fragments: list[str]) -> None:
    message = "\n".join(_problems(tmp_path, body))
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
