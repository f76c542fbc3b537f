"""Settings read from the environment at call time, so tests and runs can point elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.limits import InputLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else PROJECT_ROOT / path


def _positive_int_from_env(name: str, default: int) -> int:
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) == 0:
        raise ValueError(
            f"{name} 应为正整数，收到“{value}”。"
            f" / {name} must be a whole number greater than 0, got {value!r}."
        )
    return int(value)


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    exports_dir: Path
    reference_dir: Path
    # Input limits: their defaults and why are in orchestration/ingest/limits.py.
    max_file_mb: int = InputLimits.max_file_mb
    max_rows: int = InputLimits.max_rows
    max_columns: int = InputLimits.max_columns
    max_cell_chars: int = InputLimits.max_cell_chars

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path_from_env("GONGKAI_LANDING_DIR", PROJECT_ROOT / "seeds" / "quarters"),
            warehouse_path=_path_from_env(
                "GONGKAI_WAREHOUSE", PROJECT_ROOT / "warehouse" / "gongkai.duckdb"
            ),
            exports_dir=_path_from_env("GONGKAI_EXPORTS_DIR", PROJECT_ROOT / "exports"),
            reference_dir=_path_from_env("GONGKAI_REFERENCE_DIR", REFERENCE_DIR),
            max_file_mb=_positive_int_from_env("GONGKAI_MAX_FILE_MB", InputLimits.max_file_mb),
            max_rows=_positive_int_from_env("GONGKAI_MAX_ROWS", InputLimits.max_rows),
            max_columns=_positive_int_from_env("GONGKAI_MAX_COLUMNS", InputLimits.max_columns),
            max_cell_chars=_positive_int_from_env(
                "GONGKAI_MAX_CELL_CHARS", InputLimits.max_cell_chars
            ),
        )
