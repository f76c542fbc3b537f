"""Spread per-county work over worker processes: parsing annexes, rendering export files.

Both are CPU-bound Python (the GIL rules out threads) and independent county by county, while
everything that touches the warehouse stays in the calling process (DuckDB has one writer).
Settings.workers (GONGKAI_WORKERS) sets how many processes (default: one per CPU; 1: none).
"""

from __future__ import annotations

import multiprocessing
import os
import site
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from typing import TypeVar

from orchestration.settings import PROJECT_ROOT, Settings

Item = TypeVar("Item")
Result = TypeVar("Result")

# Several chunks per worker even out counties of different sizes without paying a round trip
# per county.
CHUNKS_PER_WORKER = 4


def worker_count(items: int, min_items_per_worker: int, configured: int | None) -> int:
    """Processes worth starting: a worker must get enough items to pay for its start-up."""
    available = configured or os.cpu_count() or 1
    return max(1, min(available, items // max(1, min_items_per_worker)))


def map_in_processes(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    min_items_per_worker: int,
    workers: int | None = None,
) -> list[Result]:
    """[function(item) for item in items], in order, over worker processes when it pays.

    `workers` caps the processes (default: Settings.workers, GONGKAI_WORKERS). `function` must
    be a module-level function and items and results picklable. Workers come from a fork server:
    a plain fork would copy the Dagster run process with its threads and locks mid-flight, and
    the server forks from a clean, single-threaded process instead.
    """
    if workers is None:
        workers = Settings.from_env().workers
    workers = worker_count(len(items), min_items_per_worker, workers)
    if workers == 1:
        return [function(item) for item in items]
    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("forkserver")
    # A worker unpickles `function` by importing its module. The Dagster CLI puts the project on
    # sys.path only while it loads the code location, so the fork server may start without it.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=site.addsitedir,
        initargs=(str(PROJECT_ROOT),),
    ) as pool:
        return [result for chunk in pool.map(_apply, repeat(function), chunks) for result in chunk]


def _apply(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]
