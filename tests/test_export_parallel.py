"""Many counties: rendered in worker processes, the same files as one by one, all or none."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from orchestration.export import files
from orchestration.export.files import ExportError, export_notices
from orchestration.export.records import CountyQuarterNotice, read_notices
from orchestration.quarters import Quarter
from tests.test_export_contract import ISSUE_DATE, TEMPLATES_DIR, sample_warehouse

COUNTIES = ("崇信县", "华亭县", "泾川县", "灵台县", "庄浪县")


def _notices(tmp_path: Path) -> list[CountyQuarterNotice]:
    (notice,) = read_notices(sample_warehouse(tmp_path / "w.duckdb"), Quarter(2020, 1))
    return [
        dataclasses.replace(
            notice,
            county=county,
            annexes=tuple(
                dataclasses.replace(annex, title=annex.title.replace(notice.county, county))
                for annex in notice.annexes
            ),
        )
        for county in COUNTIES
    ]


def _contents(path: Path) -> dict[str, Any]:
    """Every cell of the workbook and every paragraph of the draft (zip bytes carry times)."""
    if path.suffix == ".xlsx":
        workbook = load_workbook(path)
        return {sheet.title: list(sheet.values) for sheet in workbook.worksheets}
    return {"paragraphs": [p.text for p in docx.Document(str(path)).paragraphs]}


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_WORKERS", "2")
    monkeypatch.setattr(files, "MIN_COUNTIES_PER_WORKER", 1)


def test_worker_processes_write_what_one_by_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notices = _notices(tmp_path)
    monkeypatch.setenv("GONGKAI_WORKERS", "1")
    serial = export_notices(notices, tmp_path / "serial", TEMPLATES_DIR, ISSUE_DATE)
    monkeypatch.setenv("GONGKAI_WORKERS", "2")
    monkeypatch.setattr(files, "MIN_COUNTIES_PER_WORKER", 1)
    parallel = export_notices(notices, tmp_path / "parallel", TEMPLATES_DIR, ISSUE_DATE)

    assert [e.notice.county for e in parallel] == list(COUNTIES)
    for one, other in zip(serial, parallel, strict=True):
        assert (one.sheet_rows, one.review_notes) == (other.sheet_rows, other.review_notes)
        assert one.sheet_rows["附件1"] == 43
        for mine, theirs in zip(vars(one.files).values(), vars(other.files).values(), strict=True):
            assert mine.name == theirs.name and theirs.parent == tmp_path / "parallel" / "2020-Q1"
            assert _contents(mine) == _contents(theirs)
    title = load_workbook(parallel[3].files.annexes)["附件1"]["A2"].value
    assert title == "灵台县政府部门信息公开第一季度更新情况统计表"


def test_a_county_failing_in_a_worker_is_named_and_no_file_is_replaced(
    tmp_path: Path, pooled: None
) -> None:
    notices = _notices(tmp_path)
    exports = tmp_path / "exports"
    export_notices(notices, exports, TEMPLATES_DIR, ISSUE_DATE)
    folder = exports / "2020-Q1"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert len(before) == 3 * len(COUNTIES)

    line = dataclasses.replace(notices[3].annex_lines[0], note="\x0b")
    broken = dataclasses.replace(notices[3], annex_lines=(line, *notices[3].annex_lines[1:]))
    with pytest.raises(ExportError, match=r"灵台县2020-Q1的通报文件生成失败.*控制字符"):
        export_notices([*notices[:3], broken, notices[4]], exports, TEMPLATES_DIR, ISSUE_DATE)

    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
