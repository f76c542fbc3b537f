"""Onboarding: what a county's quarter folder adds to the reference files, appended, never changed.

The units come from the folder's annex tables and its check record (核查记录), the union of both;
a county whose first quarter holds only a check record is onboarded from that alone.

Existing rows are kept as they are (a clerk's corrections win); a unit, column, kind or annex that
is already registered is not added again, so onboarding the same quarter twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.annex import AnnexTable, parse_annex
from orchestration.ingest.check_record import find_check_record_header, units_in_check_record_sheet
from orchestration.ingest.errors import Problem
from orchestration.ingest.headers import ANNEX_REQUIRED, ANNEX_ROLES, find_header
from orchestration.ingest.sheets import UnreadableFile, is_spreadsheet, read_grids
from orchestration.ingest.text import normalise
from orchestration.quarters import Quarter
from orchestration.reference.files import REFERENCE_COLUMNS, ReferenceFiles, read_reference_files
from orchestration.reference.guesses import (
    DEFAULT_CADENCE,
    DEFAULT_TOPIC_GROUP,
    KIND_TO_SET,
    NON_UNIT_NAMES,
    default_title_pattern,
    guess_kind,
    guess_subject,
    title_pattern,
    unit_name,
)
from orchestration.settings import REFERENCE_DIR

# Files a county shares with every other (the cadences, the default tier and timeliness rules):
# copied from the bundled reference folder when onboarding starts an empty one.
SHARED_FILES = ("cadences.csv", "tier_rules.csv", "timeliness_rules.csv")


@dataclass
class Onboarding:
    """The rows to append, per reference file, and what the clerk should look at."""

    county: str
    added: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what the folder's reading found
    copied: list[str] = field(default_factory=list)

    def add(self, file: str, row: dict[str, str]) -> None:
        self.added.setdefault(file, []).append(row)


@dataclass
class _Found:
    """What the folder's spreadsheets hold: annex tables, and the units its check records name."""

    tables: list[AnnexTable] = field(default_factory=list)
    record_units: list[tuple[str, str]] = field(default_factory=list)  # (file, unit as written)


def quarter_folder(landing_dir: Path, quarter: Quarter, county: str) -> Path:
    """The county's sub-folder of the quarter if there is one (province mode), else the quarter."""
    folder = landing_dir / quarter.key
    return folder / county if (folder / county).is_dir() else folder


def onboard(reference_dir: Path, landing_dir: Path, county: str, quarter: Quarter) -> Onboarding:
    """Work out and append what `county`'s spreadsheets of `quarter` need in the reference files."""
    result = Onboarding(county)
    reference_dir.mkdir(parents=True, exist_ok=True)
    for name in SHARED_FILES:
        if not (reference_dir / name).exists():
            shutil.copyfile(REFERENCE_DIR / name, reference_dir / name)
            result.copied.append(name)
    files, _ = read_reference_files(reference_dir)  # missing files are created below
    found = _read_folder(landing_dir, quarter_folder(landing_dir, quarter, county), result)
    if not found.tables and not found.record_units:
        return result
    _plan(files, county, quarter, found, result)
    for name, rows in result.added.items():
        _append(reference_dir / name, rows)
    for name in REFERENCE_COLUMNS:
        if not (reference_dir / name).exists():
            _append(reference_dir / name, [])  # a header only: the clerk sees what it may hold
    return result


def _read_folder(landing_dir: Path, folder: Path, result: Onboarding) -> _Found:
    found = _Found()
    paths = sorted(p for p in folder.iterdir() if is_spreadsheet(p)) if folder.is_dir() else []
    for path in paths:
        relative = path.relative_to(landing_dir).as_posix()
        try:
            grids = read_grids(path, path.read_bytes())
        except UnreadableFile as unreadable:
            result.problems.append(unreadable.problem)
            continue
        for grid in grids:
            header, _ = find_header(grid.rows, ANNEX_ROLES, ANNEX_REQUIRED)
            if header is not None:
                found.tables.append(parse_annex(relative, grid, header, result.problems))
                continue
            record_header = find_check_record_header(grid)
            if record_header is not None:
                names = units_in_check_record_sheet(grid, record_header)
                found.record_units.extend((relative, name) for name in names)
    if not found.tables and not found.record_units:
        result.problems.append(
            Problem(
                str(folder),
                "文件夹中没有找到附件表格或核查记录（附件表头应包含“栏目”“公开数量”“责任单位”，"
                "核查记录表头应包含“单位”“栏目”“最后更新日期”）。",
                "no annex table or check record found (an annex header needs 栏目, 公开数量 and "
                "责任单位; a check record header needs 单位, 栏目 and 最后更新日期).",
            )
        )
    return found


