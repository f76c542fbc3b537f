"""A failed export leaves the previous files byte-identical and no temporary files behind."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from orchestration.export.atomic import replacing
from orchestration.export.files import ExportError, export_notices
from orchestration.export.records import read_notices
from orchestration.quarters import Quarter
from tests.test_export_contract import ISSUE_DATE, TEMPLATES_DIR, export_sample


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_replacing_moves_complete_files_into_place(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.xlsx"

    with replacing([target]) as (temporary,):
        assert temporary.parent == target.parent and temporary != target
        temporary.write_bytes(b"complete")

    assert target.read_bytes() == b"complete"
    assert [p.name for p in target.parent.iterdir()] == ["a.xlsx"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_writer_that_raises_midway_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"last quarter's export")
    os.chmod(target, 0o640)

    with pytest.raises(OSError, match="disk full"), replacing([target]) as (temporary,):
        with temporary.open("wb") as handle:
            handle.write(b"half of a workb")
        raise OSError("disk full")

    assert target.read_bytes() == b"last quarter's export"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
    # A later success keeps the permissions the clerk's office gave the file.
    with replacing([target]) as (temporary,):
        temporary.write_bytes(b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failing_export_keeps_the_previous_files(tmp_path: Path) -> None:
    first = export_sample(tmp_path)
    folder = first.files.draft.parent
    before = _folder_state(folder)
    assert sorted(before) == sorted(p.name for p in vars(first.files).values())

    # A control character cannot be stored in .xlsx: the real writer fails half-way through.
    (notice,) = read_notices(tmp_path / "w.duckdb", Quarter(2020, 1))
    broken_unit = dataclasses.replace(notice.units[-1], unit_short_name="木林\x07乡")
    broken = dataclasses.replace(notice, units=(*notice.units[:-1], broken_unit))
    with pytest.raises(ExportError, match=r"崇信县2020-Q1.*控制字符.*control character"):
        export_notices([broken], tmp_path / "exports", TEMPLATES_DIR, ISSUE_DATE)

    assert _folder_state(folder) == before


def test_one_failing_county_writes_no_county(tmp_path: Path) -> None:
    """All files of a quarter are replaced together, after every one of them was rendered."""
    first = export_sample(tmp_path)
    folder = first.files.draft.parent
    before = _folder_state(folder)
    (notice,) = read_notices(tmp_path / "w.duckdb", Quarter(2020, 1))
    other = dataclasses.replace(notice, county="华亭县")
    broken_line = dataclasses.replace(notice.annex_lines[0], note="\x0b")
    broken = dataclasses.replace(
        notice, county="泾川县", annex_lines=(broken_line, *notice.annex_lines[1:])
    )

    with pytest.raises(ExportError, match=r"泾川县2020-Q1的通报文件生成失败.*UnwritableTextError"):
        export_notices([notice, other, broken], tmp_path / "exports", TEMPLATES_DIR, ISSUE_DATE)

    assert _folder_state(folder) == before
