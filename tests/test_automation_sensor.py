"""The landing sensor: run requests for given folder states, by content hash, with its cursor."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.automation.landing import FINGERPRINT_TAG, LandingCursor, landing_fingerprint
from orchestration.automation.sensor import landing_sensor, plan_landing_runs
from orchestration.ingest.assets import raw_quarter
from orchestration.partitions import quarterly_partitions
from orchestration.publish import published_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from tests.factories.synthetic import SyntheticCounty, write_county_quarter
from tests.pipeline import materialize_quarter
from tests.reference_tables import with_reference_data

CHONGXIN = SyntheticCounty("崇信县", "chongxin")
PARTITIONS = set(quarterly_partitions.get_partition_keys())


@pytest.fixture
def landing(sample_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample quarter 2020-Q1 landed; the sensor does not wait for folders to settle."""
    monkeypatch.setenv("GONGKAI_SENSOR_SETTLE_SECONDS", "0")
    return sample_settings.landing_dir


def _tick(
    instance: dg.DagsterInstance, cursor: str | None
) -> tuple[list[dg.RunRequest], str | None]:
    # closed at once (see test_automation_schedule._evaluate)
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        result = landing_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return list(result.run_requests or []), result.cursor


def _fingerprint(landing: Path, quarter: str) -> str:
    import hashlib

    return landing_fingerprint(
        {
            p.relative_to(landing).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (landing / quarter).rglob("*")
            if p.is_file() and not p.name.startswith("~$")
        }
    )


def test_new_quarter_starts_one_run_then_nothing(landing: Path) -> None:
    with dg.instance_for_test() as instance:
        [request], cursor = _tick(instance, None)
        assert request.partition_key == "2020-Q1"
        fingerprint = _fingerprint(landing, "2020-Q1")
        assert request.tags[FINGERPRINT_TAG] == fingerprint
        assert request.run_key == f"2020-Q1:{fingerprint[:16]}:1"
        assert _tick(instance, cursor)[0] == []


def test_lock_files_other_documents_and_touching_start_nothing(landing: Path) -> None:
    folder = landing / "2020-Q1"
    with dg.instance_for_test() as instance:
        _, cursor = _tick(instance, None)
        (folder / "~$附件1-崇信县政府部门信息公开第一季度更新情况统计表.xlsx").write_bytes(b"lock")
        (folder / "说明.docx").write_bytes(b"not an annex")
        annex = next(folder.glob("附件1*.xlsx"))
        later = time.time_ns() + 10**9
        os.utime(annex, ns=(later, later))  # saved again without a change
        requests, cursor = _tick(instance, cursor)
        assert requests == []
        # the new mtime is remembered, so the file is not read again at the next tick
        assert LandingCursor.from_json(cursor).hashes[f"2020-Q1/{annex.name}"].mtime_ns == later


def test_changed_content_starts_a_run_even_back_to_an_earlier_version(landing: Path) -> None:
    annex = next((landing / "2020-Q1").glob("附件2*.xlsx"))
    original = annex.read_bytes()
    with dg.instance_for_test() as instance:
        [first], cursor = _tick(instance, None)
        annex.write_bytes(original + b"\0")
        [second], cursor = _tick(instance, cursor)
        annex.write_bytes(original)
        [third], cursor = _tick(instance, cursor)

    assert second.tags[FINGERPRINT_TAG] != first.tags[FINGERPRINT_TAG]
    assert third.tags[FINGERPRINT_TAG] == first.tags[FINGERPRINT_TAG]
    # a run_key is used once per sensor: the third request must not reuse the first's
    assert len({first.run_key, second.run_key, third.run_key}) == 3


