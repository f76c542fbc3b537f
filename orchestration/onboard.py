"""make onboard COUNTY=<name> QUARTER=<quarter>: add a county's units, columns, kinds and annexes to
the reference folder (GONGKAI_REFERENCE_DIR) from that quarter's spreadsheets, then say in Chinese
what was added and what to review. Existing rows are never changed; running it twice adds nothing.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.quarters import Quarter
from orchestration.reference.onboarding import Onboarding, onboard, quarter_folder
from orchestration.reference.validation import validate_reference
from orchestration.settings import Settings

FILE_WORDS = {
    "counties.csv": "县",
    "annexes.csv": "附件声明",
    "unit_kinds.csv": "单位类别",
    "units.csv": "单位",
    "non_units.csv": "非单位名称",
    "columns.csv": "栏目",
}


def report(result: Onboarding, settings: Settings, quarter: Quarter) -> str:
    folder = quarter_folder(settings.landing_dir, quarter, result.county)
    lines = [f"{result.county} {quarter.key}：读取 {folder}，写入 {settings.reference_dir}"]
    lines += [f"  复制默认文件 {name}" for name in result.copied]
    if not result.added:
        lines.append("  没有需要添加的内容（参照表中已全部登记）。")
    for name, rows in result.added.items():
        lines.append(f"  {name}：新增 {len(rows)} 个{FILE_WORDS.get(name, '行')}")
    if result.problems:
        lines.append("读取表格时发现的问题（运行时同样会报告，请先改正表格）：")
        lines += [f"  {problem.render()}" for problem in result.problems]
    if result.review:
        lines.append("请核对：")
        lines += [f"  - {item}" for item in result.review]
    remaining = validate_reference(settings.reference_dir)
    if remaining:
        lines.append(f"参照表还有 {len(remaining)} 个问题，改正后才能运行：")
        lines += [f"  {problem.render()}" for problem in remaining]
    else:
        lines.append(
            f"参照表校验通过。下一步：GONGKAI_COUNTY={result.county} make run QUARTER={quarter.key}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make onboard", description=__doc__)
    parser.add_argument("--county", required=True, help="县名，如 某某县 / the county's name")
    parser.add_argument("--quarter", required=True, help="季度，如 2020-Q2 / the quarter")
    args = parser.parse_args(argv)
    county = args.county.strip()
    if not county:
        parser.error("请指定县名：make onboard COUNTY=某某县 QUARTER=2020-Q2")
    try:
        quarter = Quarter.parse(args.quarter)
    except ValueError as error:
        parser.error(str(error))
    settings = Settings.from_env()
    result = onboard(settings.reference_dir, settings.landing_dir, county, quarter)
    print(report(result, settings, quarter))
    return 0 if result.added or not result.problems else 1


if __name__ == "__main__":
    sys.exit(main())
