"""Keep dbt's partial parse per quarter, so a rerun of a quarter does not parse the project again.

dbt re-parses every model and test (~2 s here) whenever `--vars` differ from the parse it finds,
and the quarter is a var: the project-wide partial parse that dagster-dbt copies into each run's
target folder is therefore never valid for a run. A quarter is often run again (a corrected
annex, a backfill), with the same vars; its own last parse is valid then. dbt checks the file
itself (file hashes, vars, profile, env vars) and parses from scratch when anything changed, so a
stale file costs nothing but the parse it would have done anyway.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestration.quarters import Quarter
from orchestration.settings import DBT_PROJECT_DIR

PARSE_FILE = "partial_parse.msgpack"
CACHE_DIR = DBT_PROJECT_DIR / "target" / "partial-parse"


def cached_parse(quarter_key: str, cache_dir: Path = CACHE_DIR) -> Path:
    return cache_dir / f"{Quarter.parse(quarter_key).key}.msgpack"


def restore_parse(quarter_key: str, run_target: Path, cache_dir: Path = CACHE_DIR) -> None:
    """Put the quarter's last parse into a fresh run target (dagster-dbt then leaves it be)."""
    cached = cached_parse(quarter_key, cache_dir)
    if cached.is_file():
        shutil.copyfile(cached, run_target / PARSE_FILE)


def keep_parse(quarter_key: str, run_target: Path, cache_dir: Path = CACHE_DIR) -> None:
    """Save the run's parse for the quarter's next run; replaced atomically, never half-written."""
    produced = run_target / PARSE_FILE
    if not produced.is_file():
        return
    cached = cached_parse(quarter_key, cache_dir)
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    shutil.copyfile(produced, staged)
    os.replace(staged, cached)
