"""Turn a suite's outcome into what people read: the UI's table and text, the terminal's table.

The same offending rows (县, 核对项, 文件, 工作表, 行, 单位, 栏目, 应为, 实际) go to the Dagster
UI as a table, to the step log (what `dagster asset materialize` prints) as aligned text, and,
for a blocking check, to the run's failure message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import dagster as dg

from orchestration.quality.gx_validation import ExpectationFailure, Outcome

# Frame column -> table header a clerk reads (English after the slash for the developers).
HEADERS = {
    "county": "县",
    "item": "核对项",
    "file": "文件",
    "sheet": "工作表",
    "row": "行",
    "unit": "单位",
    "column": "栏目",
    "expected": "应为",
    "found": "实际",
    "problem": "问题",
}
MAX_ROWS = 200  # a quarter has ~50 rows per county; more means a systemic error, shown in part
TERMINAL_ROWS = 20  # a terminal screen; the UI keeps the rest
# Columns of the text table: the problem heads each failure's table instead of a column.
TEXT_HEADERS = [header for key, header in HEADERS.items() if key != "problem"]
ALWAYS_SHOWN = {"县", "应为", "实际"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return str(value).replace("\n", " ")


def _display_row(row: dict[str, Any]) -> dict[str, str]:
    return {HEADERS[key]: _cell(row.get(key)) for key in HEADERS}


def offending_rows(failures: list[ExpectationFailure]) -> list[dict[str, str]]:
    return [_display_row(row) for failure in failures for row in failure.rows]


def _markdown(rows: list[dict[str, str]]) -> str:
    headers = list(HEADERS.values())
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows[:MAX_ROWS]:
        cells = (row[h].replace("|", "\\|") for h in headers)
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > MAX_ROWS:
        lines.append(f"\n（仅显示前 {MAX_ROWS} 行，共 {len(rows)} 行）")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def text_table(rows: Sequence[dict[str, str]]) -> list[str]:
    """Rows as aligned text lines, leaving out columns that are empty in every row shown."""
    headers = [h for h in TEXT_HEADERS if h in ALWAYS_SHOWN or any(row[h] for row in rows)]
    widths = {h: max(_width(h), *(_width(row[h]) for row in rows)) for h in headers}
    lines = ["  ".join(_pad(h, widths[h]) for h in headers).rstrip()]
    lines.append("  ".join("-" * widths[h] for h in headers))
    lines.extend("  ".join(_pad(row[h], widths[h]) for h in headers).rstrip() for row in rows)
    return lines


def _explanations(failure: ExpectationFailure, shown: int) -> list[str]:
    if not failure.explain_zh:
        return []
    return [
        failure.explain_zh.format_map({k: _cell(v) for k, v in row.items()})
        for row in failure.rows[:shown]
    ]


def terminal_report(outcome: Outcome, max_rows: int = TERMINAL_ROWS) -> str:
    """Each failed expectation: the problem, then its first offending rows as a text table."""
    blocks = []
    for failure in outcome.failures:
        rows = [_display_row(row) for row in failure.rows]
        lines = [f"问题：{failure.problem_zh}（{len(rows)} 处）"]
        if rows:
            lines.extend("  " + line for line in text_table(rows[:max_rows]))
        if len(rows) > max_rows:
            lines.append(
                f"  ……另有 {len(rows) - max_rows} 行未显示（共 {len(rows)} 行，见界面中的问题行表）"
            )
        lines.extend("  " + line for line in _explanations(failure, max_rows))
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def check_metadata(outcome: Outcome) -> dict[str, dg.RawMetadataValue]:
    metadata: dict[str, dg.RawMetadataValue] = {
        "套件 / suite": f"expectations/{outcome.suite}.json",
        "核对行数 / rows checked": outcome.rows_checked,
        "规则数 / expectations": outcome.expectations,
        "未通过的规则 / failed expectations": "；".join(f.problem_zh for f in outcome.failures)
        or "无",
    }
    if outcome.passed:
        return metadata
    rows = offending_rows(outcome.failures)
    units = sorted({row["单位"] for row in rows if row["单位"]})
    metadata["问题行数 / offending rows"] = len(rows)
    if units:
        metadata["涉及单位 / units"] = "、".join(units)
    metadata["问题行 / offending rows (table)"] = dg.MetadataValue.table(
        records=[dg.TableRecord(row) for row in rows[:MAX_ROWS]],
        schema=dg.TableSchema(
            columns=[dg.TableColumn(name, "string") for name in HEADERS.values()]
        ),
    )
    metadata["问题行 / offending rows"] = dg.MetadataValue.md(_markdown(rows))
    explanations = [line for f in outcome.failures for line in _explanations(f, MAX_ROWS)]
    if explanations:
        metadata["说明 / how to read"] = "\n".join(explanations)
    return metadata


def check_description(outcome: Outcome, description_zh: str, *, blocking: bool) -> str:
    """One line for the UI's check list: what failed and, where rows name units, which ones.

    A warning-only check leads with 提醒 (reminder), never with 未通过 (failed).
    """
    if outcome.passed:
        return f"通过：{description_zh}"
    rows = [row for failure in outcome.failures for row in failure.rows]
    units = sorted({_cell(row.get("unit")) for row in rows} - {""})
    shown = "、".join(units[:10]) + ("等" if len(units) > 10 else "")
    problems = "；".join(failure.problem_zh for failure in outcome.failures)
    where = f"，涉及单位：{shown}" if units else ""
    if not blocking:
        return (
            f"提醒（{len(rows)} 处{where}）：{problems}。不阻止导出。"
            f" / Warning at {len(rows)} place(s); the export goes ahead."
        )
    return f"未通过（{len(rows)} 处{where}）：{problems}。 / Check failed at {len(rows)} place(s)."


FAILURE_MESSAGE_ROWS = 5  # the run's failure message leads with the cause; the log has 20 rows


def blocking_failure_message(failed: Sequence[tuple[str, str, Outcome]]) -> str:
    """The run's failure message, Chinese first: each failed blocking check and its first rows.

    `failed` holds (check name, what the check verifies in Chinese, outcome).
    """
    names = [name for name, _, _ in failed]
    lines = [f"质量检查未通过，本季度不导出通报：{'、'.join(names)}。请按下表核对附件后重新运行。"]
    for name, description_zh, outcome in failed:
        lines.append(f"【{name}】{description_zh}")
        lines.append(terminal_report(outcome, FAILURE_MESSAGE_ROWS))
    lines.append(
        f"Blocking quality check(s) failed: {', '.join(names)}; the notice is not exported."
    )
    return "\n".join(lines)
