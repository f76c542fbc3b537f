"""Rebuild the bundled sample quarter seeds/quarters/2020-Q1 from the notice's transcription.

.venv/bin/python -m tests.factories.sample_quarter [target-folder]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import write_annex_xlsx, write_assessment_xlsx

ANNEX1_FILE = "附件1-崇信县政府部门信息公开第一季度更新情况统计表.xlsx"
ANNEX2_FILE = "附件2-崇信县乡镇信息公开第一季度更新情况统计表.xlsx"
ASSESSMENT_FILE = "核查意见-2020年第一季度.xlsx"


def assessment_entries() -> list[tuple[str, str, str]]:
    return [
        (unit, tier, notice.assessment_reason(tier))
        for tier, units in notice.TIER_LISTS.items()
        for unit in units
    ]


def build_sample_quarter(folder: Path) -> list[Path]:
    return [
        write_annex_xlsx(
            folder / ANNEX1_FILE,
            notice.ANNEX1_TITLE,
            notice.ANNEX1_ROWS,
            notice.ANNEX1_DECLARED_TOTAL,
        ),
        write_annex_xlsx(
            folder / ANNEX2_FILE,
            notice.ANNEX2_TITLE,
            notice.ANNEX2_ROWS,
            notice.ANNEX2_DECLARED_TOTAL,
        ),
        write_assessment_xlsx(
            folder / ASSESSMENT_FILE, "崇信县2020年第一季度信息公开核查意见", assessment_entries()
        ),
    ]


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "seeds" / "quarters" / notice.QUARTER
    for written in build_sample_quarter(Path(sys.argv[1]) if len(sys.argv) > 1 else default):
        print(written)
