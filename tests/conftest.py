"""Shared fixtures: every test gets its own landing folder, warehouse, exports and DAGSTER_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT, Settings
from tests.environment import copy_reference, set_pipeline_environment

SAMPLE_QUARTER = "2020-Q1"
SAMPLE_DIR = PROJECT_ROOT / "seeds" / "quarters" / SAMPLE_QUARTER


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that start Dagster processes (marked slow) first, each in its collected order.

    `make test` hands whole modules to its workers (pytest-xdist, --dist loadfile) in this order,
    so the longest modules start at once instead of last, beside an idle worker.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at an empty landing folder, a fresh warehouse and a private copy of the
    reference CSVs under tmp_path (a test may edit its registry without touching seeds/)."""
    landing = tmp_path / "landing"
    landing.mkdir()
    reference = copy_reference(tmp_path)
    set_pipeline_environment(monkeypatch, tmp_path, landing=landing, reference=reference)
    return Settings.from_env()


@pytest.fixture
def sample_settings(settings: Settings) -> Settings:
    """Settings whose landing folder holds a copy of the bundled sample quarter 2020-Q1."""
    shutil.copytree(SAMPLE_DIR, settings.landing_dir / SAMPLE_QUARTER)
    return settings
