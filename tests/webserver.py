"""What the UI tests and the warm-path benchmark ask a running `dagster dev` by GraphQL."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

REPOSITORY = {"repositoryLocationName": "gongkai", "repositoryName": "__repository__"}
GraphQL = Callable[[str, dict[str, Any]], dict[str, Any]]  # (query, variables) -> data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def launch_quarter(graphql: GraphQL, quarter: str) -> dict[str, Any]:
    """Launch the quarter as the Materialize button does (the job, one partition); the answer
    is a LaunchRunSuccess with run.runId, or says what went wrong."""
    return graphql(
        "mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {"
        " __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }",
        {
            "params": {
                "selector": {**REPOSITORY, "jobName": "quarter_job"},
                "executionMetadata": {"tags": [{"key": "dagster/partition", "value": quarter}]},
            }
        },
    )["launchRun"]
