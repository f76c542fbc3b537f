"""Run expectation suites on pandas frames with GX Core 1.x, and keep what a clerk must see.

GX is imported here, inside the function, so that loading the code location stays fast; a check
run pays the import once and uses one ephemeral context for all of its suites.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestration.quality.queries import LOCATION_COLUMNS
from orchestration.quality.suites import SuiteDocument

if TYPE_CHECKING:
    import pandas as pd

RESULT_FORMAT = {"result_format": "COMPLETE"}


@dataclass(frozen=True)
class ExpectationFailure:
    """One expectation that did not hold, with the rows that broke it (may be empty).

    `explain_zh` (from the expectation's meta) tells a clerk how to read one offending row; its
    fields are the row's columns plus expected and found, e.g. '{item}：各行相加为 {found}'.
    """

    problem_zh: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    explain_zh: str | None = None


@dataclass(frozen=True)
class Outcome:
    suite: str
    rows_checked: int
    expectations: int
    failures: list[ExpectationFailure]

    @property
    def passed(self) -> bool:
        return not self.failures


def validate_frames(
    checked: Mapping[str, tuple[SuiteDocument, pd.DataFrame]],
) -> dict[str, Outcome]:
    """Validate each frame against its suite; keys are the caller's names for the checks."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    # tqdm bars in a Dagster step log only noise.
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("gongkai_quality")
    outcomes = {}
    for key, (suite_document, frame) in checked.items():
        suite = gx.ExpectationSuite(**suite_document.document)
        batch = (
            source.add_dataframe_asset(key)
            .add_batch_definition_whole_dataframe(key)
            .get_batch(batch_parameters={"dataframe": frame})
        )
        result = batch.validate(suite, result_format=RESULT_FORMAT)
        failures = [
            _failure(expectation_result, frame)
            for expectation_result in result.results
            if not expectation_result.success
        ]
        outcomes[key] = Outcome(suite_document.name, len(frame), len(result.results), failures)
    return outcomes


def _failure(expectation_result: Any, frame: pd.DataFrame) -> ExpectationFailure:
    config = expectation_result.expectation_config
    meta = config.meta or {}
    problem = meta.get("problem_zh") or config.type
    details = expectation_result.result or {}
    exception = expectation_result.exception_info or {}
    if exception.get("raised_exception"):
        # A rule that could not be evaluated must fail loudly, never pass by omission.
        message = exception.get("exception_message") or ""
        return ExpectationFailure(f"{problem}（规则无法执行：{message}）")
    indexes = details.get("unexpected_index_list")
    if not indexes:
        observed = details.get("observed_value")
        row = dict.fromkeys(LOCATION_COLUMNS)
        row |= {
            "expected": meta.get("expected_zh"),
            "found": meta.get("found_zh", observed),
            "problem": problem,
        }
        return ExpectationFailure(problem, [row], meta.get("explain_zh"))
    # compound-unique lists each duplicate row once; whole columns at once, not row by row
    offending = frame.loc[list(dict.fromkeys(indexes))]
    located = offending.reindex(columns=list(LOCATION_COLUMNS)).astype(object)
    located = located.where(located.notna(), None)
    located["expected"] = (
        offending[meta["expected_column"]] if "expected_column" in meta else meta.get("expected_zh")
    )
    located["found"] = (
        offending[meta["found_column"]] if "found_column" in meta else meta.get("found_zh")
    )
    located["problem"] = problem
    return ExpectationFailure(problem, located.to_dict("records"), meta.get("explain_zh"))
