"""What one partition's dbt run is given: its arguments and the environment it needs.

Small functions, so the contract with dbt (the quarter var, the paths) is tested without dbt.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR, Settings

# Unit tests check the SQL logic on fixtures; they run in `make test`, not in every quarter's run.
BUILD_EXCLUDES = ("--exclude-resource-type", "unit_test")

# dbt writes each seed's compiled SQL to <target>/run/gongkai/<seed path>/<file>.csv. A seed path
# that climbs more than one level out of dbt_project/ (a reference folder elsewhere on the disk)
# would put those copies outside the target folder, beside the user's files. Such a folder is
# reached through a link in here instead, named by a digest of its absolute path, so the seed path
# stays the same from run to run and dbt's partial parse stays valid.
REFERENCE_LINKS_DIR = DBT_PROJECT_DIR / "target" / "reference-links"


def build_args(quarter_key: str) -> list[str]:
    """`dbt build` for one quarter; dagster-dbt appends the selected assets."""
    quarter = Quarter.parse(quarter_key)
    return ["build", "--vars", json.dumps({"quarter": quarter.key}), *BUILD_EXCLUDES]


def dbt_environment(settings: Settings) -> dict[str, str]:
    """Variables that profiles.yml and dbt_project.yml read.

    The warehouse is absolute: dbt runs inside dbt_project/, so a relative GONGKAI_WAREHOUSE would
    name another file than the one Settings (relative to the repository) gives the other assets.
    The seed path is relative to dbt_project/: with an absolute one, dbt's compiled copy of each
    seed is the CSV itself, which it would overwrite.
    """
    return {
        "GONGKAI_WAREHOUSE": str(settings.warehouse_path),
        "GONGKAI_DBT_SEED_PATH": seed_path(settings.reference_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def seed_path(reference_dir: Path) -> str:
    """The reference folder as dbt's seed path, relative to dbt_project/ and kept inside it.

    The default (seeds/reference) is one level up and used as it is; any other folder gets a link
    under target/ (created here if missing), so compiled seeds never leave the target folder.
    """
    relative = os.path.relpath(reference_dir, DBT_PROJECT_DIR)
    if Path(relative).parts.count("..") <= 1:
        return relative
    absolute = Path(reference_dir).resolve()
    link = REFERENCE_LINKS_DIR / hashlib.sha256(str(absolute).encode()).hexdigest()[:16]
    _point_link(link, absolute)
    _remove_dangling_links(REFERENCE_LINKS_DIR, keep=link)
    return os.path.relpath(link, DBT_PROJECT_DIR)


def _point_link(link: Path, destination: Path) -> None:
    """Point `link` at `destination` atomically: concurrent runs never see it half-made."""
    if link.is_symlink() and Path(os.readlink(link)) == destination:
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    staged = link.with_name(f"{link.name}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    staged.symlink_to(destination, target_is_directory=True)
    os.replace(staged, link)


def _remove_dangling_links(folder: Path, keep: Path) -> None:
    """Drop links whose folder is gone (a test's or a benchmark's temporary registry)."""
    for link in folder.iterdir():
        if link != keep and link.is_symlink() and not link.exists():
            link.unlink(missing_ok=True)