def _numbered(
    tables: list[AnnexTable], county: str, declared: dict[str, int]
) -> list[tuple[int, AnnexTable]]:
    """Each table's annex: its 附件N mark, else the declared annex whose subject its title names,
    else (one table, one declared annex) that annex, else the next free number in file order."""
    only = set(declared.values())
    if len(tables) == 1 and len(only) == 1 and tables[0].annex_mark is None:
        return [(only.pop(), tables[0])]
    marks = {
        id(t): t.annex_mark if t.annex_mark is not None else declared.get(_subject(t, county))
        for t in tables
    }
    taken = {mark for mark in marks.values() if mark is not None} | set(declared.values())
    free = (n for n in range(1, len(tables) + len(taken) + 1) if n not in taken)
    numbered = [(marks[id(t)] or next(free), t) for t in tables]
    return sorted(numbered, key=lambda pair: pair[0])


def _subject(table: AnnexTable, county: str) -> str:
    return guess_subject(table.title, county) or ""


class _Planner:
    """What is registered for the county so far, growing as the folder's rows are planned."""

    def __init__(self, files: ReferenceFiles, county: str, result: Onboarding) -> None:
        self.county = county
        self.result = result
        mine = {
            name: [r for r in rows if r["county"] == county] for name, rows in files.tables.items()
        }
        self.has_county = bool(mine["counties.csv"])
        self.annexes = {
            r["subject"]: int(r["annex"]) for r in mine["annexes.csv"] if r["annex"].isdigit()
        }
        self.kinds = {r["unit_kind"] for r in mine["unit_kinds.csv"]}
        self.kind_order = _next(r["kind_order"] for r in mine["unit_kinds.csv"])
        self.display_order = _next(r["display_order"] for r in mine["units.csv"])
        self.names = {
            normalise(r[column])
            for r in mine["units.csv"]
            for column in ("unit_name", "unit_short_name")
        }
        self.names |= {normalise(r["alias"]) for r in mine["unit_aliases.csv"]}
        self.names |= {normalise(r["name"]) for r in mine["non_units.csv"]}
        self.unit_ids = {r["unit_id"] for r in files.rows("units.csv")}
        self.columns = {(r["annex"], normalise(r["column_name"])) for r in mine["columns.csv"]}
        self.catalogue_order: dict[int, int] = {}
        for row in mine["columns.csv"]:
            if row["annex"].isdigit() and row["catalogue_order"].isdigit():
                annex = int(row["annex"])
                order = max(self.catalogue_order.get(annex, 0), int(row["catalogue_order"]))
                self.catalogue_order[annex] = order
        self.cadence_of_note = {
            normalise(r["note_text"]): r["cadence"]
            for r in files.rows("cadences.csv")
            if r["note_text"]
        }

    def county_row(self) -> None:
        if not self.has_county:
            self.result.add("counties.csv", {"county": self.county})

    def unit(self, written: str) -> str | None:
        """Registers a new unit (or non-unit) named `written`; returns a new unit's kind."""
        name = unit_name(written, self.county)
        if not name or name in self.names:
            return None
        self.names.add(name)
        if name in NON_UNIT_NAMES:
            self.result.add("non_units.csv", {"county": self.county, "name": name})
            self.result.review.append(f"“{name}”登记为非单位（计入合计，不属于任何单位）。")
            return None
        kind = guess_kind(name)
        self.result.add(
            "units.csv",
            {
                "county": self.county,
                "unit_id": _unit_id(self.county, self.display_order, self.unit_ids),
                "unit_name": name,
                "unit_short_name": name,
                "unit_kind": kind,
                "display_order": str(self.display_order),
            },
        )
        self.display_order += 1
        if kind == KIND_TO_SET:
            self.result.review.append(
                f"单位“{name}”的类别无法从名称判断，已记为“{KIND_TO_SET}”：请在 units.csv "
                "中改为实际类别（并在 unit_kinds.csv 中登记该类别），否则无法运行。"
            )
            return None
        return kind

    def column(self, annex: int, column_name: str, note: str) -> None:
        if (str(annex), column_name) in self.columns:
            return
        self.columns.add((str(annex), column_name))
        self.catalogue_order[annex] = self.catalogue_order.get(annex, 0) + 1
        self.result.add(
            "columns.csv",
            {
                "county": self.county,
                "annex": str(annex),
                "catalogue_order": str(self.catalogue_order[annex]),
                "column_name": column_name,
                "topic_group": DEFAULT_TOPIC_GROUP,
                "cadence": self.cadence_of_note.get(normalise(note), DEFAULT_CADENCE),
            },
        )

    def kind(self, annex: int, kind: str) -> None:
        if kind in self.kinds:
            return
        self.kinds.add(kind)
        self.result.add(
            "unit_kinds.csv",
            {
                "county": self.county,
                "unit_kind": kind,
                "annex": str(annex),
                "kind_order": str(self.kind_order),
            },
        )
        self.kind_order += 1


