"""The reference files, their columns, and reading them into rows that remember their line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.errors import Problem

# Every column of every reference file, in file order. Each is read by the code (ingest, dbt, the
# onboarding CLI); README "Reference data" says what each one means.
REFERENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "counties.csv": ("county",),
    "annexes.csv": ("county", "annex", "subject", "title_pattern"),
    "unit_kinds.csv": ("county", "unit_kind", "annex", "kind_order"),
    "units.csv": (
        "county",
        "unit_id",
        "unit_name",
        "unit_short_name",
        "unit_kind",
        "display_order",
    ),
    "unit_aliases.csv": ("county", "alias", "unit_id"),
    "non_units.csv": ("county", "name"),
    "columns.csv": ("county", "annex", "catalogue_order", "column_name", "topic_group", "cadence"),
    "cadences.csv": ("cadence", "note_text", "due_quarters"),
    "tier_rules.csv": (
        "county",
        "priority",
        "rule_id",
        "tier",
        "tier_rank",
        "metric",
        "comparison",
        "threshold",
        "description",
    ),
}


@dataclass(frozen=True)
class Record:
    """One row of a reference file; `line` is the row number a spreadsheet program shows."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def problem(self, zh: str, en: str) -> Problem:
        return Problem(self.file, zh, en, row=self.line)


@dataclass(frozen=True)
class ReferenceFiles:
    """Every reference file's rows (an unreadable file has none; its problem says why)."""

    reference_dir: Path
    tables: dict[str, list[Record]]

    def rows(self, name: str) -> list[Record]:
        return self.tables.get(name, [])

    def path(self, name: str) -> str:
        return str(self.reference_dir / name)


def read_reference_files(reference_dir: Path) -> tuple[ReferenceFiles, list[Problem]]:
    tables: dict[str, list[Record]] = {}
    problems: list[Problem] = []
    for name, columns in REFERENCE_COLUMNS.items():
        tables[name] = _read(reference_dir / name, columns, problems)
    return ReferenceFiles(reference_dir, tables), problems


def _read(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> list[Record]:
    file = str(path)
    if not path.is_file():
        problems.append(
            Problem(
                file,
                f"找不到参照表：应有列 {','.join(columns)}（可运行 make onboard 生成）。",
                f"the reference file is missing: it needs the columns {', '.join(columns)} "
                "(make onboard writes it).",
            )
        )
        return []
    content = path.read_bytes()
    if content.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                file,
                "文件带有 BOM（Excel 的“CSV UTF-8”格式）：请另存为不带 BOM 的 UTF-8 文本。",
                "the file starts with a byte-order mark: save it as UTF-8 without BOM.",
            )
        )
        return []
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(
            Problem(
                file,
                "文件不是 UTF-8 编码：请用 UTF-8 保存（WPS/Excel 另存为时选择 UTF-8）。",
                "the file is not UTF-8: save it as UTF-8.",
            )
        )
        return []
    reader = csv.DictReader(text.splitlines())
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        problems.append(
            Problem(
                file,
                f"表头缺少列：{'、'.join(missing)}（应有：{','.join(columns)}）。",
                f"the header lacks {', '.join(missing)} (expected: {', '.join(columns)}).",
                row=1,
            )
        )
        return []
    records = []
    for row in reader:
        values = {key: value for key, value in row.items() if isinstance(key, str)}
        if any((value or "").strip() for value in values.values()):
            # line_num is the physical line just read: the row number a spreadsheet shows.
            records.append(Record(file, reader.line_num, values))
    return records
