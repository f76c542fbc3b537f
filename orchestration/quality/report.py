"""Turn a suite's outcome into what the Dagster UI shows: a table of offending rows, in Chinese."""

from __future__ import annotations

from typing import Any

import dagster as dg

from orchestration.quality.validation import Failure, Outcome

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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return str(value)


def offending_rows(failures: list[Failure]) -> list[dict[str, str]]:
    return [
        {HEADERS[key]: _cell(row.get(key)) for key in HEADERS}
        for failure in failures
        for row in failure.rows
    ]


def _markdown(rows: list[dict[str, str]]) -> str:
    headers = list(HEADERS.values())
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows[:MAX_ROWS]:
        cells = (row[h].replace("|", "\\|").replace("\n", " ") for h in headers)
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > MAX_ROWS:
        lines.append(f"\n（仅显示前 {MAX_ROWS} 行，共 {len(rows)} 行）")
    return "\n".join(lines)


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
    return metadata


def check_description(outcome: Outcome, description_zh: str) -> str:
    """One line for the UI's check list: what failed and, where rows name units, which ones."""
    if outcome.passed:
        return f"通过：{description_zh}"
    rows = [row for failure in outcome.failures for row in failure.rows]
    units = sorted({_cell(row.get("unit")) for row in rows} - {""})
    shown = "、".join(units[:10]) + ("等" if len(units) > 10 else "")
    problems = "；".join(failure.problem_zh for failure in outcome.failures)
    where = f"，涉及单位：{shown}" if units else ""
    return f"未通过（{len(rows)} 处{where}）：{problems}。 / Check failed at {len(rows)} place(s)."
