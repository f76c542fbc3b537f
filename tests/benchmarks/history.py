"""Build earlier quarters straight through ingest and dbt, for the 41st-quarter benchmark.

A 40-run backfill through Dagster takes minutes of process start-up; this runs the same ingest and
the same `dbt build` arguments the dbt asset uses, in one process. Settings come from the env.

    python -m tests.benchmarks.history 2016-Q4 2017-Q1 ...
"""

from __future__ import annotations

import os
import sys
import tempfile

from orchestration.ingest.load import ingest_quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform.invocation import build_args, dbt_environment


def build_history(quarters: list[str]) -> None:
    from dbt.cli.main import dbtRunner

    settings = Settings.from_env()
    os.environ.update(dbt_environment(settings))
    dbt = dbtRunner()
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    # Its own target folder: dbt_project/target holds the manifest the code location loads.
    with tempfile.TemporaryDirectory(prefix="history-") as target:
        for quarter in quarters:
            ingest_quarter(settings, quarter)
            args = [*build_args(quarter), *project, "--target-path", target, "--quiet"]
            if not dbt.invoke(args).success:
                raise SystemExit(f"dbt build failed for {quarter}")


if __name__ == "__main__":
    build_history(sys.argv[1:])
