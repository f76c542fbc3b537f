"""Validate seeds/reference/timeliness_rules.csv before a run, with bilingual, placed problems.

The dbt models apply the rules with DuckDB's regexp_matches (RE2), so the patterns are checked
with that same engine here: a pattern Python's `re` accepts (a look-behind) may be one RE2 refuses.
A rule set needs a catch-all, a pattern that matches the empty string and so every column name:
otherwise a column could match no rule and get no deadline.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.ingest.errors import Problem

if TYPE_CHECKING:
    import duckdb

RULES_FILE = "timeliness_rules.csv"
COLUMNS = ("county", "priority", "rule_id", "column_pattern", "limit_days", "warn_days")
DEFAULTS = "*"


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _regex_error(connection: duckdb.DuckDBPyConnection, pattern: str) -> str | None:
    import duckdb

    try:
        connection.execute("select regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as error:
        return str(error).removeprefix("Invalid Input Error: ")
    return None


def _matches_everything(connection: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    row = connection.execute("select regexp_matches('', ?)", [pattern]).fetchone()
    return bool(row and row[0])


Message = tuple[str, str]  # (Chinese, English)


def validate_timeliness_rules(
    reference_dir: Path, counties: set[str] | None = None
) -> list[Problem]:
    """Every problem of the rules file; empty when the rules can be applied as written.

    counties: the registered counties (default: those of counties.csv in reference_dir).
    """
    import duckdb

    if counties is None:
        with (reference_dir / "counties.csv").open(encoding="utf-8", newline="") as handle:
            counties = {row["county"] for row in csv.DictReader(handle)}
    path = reference_dir / RULES_FILE
    file = f"seeds/reference/{RULES_FILE}" if reference_dir.name == "reference" else str(path)
    if not path.is_file():
        return [Problem(file, "找不到栏目时效规则文件。", "the timeliness rules file is missing.")]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (*COLUMNS, "description") if c not in (reader.fieldnames or [])]
        if missing:
            return [
                Problem(
                    file,
                    f"表头缺少列：{'、'.join(missing)}。",
                    f"the header lacks column(s): {', '.join(missing)}.",
                    row=1,
                )
            ]
        rows = list(reader)
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    catch_all: dict[str, bool] = {DEFAULTS: False}
    with duckdb.connect() as connection:
        for line, row in enumerate(rows, start=2):
            county = row["county"].strip()
            messages = [
                *_county_messages(county, counties),
                *_repeat_messages(county, row, line, seen),
                *_day_messages(row),
            ]
            pattern_messages, matches_everything = _pattern_messages(connection, row)
            catch_all[county] = catch_all.get(county, False) or matches_everything
            problems += [Problem(file, zh, en, row=line) for zh, en in messages + pattern_messages]
    problems += [Problem(file, *_no_catch_all(c)) for c, has in catch_all.items() if not has]
    return problems


def _county_messages(county: str, counties: set[str]) -> list[Message]:
    if county == DEFAULTS or county in counties:
        return []
    return [
        (
            f"县“{county}”不在 counties.csv 中（全国默认规则写“*”）。",
            f"county {county!r} is not in counties.csv (national defaults use '*').",
        )
    ]


def _repeat_messages(
    county: str, row: dict[str, str], line: int, seen: dict[tuple[str, str, str], int]
) -> list[Message]:
    messages = []
    for key in ("rule_id", "priority"):
        value = row[key].strip()
        other = seen.setdefault((county, key, value), line)
        if other != line:
            messages.append(
                (
                    f"{key}“{value}”在县“{county}”的规则中重复（另见第{other}行）。",
                    f"{key} {value!r} repeats in the rules of {county!r} (also row {other}).",
                )
            )
    return messages


def _day_messages(row: dict[str, str]) -> list[Message]:
    messages = []
    if _whole(row["priority"]) is None:
        messages.append(
            (
                f"priority“{row['priority']}”应为整数。",
                f"priority {row['priority']!r} must be a whole number.",
            )
        )
    limit, warn = _whole(row["limit_days"]), _whole(row["warn_days"])
    if limit is None or limit < 1:
        messages.append(
            (
                f"limit_days“{row['limit_days']}”应为大于 0 的整数（天）。",
                f"limit_days {row['limit_days']!r} must be a whole number of days above 0.",
            )
        )
    if row["warn_days"].strip() and warn is None:
        messages.append(
            (
                f"warn_days“{row['warn_days']}”应为整数（天）或留空。",
                f"warn_days {row['warn_days']!r} must be a whole number of days, or empty.",
            )
        )
    if limit is not None and warn is not None and warn >= limit:
        messages.append(
            (
                f"warn_days（{warn}）应小于 limit_days（{limit}）：提醒须在超期之前。",
                f"warn_days ({warn}) must be below limit_days ({limit}): the warning "
                "comes before the deadline.",
            )
        )
    return messages


def _pattern_messages(
    connection: duckdb.DuckDBPyConnection, row: dict[str, str]
) -> tuple[list[Message], bool]:
    """(problems of the pattern, whether it is a catch-all)."""
    pattern = row["column_pattern"]
    if not pattern.strip():
        # dbt reads an empty cell as null, which matches nothing.
        return [
            ("column_pattern 为空：兜底规则请写“.*”。", "column_pattern is empty: write '.*'.")
        ], False
    error = _regex_error(connection, pattern)
    if error is not None:
        return [
            (
                f"column_pattern“{pattern}”不是有效的正则表达式（RE2 语法）：{error}。",
                f"column_pattern {pattern!r} is not a valid regular expression (RE2): {error}.",
            )
        ], False
    return [], _matches_everything(connection, pattern)


def _no_catch_all(county: str) -> Message:
    name = "全国默认规则（*）" if county == DEFAULTS else f"县“{county}”的规则"
    return (
        f"{name}没有兜底规则：须有一条规则的 column_pattern 能匹配任何栏目"
        "（如“.*”），否则有的栏目没有时限。",
        f"the rules of {county!r} have no catch-all: one rule's column_pattern must "
        "match any column (e.g. '.*'), or some column gets no deadline.",
    )
