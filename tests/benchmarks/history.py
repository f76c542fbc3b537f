"""Build earlier quarters straight through ingest and dbt, for the 41st-quarter benchmark.

A 40-run backfill through Dagster takes minutes of process start-up; this does what each run does
(private copy stamped with the quarter, ingest, the same `dbt build`, publication) for every
quarter, in one process, and records the seeds' and views' fingerprints as a run would, so the
measured 41st quarter is a new quarter of a running deployment. Settings come from the env.

    python -m tests.benchmarks.history 2016-Q4 2017-Q1 ...
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from orchestration.ingest.load import ingest_quarter
from orchestration.publication import RunFiles, publish, record_fingerprint, start_build
from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform.invocation import (
    BUILD_ARGS,
    all_quarter_fingerprint,
    keep_parse,
    profiles_dir,
    reading_reference,
    restore_parse,
)
from tests.reference_tables import with_reference_data

ALL_QUARTER_ASSETS = ("reference_data", "all_quarter_views")


def build_history(quarters: list[Quarter]) -> None:
    from dbt.cli.main import dbtRunner

    # the first quarter's ingest reads the tier labels a run's reference_data step builds
    settings = with_reference_data(Settings.from_env())
    files = RunFiles(settings.warehouse_path, settings.exports_dir)
    fingerprint = all_quarter_fingerprint(settings.reference_dir)
    dbt = dbtRunner()
    for quarter in quarters:
        start_build(files, f"history-{quarter}", quarter)
        ingest_quarter(settings, quarter, files.building)
        profiles = profiles_dir(files.building)
        # Its own target folder: dbt_project/target holds the manifest the code location loads.
        with (
            reading_reference(settings.reference_dir),
            tempfile.TemporaryDirectory(prefix="history-") as target,
        ):
            restore_parse(profiles, Path(target))
            args = [*BUILD_ARGS, "--quiet", "--project-dir", str(DBT_PROJECT_DIR)]
            args += ["--profiles-dir", str(profiles), "--target-path", target]
            if not dbt.invoke(args).success:
                raise SystemExit(f"dbt build failed for {quarter}")
            keep_parse(profiles, Path(target))
        for name in ALL_QUARTER_ASSETS:
            record_fingerprint(files.building, name, fingerprint)
        publish(files, lambda message: None)


if __name__ == "__main__":
    build_history([Quarter.parse(key) for key in sys.argv[1:]])
