"""Replace files only once their new content is complete and on disk.

A clerk may have last quarter's export open, and a run may fail or be killed half-way: the old
file must then stay exactly as it was, and no half-written file may take its place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".partial"
NEW_FILE_MODE = 0o644


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(folder: Path) -> None:
    # The rename itself must reach the disk too; not every platform lets a folder be opened.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _mode_of(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return NEW_FILE_MODE


@contextmanager
def replacing(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each target; on success move them all into place.

    The temporary files live in the target's own folder so that `os.replace` is a rename on one
    file system. If the block raises, every temporary file is removed and no target is touched.
    """
    temporaries: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
            )
            os.close(descriptor)
            temporaries.append(Path(name))
            # mkstemp creates owner-only files; an export is meant to be read by colleagues.
            os.chmod(name, _mode_of(target))
        yield list(temporaries)
        for temporary in temporaries:
            _fsync_file(temporary)
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
        for folder in {target.parent for target in targets}:
            _fsync_directory(folder)
    finally:
        for temporary in temporaries:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
