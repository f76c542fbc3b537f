"""Check records (核查记录) into raw.check_records: every date form, the check date's source,
same-name columns told apart by address, and every bad input as a bilingual, placed error."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from orchestration.ingest.check_record import (
    find_check_record_header,
    units_in_check_record_sheet,
)
from orchestration.ingest.dates import NotADate, parse_date
from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.ingest.sheets import read_grids
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.conftest import SAMPLE_DIR
from tests.factories.check_records import (
    CheckRow,
    write_check_record_csv,
    write_check_record_xlsx,
)
from tests.reference_tables import with_reference_data

QUARTER = Quarter(2020, 1)
RECORD = "核查记录.xlsx"


def _records(settings: Settings) -> list[dict[str, object]]:
    with connect(settings.warehouse_path, read_only=True) as connection:
        cursor = connection.execute(
            "select * from raw.check_records where quarter = ? order by source_row", [QUARTER.key]
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _folder(settings: Settings, with_annexes: bool = False) -> Path:
    folder = settings.landing_dir / QUARTER.key
    if with_annexes:
        shutil.copytree(SAMPLE_DIR, folder)
    else:
        folder.mkdir()
    return folder


def _fails(settings: Settings, *fragments: str) -> str:
    with pytest.raises(IngestError) as raised:
        ingest_quarter(with_reference_data(settings), QUARTER)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (date(2020, 3, 2), date(2020, 3, 2)),
        (43892, date(2020, 3, 2)),  # Excel serial number
        (43892.5, date(2020, 3, 2)),  # serial with a time of day
        ("2023-06-26", date(2023, 6, 26)),
        ("2023/6/26", date(2023, 6, 26)),
        ("2023.06.26", date(2023, 6, 26)),
        ("2023年6月26日", date(2023, 6, 26)),
        ("２０２３年６月２６日", date(2023, 6, 26)),  # full-width digits
        ("2023-06-26 10:30", date(2023, 6, 26)),
        ("", None),
        (None, None),
    ],
)
def test_every_date_form_a_clerk_uses(written: object, expected: date | None) -> None:
    assert parse_date(written) == expected


@pytest.mark.parametrize(
    "written", ["2023-13-01", "2023-02-30", "6月26日", "上周", 3, "26/06/2023"]
)
def test_anything_else_is_not_a_date(written: object) -> None:
    with pytest.raises(NotADate):
        parse_date(written)


def test_a_record_with_annexes_lands_beside_them(settings: Settings) -> None:
    folder = _folder(settings, with_annexes=True)
    write_check_record_xlsx(
        folder / RECORD,
        [
            CheckRow("县政府办", "政府文件", date(2020, 3, 20), "http://x/zfwj"),
            CheckRow("人社局", "人事任免", "2019/12/1"),
            CheckRow("财政局", "财政预决算", None),
        ],
        check_date=date(2020, 3, 31),
    )
    summaries = ingest_quarter(with_reference_data(settings), QUARTER)
    rows = _records(settings)
    assert [(r["unit_name"], r["column_name"], r["last_update"]) for r in rows] == [
        ("政府办", "政府文件", date(2020, 3, 20)),
        ("人社局", "人事任免", date(2019, 12, 1)),
        ("财政局", "财政预决算", None),
    ]
    assert {(r["check_date"], r["check_date_source"]) for r in rows} == {
        (date(2020, 3, 31), "sheet")
    }
    assert rows[0]["address"] == "http://x/zfwj" and rows[2]["last_update_raw"] == ""
    assert rows[0]["source_file"] == f"{QUARTER}/{RECORD}" and rows[0]["source_row"] == 4
    assert summaries[0].rows == 51  # the annexes are read as before
    assert summaries[0].check_records == 3
    assert summaries[0].check_dates == ("2020-03-31 (sheet)",)


def test_a_quarter_with_only_a_check_record_is_ingested(settings: Settings) -> None:
    folder = _folder(settings)
    write_check_record_csv(
        folder / "核查记录(2020-04-03).csv",
        [CheckRow("政府办", "工作动态", "2020.3.30"), CheckRow("人社局", "人事任免", "")],
    )
    summaries = ingest_quarter(with_reference_data(settings), QUARTER)
    rows = _records(settings)
    assert [r["last_update"] for r in rows] == [date(2020, 3, 30), None]
    assert {(r["check_date"], r["check_date_source"]) for r in rows} == {
        (date(2020, 4, 3), "file_name")
    }
    assert summaries[0].rows == 0


def test_without_a_check_date_the_quarter_end_is_used(settings: Settings) -> None:
    write_check_record_xlsx(_folder(settings) / RECORD, [CheckRow("政府办", "工作动态", 43900)])
    ingest_quarter(with_reference_data(settings), QUARTER)
    assert [(r["check_date"], r["check_date_source"]) for r in _records(settings)] == [
        (date(2020, 3, 31), "quarter_end")
    ]


def test_same_column_name_under_different_addresses(settings: Settings) -> None:
    township = [
        CheckRow("锦屏镇", "政策文件", "2020-03-01", f"http://x/jp/zone{n}") for n in range(1, 6)
    ]
    write_check_record_xlsx(_folder(settings) / RECORD, township)
    ingest_quarter(with_reference_data(settings), QUARTER)
    assert len({r["address"] for r in _records(settings)}) == 5


def test_the_same_unit_column_and_address_twice_is_an_error(settings: Settings) -> None:
    rows = [CheckRow("锦屏镇", "政策文件", "2020-03-01", "http://x/a")] * 2
    write_check_record_xlsx(_folder(settings) / RECORD, rows)
    _fails(settings, "第4行", "重复的行", "http://x/a", "row 4", "duplicate row")


def test_an_unreadable_date_names_file_sheet_and_row(settings: Settings) -> None:
    rows = [CheckRow("政府办", "工作动态", "2020-03-01"), CheckRow("政府办", "通知公告", "三月")]
    write_check_record_xlsx(_folder(settings) / RECORD, rows)
    _fails(
        settings,
        f"文件“{QUARTER}/{RECORD}”，工作表“核查记录”，第4行",
        "最后更新日期“三月”不是可识别的日期",
        "row 4",
        "is not a date",
    )


def test_an_unknown_unit_is_an_error(settings: Settings) -> None:
    write_check_record_xlsx(_folder(settings) / RECORD, [CheckRow("人设局", "人事任免", None)])
    _fails(settings, "人设局", "最接近的已登记单位：人社局")


def test_a_check_date_before_the_quarter_is_an_error(settings: Settings) -> None:
    rows = [CheckRow("政府办", "工作动态", "2019-12-01")]
    write_check_record_xlsx(_folder(settings) / RECORD, rows, check_date="2019年12月31日")
    _fails(settings, "核查日期 2019-12-31 早于季度 2020-Q1", "before the first day of 2020-Q1")


def test_an_unreadable_check_date_is_an_error(settings: Settings) -> None:
    rows = [CheckRow("政府办", "工作动态", "2020-03-01")]
    write_check_record_xlsx(_folder(settings) / RECORD, rows, check_date="月底")
    _fails(settings, "第2行", "核查日期“月底”不是可识别的日期")


def test_units_found_in_a_check_record_for_onboarding(tmp_path: Path) -> None:
    path = write_check_record_xlsx(
        tmp_path / RECORD,
        [
            CheckRow("新单位甲", "工作动态", None),
            CheckRow("新单位乙", "通知公告", None),
            CheckRow("新单位甲", "政策文件", None),
        ],
    )
    (grid,) = read_grids(path, path.read_bytes())
    header = find_check_record_header(grid)
    assert header is not None
    assert units_in_check_record_sheet(grid, header) == ["新单位甲", "新单位乙"]


def test_a_record_only_folder_with_bad_rows_reports_the_rows_not_missing_annexes(
    settings: Settings,
) -> None:
    write_check_record_xlsx(_folder(settings) / RECORD, [CheckRow("政府办", "工作动态", "昨天")])
    message = _fails(settings, "最后更新日期“昨天”不是可识别的日期")
    assert "缺少附件" not in message
