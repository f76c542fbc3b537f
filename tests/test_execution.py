"""GONGKAI_EXECUTOR: how a deployment picks the executor of the quarter's runs."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.execution import executor_from_env


def test_steps_run_in_process_unless_a_deployment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GONGKAI_EXECUTOR", raising=False)
    assert executor_from_env() is dg.in_process_executor
    monkeypatch.setenv("GONGKAI_EXECUTOR", "multiprocess")
    assert executor_from_env() is dg.multiprocess_executor


def test_an_executor_whose_package_is_missing_says_which_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GONGKAI_EXECUTOR", "k8s")
    with pytest.raises(ImportError, match="需要安装 dagster-k8s") as error:
        executor_from_env()
    assert "needs the package dagster-k8s installed" in str(error.value)


def test_an_unknown_executor_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_EXECUTOR", "threads")
    with pytest.raises(ValueError, match="in_process / multiprocess / k8s / celery"):
        executor_from_env()


def test_the_code_location_uses_the_chosen_executor() -> None:
    from orchestration.definitions import defs

    assert defs.executor is dg.in_process_executor
