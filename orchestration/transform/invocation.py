"""What a run's dbt invocation is given: its arguments, its profile and its seed folder.

Small functions, so the contract with dbt is tested without running dbt. dbt is never configured
through the process's environment (the run process is shared by all its steps) nor through
`--vars` (a changed var makes dbt parse the whole project again): the warehouse comes in a
generated profile, the reference folder through a link the seed path names, and the quarter from
the warehouse itself (`main.build_context`, written by orchestration/publication.py and read by
macros/quarter.sql when dbt executes).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

# Seeds and models only: dbt's data tests and unit tests run in `make test`
# (tests/test_dbt_project.py); each quarter's run is gated by the GX checks. No JSON artifacts
# (manifest.json, run_results.json: ~0.3 s a step): the code location reads the manifest `make`
# prepares, dagster-dbt reads dbt's event stream, and the partial parse is written all the same.
BUILD_ARGS = (
    "build",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
    "--no-write-json",
)

# dbt_project.yml's seed path. It is a link to the run's reference folder, inside the project:
# dbt writes each seed's compiled copy to <target>/run/gongkai/<seed path>/, and a seed path that
# climbed out of the project would put those copies beside the user's files.
REFERENCE_LINK = DBT_PROJECT_DIR / "target" / "reference"
REFERENCE_LOCK = DBT_PROJECT_DIR / "target" / "reference.lock"
PROFILES_DIR = DBT_PROJECT_DIR / "target" / "profiles"
PARSE_FILE = "partial_parse.msgpack"
WAREHOUSE_RECORD = "warehouse"  # in each profiles folder: the warehouse file it is for

PROFILE_TEMPLATE = """\
# Written by orchestration/transform/invocation.py for the warehouse copy runs build on.
gongkai:
  target: warehouse
  outputs:
    warehouse:
      type: duckdb
      path: {path}
      schema: main
      threads: 2
"""


def profiles_dir(warehouse: Path) -> Path:
    """A profiles folder for one warehouse file, written once; its name is a digest of the file.

    The folder also keeps that profile's last dbt parse: dbt parses the whole project again
    whenever the profile differs from the one its saved parse was made with.
    """
    text = PROFILE_TEMPLATE.format(path=_yaml_string(str(warehouse.resolve())))
    folder = PROFILES_DIR / hashlib.sha256(text.encode()).hexdigest()[:16]
    profile = folder / "profiles.yml"
    if not profile.is_file() or profile.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(folder / WAREHOUSE_RECORD, str(warehouse.resolve()))
        _write_atomically(profile, text)
        _remove_profiles_of_gone_warehouses(keep=folder)
    return folder


def _remove_profiles_of_gone_warehouses(keep: Path) -> None:
    """Drop the profiles (and ~1 MB kept parse each) of warehouses whose folder is gone: a
    test's or a benchmark's temporary warehouse would otherwise leave one behind for good."""
    for folder in PROFILES_DIR.iterdir():
        record = folder / WAREHOUSE_RECORD
        if folder == keep or not record.is_file():
            continue
        if not Path(record.read_text(encoding="utf-8")).parent.exists():
            shutil.rmtree(folder, ignore_errors=True)


def _repoint(destination: Path) -> None:
    """Point the seed path at `destination` atomically (a reader never sees it half-made); only
    under the exclusive lock, so one staged name serves, and a run killed here leaves a stray
    staged link that the next repointing replaces. dbt notices a changed folder by the seeds'
    content and re-reads only them."""
    staged = REFERENCE_LINK.with_name(f"{REFERENCE_LINK.name}.tmp")
    staged.unlink(missing_ok=True)
    staged.symlink_to(destination, target_is_directory=True)
    os.replace(staged, REFERENCE_LINK)


def _points_at(destination: Path) -> bool:
    return REFERENCE_LINK.is_symlink() and Path(os.readlink(REFERENCE_LINK)) == destination


@contextmanager
def reading_reference(reference_dir: Path) -> Iterator[None]:
    """The seed path pointed at `reference_dir` for as long as dbt runs in the block.

    One checkout has one seed path: runs (or tests) of other reference folders would otherwise
    repoint it under a running dbt, which then seeds another county's files. Every dbt
    invocation holds a shared lock on the link; repointing it takes the exclusive lock, so it
    waits until no dbt of this checkout reads the old folder. Runs of one folder never wait.
    """
    import fcntl

    destination = reference_dir.resolve()
    REFERENCE_LINK.parent.mkdir(parents=True, exist_ok=True)
    with open(REFERENCE_LOCK, "a+b") as lock:
        while True:
            fcntl.flock(lock, fcntl.LOCK_SH)
            if _points_at(destination):
                break
            fcntl.flock(lock, fcntl.LOCK_EX)  # a conversion: others may repoint meanwhile
            if not _points_at(destination):
                _repoint(destination)
            # downgrading is not atomic either: check the link again under the shared lock
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def restore_parse(profiles: Path, run_target: Path) -> None:
    """Put the profile's last parse into a fresh run target (dagster-dbt then leaves it be)."""
    kept = profiles / PARSE_FILE
    if kept.is_file():
        run_target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, run_target / PARSE_FILE)


def keep_parse(profiles: Path, run_target: Path) -> None:
    """Keep the run's parse for the next run; replaced atomically, never half-written."""
    produced = run_target / PARSE_FILE
    if produced.is_file():
        staged = profiles / f"{PARSE_FILE}.{os.getpid()}.tmp"
        shutil.copyfile(produced, staged)
        os.replace(staged, profiles / PARSE_FILE)


def all_quarter_fingerprint(reference_dir: Path) -> str:
    """What the seeds and the all-quarter views are built from: the reference CSVs, the dbt
    project's macros, staging and intermediate models and its settings, and dbt's version. The
    views read the raw tables when queried, so new raw rows never require building them again."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("dbt-core").encode())
    sources = [*sorted(reference_dir.glob("*.csv")), DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("macros", "models/staging", "models/intermediate", "models/reference"):
        sources += sorted(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_atomically(path: Path, text: str) -> None:
    staged = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)
