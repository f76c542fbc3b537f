"""Re-running a quarter after a corrected spreadsheet replaces that quarter and nothing else."""

from __future__ import annotations

import hashlib
import random
import shutil
import time
from typing import Any

import dagster as dg

from orchestration.automation.landing import FINGERPRINT_TAG, LandingCursor, landing_fingerprint
from orchestration.automation.sensor import plan_landing_runs
from orchestration.definitions import defs
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories.synthetic import SyntheticCounty, write_county_quarter

MARTS = ("unit_quarter", "column_quarter", "category_quarter", "quarter_summary")
RAW = ("annex_rows", "annex_totals", "reviewer_assessments", "source_files")


def _land(settings: Settings, quarter: str, seed: int) -> dict[str, str]:
    folder = settings.landing_dir / quarter
    shutil.rmtree(folder, ignore_errors=True)
    paths = write_county_quarter(
        folder, SyntheticCounty("崇信县", "chongxin"), Quarter.parse(quarter), random.Random(seed)
    )
    return {
        p.relative_to(settings.landing_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths
    }


def _run(instance: dg.DagsterInstance, settings: Settings, quarter: str) -> bool:
    """Run the quarter as the landing sensor would request it, with the sensor's tags."""
    plan = plan_landing_runs(
        settings.landing_dir, LandingCursor(), [quarter], lambda _: None, time.time(), settle=0
    )
    [request] = plan.run_requests
    result = defs.resolve_job_def("quarter_job").execute_in_process(
        partition_key=request.partition_key,
        instance=instance,
        tags=request.tags,
        raise_on_error=False,
    )
    return result.success


def _snapshot(settings: Settings, quarter: str) -> dict[str, Any]:
    """Every warehouse row and export file of one quarter."""
    tables = [f"raw.{t}" for t in RAW] + [f"marts.{m}" for m in MARTS]
    with connect(settings.warehouse_path, read_only=True) as connection:
        rows = {
            table: sorted(
                connection.execute(
                    f"select * from {table} where quarter = ?", [quarter]
                ).fetchall(),
                key=repr,
            )
            for table in tables
        }
    exports = settings.exports_dir / quarter
    files = {p.name: p.read_bytes() for p in sorted(exports.iterdir())} if exports.is_dir() else {}
    return {"rows": rows, "exports": files}


def _total_items(settings: Settings, quarter: str) -> tuple[int, int, int]:
    with connect(settings.warehouse_path, read_only=True) as connection:
        return connection.execute(
            "select s.total_items, r.items, t.declared from marts.quarter_summary s,"
            " (select sum(item_count) as items from raw.annex_rows where quarter = ?) r,"
            " (select sum(declared_total) as declared from raw.annex_totals where quarter = ?) t"
            " where s.quarter = ?",
            [quarter, quarter, quarter],
        ).fetchone()


def test_corrected_quarter_replaces_that_quarter_only(sample_settings: Settings) -> None:
    _land(sample_settings, "2020-Q2", seed=2)
    with dg.DagsterInstance.get() as instance:
        assert _run(instance, sample_settings, "2020-Q1")
        assert _run(instance, sample_settings, "2020-Q2")
        q1_before = _snapshot(sample_settings, "2020-Q1")
        q2_before = _snapshot(sample_settings, "2020-Q2")
        assert q1_before["exports"] and q2_before["exports"]
        first_total = _total_items(sample_settings, "2020-Q2")

        # a unit corrects its figures: the clerk replaces the quarter's files
        corrected = _land(sample_settings, "2020-Q2", seed=5)
        assert _run(instance, sample_settings, "2020-Q2")

        q2_after = _snapshot(sample_settings, "2020-Q2")
        total, items, declared = _total_items(sample_settings, "2020-Q2")
        assert total == items == declared != first_total[0]
        assert q2_after["exports"].keys() == q2_before["exports"].keys()
        assert q2_after["exports"] != q2_before["exports"]
        # every raw row of the quarter comes from the corrected files, none from the old ones
        with connect(sample_settings.warehouse_path, read_only=True) as connection:
            for table in RAW:
                used = connection.execute(
                    f"select distinct source_file, source_sha256 from raw.{table}"
                    " where quarter = '2020-Q2'"
                ).fetchall()
                assert set(used) <= set(corrected.items()), table
        # the quarter before is untouched: warehouse rows and export files, byte for byte
        assert _snapshot(sample_settings, "2020-Q1") == q1_before

        # the run's metadata names the files it used; the sensor's tag is their fingerprint
        [latest] = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey(["raw", "source_files"]), asset_partitions=["2020-Q2"]
            ),
            limit=1,
        ).records
        assert latest.asset_materialization is not None
        assert latest.asset_materialization.metadata["source_files"].value == corrected
        run = instance.get_run_by_id(latest.run_id)
        assert run is not None
        assert run.tags[FINGERPRINT_TAG] == landing_fingerprint(corrected)

        # a correction that cannot be read fails the run and leaves the quarter as it was
        broken = next((sample_settings.landing_dir / "2020-Q2").glob("附件1*"))
        broken.write_bytes(b"not a workbook")
        assert not _run(instance, sample_settings, "2020-Q2")
        assert _snapshot(sample_settings, "2020-Q2") == q2_after
