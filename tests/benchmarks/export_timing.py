"""Time the export step alone, against a warehouse a run has already built.

The run's own figure for `exports__notice_workbook` mixes reading the marts, starting worker
processes and rendering; this separates them and gives the rendering cost per county, in one
process (workers=1) or in several, optionally under cProfile.

    python -m tests.benchmarks.export_timing WAREHOUSE [--counties N] [--workers W] [--profile]

WAREHOUSE is a run's warehouse of 2020-Q1 (e.g. one left by `tests.factories.synthetic` and a
materialisation); the files go to a temporary folder and are thrown away.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from orchestration.export import files
from orchestration.export.records import read_notices
from orchestration.export.template import BUNDLED_TEMPLATES
from orchestration.quarters import Quarter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--quarter", default="2020-Q1")
    parser.add_argument("--counties", type=int, default=None, help="the first N counties only")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile (workers=1 only)")
    args = parser.parse_args()

    started = time.perf_counter()
    notices = read_notices(args.warehouse, Quarter.parse(args.quarter))[: args.counties]
    read = time.perf_counter() - started

    # The export's worker count is the deployment's setting (Settings.workers).
    os.environ["GONGKAI_WORKERS"] = str(args.workers)
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as folder:
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        files.export_notices(notices, Path(folder), BUNDLED_TEMPLATES, date(2020, 4, 16))
        if profiler:
            profiler.disable()
        export = time.perf_counter() - started
        # On a shared machine wall time swings with other loads; this process's CPU time does
        # not (with workers it leaves out the workers' CPU).
        cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"counties {len(notices)}, workers {args.workers}: read marts {read:.2f} s,"
        f" export {export:.2f} s = {1000 * export / max(1, len(notices)):.1f} ms per county"
        f" (CPU of this process {1000 * cpu / max(1, len(notices)):.1f} ms per county);"
        # Workers come from a fork server, not this process: their memory is not counted here.
        f" peak memory of this process {peak_mb:.0f} MB"
    )
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
