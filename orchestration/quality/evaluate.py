"""Evaluate quality checks for one quarter: each query read once, read-only, then one GX run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orchestration.quality.gx_validation import ExpectationFailure, Outcome, validate_frames
from orchestration.quality.quality_check import QualityCheck
from orchestration.quality.queries import define_shared_macros, load_query, read_frame
from orchestration.quality.suites import load_suite
from orchestration.quarters import Quarter
from orchestration.warehouse import connect


def evaluate(
    warehouse_path: Path, quarter: Quarter, checks: Sequence[QualityCheck]
) -> dict[str, Outcome]:
    """Outcome per check name. A table the warehouse lacks fails its check, naming the table."""
    import duckdb

    if not warehouse_path.is_file():
        raise FileNotFoundError(
            f"找不到仓库文件 {warehouse_path}：请先导入本季度附件。"
            f" / Warehouse {warehouse_path} not found: ingest the quarter first."
        )
    checked = {}
    outcomes: dict[str, Outcome] = {}
    with connect(warehouse_path, read_only=True) as connection:
        undefined_macros = define_shared_macros(connection)
        for check in checks:
            try:
                frame = read_frame(connection, load_query(check.suite), quarter)
            except duckdb.CatalogException as error:
                first_line = str(error).splitlines()[0]
                # a shared macro the warehouse could not define: name the table it lacks
                first_line = next(
                    (why for name, why in undefined_macros.items() if name in first_line),
                    first_line,
                )
                problem = (
                    f"仓库中缺少本项核对要读的表，请先生成数据集市（{first_line}）"
                    " / the warehouse lacks a table this check reads: build the marts first"
                )
                outcomes[check.name] = Outcome(check.suite, 0, 0, [ExpectationFailure(problem)])
                continue
            checked[check.name] = (load_suite(check.suite), frame)
    return outcomes | (validate_frames(checked) if checked else {})
