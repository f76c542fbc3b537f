"""The notice draft (.docx), read back with python-docx and compared with the 2020-Q1 notice."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn

from orchestration.export.draft import CHARS_PER_LINE, TEXT_WIDTH_PT, attachment_text
from orchestration.export.widths import display_width, wider_half
from tests.factories import notice_2020q1 as notice
from tests.test_export_contract import export_sample

# The 2020-Q1 notice from its salutation to the end of section 一, as transcribed
# (../shared/reference/notice-2020-Q1.txt, half-width punctuation and a stray space included).
NOTICE_SECTION_ONE = "\n".join([
    "各乡(镇)人民政府,县工业集中区管委会,县直及省、市驻崇有关单位:",
    "为加强县政府门户网建设,进一步推动政务公开工作开展,近期,县政务服务中心对35个单位第一季度信息公开栏目更新情况进行了核查统计。现将更新情况通报如下:",
    "一、信息更新情况",
    "经过核查统计发现,各单位能够围绕全县政务活动和群众关注的热点,按照应公开、尽公开的原则,重点突出政策文件、财税信息、公共资源配置、民计民生、公共监管、回应关切等方面信息公开,共更新各类政府信息262条,其中政府部门更新各类信息248条,乡镇、工业集中区、城市社区更新信息14条。",
    "1.更新情况较好的单位15个,分别为县政府办、市场监督管理局、水务局、农业农村局、住建局、粮食和物资储备局、国家税务总局崇信县税务局、公共资源交易中心、平凉市生态环境局崇信分局、教科局、卫健局、应急管理局、机关事务服务中心、黄寨镇、工业集中区。",
    "2.部分更新或信息公开不规范的单位10个,分别为县财政局、人社局、审计局、司法局、工业信息化和商务局、"
    "民政局、 自然资源局、交通运输局、公安局、城市社区。",
    "3.更新不及时的单位9个,分别为县发改局、统计局、执法局、文旅局、锦屏镇、新窑镇、柏树镇、黄花乡、木林乡。",
])  # fmt: skip


def sentences(text: str) -> list[str]:
    """Sentences with the notice's half-width punctuation and stray spaces normalised away."""
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return [s for s in re.split(r"(?<=[。:])", flat) if s]


@pytest.fixture
def draft(tmp_path: Path) -> docx.document.Document:
    export = export_sample(tmp_path)
    assert export.files.draft.name == "崇信县-2020-Q1-通报草稿.docx"
    assert export.review_notes == 2
    return docx.Document(str(export.files.draft))


def _texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_section_one_is_the_notice_sentence_by_sentence(draft: docx.document.Document) -> None:
    texts = _texts(draft)

    # The title in two lines of about equal width, as GB/T 9704 sets a long title.
    assert texts[0] == "关于崇信县2020年第一季度政府\n信息公开栏目更新情况的通报"
    section_one = "\n".join(texts[1:8])
    assert sentences(section_one) == sentences(NOTICE_SECTION_ONE)
    # The draft itself uses full-width punctuation, as an official document does.
    assert texts[1] == "各乡（镇）人民政府，县工业集中区管委会，县直及省、市驻崇有关单位："
    # The lists are the reviewer's, unit for unit (the transcription's own names).
    for sentence, names in zip(texts[5:8], notice.TIER_LISTS.values(), strict=True):
        assert sentence.split("分别为")[1].rstrip("。").split("、") == names


def test_review_notes_are_one_line_on_agreement_and_one_per_gap(
    draft: docx.document.Document,
) -> None:
    texts = _texts(draft)
    notes = [t for t in texts if t.startswith("【审核提示】")]

    assert notes == [
        "【审核提示】规则与核查意见一致17 / 34个已核查单位，不一致的17个已按核查意见列入名单，"
        "详见核查底稿。",
        "【审核提示】农办没有核查意见，未列入以上任何名单（按规则为“更新情况较好”），"
        "请确定列入哪一项。",
    ]
    # 农办 is in no published list; it is named only in its note.
    assert not any("农办" in sentence for sentence in texts[5:8])
    for paragraph in [p for p in draft.paragraphs if p.text.startswith("【审核提示】")]:
        for run in paragraph.runs:
            assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
            assert str(run.font.color.rgb) == "C00000"


def test_the_frame_around_section_one_is_the_notices(draft: docx.document.Document) -> None:
    texts = _texts(draft)
    end = texts.index("附件1")

    assert texts[texts.index("二、存在问题") + 1].startswith("（由起草人填写")
    assert texts[texts.index("三、下一步工作要求") + 1].startswith("（由起草人填写")
    assert texts[end - 4 : end] == [
        # Broken where the notice itself broke its title, rather than leaving 表 alone.
        "附件：1.崇信县政府部门信息公开第一季度更新\n情况统计表",
        "2.崇信县乡镇信息公开第一季度更新情况统计表",
        "崇信县人民政府办公室",
        "2020年4月16日",
    ]
    office, day = (p for p in draft.paragraphs if p.text in texts[end - 2 : end])
    assert office.alignment == day.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert office.paragraph_format.keep_with_next  # never a date alone on the next page
    labels = [p for p in draft.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.paragraph_format.page_break_before for p in labels] == [True, True]
    # The office ends four characters from the right margin, the date centred under it
    # (10 characters over 6.5: 2020 and 16 are half-width).
    assert office.paragraph_format.right_indent.pt == 4 * 16
    assert day.paragraph_format.right_indent.pt == 4 * 16 + (10 - 6.5) / 2 * 16


