"""A run is all or nothing: it builds a private copy of the warehouse and publishes it whole.

    claim (run_claim.py) -> copy the published warehouse to .building/<warehouse file>
    -> ingest, dbt, checks and the export all work on the copy (exports into a staging folder)
    -> publish: the copy replaces the published file in one rename, then the staged exports move
       into exports/<quarter>/

Readers (the DuckDB CLI, DBeaver, the next run) only ever see a published warehouse, so a run that
fails a check, or dies at any step, leaves that quarter's raw tables, marts and exports exactly as
they were; and the previous quarter a run compares with is always published, checked data.

The publication itself is a handful of renames, written down first in a journal
(`<warehouse>.publishing`): a run killed in the middle of it is completed by the next run's claim,
which is safe because everything being published had passed its checks.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.quarters import Quarter
from orchestration.warehouse import connect

BUILD_CONTEXT_DDL = """
create or replace table main.build_context (
    run_id varchar not null,
    quarter varchar,
    previous_quarter varchar,
    quarter_number integer,
    started_at timestamp not null
)
"""


class WarehouseDamaged(RuntimeError):
    """The published warehouse cannot be opened: nothing was changed."""


@dataclass(frozen=True)
class RunFiles:
    """Where one deployment's run builds, next to the published warehouse and exports."""

    published: Path
    exports_dir: Path

    @property
    def building(self) -> Path:
        # Same file name as the published one, in a folder beside it: DuckDB names the database
        # after the file, and the views dbt builds name their tables with that database.
        return self.published.parent / ".building" / self.published.name

    @property
    def journal(self) -> Path:
        return self.published.with_name(f"{self.published.name}.publishing")

    @property
    def staged_exports(self) -> Path:
        """Exports are rendered here and moved into exports_dir/<quarter>/ at publication."""
        return self.exports_dir / ".building"


def start_build(
    files: RunFiles, run_id: str, quarter: Quarter | None, wait_seconds: float = 0.0
) -> None:
    """Make the run's private copy of the published warehouse and stamp it with the run.

    Another program writing the published file (a DuckDB CLI, DBeaver) is waited for up to
    `wait_seconds`: the copy must not be taken in the middle of its write."""
    _discard(files.building)
    files.building.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(files.staged_exports, ignore_errors=True)
    if files.published.exists():
        _check_published(files.published, wait_seconds)
        shutil.copyfile(files.published, files.building)
    stamp_build_context(files.building, run_id, quarter)


def stamp_build_context(warehouse: Path, run_id: str, quarter: Quarter | None) -> None:
    """Write the one-row table that tells dbt which quarter it builds (macros/quarter.sql)."""
    with connect(warehouse) as connection:
        connection.execute(BUILD_CONTEXT_DDL)
        connection.execute(
            "insert into main.build_context values ($run_id, $quarter, $previous, $number, $now)",
            {
                "run_id": run_id,
                "quarter": quarter.key if quarter else None,
                "previous": quarter.previous().key if quarter else None,
                "number": quarter.number if quarter else None,
                "now": datetime.now(UTC).replace(tzinfo=None),
            },
        )


def build_owner(files: RunFiles) -> str | None:
    """The run whose private copy is on disk, if any."""
    import duckdb

    if not files.building.exists():
        return None
    try:
        with connect(files.building, read_only=True) as connection:
            owner = connection.execute("select run_id from main.build_context").fetchone()
    except duckdb.Error:
        return None  # a dead run's half-made copy: start over
    return owner[0] if owner else None


def built_fingerprint(warehouse: Path, name: str) -> str | None:
    """The inputs' fingerprint of what `name` last built into this warehouse, if recorded."""
    import duckdb

    with connect(warehouse, read_only=True) as connection:
        try:
            found = connection.execute(
                "select fingerprint from main.build_fingerprints where name = $name",
                {"name": name},
            ).fetchone()
        except duckdb.CatalogException:
            return None  # built before fingerprints were kept
    return found[0] if found else None


