"""End to end: the sample quarter through the real ingest, dbt, GX checks and the export.

The job is the code location's own quarter_job, so this is what `make run` and the schedule do.
"""

from __future__ import annotations

import dagster as dg
import docx
from openpyxl import load_workbook

from orchestration.definitions import defs
from orchestration.settings import Settings
from tests.factories import notice_2020q1 as notice
from tests.test_export_draft import NOTICE_SECTION_ONE, sentences
from tests.test_export_workbook import notice_annex_grid

EXPORT = dg.AssetKey(["exports", "notice_workbook"])


def test_the_sample_quarter_exports_the_notice(sample_settings: Settings) -> None:
    job = defs.resolve_job_def("quarter_job")

    result = job.execute_in_process(partition_key=notice.QUARTER)

    assert result.success
    assert EXPORT in {e.asset_key for e in result.get_asset_materialization_events()}
    folder = sample_settings.exports_dir / notice.QUARTER
    workbook = load_workbook(folder / "崇信县-2020-Q1-附件.xlsx")
    assert list(workbook["附件1"].iter_rows(values_only=True)) == notice_annex_grid(
        "附件1", notice.ANNEX1_TITLE, notice.ANNEX1_ROWS, notice.ANNEX1_DECLARED_TOTAL
    )
    assert list(workbook["附件2"].iter_rows(values_only=True)) == notice_annex_grid(
        "附件2", notice.ANNEX2_TITLE, notice.ANNEX2_ROWS, notice.ANNEX2_DECLARED_TOTAL
    )
    review = load_workbook(folder / "崇信县-2020-Q1-核查底稿.xlsx")
    tiers = list(review["分档名单"].iter_rows(values_only=True))
    assert (
        tiers[1][0]
        == "更新情况较好15个，部分更新或信息公开不规范10个，更新不及时9个；未列入通报名单1个"
    )
    nongban = [r for r in tiers if r[2] == "农办"]
    assert [(r[0], r[-1]) for r in nongban] == [("未列入通报名单", "无核查意见，未列入通报名单")]
    draft = docx.Document(str(folder / "崇信县-2020-Q1-通报草稿.docx"))
    texts = [p.text for p in draft.paragraphs if p.text.strip()]
    assert sentences("\n".join(texts[1:8])) == sentences(NOTICE_SECTION_ONE)
    assert any(t.startswith("【审核提示】农办没有核查意见") for t in texts)
