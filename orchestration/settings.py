"""Every setting of gongkai, read from the environment in this one place.

`Settings.from_env()` is called when a step, a sensor tick or a schedule tick needs settings, not
at import, so tests and runs can point elsewhere. A value that cannot be used is refused here, in
Chinese and English, before anything runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from orchestration.ingest.limits import InputLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

EXECUTORS = ("in_process", "multiprocess", "k8s", "celery")
# Every month has a 28th, so the schedule fires in every quarter whatever the day chosen.
LAST_SCHEDULE_DAY = 28

Value = TypeVar("Value")


class SettingError(ValueError):
    """A GONGKAI_* variable holds a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    exports_dir: Path
    reference_dir: Path
    # which registered county a flat quarter folder belongs to (None: the registry's only county)
    county: str | None = None
    # worker processes for reading county folders and rendering exports (None: one per CPU)
    workers: int | None = None
    executor: str = "in_process"
    # how long a run waits for the warehouse while another run (or program) holds it
    lock_wait_seconds: float = 600.0
    schedule_day_of_month: int = 5
    # the clerks work on Beijing time: "the 5th" means the 5th there, not in UTC
    schedule_timezone: str = "Asia/Shanghai"
    # a clerk copies several files one after another: wait until the folder has been quiet
    sensor_settle_seconds: float = 30.0
    # how large a clerk's spreadsheet may be before the ingest refuses it (ingest/limits.py)
    max_file_mb: int = InputLimits.max_file_mb
    max_rows: int = InputLimits.max_rows
    max_columns: int = InputLimits.max_columns
    max_cell_chars: int = InputLimits.max_cell_chars

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def read(name: str, parse: Callable[[str], Value], default: Value) -> Value:
            value = env.get(name, "").strip()
            return parse(value) if value else default

        return cls(
            landing_dir=read("GONGKAI_LANDING_DIR", _path, PROJECT_ROOT / "seeds" / "quarters"),
            warehouse_path=read(
                "GONGKAI_WAREHOUSE", _path, PROJECT_ROOT / "warehouse" / "gongkai.duckdb"
            ),
            exports_dir=read("GONGKAI_EXPORTS_DIR", _path, PROJECT_ROOT / "exports"),
            reference_dir=read("GONGKAI_REFERENCE_DIR", _path, REFERENCE_DIR),
            county=read("GONGKAI_COUNTY", str, None),
            workers=read("GONGKAI_WORKERS", _workers, None),
            executor=read("GONGKAI_EXECUTOR", _executor, "in_process"),
            lock_wait_seconds=read("GONGKAI_LOCK_WAIT_SECONDS", _lock_wait, cls.lock_wait_seconds),
            schedule_day_of_month=read("GONGKAI_SCHEDULE_DAY_OF_MONTH", _schedule_day, 5),
            schedule_timezone=read("GONGKAI_SCHEDULE_TIMEZONE", _timezone, "Asia/Shanghai"),
            sensor_settle_seconds=read("GONGKAI_SENSOR_SETTLE_SECONDS", _settle, 30.0),
            max_file_mb=read("GONGKAI_MAX_FILE_MB", _limit("GONGKAI_MAX_FILE_MB"), cls.max_file_mb),
            max_rows=read("GONGKAI_MAX_ROWS", _limit("GONGKAI_MAX_ROWS"), cls.max_rows),
            max_columns=read("GONGKAI_MAX_COLUMNS", _limit("GONGKAI_MAX_COLUMNS"), cls.max_columns),
            max_cell_chars=read(
                "GONGKAI_MAX_CELL_CHARS", _limit("GONGKAI_MAX_CELL_CHARS"), cls.max_cell_chars
            ),
        )


def _path(value: str) -> Path:
    """Relative paths are taken from the project folder, wherever the command runs."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _workers(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise SettingError(
            f"GONGKAI_WORKERS 应为正整数（1 表示不用多进程），收到“{value}”。"
            f" / GONGKAI_WORKERS must be a whole number (1: no worker processes), got '{value}'."
        )
    return int(value)


def _limit(name: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.isdigit() or int(value) == 0:
            raise SettingError(
                f"{name} 应为正整数，收到“{value}”。"
                f" / {name} must be a whole number greater than 0, got {value!r}."
            )
        return int(value)

    return parse


def _executor(value: str) -> str:
    if value not in EXECUTORS:
        raise SettingError(
            f"GONGKAI_EXECUTOR 只能是 {' / '.join(EXECUTORS)}，收到“{value}”。"
            f" / GONGKAI_EXECUTOR must be one of {', '.join(EXECUTORS)}, got '{value}'."
        )
    return value


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise SettingError(
            f"{name} 应为秒数（不小于 0），收到“{value}”。"
            f" / {name} must be a number of seconds >= 0, got {value!r}."
        )
    return seconds


def _lock_wait(value: str) -> float:
    return _seconds("GONGKAI_LOCK_WAIT_SECONDS", value)


def _settle(value: str) -> float:
    return _seconds("GONGKAI_SENSOR_SETTLE_SECONDS", value)


def _schedule_day(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= LAST_SCHEDULE_DAY:
        name = "GONGKAI_SCHEDULE_DAY_OF_MONTH"
        raise SettingError(
            f"{name} 应为 1 到 {LAST_SCHEDULE_DAY} 之间的整数（季度结束后下月的第几天），"
            f"收到“{value}”。"
            f" / {name} must be a whole number from 1 to {LAST_SCHEDULE_DAY}"
            f" (the day of the month after a quarter ends), got {value!r}."
        )
    return int(value)


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"GONGKAI_SCHEDULE_TIMEZONE 不是有效的时区名（例如 Asia/Shanghai），收到“{value}”。"
            f" / GONGKAI_SCHEDULE_TIMEZONE is not a time zone name (e.g. Asia/Shanghai),"
            f" got {value!r}."
        ) from None
    return value
