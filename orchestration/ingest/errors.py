"""Problems found in a clerk's spreadsheets, reported in Chinese and English with their place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from orchestration.quarters import Quarter


@dataclass(frozen=True)
class Problem:
    file: str
    zh: str
    en: str
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel and WPS number rows

    def place_zh(self) -> str:
        parts = [f"文件“{self.file}”"]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row:
            parts.append(f"第{self.row}行")
        return "，".join(parts)

    def place_en(self) -> str:
        parts = [f"file {self.file!r}"]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row:
            parts.append(f"row {self.row}")
        return ", ".join(parts)

    def render(self) -> str:
        return f"{self.place_zh()}：{self.zh}\n    {self.place_en()}: {self.en}"


class IngestError(Exception):
    """The quarter cannot be ingested; nothing was written."""

    def __init__(self, quarter: Quarter, problems: Sequence[Problem]) -> None:
        self.quarter: Quarter | None = quarter
        self.problems = list(problems)
        header = (
            f"{quarter} 的附件未导入，发现 {len(self.problems)} 个问题，仓库数据保持不变。"
            f"请改正后重新运行。\n"
            f"{quarter} was not ingested: {len(self.problems)} problem(s) found; "
            f"the warehouse is unchanged. Fix them and run again."
        )
        body = "\n".join(f"{n}. {p.render()}" for n, p in enumerate(self.problems, start=1))
        super().__init__(f"{header}\n{body}")


class UnreadableFile(Exception):
    """One file cannot be read (damaged, disguised, or over a limit); its Problem says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def damaged_file(file: str, error: Exception) -> Problem:
    """A file no reader could make sense of: damaged, or another format under this name."""
    suffix = PurePosixPath(file).suffix
    return Problem(
        file,
        f"无法读取：文件已损坏，或不是 {suffix} 格式的表格（{type(error).__name__}）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
        f"cannot be read: damaged, or not a {suffix} spreadsheet ({error}). "
        "Open it in Excel or WPS and save it as .xlsx.",
    )
