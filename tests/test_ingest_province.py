"""Province mode: a quarter folder with one sub-folder per county, from the seeded generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.ingest.errors import IngestError
from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories.raw_snapshot import raw_tables
from tests.factories.synthetic import generate
from tests.reference_tables import with_reference_data


@pytest.fixture
def province(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    reference, landing = generate(tmp_path / "province", 4, [Quarter(2020, 1), Quarter(2020, 2)])
    monkeypatch.setenv("GONGKAI_REFERENCE_DIR", str(reference))
    monkeypatch.setenv("GONGKAI_LANDING_DIR", str(landing))
    return with_reference_data(Settings.from_env())


def test_every_county_of_the_quarter_is_ingested(province: Settings) -> None:
    summaries = ingest_quarter(province, Quarter(2020, 1))

    assert [s.county for s in summaries] == [f"样例{n:04d}县" for n in range(1, 5)]
    for summary in summaries:
        assert summary.rows == 51
        assert summary.units_resolved == 35
        assert summary.items_by_annex == summary.declared_by_annex
    with connect(province.warehouse_path, read_only=True) as connection:
        per_county = connection.execute(
            "select county, count(*), count(distinct unit_id) from raw.annex_rows "
            "group by county order by county"
        ).fetchall()
    assert per_county == [(f"样例{n:04d}县", 51, 35) for n in range(1, 5)]


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    from orchestration.ingest.sheets import is_spreadsheet, read_grids

    def contents(root: Path) -> dict[str, object]:
        # xlsx files carry a creation time; their cell values are what must not change
        return {
            p.relative_to(root).as_posix(): [g.rows for g in read_grids(p, p.read_bytes())]
            for p in sorted(root.rglob("*.*"))
            if is_spreadsheet(p)
        }

    generate(tmp_path / "a", 6, [Quarter(2020, 1)], seed=7)
    generate(tmp_path / "b", 6, [Quarter(2020, 1)], seed=7)
    first, second = contents(tmp_path / "a"), contents(tmp_path / "b")
    assert first == second
    assert sum(name.endswith(".xlsx") for name in first) >= 12


def test_adding_a_quarter_leaves_the_others_untouched(province: Settings) -> None:
    ingest_quarter(province, Quarter(2020, 1))
    with connect(province.warehouse_path, read_only=True) as connection:
        before = connection.execute("select * from raw.annex_rows order by all").fetchall()

    ingest_quarter(province, Quarter(2020, 2))

    with connect(province.warehouse_path, read_only=True) as connection:
        after_q1 = connection.execute(
            "select * from raw.annex_rows where quarter = '2020-Q1' order by all"
        ).fetchall()
        q2 = connection.execute(
            "select count(*) from raw.annex_rows where quarter = '2020-Q2'"
        ).fetchone()
    assert after_q1 == before
    assert q2 == (4 * 51,)


def test_unregistered_county_folder_is_refused(province: Settings) -> None:
    (province.landing_dir / "2020-Q1" / "未登记县").mkdir()
    with pytest.raises(IngestError, match="文件夹“未登记县”不是已登记的县"):
        ingest_quarter(province, Quarter(2020, 1))


def test_counties_read_in_worker_processes_give_the_serial_result(
    province: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.ingest import quarter_folder
    from orchestration.ingest.registry import registry_from
    from orchestration.ingest.tier_labels import read_tier_labels
    from orchestration.reference.validation import load_reference

    tiers = read_tier_labels(province.warehouse_path)
    registry = registry_from(load_reference(province.reference_dir), tiers)
    monkeypatch.setenv("GONGKAI_WORKERS", "1")
    serial = quarter_folder.read_quarter(province.landing_dir, Quarter(2020, 1), registry)
    monkeypatch.setenv("GONGKAI_WORKERS", "2")
    monkeypatch.setattr(quarter_folder, "MIN_COUNTIES_PER_WORKER", 1)
    pooled = quarter_folder.read_quarter(province.landing_dir, Quarter(2020, 1), registry)
    assert [c.county for c in pooled] == [f"样例{n:04d}县" for n in range(1, 5)]
    assert pooled == serial


def test_problems_found_in_worker_processes_name_their_county_files(
    province: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.ingest import quarter_folder

    monkeypatch.setenv("GONGKAI_WORKERS", "2")
    monkeypatch.setattr(quarter_folder, "MIN_COUNTIES_PER_WORKER", 1)
    quarter = province.landing_dir / "2020-Q1"
    broken = [next((quarter / f"样例{n:04d}县").glob("附件1*")) for n in (2, 4)]
    for path in broken:
        path.write_bytes(b"not a workbook")
    with pytest.raises(IngestError) as error:
        ingest_quarter(province, Quarter(2020, 1))
    files = [problem.file for problem in error.value.problems]
    assert files == [path.relative_to(province.landing_dir).as_posix() for path in broken]
    assert not raw_tables(province)
