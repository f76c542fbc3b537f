"""The reference CSVs checked as a whole when a run starts, before anything is read or written.

Each problem names the file and its row (as a spreadsheet program numbers them) in Chinese and
English, like the annex ingest's problems, and the run stops with all of them listed at once.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.errors import IngestError, Problem
from orchestration.ingest.text import normalise
from orchestration.reference.files import Record, ReferenceFiles, read_reference_files
from orchestration.reference.metrics import ALWAYS, tier_metrics

# The fields an annex title pattern may use: {county}{quarter_ordinal} -> 某县第一季度.
TITLE_FIELDS = ("county", "year", "quarter_ordinal", "quarter_chinese")
COMPARISONS = ("<", "<=", "=", ">=", ">")
TIER_RANKS = (1, 2, 3)
ANY_COUNTY = "*"  # tier_rules.csv: a default rule for every county


class ReferenceDataError(IngestError):
    """The reference CSVs are not usable: nothing was run, the warehouse is unchanged."""

    def __init__(self, reference_dir: Path, problems: Sequence[Problem]) -> None:
        self.reference_dir = reference_dir
        self.quarter = None
        self.problems = list(problems)
        header = (
            f"参照表（{reference_dir}）有 {len(self.problems)} 个问题，未运行任何步骤，"
            "仓库数据保持不变。请改正后重新运行。\n"
            f"The reference files in {reference_dir} have {len(self.problems)} problem(s): "
            "nothing was run and the warehouse is unchanged. Fix them and run again."
        )
        body = "\n".join(f"{n}. {p.render()}" for n, p in enumerate(self.problems, start=1))
        Exception.__init__(self, f"{header}\n{body}")


def validate_reference(reference_dir: Path) -> list[Problem]:
    """Every problem of the reference folder; an empty list means a run may start.

    A file that cannot be read at all is reported alone: checking the others against its missing
    rows would only bury it under problems that are not there."""
    files, problems = read_reference_files(reference_dir)
    return problems or _every_problem(reference_dir, files)


def _every_problem(reference_dir: Path, files: ReferenceFiles) -> list[Problem]:
    from orchestration.ingest.timeliness_rules import validate_timeliness_rules

    return check_reference(files) + validate_timeliness_rules(reference_dir)


# The reference files last validated in this process, by folder and content. A run reads them in
# two steps (the reference_data asset, then the ingest): the second is given the first's files
# instead of checking them all again, as long as not one byte of them changed in between.
_validated: dict[tuple[Path, str], ReferenceFiles] = {}


def load_reference(reference_dir: Path) -> ReferenceFiles:
    """The reference files, validated; raises ReferenceDataError listing every problem."""
    key = (reference_dir, _content_digest(reference_dir))
    if key in _validated:
        return _validated[key]
    files, problems = read_reference_files(reference_dir)
    problems = problems or _every_problem(reference_dir, files)
    if problems:
        raise ReferenceDataError(reference_dir, problems)
    _validated.clear()
    _validated[key] = files
    return files


def _content_digest(reference_dir: Path) -> str:
    """One SHA-256 over every CSV of the folder (names and bytes): what validation reads."""
    digest = hashlib.sha256()
    for path in sorted(reference_dir.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class _Known:
    """What the files declared so far, for the checks of the files that refer to it."""

    counties: set[str] = field(default_factory=set)
    annexes: dict[str, set[int]] = field(default_factory=dict)  # county -> annex numbers
    kinds: dict[str, list[str]] = field(default_factory=dict)  # county -> unit kinds
    units: dict[str, tuple[str, Record]] = field(default_factory=dict)  # unit_id -> (county, row)
    cadences: set[str] = field(default_factory=set)


def check_reference(files: ReferenceFiles) -> list[Problem]:
    problems: list[Problem] = []
    known = _Known()
    _counties(files, known, problems)
    _annexes(files, known, problems)
    _unit_kinds(files, known, problems)
    _units(files, known, problems)
    _names(files, known, problems)
    _cadences(files, known, problems)
    _columns(files, known, problems)
    _tier_rules(files, known, problems)
    return problems


def _required(row: Record, column: str, problems: list[Problem]) -> str | None:
    value = row[column]
    if not value:
        problems.append(row.problem(f"“{column}”列为空。", f"column {column!r} is empty."))
        return None
    return value


def _whole(row: Record, column: str, problems: list[Problem], minimum: int = 0) -> int | None:
    value = row[column]
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        problems.append(
            row.problem(
                f"“{column}”应为不小于 {minimum} 的整数，实际为“{value}”。",
                f"{column!r} must be a whole number >= {minimum}, got {value!r}.",
            )
        )
        return None
    return number


def _county(row: Record, known: _Known, problems: list[Problem]) -> str | None:
    county = row["county"]
    if county not in known.counties:
        problems.append(
            row.problem(
                f"县“{county}”未在 counties.csv 中登记"
                f"（已登记：{'、'.join(sorted(known.counties))}）。",
                f"county {county!r} is not in counties.csv.",
            )
        )
        return None
    return county


def _unique(
    problems: list[Problem], seen: dict[object, Record], key: object, row: Record, what: str
) -> None:
    """`what` is short and the same in both languages: 附件1, kind_order=2, rule 'no_items'."""
    if key in seen:
        problems.append(
            row.problem(
                f"{what} 重复（另见第{seen[key].line}行）。",
                f"duplicate {what} (also row {seen[key].line}).",
            )
        )
    else:
        seen[key] = row


def _counties(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen: dict[object, Record] = {}
    for row in files.rows("counties.csv"):
        county = _required(row, "county", problems)
        if county:
            _unique(problems, seen, county, row, f"county={county}")
            known.counties.add(county)


def _annexes(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen: dict[object, Record] = {}
    for row in files.rows("annexes.csv"):
        county = _county(row, known, problems)
        annex = _whole(row, "annex", problems, minimum=1)
        _required(row, "subject", problems)
        pattern = _required(row, "title_pattern", problems)
        if pattern:
            _title_pattern(row, pattern, problems)
        if county and annex is not None:
            key = (county, annex)
            _unique(problems, seen, key, row, f"annex={annex}")
            known.annexes.setdefault(county, set()).add(annex)
    for row in files.rows("counties.csv"):
        if row["county"] and row["county"] not in known.annexes:
            problems.append(
                row.problem(
                    f"县“{row['county']}”没有在 annexes.csv 中声明任何附件（统计表）。",
                    f"county {row['county']!r} declares no annex table in annexes.csv.",
                )
            )


def _title_pattern(row: Record, pattern: str, problems: list[Problem]) -> None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        fields = ["{"]
    unknown = [name for name in fields if name not in TITLE_FIELDS]
    if unknown:
        allowed = "".join(f"{{{name}}}" for name in TITLE_FIELDS)
        problems.append(
            row.problem(
                f"标题模板“{pattern}”中有未知字段 {'、'.join(unknown)}：可用字段为 {allowed}，"
                "花括号须成对。",
                f"title pattern {pattern!r} uses unknown fields {unknown}; allowed: {allowed}.",
            )
        )


def _unit_kinds(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen_kind: dict[object, Record] = {}
    seen_order: dict[object, Record] = {}
    for row in files.rows("unit_kinds.csv"):
        county = _county(row, known, problems)
        kind = _required(row, "unit_kind", problems)
        annex = _whole(row, "annex", problems, minimum=1)
        order = _whole(row, "kind_order", problems)
        if county is None:
            continue
        if annex is not None and annex not in known.annexes.get(county, set()):
            problems.append(_undeclared_annex(row, county, annex, known))
        if kind:
            _unique(problems, seen_kind, (county, kind), row, f"unit_kind={kind}")
            known.kinds.setdefault(county, []).append(kind)
        if order is not None:
            _unique(problems, seen_order, (county, order), row, f"kind_order={order}")


def _undeclared_annex(row: Record, county: str, annex: int, known: _Known) -> Problem:
    declared = "、".join(f"附件{n}" for n in sorted(known.annexes.get(county, set()))) or "无"
    return row.problem(
        f"附件{annex}未在 annexes.csv 中为{county}声明（已声明：{declared}）。",
        f"annex {annex} is not declared for {county} in annexes.csv.",
    )


def _units(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen_order: dict[object, Record] = {}
    for row in files.rows("units.csv"):
        county = _county(row, known, problems)
        unit_id = _required(row, "unit_id", problems)
        _required(row, "unit_name", problems)
        _required(row, "unit_short_name", problems)
        kind = _required(row, "unit_kind", problems)
        order = _whole(row, "display_order", problems)
        if county is None:
            continue
        if unit_id:
            if unit_id in known.units:
                other_county, other = known.units[unit_id]
                where = "" if other_county == county else f"{other_county}的"
                problems.append(
                    row.problem(
                        f"单位编号“{unit_id}”已被{where}另一单位使用（第{other.line}行）："
                        "编号在所有县中必须唯一。",
                        f"unit id {unit_id!r} is already used (row {other.line}, "
                        f"{other_county}): ids are unique across every county.",
                    )
                )
            else:
                known.units[unit_id] = (county, row)
        kinds = known.kinds.get(county, [])
        if kind and kind not in kinds:
            problems.append(
                row.problem(
                    f"单位类别“{kind}”未在 unit_kinds.csv 中为{county}登记"
                    f"（已登记：{'、'.join(kinds) or '无'}）。请在 unit_kinds.csv 中添加，"
                    "或改用已登记的类别。",
                    f"unit kind {kind!r} is not registered for {county} in unit_kinds.csv "
                    f"(registered: {', '.join(kinds) or 'none'}).",
                )
            )
        if order is not None:
            _unique(problems, seen_order, (county, order), row, f"display_order={order}")


def _names(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    """A name, short name or alias must lead to one unit only, and never to a non-unit too."""
    names: dict[tuple[str, str], tuple[str, Record]] = {}  # (county, normalised) -> (unit, row)

    def claim(county: str, name: str, unit_id: str, row: Record) -> None:
        key = (county, normalise(name))
        if key in names and names[key][0] != unit_id:
            other_unit, other = names[key]
            problems.append(
                row.problem(
                    f"名称“{name}”同时指向单位“{unit_id}”和“{other_unit}”（{other.file} 第"
                    f"{other.line}行）：一个名称只能对应一个单位。",
                    f"name {name!r} resolves to both {unit_id!r} and {other_unit!r} "
                    f"({other.file} row {other.line}): a name must lead to one unit.",
                )
            )
        else:
            names.setdefault(key, (unit_id, row))

    for unit_id, (county, row) in known.units.items():
        claim(county, row["unit_name"], unit_id, row)
        if row["unit_short_name"]:
            claim(county, row["unit_short_name"], unit_id, row)
    for row in files.rows("unit_aliases.csv"):
        county = _county(row, known, problems)
        alias = _required(row, "alias", problems)
        unit_id = _required(row, "unit_id", problems)
        if not (county and alias and unit_id):
            continue
        if known.units.get(unit_id, ("", row))[0] != county:
            problems.append(
                row.problem(
                    f"别名“{alias}”指向的单位编号“{unit_id}”不在{county}的 units.csv 中。",
                    f"alias {alias!r} points to unit id {unit_id!r}, not in {county}'s units.csv.",
                )
            )
            continue
        claim(county, alias, unit_id, row)
    for row in files.rows("non_units.csv"):
        county = _county(row, known, problems)
        name = _required(row, "name", problems)
        if county and name and (county, normalise(name)) in names:
            unit_id, other = names[(county, normalise(name))]
            problems.append(
                row.problem(
                    f"“{name}”登记为非单位，但它也是单位“{unit_id}”的名称（{other.file} 第"
                    f"{other.line}行）。",
                    f"{name!r} is listed as a non-unit but also names unit {unit_id!r} "
                    f"({other.file} row {other.line}).",
                )
            )


def _cadences(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen: dict[object, Record] = {}
    seen_note: dict[object, Record] = {}
    for row in files.rows("cadences.csv"):
        cadence = _required(row, "cadence", problems)
        if cadence:
            _unique(problems, seen, cadence, row, f"cadence={cadence}")
            known.cadences.add(cadence)
        if row["note_text"]:
            note = normalise(row["note_text"])
            _unique(problems, seen_note, note, row, f"note_text={note}")
        quarters = row["due_quarters"].split("|")
        if not all(q in {"1", "2", "3", "4"} for q in quarters):
            problems.append(
                row.problem(
                    "due_quarters 应为用“|”分隔的季度 1–4（如 1|2），"
                    f"实际为“{row['due_quarters']}”。",
                    f"due_quarters must be quarters 1-4 separated by '|', "
                    f"got {row['due_quarters']!r}.",
                )
            )


def _columns(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    seen: dict[object, Record] = {}
    for row in files.rows("columns.csv"):
        county = _county(row, known, problems)
        annex = _whole(row, "annex", problems, minimum=1)
        _whole(row, "catalogue_order", problems)
        name = _required(row, "column_name", problems)
        _required(row, "topic_group", problems)
        cadence = _required(row, "cadence", problems)
        if cadence and cadence not in known.cadences:
            problems.append(
                row.problem(
                    f"更新周期“{cadence}”不在 cadences.csv 中"
                    f"（可用：{'、'.join(sorted(known.cadences))}）。",
                    f"cadence {cadence!r} is not in cadences.csv.",
                )
            )
        if county is None or annex is None:
            continue
        if annex not in known.annexes.get(county, set()):
            problems.append(_undeclared_annex(row, county, annex, known))
        if name:
            key = (county, annex, normalise(name))
            _unique(problems, seen, key, row, f"annex={annex}, column_name={name}")


def _tier_rules(files: ReferenceFiles, known: _Known, problems: list[Problem]) -> None:
    metrics = tier_metrics()
    seen_id: dict[object, Record] = {}
    seen_priority: dict[object, Record] = {}
    for row in files.rows("tier_rules.csv"):
        county = row["county"]
        if county != ANY_COUNTY:
            county = _county(row, known, problems) or ""
        priority = _whole(row, "priority", problems)
        rule_id = _required(row, "rule_id", problems)
        _required(row, "tier", problems)
        rank = _whole(row, "tier_rank", problems, minimum=1)
        if rank is not None and rank not in TIER_RANKS:
            problems.append(
                row.problem(
                    f"tier_rank 应为 1、2 或 3，实际为 {rank}。",
                    f"tier_rank must be 1, 2 or 3, got {rank}.",
                )
            )
        metric = row["metric"]
        if metric not in metrics:
            problems.append(
                row.problem(
                    f"指标“{metric}”不存在（可用：{'、'.join(metrics)}）。",
                    f"metric {metric!r} does not exist (available: {', '.join(metrics)}).",
                )
            )
        elif metric != ALWAYS:
            _comparison(row, problems)
        if rule_id:
            _unique(problems, seen_id, (county, rule_id), row, f"rule_id={rule_id}")
        if priority is not None:
            _unique(problems, seen_priority, (county, priority), row, f"priority={priority}")


def _comparison(row: Record, problems: list[Problem]) -> None:
    if row["comparison"] not in COMPARISONS:
        problems.append(
            row.problem(
                f"比较方式应为 {' '.join(COMPARISONS)} 之一，实际为“{row['comparison']}”。",
                f"comparison must be one of {' '.join(COMPARISONS)}, got {row['comparison']!r}.",
            )
        )
    try:
        float(row["threshold"])
    except ValueError:
        problems.append(
            row.problem(
                f"阈值 threshold 应为数字，实际为“{row['threshold']}”。",
                f"threshold must be a number, got {row['threshold']!r}.",
            )
        )
