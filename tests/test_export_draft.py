"""The notice draft (.docx), read back with python-docx and compared with the 2020-Q1 notice."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from tests.factories import notice_2020q1 as notice
from tests.test_export_contract import export_sample

# Section 一 of the published notice, in its wording and order (names as the notice prints them).
FINDINGS = (
    "经过核查统计，共更新各类政府信息262条，其中政府部门更新各类信息248条，"
    "乡镇、工业集中区、城市社区更新信息14条。"
)
TIER_SENTENCES = [
    "1.更新情况较好的单位15个，分别为县政府办、市场监督管理局、水务局、农业农村局、住建局、"
    "粮食和物资储备局、国家税务总局崇信县税务局、公共资源交易中心、平凉市生态环境局崇信分局、"
    "教科局、卫健局、应急管理局、机关事务服务中心、黄寨镇、工业集中区。",
    "2.部分更新或信息公开不规范的单位10个，分别为县财政局、人社局、审计局、司法局、"
    "工业信息化和商务局、民政局、自然资源局、交通运输局、公安局、城市社区。",
    "3.更新不及时的单位9个，分别为县发改局、统计局、执法局、文旅局、锦屏镇、新窑镇、柏树镇、"
    "黄花乡、木林乡。",
]


@pytest.fixture
def draft(tmp_path: Path) -> docx.document.Document:
    export = export_sample(tmp_path)
    assert export.draft_path.name == "崇信县-2020-Q1-通报草稿.docx"
    assert export.review_notes == 4
    return docx.Document(str(export.draft_path))


def _texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_section_one_is_the_notices_wording(draft: docx.document.Document) -> None:
    texts = _texts(draft)

    assert texts[:4] == [
        "关于崇信县2020年第一季度政府信息公开栏目更新情况的通报（草稿）",
        "近期，县政务服务中心对35个单位第一季度信息公开栏目更新情况进行了核查统计。"
        "现将更新情况通报如下：",
        "一、信息更新情况",
        FINDINGS,
    ]
    assert texts[4:7] == TIER_SENTENCES
    # The lists are the reviewer's, unit for unit (the transcription's own names).
    for sentence, names in zip(TIER_SENTENCES, notice.TIER_LISTS.values(), strict=True):
        assert sentence.split("分别为")[1].rstrip("。").split("、") == names


def test_undecided_units_get_a_visible_reviewer_note(draft: docx.document.Document) -> None:
    texts = _texts(draft)
    notes = [t for t in texts if t.startswith("【审核提示】")]

    assert len(notes) == 4
    assert notes[0] == "【审核提示】以上名单共34个单位，本季度核查35个单位。"
    assert notes[1].startswith("【审核提示】农办：核查意见中没有该单位，未列入以上任何名单；")
    assert "按规则应为“更新情况较好”（本季度公开2条" in notes[1]
    assert notes[2].startswith(
        "【审核提示】以下8个单位已按核查意见列入“部分更新或信息公开不规范”，"
        "但按规则应为“更新情况较好”"
    )
    assert notes[3].startswith("【审核提示】以下9个单位已按核查意见列入“更新不及时”")
    assert "文旅局（本季度公开1条，应更新栏目1个，其中未更新0个）" in notes[3]
    # 农办 is in no published list; it is named only in the notes.
    assert not any("农办" in sentence for sentence in texts[4:7])
    note_paragraphs = [p for p in draft.paragraphs if p.text.startswith("【审核提示】")]
    for paragraph in note_paragraphs:
        for run in paragraph.runs:
            assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
            assert str(run.font.color.rgb) == "C00000"


def test_annex_tables_equal_the_notice(draft: docx.document.Document) -> None:
    headers = ["序号", "栏目", "一季度公开数量", "责任单位", "备注"]
    expected = [
        (notice.ANNEX1_ROWS, notice.ANNEX1_DECLARED_TOTAL),
        (notice.ANNEX2_ROWS, notice.ANNEX2_DECLARED_TOTAL),
    ]
    assert len(draft.tables) == 2
    for table, (rows, total) in zip(draft.tables, expected, strict=True):
        grid = [[cell.text for cell in row.cells] for row in table.rows]
        assert grid == [
            headers,
            *[
                [str(r.row_number), r.column_name, str(r.item_count), r.unit_name, r.note]
                for r in rows
            ],
            ["合计", "合计", str(total), "", ""],  # 合计 spans 序号 and 栏目
        ]
        header_row = table.rows[0]._tr
        assert header_row.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    texts = _texts(draft)
    assert notice.ANNEX1_TITLE in texts and notice.ANNEX2_TITLE in texts


def test_draft_is_an_a4_page_with_chinese_fonts(draft: docx.document.Document) -> None:
    section = draft.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    def east_asian_font(style_name: str) -> str:
        return draft.styles[style_name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian_font("Normal") == "仿宋"
    assert east_asian_font("表格文字") == "宋体"
    cell_paragraph = draft.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell_paragraph.style.name == "表格文字"