def _plan(
    files: ReferenceFiles,
    county: str,
    quarter: Quarter,
    found: _Found,
    result: Onboarding,
) -> None:
    planner = _Planner(files, county, result)
    planner.county_row()
    for annex, table in _numbered(found.tables, county, planner.annexes):
        new_kinds: list[str] = []
        for line in table.lines:
            kind = planner.unit(line.unit_name_raw)
            if kind is not None and kind not in new_kinds:
                new_kinds.append(kind)
            planner.column(annex, line.column_name, line.note)
        for kind in new_kinds:
            planner.kind(annex, kind)
        if annex not in planner.annexes.values():
            subject = _declare_annex(county, quarter, annex, table, new_kinds, result)
            planner.annexes[subject] = annex
    _plan_record_units(planner, found.record_units)
    if "columns.csv" in result.added:
        result.review.append(
            f"新栏目的主题（topic_group）记为“{DEFAULT_TOPIC_GROUP}”，更新周期按备注判断"
            f"（无备注为 {DEFAULT_CADENCE}）：请在 columns.csv 中核对。"
        )
    if "units.csv" in result.added:
        result.review.append(
            "单位类别由名称猜测，通报中的简称（unit_short_name）与名称相同：请在 units.csv 中核对；"
            "单位的其他写法可在 unit_aliases.csv 中登记。"
        )


def _plan_record_units(planner: _Planner, record_units: list[tuple[str, str]]) -> None:
    """The units a check record names that no annex listed, registered like an annex's units.

    A check record lists no annex, so a kind first seen in it goes to the annex declared for
    that kind (its subject); else, when the county has annexes, to the last of them; a county
    with no annex at all gets one annex per kind, as a table without a title would declare it.
    Its columns are not catalogued: the catalogue (columns.csv) is the annexes' columns.
    """
    new_kinds: dict[str, str] = {}  # kind -> the record file its first unit came from
    for file, written in record_units:
        kind = planner.unit(written)
        if kind is not None and kind not in planner.kinds:
            new_kinds.setdefault(kind, file)
    result = planner.result
    has_annexes = bool(planner.annexes)  # declared before, or by this folder's tables
    for kind, file in new_kinds.items():
        if kind in planner.annexes:
            planner.kind(planner.annexes[kind], kind)
        elif has_annexes:
            annex = max(planner.annexes.values())
            planner.kind(annex, kind)
            result.review.append(
                f"单位类别“{kind}”只见于核查记录“{file}”，已暂归附件{annex}：请在 unit_kinds.csv 中"
                "核对它由哪个附件列出。"
            )
        else:
            annex = max(planner.annexes.values(), default=0) + 1
            pattern = default_title_pattern(kind)
            declared = {"county": planner.county, "annex": str(annex), "subject": kind}
            result.add("annexes.csv", {**declared, "title_pattern": pattern})
            planner.annexes[kind] = annex
            planner.kind(annex, kind)
            result.review.append(
                f"附件{annex}由核查记录“{file}”中的{kind}单位推断（本季度没有附件表格）："
                f"简称“{kind}”，标题模板“{pattern}”，请在 annexes.csv 中核对。"
            )


def _declare_annex(
    county: str,
    quarter: Quarter,
    annex: int,
    table: AnnexTable,
    kinds: list[str],
    result: Onboarding,
) -> str:
    subject = guess_subject(table.title, county) or (kinds[0] if kinds else f"附件{annex}")
    pattern = (
        title_pattern(table.title, county, quarter)
        if table.title
        else default_title_pattern(subject)
    )
    result.add(
        "annexes.csv",
        {"county": county, "annex": str(annex), "subject": subject, "title_pattern": pattern},
    )
    result.review.append(
        f"附件{annex}（“{table.file}”）：简称“{subject}”，标题模板“{pattern}”，"
        "请在 annexes.csv 中核对。"
    )
    return subject


def _next(values: Iterable[str]) -> int:
    return max((int(v) for v in values if v.isdigit()), default=0) + 1


def _unit_id(county: str, order: int, taken: set[str]) -> str:
    """A stable id unique across counties: a digest of the county name and the unit's order."""
    prefix = hashlib.sha256(county.encode()).hexdigest()[:6]
    candidate, n = f"u{prefix}-{order:03d}", order
    while candidate in taken:
        n += 1000
        candidate = f"u{prefix}-{n:03d}"
    taken.add(candidate)
    return candidate


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    """Append below the existing rows, in the file's own column order; a new file gets a header."""
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        with path.open(encoding="utf-8", newline="") as handle:
            fields = next(csv.reader(handle))
        ends_with_newline = path.read_bytes().endswith(b"\n")
    else:
        fields = list(REFERENCE_COLUMNS[path.name])
        ends_with_newline = True
    with path.open("a", encoding="utf-8", newline="") as handle:
        if not ends_with_newline:
            handle.write("\n")
        writer = csv.DictWriter(handle, fields, lineterminator="\n", extrasaction="ignore")
        if not exists:
            writer.writeheader()
        writer.writerows(rows)