def record_fingerprint(warehouse: Path, name: str, fingerprint: str) -> None:
    with connect(warehouse) as connection:
        connection.execute(
            "create table if not exists main.build_fingerprints"
            " (name varchar primary key, fingerprint varchar not null)"
        )
        connection.execute(
            "insert or replace into main.build_fingerprints values ($name, $fingerprint)",
            {"name": name, "fingerprint": fingerprint},
        )


def _check_published(published: Path, wait_seconds: float) -> None:
    """Open the published file once before copying: a damaged warehouse stops the run here,
    before anything is written, with the path and what to do. Opening it for writing also
    replays and checkpoints a log left by a program that crashed while writing it."""
    import duckdb

    wal = published.with_name(f"{published.name}.wal")
    try:
        with connect(
            published, read_only=not wal.exists(), wait_seconds=wait_seconds
        ) as connection:
            connection.execute("select count(*) from duckdb_tables()").fetchone()
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            raise
        raise WarehouseDamaged(
            f"仓库文件 {published} 已损坏，无法打开（{error}）。本次运行未做任何改动。"
            "请从备份恢复该文件；没有备份时，把它移到别处，再依次重新运行各季度以重建。"
            f" / The warehouse {published} is damaged and cannot be opened ({error}); nothing"
            " was changed. Restore it from a backup, or move it away and run every quarter"
            " again to rebuild it."
        ) from error


def publish(files: RunFiles, log: Callable[[str], None]) -> list[Path]:
    """Replace the published warehouse with the run's copy, then move the staged exports in."""
    with connect(files.building) as connection:
        connection.execute("checkpoint")  # the copy moves as one file, with no log beside it
    moves = [(files.building, files.published)]
    if files.staged_exports.is_dir():
        moves += [
            (staged, files.exports_dir / staged.relative_to(files.staged_exports))
            for staged in sorted(files.staged_exports.rglob("*"))
            if staged.is_file()
        ]
    _fsync(files.building)
    _write_journal(files.journal, moves)
    complete_publication(files, log=None)
    log(
        f"已发布：仓库 {files.published}，导出文件 {len(moves) - 1} 个。"
        f" / Published the warehouse {files.published} and {len(moves) - 1} export file(s)."
    )
    return [target for _, target in moves[1:]]


def complete_publication(files: RunFiles, log: Callable[[str], None] | None) -> None:
    """Carry out the journal's renames that are still to do (all of them, or the rest of a
    publication whose run was killed half-way), then drop the journal."""
    if not files.journal.exists():
        return
    moves = json.loads(files.journal.read_text(encoding="utf-8"))
    pending = [(Path(source), Path(target)) for source, target in moves if Path(source).exists()]
    for source, target in pending:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    _fsync_dir(files.published.parent)
    files.journal.unlink()
    shutil.rmtree(files.staged_exports, ignore_errors=True)
    if log is not None and pending:
        log(
            f"上一次运行在发布途中中断，已完成其剩余的 {len(pending)} 步发布（数据已通过核对）。"
            f" / Completed the {len(pending)} remaining step(s) of a publication interrupted"
            " by a killed run (its data had passed every check)."
        )


def discard_build(files: RunFiles) -> None:
    """A run that did not publish leaves nothing behind but the published files."""
    _discard(files.building)
    shutil.rmtree(files.staged_exports, ignore_errors=True)


def _discard(building: Path) -> None:
    for path in (building, building.with_name(f"{building.name}.wal")):
        path.unlink(missing_ok=True)


def _write_journal(journal: Path, moves: list[tuple[Path, Path]]) -> None:
    staged = journal.with_name(f"{journal.name}.tmp")
    staged.write_text(json.dumps([[str(s), str(t)] for s, t in moves]), encoding="utf-8")
    _fsync(staged)
    os.replace(staged, journal)
    _fsync_dir(journal.parent)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
