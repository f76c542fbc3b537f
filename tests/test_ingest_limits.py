"""Input over a limit is refused before it is read: a bilingual problem naming file, sheet and
cell or row, the limit and the setting that lifts it, and the warehouse left as it was."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import connect, ensure_raw_schema
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import (
    AnnexRow,
    Layout,
    annex_table,
    rewrite_part,
    write_annex_csv,
    write_annex_ods,
    write_annex_xls,
    write_annex_xlsx,
    write_xlsx_with_long_text,
)
from tests.factories.raw_snapshot import assert_refused
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)
ANNEX1 = "附件1-政府部门.xlsx"
ANNEX2 = "附件2-乡镇.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
# Generous: the reader refuses in milliseconds; this only stops a regression that reads the
# whole rectangle from hanging the suite.
SUBPROCESS_TIMEOUT_SECONDS = 300


@pytest.fixture
def ingested(settings: Settings) -> Settings:
    """A warehouse holding a good 2020-Q1 from .xlsx annexes, ready to be broken."""
    folder = settings.landing_dir / QUARTER.key
    write_annex_xlsx(folder / ANNEX1, notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248)
    write_annex_xlsx(folder / ANNEX2, notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14)
    ingest_quarter(with_reference_data(settings), QUARTER)
    return settings


def _limited(monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env()


def _annex1_with_cell(settings: Settings, ref: str, value: object) -> Path:
    path = settings.landing_dir / QUARTER.key / ANNEX1
    workbook = load_workbook(path)
    workbook.active[ref] = value
    workbook.save(path)
    return path


def _lying_dimension(path: Path) -> Path:
    """The dimension a damaged or hostile file declares: the table's, not the far cell's."""
    return rewrite_part(
        path,
        SHEET,
        lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:E46"/>'),
    )


def test_far_cell_in_the_declared_dimension_is_refused(ingested: Settings) -> None:
    _annex1_with_cell(ingested, "XFD1048576", "x")
    assert_refused(
        ingested,
        QUARTER,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”：",
        "工作表声明的范围 A1:XFD1048576（1048576 行 × 16384 列）超出上限（最多 5000 行、50 列）",
        "GONGKAI_MAX_ROWS",
        "the sheet's declared range A1:XFD1048576 (1048576 rows x 16384 columns) is beyond the "
        "limit of 5000 rows and 50 columns",
    )


def test_far_cell_behind_a_dimension_that_lies_is_found(ingested: Settings) -> None:
    _lying_dimension(_annex1_with_cell(ingested, "XFD1048576", "x"))
    assert_refused(
        ingested,
        QUARTER,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第1048576行：",
        "单元格 XFD1048576 有内容，超出上限",
        "file '2020-Q1/附件1-政府部门.xlsx', sheet 'Sheet1', row 1048576: cell XFD1048576 holds "
        "a value beyond the limit",
    )


def test_stray_cell_right_of_the_table_names_the_columns_setting(ingested: Settings) -> None:
    _annex1_with_cell(ingested, "AY3", 7)  # column 51
    message = assert_refused(ingested, QUARTER, "A1:AY46（46 行 × 51 列）", "GONGKAI_MAX_COLUMNS")
    assert "GONGKAI_MAX_ROWS" not in message


def test_formatted_empty_cells_far_away_are_not_content(ingested: Settings) -> None:
    """Only cells holding a value count: a border drawn at Z1048576 is not data."""
    rewrite_part(
        ingested.landing_dir / QUARTER.key / ANNEX1,
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="Z1048576" s="1"/></row></sheetData>'
        ),
    )

    [summary] = ingest_quarter(ingested, QUARTER)

    assert summary.items_by_annex == {1: 248, 2: 14}


@pytest.mark.parametrize("kind", [".xlsx", ".xls", ".csv"])
def test_row_limit_is_a_setting(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    folder = settings.landing_dir / QUARTER.key
    writers = {".xlsx": write_annex_xlsx, ".xls": write_annex_xls, ".csv": write_annex_csv}
    writers[kind](folder / f"附件1{kind}", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248)
    writers[kind](folder / f"附件2{kind}", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, 14)
    limited = _limited(monkeypatch, GONGKAI_MAX_ROWS="40")  # annex 1 has 46 rows, annex 2 has 11

    # a warehouse without raw tables to compare with
    with connect(with_reference_data(limited).warehouse_path) as connection:
        ensure_raw_schema(connection)
    message = assert_refused(
        limited,
        QUARTER,
        f"文件“{QUARTER}/附件1{kind}”",
        "超出上限（最多 40 行、50 列）",
        "如确属正常表格，可调高环境变量 GONGKAI_MAX_ROWS 后重新运行",
        "raise the environment variable GONGKAI_MAX_ROWS",
    )
    assert "附件2" not in message


def test_one_ods_row_repeated_past_the_limit_is_refused(ingested: Settings) -> None:
    """In content.xml one element stands for many rows: the repeat counts, not the element."""
    folder = ingested.landing_dir / QUARTER.key
    (folder / ANNEX1).unlink()
    write_annex_ods(
        folder / "附件1.ods", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248, repeated_last_row=10**6
    )
    assert_refused(
        ingested,
        QUARTER,
        f"文件“{QUARTER}/附件1.ods”，工作表“Sheet1”，第1000045行：单元格 A1000045 有内容，超出上限",
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "GONGKAI_MAX_COLUMNS",
            "4",
            "工作表声明的范围 A1:E46（46 行 × 5 列）超出上限（最多 5000 行、4 列）",
        ),
        ("GONGKAI_MAX_CELL_CHARS", "20", "第1行：单元格 A1 的文字超过 20 个字符的上限"),
    ],
)
def test_each_limit_is_a_setting(
    ingested: Settings, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    limited = _limited(monkeypatch, **{variable: value})
    assert_refused(limited, QUARTER, expected, f"可调高环境变量 {variable}")


def test_file_size_limit(ingested: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    limited = _limited(monkeypatch, GONGKAI_MAX_FILE_MB="1")
    (limited.landing_dir / QUARTER.key / ANNEX2).write_bytes(b"\0" * (3 * 1024 * 1024 // 2))
    assert_refused(
        limited,
        QUARTER,
        f"文件“{QUARTER}/{ANNEX2}”：文件有 1.5 MB，超过 1 MB 的上限",
        "GONGKAI_MAX_FILE_MB",
        "the file is 1.5 MB, over the 1 MB limit",
    )


def test_unpacked_size_limit_refuses_a_zip_bomb(
    ingested: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = _limited(monkeypatch, GONGKAI_MAX_FILE_MB="1")
    path = limited.landing_dir / QUARTER.key / ANNEX1
    rewrite_part(path, SHEET, lambda xml: xml + b" " * (11 * 1024 * 1024))  # compresses to ~11 KB
    assert path.stat().st_size < 100_000
    assert_refused(
        limited,
        QUARTER,
        "文件解压后的表格内容有 11 MB，超过 10 MB 的上限",
        f"其中 {SHEET} 有 11 MB",
        "GONGKAI_MAX_FILE_MB",
    )


def _with_note(characters: int) -> list[AnnexRow]:
    rows = list(notice.ANNEX1_ROWS)
    rows[1] = dataclasses.replace(rows[1], note="备" * characters)
    return rows


def test_cell_text_limit_is_inclusive(ingested: Settings) -> None:
    folder = ingested.landing_dir / QUARTER.key
    write_annex_xlsx(folder / ANNEX1, notice.ANNEX1_TITLE, _with_note(2000), 248)
    ingest_quarter(ingested, QUARTER)
    with connect(ingested.warehouse_path, read_only=True) as connection:
        [(longest,)] = connection.execute("select max(length(note)) from raw.annex_rows").fetchall()
    assert longest == 2000

    write_annex_xlsx(folder / ANNEX1, notice.ANNEX1_TITLE, _with_note(2001), 248)
    assert_refused(
        ingested,
        QUARTER,
        f"文件“{QUARTER}/{ANNEX1}”，工作表“Sheet1”，第4行：单元格 E4 的文字超过 2000 个字符的上限",
        "GONGKAI_MAX_CELL_CHARS",
        "cell E4 holds more than 2000 characters",
    )


def test_long_shared_string_is_named_by_the_cell_that_shows_it(ingested: Settings) -> None:
    grid = annex_table(notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248, Layout())
    write_xlsx_with_long_text(ingested.landing_dir / QUARTER.key / ANNEX1, grid, (3, 4), 2001)
    assert_refused(ingested, QUARTER, "第4行：单元格 E4 的文字超过 2000 个字符的上限")


@pytest.mark.parametrize(
    ("characters", "where"),
    # Past 131,072 characters the csv module itself stops, before the cell is known.
    [(5000, "单元格 E4 的文字"), (200_000, "该行有单元格的文字")],
)
def test_long_csv_cell(ingested: Settings, characters: int, where: str) -> None:
    folder = ingested.landing_dir / QUARTER.key
    (folder / ANNEX1).unlink()
    write_annex_csv(folder / "附件1.csv", notice.ANNEX1_TITLE, _with_note(characters), 248)
    assert_refused(ingested, QUARTER, f"工作表“CSV”，第4行：{where}超过 2000 个字符的上限")


def test_a_dtd_is_refused_before_any_entity_is_expanded(ingested: Settings) -> None:
    bomb = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    rewrite_part(
        ingested.landing_dir / QUARTER.key / ANNEX1,
        SHEET,
        lambda xml: xml.replace(b"<worksheet", bomb + b"<worksheet", 1),
    )
    assert_refused(ingested, QUARTER, f"文件“{QUARTER}/{ANNEX1}”：无法读取", "cannot be read")


def test_a_limit_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_MAX_ROWS", "五千")
    with pytest.raises(ValueError) as raised:
        Settings.from_env()
    assert "GONGKAI_MAX_ROWS 应为正整数，收到“五千”" in str(raised.value)
    assert "must be a whole number greater than 0" in str(raised.value)


# The reader in a process that may not map more than 1 GB: reading the rectangle of a far cell
# (hundreds of GB) or a 300 MB note (~1 GB) would end in MemoryError or an abort.
_READ_UNDER_1_GB = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from orchestration.ingest.errors import UnreadableFile
from orchestration.ingest.limits import DEFAULT_LIMITS
from orchestration.ingest.sheets import read_file_bytes, read_grids
path = Path(sys.argv[1])
try:
    read_grids(path, read_file_bytes(path, DEFAULT_LIMITS))
except UnreadableFile as refused:
    print(refused.problem.render())
    sys.exit(3)
print("read whole")
"""


