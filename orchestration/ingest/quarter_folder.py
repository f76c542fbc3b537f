"""Read one quarter's landing folder into raw rows: every problem is collected, nothing written.

A quarter folder holds one county's annexes, or (province mode) one sub-folder per county.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orchestration.ingest.annex import AnnexTable, missing_header_problem, parse_annex
from orchestration.ingest.assessment import AssessmentLine, parse_assessment
from orchestration.ingest.check_record import (
    CheckRecordLine,
    find_check_record_header,
    parse_check_record,
)
from orchestration.ingest.errors import IngestError, Problem
from orchestration.ingest.headers import (
    ANNEX_REQUIRED,
    ANNEX_ROLES,
    ASSESSMENT_REQUIRED,
    ASSESSMENT_ROLES,
    find_header,
)
from orchestration.ingest.limits import DEFAULT_LIMITS, InputLimits
from orchestration.ingest.registry import CountyRegistry, DeclaredAnnex, Registry
from orchestration.ingest.sheets import (
    READABLE_SUFFIXES,
    UnreadableFile,
    is_spreadsheet,
    read_file_bytes,
    read_grids,
)
from orchestration.parallel import map_in_processes
from orchestration.quarters import Quarter, quarter_of_chinese_word


@dataclass
class CountyQuarter:
    """Everything one county's folder contributes to the raw tables for one quarter."""

    county: str
    quarter: Quarter
    annex_rows: list[dict[str, Any]] = field(default_factory=list)
    annex_totals: list[dict[str, Any]] = field(default_factory=list)
    reviewer_assessments: list[dict[str, Any]] = field(default_factory=list)
    source_files: list[dict[str, Any]] = field(default_factory=list)
    check_records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Source:
    relative: str
    sha256: str

    def provenance(self, sheet: str, row: int | None) -> dict[str, object]:
        """The columns every raw row ends with: the file (path and hash), sheet and row it came
        from."""
        return {
            "source_file": self.relative,
            "source_sha256": self.sha256,
            "source_sheet": sheet,
            "source_row": row,
        }


@dataclass
class _Found:
    tables: list[tuple[_Source, AnnexTable]] = field(default_factory=list)
    assessments: list[tuple[_Source, str, AssessmentLine]] = field(default_factory=list)
    check_records: list[tuple[_Source, str, CheckRecordLine]] = field(default_factory=list)
    check_record_sheets: int = 0
    # Sheets or files that could not be used: a missing annex is then already explained.
    unusable: int = 0


def county_folders(
    landing_dir: Path, quarter: Quarter, registry: Registry, default_county: str | None
) -> list[tuple[str, Path]]:
    folder = landing_dir / quarter.key
    if not folder.is_dir():
        raise IngestError(
            quarter,
            [
                Problem(
                    str(folder),
                    f"找不到季度文件夹：请在 {landing_dir} 下建立“{quarter.key}”文件夹"
                    "并放入附件或核查记录。",
                    f"no quarter folder: create {quarter.key!r} under {landing_dir} "
                    "and put the annexes or the check record in it.",
                )
            ],
        )
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    by_county = [(p.name, p) for p in subfolders if p.name in registry.counties]
    if by_county:
        unknown = [p.name for p in subfolders if p.name not in registry.counties]
        if unknown:
            raise IngestError(
                quarter,
                [
                    Problem(
                        f"{quarter.key}/{name}",
                        f"文件夹“{name}”不是已登记的县（已登记：{'、'.join(registry.counties)}）。",
                        f"folder {name!r} is not a registered county.",
                    )
                    for name in unknown
                ],
            )
        return by_county
    county = default_county or (
        next(iter(registry.counties)) if len(registry.counties) == 1 else None
    )
    if county is None or county not in registry.counties:
        raise IngestError(
            quarter,
            [
                Problem(
                    quarter.key,
                    "无法确定附件所属的县：请设置 GONGKAI_COUNTY，或按县分子文件夹存放。",
                    "cannot tell which county the annexes belong to: set GONGKAI_COUNTY, "
                    "or put each county's annexes in a sub-folder named after it.",
                )
            ],
        )
    return [(county, folder)]


