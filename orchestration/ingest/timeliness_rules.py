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
        return [
            Problem(
                file,
                "找不到栏目时效规则文件。",
                "the timeliness rules file is missing.",
            )
        ]
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
    catch_all: dict[str, bool] = {}
    with duckdb.connect() as connection:
        for line, row in enumerate(rows, start=2):

            def problem(zh: str, en: str, line: int = line) -> None:
                problems.append(Problem(file, zh, en, row=line))

            county, rule_id = row["county"].strip(), row["rule_id"].strip()
            pattern = row["column_pattern"]
            catch_all.setdefault(county, False)
            if county != DEFAULTS and county not in counties:
                problem(
                    f"县“{county}”不在 counties.csv 中（全国默认规则写“*”）。",
                    f"county {county!r} is not in counties.csv (national defaults use '*').",
                )
            for key, value in (("rule_id", rule_id), ("priority", row["priority"].strip())):
                other = seen.setdefault((county, key, value), line)
                if other != line:
                    problem(
                        f"{key}“{value}”在县“{county}”的规则中重复（另见第{other}行）。",
                        f"{key} {value!r} repeats in the rules of {county!r} (also row {other}).",
                    )
            if _whole(row["priority"]) is None:
                problem(
                    f"priority“{row['priority']}”应为整数。",
                    f"priority {row['priority']!r} must be a whole number.",
                )
            limit, warn = _whole(row["limit_days"]), _whole(row["warn_days"])
            if limit is None or limit < 1:
                problem(
                    f"limit_days“{row['limit_days']}”应为大于 0 的整数（天）。",
                    f"limit_days {row['limit_days']!r} must be a whole number of days above 0.",
                )
            if row["warn_days"].strip() and warn is None:
                problem(
                    f"warn_days“{row['warn_days']}”应为整数（天）或留空。",
                    f"warn_days {row['warn_days']!r} must be a whole number of days, or empty.",
                )
            if limit is not None and warn is not None and warn >= limit:
                problem(
                    f"warn_days（{warn}）应小于 limit_days（{limit}）：提醒须在超期之前。",
                    f"warn_days ({warn}) must be below limit_days ({limit}): the warning "
                    "comes before the deadline.",
                )
            error = _regex_error(connection, pattern) if pattern.strip() else None
            if not pattern.strip():
                # dbt reads an empty cell as null, which matches nothing.
                problem(
                    "column_pattern 为空：兜底规则请写“.*”。",
                    "column_pattern is empty: write '.*' for a catch-all.",
                )
            elif error is not None:
                problem(
                    f"column_pattern“{pattern}”不是有效的正则表达式（RE2 语法）：{error}。",
                    f"column_pattern {pattern!r} is not a valid regular expression (RE2): {error}.",
                )
            elif _matches_everything(connection, pattern):
                catch_all[county] = True
    if DEFAULTS not in catch_all:
        catch_all[DEFAULTS] = False
    for county, has_catch_all in catch_all.items():
        if not has_catch_all:
            name = "全国默认规则（*）" if county == DEFAULTS else f"县“{county}”的规则"
            problems.append(
                Problem(
                    file,
                    f"{name}没有兜底规则：须有一条规则的 column_pattern 能匹配任何栏目"
                    "（如“.*”），否则有的栏目没有时限。",
                    f"the rules of {county!r} have no catch-all: one rule's column_pattern must "
                    "match any column (e.g. '.*'), or some column gets no deadline.",
                )
            )
    return problems
