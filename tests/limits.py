"""Time limits of the tests that start processes, in one place, and how they stop what they start.

Generous on purpose: a cold run of the sample quarter takes 20-60 s on an idle 2-core machine and
up to 4 minutes on a busy one. A limit only decides when a test gives up; nothing asserts speed.
"""

from __future__ import annotations

import os
import signal
import subprocess

RUN_TIMEOUT = 900  # one `dagster asset materialize` of a quarter
SERVER_START_TIMEOUT = 300  # `dagster dev` until its GraphQL answers
STOP_TIMEOUT = 60  # a process asked to stop (SIGINT/SIGTERM) before it is killed
REQUEST_TIMEOUT = 120  # one HTTP request to the local webserver


def kill_group(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Kill a process and everything it started (dbt, run workers): they share its group when
    it was started with start_new_session=True; otherwise only the process itself."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait(STOP_TIMEOUT)
