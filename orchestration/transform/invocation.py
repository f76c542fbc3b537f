"""What one partition's dbt run is given: its arguments and the environment it needs.

Pure functions, so the contract with dbt (the quarter var, the paths) is tested without dbt.
"""

from __future__ import annotations

import json
import os

from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings

# Unit tests check the SQL logic on fixtures; they run in `make test`, not in every quarter's run.
BUILD_EXCLUDES = ("--exclude-resource-type", "unit_test")


def build_args(quarter_key: str) -> list[str]:
    """`dbt build` for one quarter; dagster-dbt appends the selected assets."""
    quarter = Quarter.parse(quarter_key)
    return ["build", "--vars", json.dumps({"quarter": quarter.key}), *BUILD_EXCLUDES]


def dbt_environment(settings: Settings) -> dict[str, str]:
    """Variables that profiles.yml and dbt_project.yml read.

    The warehouse is absolute: dbt runs inside dbt_project/, so a relative GONGKAI_WAREHOUSE would
    name another file than the one Settings (relative to the repository) gives the other assets.
    The seed path is relative to dbt_project/: dbt writes each seed's compiled SQL to
    target/run/gongkai/<seed path>, which for an absolute path is the CSV itself.
    """
    return {
        "GONGKAI_WAREHOUSE": str(settings.warehouse_path),
        "GONGKAI_DBT_SEED_PATH": os.path.relpath(settings.reference_dir, DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
