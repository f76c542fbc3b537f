"""A warehouse holding the reference data, as a run's reference_data step leaves it.

The ingest reads each county's tier labels from the warehouse (dbt decides them: int_tiers), so a
test that ingests without running the pipeline first needs them built. dbt builds them once per
reference folder content and dbt project (all_quarter_fingerprint) into a cache that the test
session's workers share (and later sessions reuse); each test gets its own copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform import invocation
from orchestration.transform.assets import REFERENCE_SELECTION

CACHE = Path(tempfile.gettempdir()) / "gongkai-test-reference"
# One fixed warehouse to build in: its profile, and so dbt's partial parse, is reused by builds.
BUILDING = CACHE / "building" / "gongkai.duckdb"


def build_reference_data(warehouse: Path, reference_dir: Path) -> None:
    """dbt builds the seeds and the reference-only models into `warehouse` (a subprocess)."""
    profiles = invocation.profiles_dir(warehouse)
    with (
        invocation.reading_reference(reference_dir),
        tempfile.TemporaryDirectory(prefix="reference-") as target,
    ):
        invocation.restore_parse(profiles, Path(target))
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                *invocation.BUILD_ARGS,
                "--select",
                *REFERENCE_SELECTION.split(),
                "--profiles-dir",
                str(profiles),
                "--target-path",
                target,
            ],
            cwd=DBT_PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"dbt could not build the reference data:\n{done.stdout}")
        invocation.keep_parse(profiles, Path(target))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def with_reference_data(settings: Settings) -> Settings:
    """`settings`, its warehouse starting as its reference folder's data built by dbt (a
    warehouse that already exists is left as it is)."""
    if settings.warehouse_path.exists():
        return settings
    fingerprint = invocation.all_quarter_fingerprint(settings.reference_dir)
    built = CACHE / fingerprint / BUILDING.name
    with _locked(CACHE / "cache.lock"):
        if not built.is_file():
            BUILDING.parent.mkdir(parents=True, exist_ok=True)
            BUILDING.unlink(missing_ok=True)
            build_reference_data(BUILDING, settings.reference_dir)
            built.parent.mkdir(parents=True, exist_ok=True)
            staged = built.with_name(f"{built.name}.{os.getpid()}.tmp")
            shutil.copyfile(BUILDING, staged)
            os.replace(staged, built)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, settings.warehouse_path)
    return settings
