"""What a clerk reads when a check fails: the terminal table, the reminder, the run's failure."""

from __future__ import annotations

import unicodedata

from orchestration.quality.gx_validation import ExpectationFailure, Outcome
from orchestration.quality.report import (
    blocking_failure_message,
    check_description,
    terminal_report,
)

TOTAL_EXPLAINED = (
    "{item}：各行公开数量相加为 {found}，合计行填写为 {expected}。"
    "错误可能在任意一行数据，也可能在合计本身，请逐行核对。"
)


def row(**values: object) -> dict[str, object]:
    located = dict.fromkeys(("county", "item", "file", "sheet", "row", "unit", "column"))
    return located | values


def display_column(line: str, text: str) -> int:
    """Where text last starts in a terminal line, counting a Chinese character as two columns."""
    prefix = line[: line.rindex(text)]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in prefix)


def missing_columns(count: int) -> Outcome:
    rows = [
        row(
            county="样例县",
            item=f"附件1目录第{n}项",
            file="2021-Q3/附件1.xlsx",
            sheet="Sheet1",
            column=f"栏目{n}",
            expected="附件中有此栏目",
            found=0,
        )
        for n in range(1, count + 1)
    ]
    return Outcome(
        "due_columns", count, 1, [ExpectationFailure("本季度应更新的栏目在附件中缺失", rows)]
    )


def test_the_terminal_shows_twenty_rows_aligned_and_counts_the_rest() -> None:
    text = terminal_report(missing_columns(25))
    lines = text.splitlines()

    assert lines[0] == "问题：本季度应更新的栏目在附件中缺失（25 处）"
    header, rule, *rows = lines[1:23]
    assert header.split() == ["县", "核对项", "文件", "工作表", "栏目", "应为", "实际"]
    assert set(rule.strip()) == {"-", " "}
    assert len(rows) == 20 and rows[-1].split()[1] == "附件1目录第20项"
    # every column starts at the same terminal position in every line, Chinese text included
    for column, cell in (("栏目", "栏目20"), ("应为", "附件中有此栏目"), ("实际", "0")):
        assert display_column(rows[-1], cell) == display_column(header, column)
    assert display_column(rows[0], "栏目1") == display_column(header, "栏目")
    assert lines[23] == "  ……另有 5 行未显示（共 25 行，见界面中的问题行表）"
    assert "附件1目录第21项" not in text


def test_a_total_mismatch_names_both_figures_and_where_the_error_may_be() -> None:
    failure = ExpectationFailure(
        "各行公开数量相加与“合计”不符",
        [
            row(
                county="样例县",
                item="附件2合计",
                file="a.xlsx",
                sheet="表",
                row=12,
                column="合计",
                expected=15,
                found=14,
            )
        ],
        TOTAL_EXPLAINED,
    )

    text = terminal_report(Outcome("annex_totals", 2, 3, [failure]))

    header, _, line = text.splitlines()[1:4]
    assert line.split() == ["样例县", "附件2合计", "a.xlsx", "表", "12", "合计", "15", "14"]
    assert header.split()[-2:] == ["应为", "实际"]
    assert text.splitlines()[-1].strip() == (
        "附件2合计：各行公开数量相加为 14，合计行填写为 15。"
        "错误可能在任意一行数据，也可能在合计本身，请逐行核对。"
    )


def test_a_warning_only_check_reads_as_a_reminder_and_a_blocking_one_as_a_failure() -> None:
    outcome = Outcome(
        "reviewer_coverage",
        3,
        1,
        [ExpectationFailure("该单位没有核查意见", [row(unit="某局"), row(unit="某镇")])],
    )

    warning = check_description(outcome, "每个单位都有核查意见", blocking=False)
    failure = check_description(outcome, "每个单位都有核查意见", blocking=True)

    assert warning.startswith(
        "提醒（2 处，涉及单位：某局、某镇）：该单位没有核查意见。不阻止导出。"
    )
    assert "未通过" not in warning and "fail" not in warning.lower()
    assert failure.startswith("未通过（2 处，涉及单位：某局、某镇）：该单位没有核查意见。")


def test_the_run_failure_names_each_failed_check_and_its_first_rows_chinese_first() -> None:
    message = blocking_failure_message(
        [("due_columns_present", "本季度应更新的栏目都出现在附件中。", missing_columns(8))]
    )
    lines = message.splitlines()

    assert lines[0] == (
        "质量检查未通过，本季度不导出通报：due_columns_present。请按下表核对附件后重新运行。"
    )
    assert lines[1] == "【due_columns_present】本季度应更新的栏目都出现在附件中。"
    assert "附件1目录第5项" in message and "附件1目录第6项" not in message
    assert "……另有 3 行未显示（共 8 行" in message
    assert lines[-1].startswith("Blocking quality check(s) failed: due_columns_present;")