def test_hashes_are_cached_by_size_and_mtime(landing: Path) -> None:
    annex = next((landing / "2020-Q1").glob("附件1*.xlsx"))
    with dg.instance_for_test() as instance:
        _, cursor = _tick(instance, None)
        stat = annex.stat()
        # same size and mtime, other bytes: the cached hash is trusted, the file is not re-read
        annex.write_bytes(bytes(reversed(annex.read_bytes())))
        os.utime(annex, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert _tick(instance, cursor)[0] == []
        # with no cache (a reset cursor) the file is read and the change is seen
        [request], _ = _tick(instance, None)
    assert request.partition_key == "2020-Q1"


def test_county_sub_folders_and_several_quarters(landing: Path) -> None:
    write_county_quarter(
        landing / "2020-Q2" / "崇信县", CHONGXIN, Quarter.parse("2020-Q2"), random.Random(2)
    )
    with dg.instance_for_test() as instance:
        requests, cursor = _tick(instance, None)
        assert [r.partition_key for r in requests] == ["2020-Q1", "2020-Q2"]
        assert requests[1].tags[FINGERPRINT_TAG] == _fingerprint(landing, "2020-Q2")
        assert any(p.startswith("2020-Q2/崇信县/") for p in LandingCursor.from_json(cursor).hashes)

        # a new file in one county folder starts that quarter only
        shutil.copy(
            next((landing / "2020-Q1").glob("核查意见*.xlsx")),
            landing / "2020-Q2" / "崇信县" / "核查意见.xlsx",
        )
        [request], _ = _tick(instance, cursor)
    assert request.partition_key == "2020-Q2"


def test_folders_that_are_not_partitions_are_skipped_with_a_message(landing: Path) -> None:
    before_first = Quarter.parse(min(PARTITIONS)).previous().key
    for name in (before_first, "2099-Q1", "模板", "2020-q3"):
        shutil.copytree(landing / "2020-Q1", landing / name)
    (landing / "2020-Q4").mkdir()  # empty: nothing to run yet
    plan = plan_landing_runs(
        landing, LandingCursor(), PARTITIONS, lambda _: None, now=time.time(), settle=0
    )
    assert [r.partition_key for r in plan.run_requests] == ["2020-Q1"]
    skipped = [m for m in plan.messages if m.startswith("跳过文件夹")]
    assert len(skipped) == 4
    assert any("“2099-Q1”" in m and "not a quarter partition" in m for m in skipped)


def test_a_folder_being_copied_is_looked_at_once_it_settles(landing: Path) -> None:
    now = time.time()
    os.utime(next((landing / "2020-Q1").glob("附件2*.xlsx")), (now - 1, now - 1))
    plan = plan_landing_runs(landing, LandingCursor(), PARTITIONS, lambda _: None, now, settle=60)
    assert plan.run_requests == []
    assert "稍后再检查" in plan.messages[0]
    settled = plan_landing_runs(
        landing, plan.cursor, PARTITIONS, lambda _: None, now + 61, settle=60
    )
    assert [r.partition_key for r in settled.run_requests] == ["2020-Q1"]


def test_files_already_ingested_start_no_run(landing: Path) -> None:
    with_reference_data(Settings.from_env())  # as a run's reference_data step leaves it
    with dg.instance_for_test() as instance:
        # ingested but not published (a run that failed or died): the quarter still needs a run
        ingested = materialize_quarter("2020-Q1", (raw_quarter,), checks=(), instance=instance)
        assert ingested.success
        [request], _ = _tick(instance, None)
        assert request.partition_key == "2020-Q1"
        published = (raw_quarter, published_quarter)
        result = materialize_quarter("2020-Q1", published, checks=(), instance=instance)
        assert result.success
        # a new sensor (or a reset cursor) does not rebuild what was ingested from the same files
        requests, cursor = _tick(instance, None)
        assert requests == []
        annex = next((landing / "2020-Q1").glob("附件1*.xlsx"))
        annex.write_bytes(annex.read_bytes() + b"\0")
        [request], _ = _tick(instance, cursor)
    assert request.partition_key == "2020-Q1"


def test_a_future_mtime_is_clock_skew_not_a_copy_in_progress(landing: Path) -> None:
    now = time.time()
    os.utime(next((landing / "2020-Q1").glob("附件2*.xlsx")), (now + 3600, now + 3600))
    plan = plan_landing_runs(landing, LandingCursor(), PARTITIONS, lambda _: None, now, settle=60)
    assert [r.partition_key for r in plan.run_requests] == ["2020-Q1"]
