"""Settings read from the environment at call time, so tests and runs can point elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    exports_dir: Path
    reference_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path_from_env("GONGKAI_LANDING_DIR", PROJECT_ROOT / "seeds" / "quarters"),
            warehouse_path=_path_from_env(
                "GONGKAI_WAREHOUSE", PROJECT_ROOT / "warehouse" / "gongkai.duckdb"
            ),
            exports_dir=_path_from_env("GONGKAI_EXPORTS_DIR", PROJECT_ROOT / "exports"),
            reference_dir=_path_from_env("GONGKAI_REFERENCE_DIR", REFERENCE_DIR),
        )
