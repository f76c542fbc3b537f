"""GONGKAI_EXECUTOR: how a deployment picks the executor of the quarter's runs."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.execution import executor_for
from orchestration.settings import Settings


def test_steps_run_in_process_unless_a_deployment_says_otherwise() -> None:
    assert executor_for(Settings.from_env({})) is dg.in_process_executor
    multiprocess = Settings.from_env({"GONGKAI_EXECUTOR": "multiprocess"})
    assert executor_for(multiprocess) is dg.multiprocess_executor


def test_an_executor_whose_package_is_missing_says_which_to_install() -> None:
    with pytest.raises(ImportError, match="需要安装 dagster-k8s") as error:
        executor_for(Settings.from_env({"GONGKAI_EXECUTOR": "k8s"}))
    assert "needs the package dagster-k8s installed" in str(error.value)


def test_the_code_location_uses_the_chosen_executor() -> None:
    from orchestration.definitions import defs

    assert defs.executor is dg.in_process_executor