def _read_under_1_gb(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _READ_UNDER_1_GB, str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 3, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "MemoryError" not in done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("megabytes", "expected"),
    [
        (300, ["文件解压后的表格内容有 300 MB", "xl/sharedStrings.xml 有 300 MB", "unpacks to"]),
        (150, ["第4行：单元格 E4 的文字超过 2000 个字符的上限", "cell E4 holds more than"]),
    ],
)
def test_huge_note_is_refused_within_a_memory_limit(
    tmp_path: Path, megabytes: int, expected: list[str]
) -> None:
    """300 MB is refused by the unpacked size alone; 150 MB (under it) by streaming the shared
    strings up to the first one over the limit."""
    grid = annex_table(notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248, Layout())
    path = write_xlsx_with_long_text(tmp_path / ANNEX1, grid, (3, 4), megabytes * 1024 * 1024)
    assert path.stat().st_size < 400_000

    message = _read_under_1_gb(path)

    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_far_cell_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    path = write_annex_xlsx(tmp_path / ANNEX1, notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, 248)
    workbook = load_workbook(path)
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    _lying_dimension(path)

    message = _read_under_1_gb(path)

    assert "第1048576行：单元格 XFD1048576 有内容" in message
    assert "cell XFD1048576 holds a value beyond the limit" in message


def test_binary_workbook_renamed_to_xlsx_is_not_read(ingested: Settings) -> None:
    """An .xlsb keeps its sheets as binary records the scan cannot bound: refused, not read."""
    import zipfile

    with zipfile.ZipFile(ingested.landing_dir / QUARTER.key / ANNEX2, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    assert_refused(ingested, QUARTER, f"文件“{QUARTER}/{ANNEX2}”：这是 .xlsb", "save it as .xlsx")
