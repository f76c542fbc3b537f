"""The materialising CLI skips Python's final collection at exit; no other process does."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orchestration.cli_exit import is_materialize_cli
from orchestration.settings import PROJECT_ROOT

# An exit handler registered before the code location loads runs after the code location's own:
# it sees whether the objects were frozen for the interpreter's last collections.
PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
    "sys.argv = sys.argv[1:]\n"
    "import orchestration.definitions\n"
)


@pytest.mark.parametrize(
    ("argv", "frozen"),
    [
        (["/venv/bin/dagster", "asset", "materialize", "--partition", "2020-Q1"], True),
        (["/venv/lib/dagster/__main__.py", "asset", "materialize"], True),
        (["/venv/bin/dagster", "api", "execute_run", "{}"], False),  # a run worker
        (["/venv/bin/dagster", "code-server", "start", "-m", "orchestration"], False),
        (["/venv/bin/dagster", "dev", "-w", "workspace.yaml"], False),
        (["/venv/bin/pytest", "tests"], False),
    ],
)
def test_only_the_materialising_cli_freezes_its_objects_at_exit(
    argv: list[str], frozen: bool
) -> None:
    assert is_materialize_cli(argv) is frozen
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == f"frozen {frozen}"
