"""`dagster asset materialize` exits without Python's final garbage collection.

When the CLI's run has finished, the interpreter's shutdown walks every object the run left
(~560,000: Dagster, dbt, GX, pandas) in its final collections: 2-3 s on the development machine,
more than most steps. The process is about to end and its memory goes back to the system either
way, so the CLI freezes the objects at exit (`gc.freeze`): the final collections skip them.

Only the CLI that materialises a run in its own process and then exits does this. A code server,
a run worker, the webserver, the daemon and a test process live on (or run further work) and keep
Python's collector as it is: this is why it is decided from the command line, not done for every
process that loads the code location. Everything else at exit still happens: the other exit
handlers run (logging, multiprocessing, temporary files) and nothing of a run depends on it, as
the run has ended by then: its warehouse published (checkpointed, synced, renamed) and its events
committed to Dagster's storage.
"""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

CLI_NAMES = ("dagster", "__main__.py")  # the console script, or `python -m dagster`


def is_materialize_cli(argv: Sequence[str]) -> bool:
    return (
        bool(argv)
        and Path(argv[0]).name in CLI_NAMES
        and list(argv[1:3])
        == [
            "asset",
            "materialize",
        ]
    )


def skip_final_collection_in_cli() -> None:
    if is_materialize_cli(sys.argv):
        atexit.register(gc.freeze)
