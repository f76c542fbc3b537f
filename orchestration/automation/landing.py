"""What a quarter's landing folder holds, by content: file hashes, fingerprints, the sensor cursor.

A file is identified by the SHA-256 of its bytes, not by its timestamp: a clerk who opens and
saves an annex without changing it starts no run, and a changed file always does. Hashes are
cached by (size, mtime) so that unchanged files are not read again at every sensor tick.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.sheets import is_spreadsheet
from orchestration.quarters import Quarter

# Run tag with the fingerprint of the landing files a run was started for.
FINGERPRINT_TAG = "gongkai/landing_sha256"


@dataclass(frozen=True)
class FileHash:
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class QuarterLanding:
    """The spreadsheets of one quarter folder: path relative to the landing folder -> SHA-256."""

    quarter: Quarter
    files: dict[str, str]

    @property
    def fingerprint(self) -> str:
        return landing_fingerprint(self.files)


def landing_fingerprint(files: Mapping[str, str]) -> str:
    """One SHA-256 for a set of files: changes when a file is added, removed, renamed or edited."""
    listing = "".join(f"{sha}  {path}\n" for path, sha in sorted(files.items()))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def quarter_spreadsheets(folder: Path) -> list[Path]:
    """The annexes of a quarter folder and of its county sub-folders (province mode)."""
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if is_spreadsheet(path)]
    for sub in folder.iterdir():
        if sub.is_dir() and not sub.name.startswith("."):
            found.extend(path for path in sub.iterdir() if is_spreadsheet(path))
    return sorted(found)


def newest_change(paths: list[Path]) -> float:
    """Seconds since the epoch of the latest modification among paths (0 for none)."""
    return max((path.stat().st_mtime for path in paths), default=0.0)


def hash_files(
    landing_dir: Path, paths: list[Path], cache: Mapping[str, FileHash]
) -> dict[str, FileHash]:
    """SHA-256 of each file, reusing the cached hash while its size and mtime are unchanged."""
    hashes: dict[str, FileHash] = {}
    for path in paths:
        relative = path.relative_to(landing_dir).as_posix()
        stat = path.stat()
        cached = cache.get(relative)
        if cached and (cached.size, cached.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            hashes[relative] = cached
            continue
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        hashes[relative] = FileHash(stat.st_size, stat.st_mtime_ns, sha)
    return hashes


@dataclass
class LandingCursor:
    """The sensor's memory between ticks, stored as JSON in the sensor's cursor."""

    # relative path -> hash of the file as last seen
    hashes: dict[str, FileHash] = field(default_factory=dict)
    # quarter -> fingerprint already requested (or found already ingested)
    handled: dict[str, str] = field(default_factory=dict)
    # quarter -> how many runs the sensor has requested for it; makes every run_key unique, so
    # that going back to an earlier version of a file starts a run again
    requests: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "hashes": {
                    path: [h.size, h.mtime_ns, h.sha256] for path, h in sorted(self.hashes.items())
                },
                "handled": dict(sorted(self.handled.items())),
                "requests": dict(sorted(self.requests.items())),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> LandingCursor:
        """An empty cursor for a new sensor, or for one whose cursor was reset in the UI."""
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            hashes={
                path: FileHash(int(size), int(mtime_ns), str(sha))
                for path, (size, mtime_ns, sha) in data.get("hashes", {}).items()
            },
            handled={str(q): str(fp) for q, fp in data.get("handled", {}).items()},
            requests={str(q): int(n) for q, n in data.get("requests", {}).items()},
        )
