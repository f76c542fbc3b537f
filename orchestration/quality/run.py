"""Evaluate quality checks for one quarter: frames read once, read-only, then one GX run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from orchestration.quality.frames import read_frame
from orchestration.quality.reference import load_reference
from orchestration.quality.suites import load_suite
from orchestration.quality.validation import Failure, Outcome, validate_frames
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect

if TYPE_CHECKING:
    from orchestration.quality.checks import QualityCheck  # checks imports this module


def evaluate(
    settings: Settings, quarter_key: str, checks: Sequence[QualityCheck]
) -> dict[str, Outcome]:
    """Outcome per check name. A table the warehouse lacks fails its check, naming the table."""
    import duckdb

    quarter = Quarter.parse(quarter_key)
    if not settings.warehouse_path.is_file():
        raise FileNotFoundError(
            f"找不到仓库文件 {settings.warehouse_path}：请先导入本季度附件。"
            f" / Warehouse {settings.warehouse_path} not found: ingest the quarter first."
        )
    checked = {}
    outcomes: dict[str, Outcome] = {}
    with connect(settings.warehouse_path, read_only=True) as connection:
        load_reference(connection, settings.reference_dir)
        for check in checks:
            try:
                frame = read_frame(connection, check.query, quarter.key, quarter.number)
            except duckdb.CatalogException as error:
                first_line = str(error).splitlines()[0]
                problem = (
                    f"仓库中缺少本项核对要读的表，请先生成数据集市（{first_line}）"
                    " / the warehouse lacks a table this check reads: build the marts first"
                )
                outcomes[check.name] = Outcome(check.suite, 0, 0, [Failure(problem)])
                continue
            checked[check.name] = (load_suite(check.suite), frame)
    return outcomes | (validate_frames(checked) if checked else {})
