"""The environment of a pipeline of its own under one folder, as tests and benchmarks set it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.settings import REFERENCE_DIR


def copy_reference(root: Path) -> Path:
    """A private copy of seeds/reference at root/reference, for a test to edit or extend."""
    return Path(shutil.copytree(REFERENCE_DIR, root / "reference"))


def pipeline_environment(
    root: Path, *, landing: Path | None = None, reference: Path | None = None
) -> dict[str, str]:
    """GONGKAI_* and DAGSTER_HOME for a pipeline under root: its landing folder (root/landing
    unless told), warehouse, exports and Dagster home (made here) under root, and the reference
    folder when told (seeds/reference otherwise)."""
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    variables = {
        "GONGKAI_LANDING_DIR": str(landing or root / "landing"),
        "GONGKAI_WAREHOUSE": str(root / "warehouse" / "gongkai.duckdb"),
        "GONGKAI_EXPORTS_DIR": str(root / "exports"),
        "DAGSTER_HOME": str(home),
    }
    if reference is not None:
        variables["GONGKAI_REFERENCE_DIR"] = str(reference)
    return variables


def set_pipeline_environment(
    env: pytest.MonkeyPatch,
    root: Path,
    *,
    landing: Path | None = None,
    reference: Path | None = None,
) -> None:
    """Set pipeline_environment(root, ...) with `env`, and unset GONGKAI_COUNTY (a test that
    runs a flat quarter folder sets it after)."""
    for name, value in pipeline_environment(root, landing=landing, reference=reference).items():
        env.setenv(name, value)
    env.delenv("GONGKAI_COUNTY", raising=False)
