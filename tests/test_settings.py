"""Settings: every GONGKAI_* variable is read in one place and a bad value is refused in both
languages before anything runs."""

from __future__ import annotations

import pytest

from orchestration.settings import PROJECT_ROOT, SettingError, Settings


def test_defaults_are_the_bundled_sample_and_the_project_folders() -> None:
    settings = Settings.from_env({})
    assert settings.landing_dir == PROJECT_ROOT / "seeds" / "quarters"
    assert settings.warehouse_path == PROJECT_ROOT / "warehouse" / "gongkai.duckdb"
    assert settings.reference_dir == PROJECT_ROOT / "seeds" / "reference"
    assert (settings.county, settings.workers, settings.executor) == (None, None, "in_process")
    assert (settings.schedule_day_of_month, settings.schedule_timezone) == (5, "Asia/Shanghai")
    assert (settings.sensor_settle_seconds, settings.lock_wait_seconds) == (30.0, 600.0)


def test_relative_paths_are_taken_from_the_project_folder() -> None:
    settings = Settings.from_env({"GONGKAI_WAREHOUSE": "elsewhere/w.duckdb"})
    assert settings.warehouse_path == PROJECT_ROOT / "elsewhere" / "w.duckdb"


def test_values_are_read_and_trimmed() -> None:
    settings = Settings.from_env(
        {
            "GONGKAI_COUNTY": "灵台县",
            "GONGKAI_WORKERS": "3",
            "GONGKAI_EXECUTOR": "multiprocess",
            "GONGKAI_SCHEDULE_DAY_OF_MONTH": " 12 ",
            "GONGKAI_SCHEDULE_TIMEZONE": "Asia/Urumqi",
            "GONGKAI_SENSOR_SETTLE_SECONDS": "5",
            "GONGKAI_LOCK_WAIT_SECONDS": "0.5",
        }
    )
    assert settings.county == "灵台县"
    assert (settings.workers, settings.executor) == (3, "multiprocess")
    assert (settings.schedule_day_of_month, settings.schedule_timezone) == (12, "Asia/Urumqi")
    assert (settings.sensor_settle_seconds, settings.lock_wait_seconds) == (5.0, 0.5)


@pytest.mark.parametrize(
    ("name", "value", "zh", "en"),
    [
        ("GONGKAI_WORKERS", "two", "GONGKAI_WORKERS 应为正整数", "got 'two'"),
        ("GONGKAI_WORKERS", "0", "GONGKAI_WORKERS 应为正整数", "must be a whole number"),
        (
            "GONGKAI_EXECUTOR",
            "threads",
            "in_process / multiprocess / k8s / celery",
            "got 'threads'",
        ),
        ("GONGKAI_SCHEDULE_DAY_OF_MONTH", "29", "应为 1 到 28 之间的整数", "from 1 to 28"),
        ("GONGKAI_SCHEDULE_DAY_OF_MONTH", "5th", "应为 1 到 28 之间的整数", "got '5th'"),
        ("GONGKAI_SCHEDULE_TIMEZONE", "Beijing", "不是有效的时区名", "got 'Beijing'"),
        ("GONGKAI_SENSOR_SETTLE_SECONDS", "half a minute", "应为秒数", "must be a number"),
        ("GONGKAI_LOCK_WAIT_SECONDS", "-1", "应为秒数", "must be a number"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_in_both_languages(
    name: str, value: str, zh: str, en: str
) -> None:
    with pytest.raises(SettingError) as raised:
        Settings.from_env({name: value})
    assert zh in str(raised.value)
    assert en in str(raised.value)
