"""warehouse.connect waits, for a bounded time, while another process holds DuckDB's lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration.warehouse import WarehouseLocked, connect

HOLD_SECONDS = 1.5
HOLDER = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("create table if not exists held (n integer)")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
connection.close()
"""


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(HOLD_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_connect_waits_for_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(path)
    started = time.monotonic()
    with connect(path, wait_seconds=30) as connection:
        waited = time.monotonic() - started
        connection.execute("insert into held values (1)")
    assert holder.wait(10) == 0
    assert 0.5 < waited < HOLD_SECONDS + 5


def test_connect_gives_up_after_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(path)
    started = time.monotonic()
    with pytest.raises(WarehouseLocked) as raised, connect(path, wait_seconds=0.3):
        pass
    message = str(raised.value)
    assert "被另一个程序锁定" in message and "is locked by another program" in message
    assert f"PID {holder.pid}" in message  # DuckDB names the holder
    assert time.monotonic() - started < HOLD_SECONDS
    assert holder.wait(10) == 0


def test_connect_waits_as_long_as_the_setting_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an explicit bound, the wait is GONGKAI_LOCK_WAIT_SECONDS (Settings), nothing else."""
    monkeypatch.setenv("GONGKAI_LOCK_WAIT_SECONDS", "0.3")
    path = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(path)
    started = time.monotonic()
    with pytest.raises(WarehouseLocked), connect(path):
        pass
    assert 0.3 <= time.monotonic() - started < HOLD_SECONDS
    assert holder.wait(10) == 0
