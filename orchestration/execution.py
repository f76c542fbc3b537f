"""Which Dagster executor runs a quarter's steps: GONGKAI_EXECUTOR picks it, per deployment.

in_process (default) runs the steps one after another in the run's process, which holds the
warehouse claim for the whole run (orchestration/warehouse_claim.py): DuckDB has one writer and a
county's quarter is small, so a process per step would only add start-up time. A deployment that
has moved the warehouse off the local file can spread steps instead: `multiprocess` on one
machine, `k8s` (a Kubernetes job per step, package dagster-k8s) or `celery` (Celery workers,
package dagster-celery). Those two packages are not in uv.lock: a deployment adds them.
"""

from __future__ import annotations

import importlib

import dagster as dg

from orchestration.settings import Settings

# name (Settings.executor) -> (module, attribute, package that provides it)
EXECUTORS = {
    "in_process": ("dagster", "in_process_executor", "dagster"),
    "multiprocess": ("dagster", "multiprocess_executor", "dagster"),
    "k8s": ("dagster_k8s", "k8s_job_executor", "dagster-k8s"),
    "celery": ("dagster_celery", "celery_executor", "dagster-celery"),
}


def executor_for(settings: Settings) -> dg.ExecutorDefinition:
    module, attribute, package = EXECUTORS[settings.executor]
    try:
        return getattr(importlib.import_module(module), attribute)
    except ImportError as error:
        raise ImportError(
            f"GONGKAI_EXECUTOR={settings.executor} 需要安装 {package}。"
            f" / GONGKAI_EXECUTOR={settings.executor} needs the package {package} installed."
        ) from error