# Reading a county's two workbooks takes ~1.6 ms: a worker process (~0.5 s to start and import the
# readers) pays off only for a province's worth of counties.
MIN_COUNTIES_PER_WORKER = 200


@dataclass(frozen=True)
class _CountyFolder:
    landing_dir: Path
    folder: Path
    quarter: Quarter
    registry: CountyRegistry
    limits: InputLimits = DEFAULT_LIMITS


def read_quarter(
    landing_dir: Path,
    quarter: Quarter,
    registry: Registry,
    default_county: str | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> list[CountyQuarter]:
    """Every county's folder read (in worker processes for many counties), in folder order."""
    folders = [
        _CountyFolder(landing_dir, folder, quarter, registry.county(county), limits)
        for county, folder in county_folders(landing_dir, quarter, registry, default_county)
    ]
    read = map_in_processes(_read_county, folders, MIN_COUNTIES_PER_WORKER)
    problems = [problem for _, county_problems in read for problem in county_problems]
    if problems:
        raise IngestError(quarter, problems)
    return [county for county, _ in read]


def _read_county(job: _CountyFolder) -> tuple[CountyQuarter, list[Problem]]:
    landing_dir, folder, quarter, registry = job.landing_dir, job.folder, job.quarter, job.registry
    problems: list[Problem] = []
    result = CountyQuarter(registry.county, quarter)
    files = sorted(p for p in folder.iterdir() if is_spreadsheet(p))
    relative_folder = folder.relative_to(landing_dir).as_posix()
    if not files:
        problems.append(
            Problem(
                relative_folder,
                f"文件夹中没有附件表格或核查记录（{'/'.join(sorted(READABLE_SUFFIXES))}）："
                "本季度至少要有一份附件或一份核查记录。",
                "the folder holds no annex spreadsheet or check record "
                f"({', '.join(sorted(READABLE_SUFFIXES))}): a quarter needs at least one of them.",
            )
        )
        return result, problems
    found = _Found()
    for path in files:
        content = read_file_bytes(path, job.limits)
        source = _Source(
            path.relative_to(landing_dir).as_posix(), hashlib.sha256(content).hexdigest()
        )
        sheets, rows_read, kind = _read_file(
            path, source, content, quarter, registry.tiers, found, problems, job.limits
        )
        result.source_files.append(
            {
                "county": registry.county,
                "quarter": quarter.key,
                "source_file": source.relative,
                "source_sha256": source.sha256,
                "content": kind,
                "sheets": sheets,
                "rows_read": rows_read,
            }
        )
    _annex_rows(found, registry, quarter, relative_folder, result, problems)
    _assessment_rows(found, registry, result, problems)
    _check_record_rows(found, registry, result, problems)
    return result, problems


def _read_file(
    path: Path,
    source: _Source,
    content: bytes,
    quarter: Quarter,
    tiers: tuple[str, ...],
    found: _Found,
    problems: list[Problem],
    limits: InputLimits,
) -> tuple[str, int, str]:
    """Classify each sheet (annex, assessment, other); returns (sheets, rows, content kind)."""
    try:
        grids = read_grids(path, content, limits)
    except UnreadableFile as unreadable:
        problems.append(replace(unreadable.problem, file=source.relative))
        found.unusable += 1
        return "", 0, "unreadable"
    used: list[str] = []
    rows_read = 0
    kinds: set[str] = set()
    for grid in grids:
        header, partial = find_header(grid.rows, ANNEX_ROLES, ANNEX_REQUIRED)
        if header is not None:
            table = parse_annex(source.relative, grid, header, problems, quarter)
            _check_quarter_word(source.relative, grid.sheet, header.row, table, quarter, problems)
            found.tables.append((source, table))
            rows_read += len(table.lines)
            used.append(grid.sheet)
            kinds.add("annex")
            continue
        record_header = find_check_record_header(grid)
        if record_header is not None:
            records = parse_check_record(source.relative, grid, record_header, quarter, problems)
            found.check_records.extend((source, grid.sheet, line) for line in records)
            found.check_record_sheets += 1
            rows_read += len(records)
            used.append(grid.sheet)
            kinds.add("check_record")
            continue
        review_header, _ = find_header(grid.rows, ASSESSMENT_ROLES, ASSESSMENT_REQUIRED)
        if review_header is not None and "column_name" not in review_header.columns:
            lines = parse_assessment(source.relative, grid, review_header, problems, tiers)
            found.assessments.extend((source, grid.sheet, line) for line in lines)
            rows_read += len(lines)
            used.append(grid.sheet)
            kinds.add("assessment")
        elif partial is not None:
            problems.append(missing_header_problem(source.relative, grid, partial))
            found.unusable += 1
            used.append(grid.sheet)
            kinds.add("annex")
    if not used:
        found.unusable += 1
        problems.append(
            Problem(
                source.relative,
                "文件中找不到附件表格、核查意见表或核查记录：附件表头应包含“栏目”“公开数量”“责任单位”，"
                "核查意见表头应包含“单位”“分档”，核查记录表头应包含“单位”“栏目”“最后更新日期”。",
                "no annex table, assessment sheet or check record found: an annex header needs "
                "栏目, 公开数量, and 责任单位; an assessment header needs 单位 and 分档; a check "
                "record header needs 单位, 栏目 and 最后更新日期.",
            )
        )
    return ",".join(used), rows_read, "+".join(sorted(kinds)) or "none"


def _check_quarter_word(
    file: str,
    sheet: str,
    header_row: int,
    table: AnnexTable,
    quarter: Quarter,
    problems: list[Problem],
) -> None:
    named = quarter_of_chinese_word(table.count_header)
    if named is not None and named != quarter.number:
        problems.append(
            Problem(
                file,
                f"表头“{table.count_header}”与文件夹的季度 {quarter.key}"
                f"（{quarter.chinese}）不一致："
                "是否放错了文件夹？",
                f"header {table.count_header!r} names another quarter than the folder's "
                f"{quarter.key}: is the file in the wrong folder?",
                sheet,
                header_row + 1,
            )
        )


def _annex_number(table: AnnexTable, kinds: set[str], registry: CountyRegistry) -> int | None:
    """Which declared annex a table is: 附件N in its title, sheet or file name; else the one
    declared subject its title names (the longest, so 乡镇街道 wins over 乡镇); else the one annex
    listing every kind of its units; else the county's only annex."""
    if table.annex_mark is not None:
        return table.annex_mark
    declared = list(registry.annexes.values())
    named = [a for a in declared if a.subject and a.subject in table.title]
    longest = max((len(a.subject) for a in named), default=0)
    named = [a for a in named if len(a.subject) == longest]
    if len(named) == 1:
        return named[0].annex
    listing = [a for a in declared if kinds and kinds <= set(a.kinds)]
    if len(listing) == 1:
        return listing[0].annex
    if len(declared) == 1:
        return declared[0].annex
    return None


def _declared_list(registry: CountyRegistry) -> str:
    return "、".join(f"{a.label}（{a.subject}）" for a in registry.annexes.values())


def _unknown_unit(registry: CountyRegistry, written: str) -> tuple[str, str]:
    closest = registry.closest(written)
    hint_zh = f"最接近的已登记单位：{'、'.join(closest)}。" if closest else ""
    hint_en = f" Closest registered: {', '.join(closest)}." if closest else ""
    return (
        f"责任单位“{written}”不在{registry.county}单位名录中。{hint_zh}"
        "请改用名录中的名称，或在 seeds/reference/unit_aliases.csv 中登记别名。",
        f"unit {written!r} is not in the {registry.county} registry.{hint_en} Use a registered "
        "name or add an alias to seeds/reference/unit_aliases.csv.",
    )


def _annex_rows(
    found: _Found,
    registry: CountyRegistry,
    quarter: Quarter,
    result_folder: str,
    result: CountyQuarter,
    problems: list[Problem],
) -> None:
    seen_annex: dict[int, str] = {}
    undetermined = False
    seen_rows: dict[tuple[str, str], str] = {}
    for source, table in found.tables:
        place = f"“{source.relative}”工作表“{table.sheet}”"

        def problem(row: int | None, zh: str, en: str, table: AnnexTable = table) -> None:
            problems.append(Problem(table.file, zh, en, table.sheet, row))

        resolved = []
        for line in table.lines:
            resolution = registry.resolve(line.unit_name_raw)
            if resolution is None:
                problem(line.source_row, *_unknown_unit(registry, line.unit_name_raw))
                continue
            resolved.append((line, resolution))
        kinds = {registry.kind_of(r.unit_id) for _, r in resolved if r.unit_id}
        annex = _annex_number(table, kinds, registry)
        if annex is None:
            problem(
                None,
                f"无法判断是哪个附件（{registry.county}声明的附件：{_declared_list(registry)}）："
                "请在文件名或标题中写明“附件N”。",
                f"cannot tell which of {registry.county}'s annexes this is "
                f"({_declared_list(registry)}): name 附件N in the file name or title.",
            )
            undetermined = True
            continue
        if annex not in registry.annexes:
            problem(
                None,
                f"附件{annex}不是{registry.county}声明的附件（已声明：{_declared_list(registry)}）。"
                "请核对文件，或在 annexes.csv 中声明该附件。",
                f"annex {annex} is not one {registry.county} declares "
                f"({_declared_list(registry)}): check the file, or declare it in annexes.csv.",
            )
            undetermined = True
            continue
        if annex in seen_annex:
            problem(
                None,
                f"附件{annex}出现了两次（另见{seen_annex[annex]}）。每季度每个附件只能有一份。",
                f"annex {annex} appears twice (also in {seen_annex[annex]}); keep one copy.",
            )
            continue
        seen_annex[annex] = place
        result.annex_totals.append(
            {
                "county": registry.county,
                "quarter": quarter.key,
                "annex": annex,
                "title": table.title,
                "count_header": table.count_header,
                "declared_total": table.declared_total,
                **source.provenance(table.sheet, table.total_row),
            }
        )
        for line, resolution in resolved:
            key = (resolution.unit_id or resolution.unit_name, line.column_name)
            here = f"“{source.relative}”工作表“{table.sheet}”第{line.source_row}行"
            if key in seen_rows:
                problem(
                    line.source_row,
                    f"重复的行：责任单位“{line.unit_name_raw}”的栏目“{line.column_name_raw}”"
                    f"已在{seen_rows[key]}出现。",
                    f"duplicate row: unit {line.unit_name_raw!r} and column "
                    f"{line.column_name_raw!r} already appear at {seen_rows[key]}.",
                )
                continue
            seen_rows[key] = here
            result.annex_rows.append(
                {
                    "county": registry.county,
                    "quarter": quarter.key,
                    "annex": annex,
                    "row_number": line.row_number,
                    "column_name": line.column_name,
                    "column_name_raw": line.column_name_raw,
                    "item_count": line.item_count,
                    "unit_name_raw": line.unit_name_raw,
                    "unit_name": resolution.unit_name,
                    "unit_id": resolution.unit_id,
                    "note": line.note,
                    **source.provenance(table.sheet, line.source_row),
                }
            )
    if undetermined or found.unusable:
        return  # the problem that hides an annex is reported already
    if not found.tables and found.check_record_sheets:
        return  # a quarter checked on the portal only: its check record stands alone
    for declared in registry.annexes.values():
        if declared.annex not in seen_annex:
            problems.append(_missing_annex(result_folder, registry.county, declared))


def _missing_annex(folder: str, county: str, declared: DeclaredAnnex) -> Problem:
    return Problem(
        folder,
        f"缺少{declared.label}（{declared.subject}信息公开更新情况统计表）："
        f"{county}在 annexes.csv 中声明了该附件。",
        f"annex {declared.annex} ({declared.subject} table) is missing: {county} declares it "
        "in annexes.csv.",
    )


def _assessment_rows(
    found: _Found, registry: CountyRegistry, result: CountyQuarter, problems: list[Problem]
) -> None:
    positions: dict[str, int] = {}
    seen: dict[str, str] = {}
    for source, sheet, line in found.assessments:

        def report(
            zh: str, en: str, at: tuple[str, str, int] = (source.relative, sheet, line.source_row)
        ) -> None:
            problems.append(Problem(at[0], zh, en, at[1], at[2]))

        resolution = registry.resolve(line.unit_name_raw)
        if resolution is None:
            report(*_unknown_unit(registry, line.unit_name_raw))
            continue
        if resolution.unit_id is None:
            report(
                f"“{line.unit_name_raw}”不是一个单位，不能分档。",
                f"{line.unit_name_raw!r} is not a unit and cannot be given a tier.",
            )
            continue
        if resolution.unit_id in seen:
            report(
                f"单位“{line.unit_name_raw}”被分档两次（另见{seen[resolution.unit_id]}）。",
                f"unit {line.unit_name_raw!r} is assessed twice (also {seen[resolution.unit_id]}).",
            )
            continue
        seen[resolution.unit_id] = f"“{source.relative}”第{line.source_row}行"
        positions[line.reviewer_tier] = positions.get(line.reviewer_tier, 0) + 1
        result.reviewer_assessments.append(
            {
                "county": result.county,
                "quarter": result.quarter.key,
                "unit_id": resolution.unit_id,
                "unit_name_raw": line.unit_name_raw,
                "reviewer_tier": line.reviewer_tier,
                "list_position": positions[line.reviewer_tier],
                "reason": line.reason,
                **source.provenance(sheet, line.source_row),
            }
        )


def _check_record_rows(
    found: _Found, registry: CountyRegistry, result: CountyQuarter, problems: list[Problem]
) -> None:
    """Resolve each check record row's unit; one row per (unit, column, address)."""
    seen: dict[tuple[str, str, str], str] = {}
    for source, sheet, line in found.check_records:
        at = (source.relative, sheet, line.source_row)
        resolution = registry.resolve(line.unit_name_raw)
        if resolution is None:
            problems.append(
                Problem(at[0], *_unknown_unit(registry, line.unit_name_raw), at[1], at[2])
            )
            continue
        if resolution.unit_id is None:
            problems.append(
                Problem(
                    at[0],
                    f"“{line.unit_name_raw}”不是一个单位：核查记录的每一行应属于名录中的一个单位。",
                    f"{line.unit_name_raw!r} is not a unit: every check record row belongs to a "
                    "registered unit.",
                    at[1],
                    at[2],
                )
            )
            continue
        key = (resolution.unit_id, line.column_name, line.address)
        if key in seen:
            address_zh = f"地址“{line.address}”" if line.address else "未写地址"
            problems.append(
                Problem(
                    at[0],
                    f"重复的行：单位“{line.unit_name_raw}”的栏目“{line.column_name_raw}”"
                    f"（{address_zh}）已在{seen[key]}出现。同名栏目请用“地址”列区分。",
                    f"duplicate row: unit {line.unit_name_raw!r}, column "
                    f"{line.column_name_raw!r}, address {line.address!r} already appear at "
                    f"{seen[key]}. Tell columns of the same name apart by their address.",
                    at[1],
                    at[2],
                )
            )
            continue
        seen[key] = f"“{source.relative}”工作表“{sheet}”第{line.source_row}行"
        result.check_records.append(
            {
                "county": result.county,
                "quarter": result.quarter.key,
                "unit_id": resolution.unit_id,
                "unit_name_raw": line.unit_name_raw,
                "unit_name": resolution.unit_name,
                "column_name": line.column_name,
                "column_name_raw": line.column_name_raw,
                "address": line.address,
                "last_update": line.last_update,
                "last_update_raw": line.last_update_raw,
                "note": line.note,
                "check_date": line.check_date.value,
                "check_date_source": line.check_date.source,
                **source.provenance(sheet, line.source_row),
            }
        )
