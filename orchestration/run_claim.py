"""The warehouse claim: one run at a time works on the warehouse, and a dead run holds nothing.

A run claims the warehouse with an OS lock (flock) on `<warehouse>.lock`, held by the run's process
for the whole run. The kernel releases it the moment that process ends, however it ends (a
finished run, kill -9, an abort, a power cut), so a crashed run can never block the next one: there
is no claim to time out or to delete by hand. Dagster's concurrency pools were not used for this
because a pool slot outlives a killed run process (it stays STARTED) and then blocks every later
run for ever.

The lock file also records who holds it (run id, process, host, quarter, since) and whether that
holder let go: the next run reads it, to name the holder while it waits and, when the previous
holder died without letting go, to say so in its log and to mark that run as failed in Dagster.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class Holder:
    run_id: str
    pid: int
    host: str
    quarter: str | None
    since: str
    released: bool = False

    def describe(self) -> str:
        quarter = f"季度 {self.quarter}，" if self.quarter else ""
        return f"运行 {self.run_id}（{quarter}进程 {self.pid}@{self.host}，始于 {self.since}）"

    def describe_en(self) -> str:
        quarter = f"quarter {self.quarter}, " if self.quarter else ""
        return f"run {self.run_id} ({quarter}process {self.pid}@{self.host}, since {self.since})"


class WarehouseBusy(RuntimeError):
    """Another run held the warehouse for longer than the run may wait."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.lock")


def read_holder(lock_file: Path) -> Holder | None:
    try:
        data = json.loads(lock_file.read_text(encoding="utf-8") or "null")
        return Holder(**data) if data else None
    except (OSError, ValueError, TypeError):
        return None  # never claimed, or written by a process killed mid-write


def _write_holder(handle: IO[str], holder: Holder) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(asdict(holder), ensure_ascii=False))
    handle.flush()
    os.fsync(handle.fileno())


@contextmanager
def claim_warehouse(
    warehouse: Path,
    run_id: str,
    quarter: str | None,
    wait_seconds: float,
    log: Callable[[str], None],
    on_dead_holder: Callable[[Holder], None],
) -> Iterator[Holder]:
    """Hold the warehouse for the `with` block; wait up to `wait_seconds` for a live holder."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle, path, wait_seconds, log)
        previous = read_holder(path)
        if previous is not None and not previous.released and previous.run_id != run_id:
            log(
                f"发现已中断的{previous.describe()}留下的仓库占用（该进程已不在运行），已释放；"
                "它未发布的数据不会进入仓库。"
                f" / Found and released the warehouse claim of a dead {previous.describe_en()}:"
                " its process is gone, and nothing it did not publish reaches the warehouse."
            )
            on_dead_holder(previous)
        holder = Holder(
            run_id, os.getpid(), socket.gethostname(), quarter, datetime.now(UTC).isoformat()
        )
        _write_holder(handle, holder)
        try:
            yield holder
        finally:
            _write_holder(handle, Holder(**{**asdict(holder), "released": True}))
    finally:
        handle.close()  # closing the descriptor releases the flock


def _acquire(handle: IO[str], path: Path, wait_seconds: float, log: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait_seconds
    announced = False
    delay = 0.05
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = read_holder(path)
            if time.monotonic() >= deadline:
                raise WarehouseBusy(_busy_message(holder, wait_seconds)) from None
            if not announced:
                announced = True
                who_zh = holder.describe() if holder else "另一个运行"
                who_en = holder.describe_en() if holder else "another run"
                log(
                    f"仓库正由{who_zh}使用，最多等待 {wait_seconds:.0f} 秒。"
                    f" / The warehouse is in use by {who_en}; waiting up to {wait_seconds:.0f} s."
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _busy_message(holder: Holder | None, wait_seconds: float) -> str:
    who_zh = holder.describe() if holder else "另一个运行"
    who_en = holder.describe_en() if holder else "another run"
    return (
        f"仓库被{who_zh}占用，已等待 {wait_seconds:.0f} 秒仍未释放，本次运行未做任何改动。"
        "请等该运行结束后重试（或调大 GONGKAI_LOCK_WAIT_SECONDS）。"
        f" / The warehouse is held by {who_en}; gave up after {wait_seconds:.0f} s and changed"
        " nothing. Run again once it has finished (or raise GONGKAI_LOCK_WAIT_SECONDS)."
    )