def test_no_attachment_line_ends_with_a_lone_character() -> None:
    room = CHARS_PER_LINE - 2 - 3  # indented two characters, then “附件：”
    for title in (
        notice.ANNEX1_TITLE,
        notice.ANNEX2_TITLE,
        "崇信县政府部门信息公开第一季度更新情况统计表（含县直单位及驻县单位）",
    ):
        for first in (True, False):
            lines = attachment_text(f"1.{title}", first).removeprefix("附件：").split("\n")
            assert "".join(lines) == f"1.{title}"
            assert all(display_width(line) / 2 <= room for line in lines[:-1])
            assert len(lines) == 1 or len(lines[-1]) >= 5


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
        header_row = table.rows[0]
        assert header_row._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
        assert all(run.bold for cell in header_row.cells for run in cell.paragraphs[0].runs)
    texts = _texts(draft)
    assert notice.ANNEX1_TITLE in texts and notice.ANNEX2_TITLE in texts


def test_annex_table_columns_are_sized_to_their_content(draft: docx.document.Document) -> None:
    for table in draft.tables:
        widths = [column.width.pt for column in table.columns]
        assert sum(widths) == pytest.approx(TEXT_WIDTH_PT, abs=1)
        # 序号 narrow, the names wide: not equal shares of the page.
        assert widths[0] < min(widths[1], widths[3]) and widths[1] > 2 * widths[0]
        for row in table.rows[:-1]:  # the 合计 row merges 序号 and 栏目
            assert [cell.width.pt for cell in row.cells] == pytest.approx(widths, abs=0.1)
        # Only the six longest 栏目 of 附件1 wrap (Word's cell margins: 5.75 pt each side); with
        # equal shares of the page every second one would.
        inner = [width - 11.5 for width in widths]
        wrapped = [
            row.cells[1].text
            for row in table.rows[1:]
            if any(
                display_width(cell.text) / 2 * 10.5 > space
                for cell, space in zip(row.cells, inner, strict=True)
            )
        ]
        assert len(wrapped) <= 6
        # The header wraps onto two lines at most.
        assert all(
            display_width(wider_half(cell.text)) / 2 * 10.5 <= space
            for cell, space in zip(table.rows[0].cells, inner, strict=True)
        )


def test_draft_is_laid_out_as_an_official_document(draft: docx.document.Document) -> None:
    section = draft.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]

    def east_asian_font(style_name: str) -> str:
        return draft.styles[style_name].element.rPr.rFonts.get(qn("w:eastAsia"))

    normal = draft.styles["Normal"]
    assert east_asian_font("Normal") == "仿宋" and normal.font.size.pt == 16
    spacing = normal.paragraph_format
    assert spacing.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    # 22 lines in the 225 mm text block.
    assert int((297 - 37 - 35) / 25.4 * 72 // spacing.line_spacing.pt) == 22
    assert east_asian_font("表格文字") == "宋体"

    def run_font(text: str) -> tuple[str, float, bool]:
        (paragraph,) = [p for p in draft.paragraphs if p.text == text][:1]
        run = paragraph.runs[0]
        east_asian = run.element.rPr.rFonts.get(qn("w:eastAsia"))
        return east_asian, run.font.size.pt, paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER

    assert run_font(_texts(draft)[0]) == ("方正小标宋简体", 22, True)
    assert run_font("一、信息更新情况") == ("黑体", 16, False)
    assert run_font(notice.ANNEX1_TITLE) == ("方正小标宋简体", 18, True)
    body = next(p for p in draft.paragraphs if p.text.startswith("为加强"))
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    cell_paragraph = draft.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell_paragraph.style.name == "表格文字"


def test_a_draft_that_changes_its_document_outside_the_body_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the body part is saved afresh per county: a style a draft added would be lost."""
    from docx.enum.style import WD_STYLE_TYPE

    from orchestration.export import draft as drafts
    from orchestration.export.files import ExportError

    monkeypatch.setattr(drafts, "_blank", None)  # a document of this test's own
    write_lines = drafts._write_lines

    def adding_a_style(document: docx.document.Document, lines: list) -> None:  # type: ignore[type-arg]
        document.styles.add_style("Added by a draft", WD_STYLE_TYPE.PARAGRAPH)
        write_lines(document, lines)

    monkeypatch.setattr(drafts, "_write_lines", adding_a_style)
    with pytest.raises(ExportError, match="outside the body"):
        export_sample(tmp_path)
    assert not list((tmp_path / "exports").rglob("*.docx"))
