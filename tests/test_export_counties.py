"""Any county's export reads right: its own annex set, titles, wording and template, nobody else's.

The notices are built as records (what the reader hands the writers) for made-up counties, then
rendered by the real writers and read back with openpyxl and python-docx.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from orchestration.export.files import CountyExport, ExportError, export_notices
from orchestration.export.records import (
    AnnexLine,
    AnnexTable,
    CountyQuarterNotice,
    QuarterSummary,
    Tier,
    UnitTier,
)
from orchestration.quarters import Quarter
from tests.test_export_contract import TEMPLATES_DIR

TIERS = (Tier(1, "更新情况较好"), Tier(2, "部分更新或信息公开不规范"), Tier(3, "更新不及时"))
QUARTER = Quarter(2021, 2)
ISSUED = date(2021, 7, 9)
# Words of the sample county that must never reach another county's files.
SAMPLE_COUNTY_WORDS = ("崇信", "驻崇", "工业集中区", "县政务服务中心", "政府部门")


def _unit(position: int, name: str, kind: str, tier: Tier, *, assessed: bool = True) -> UnitTier:
    return UnitTier(
        unit_id=f"u{position}", unit_name=name, unit_short_name=name, unit_kind=kind,
        display_order=position, items_published=position, columns_responsible=1, columns_due=1,
        due_columns_without_update=0, rule_id="otherwise", rule_tier=tier.tier,
        reviewer_tier=tier.tier if assessed else None,
        reviewer_list_position=position if assessed else None, tier=tier.tier,
        tier_rank=tier.tier_rank, tier_source="reviewer" if assessed else "rule",
        tier_position=position, has_reviewer_assessment=assessed, tiers_disagree=False,
        reason=None, items_published_previous_quarter=None, items_change=None,
        listed_in_notice=assessed,
    )  # fmt: skip


def _notice(county: str, annexes: list[tuple[AnnexTable, list[UnitTier]]]) -> CountyQuarterNotice:
    units = tuple(unit for _, members in annexes for unit in members)
    lines = tuple(
        AnnexLine(
            annex=annex.number, annex_position=index, row_number=index,
            column_name_raw=f"{unit.unit_name}信息公开", item_count=unit.items_published,
            unit_name_raw=unit.unit_name, unit_id=unit.unit_id, note=None,
        )
        for annex, members in annexes
        for index, unit in enumerate(members, start=1)
    )  # fmt: skip
    total = sum(unit.items_published for unit in units)
    summary = QuarterSummary(
        total_items=total, units_checked=len(units), units_tiers_disagree=0,
        units_assessed=0, units_rule_agrees_with_reviewer=0,
        unattributed_items=0, previous_total_items=None, total_change=None,
    )  # fmt: skip
    return CountyQuarterNotice(
        county=county, quarter=QUARTER, summary=summary, annex_lines=lines,
        units=tuple(sorted(units, key=lambda u: (u.tier_rank, u.tier_position))),
        categories=(), annexes=tuple(annex for annex, _ in annexes), tiers=TIERS,
    )  # fmt: skip


def _table(
    number: int, subject: str, kinds: str, title: str, members: list[UnitTier]
) -> AnnexTable:
    items = sum(unit.items_published for unit in members)
    return AnnexTable(number, subject, kinds, title, "二季度公开数量", items, items)


def township_county() -> CountyQuarterNotice:
    """青山县: one annex of towns, townships and street offices (街道), its clerk's own title."""
    members = [
        _unit(1, "城关镇", "乡镇", TIERS[0]), _unit(2, "东关街道", "街道", TIERS[0]),
        _unit(3, "西关街道", "街道", TIERS[1]), _unit(4, "河口乡", "乡镇", TIERS[2]),
        _unit(5, "北山乡", "乡镇", TIERS[2], assessed=False),
    ]  # fmt: skip
    title = "青山县乡镇（街道）政务公开第二季度栏目更新统计表"
    return _notice("青山县", [(_table(1, "乡镇", "乡镇、街道", title, members), members)])


def three_annex_county() -> CountyQuarterNotice:
    departments = [_unit(1, "财政局", "部门", TIERS[0]), _unit(2, "教育局", "部门", TIERS[1])]
    towns = [_unit(3, "南镇", "乡镇", TIERS[0])]
    schools = [_unit(4, "第一中学", "学校", TIERS[2]), _unit(5, "第二中学", "学校", TIERS[0])]
    return _notice(
        "白水县",
        [
            (_table(1, "部门", "部门", "白水县部门信息公开第二季度更新情况统计表", departments),
             departments),
            (_table(2, "乡镇", "乡镇", "白水县乡镇信息公开第二季度更新情况统计表", towns), towns),
            (_table(3, "学校", "学校", "白水县学校信息公开第二季度更新情况统计表", schools),
             schools),
        ],
    )  # fmt: skip


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """The default template, and 青山县's own with its salutation and checking office."""
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(TEMPLATES_DIR / "notice.j2", folder)
    (folder / "青山县.notice.j2").write_text(
        '{% extends "notice.j2" %}\n'
        "{% block salutation %}各镇人民政府、乡人民政府，各街道办事处：{% endblock %}\n"
        "{% block checking_office %}县政务公开办{% endblock %}\n",
        encoding="utf-8",
    )
    return folder


def _export(notice: CountyQuarterNotice, tmp_path: Path, templates: Path) -> CountyExport:
    (export,) = export_notices([notice], tmp_path / "exports", templates, ISSUED)
    return export


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def _cells(path: Path) -> list[str]:
    return [
        str(value)
        for sheet in load_workbook(path)
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def test_a_township_county_with_one_annex_reads_in_its_own_words(
    tmp_path: Path, templates: Path
) -> None:
    export = _export(township_county(), tmp_path, templates)

    annexes = load_workbook(export.files.annexes)
    assert annexes.sheetnames == ["附件1"]
    sheet = annexes["附件1"]
    assert sheet["A2"].value == "青山县乡镇（街道）政务公开第二季度栏目更新统计表"
    assert [cell.value for cell in sheet[3]] == [
        "序号",
        "栏目",
        "二季度公开数量",
        "责任单位",
        "备注",
    ]
    assert [sheet.cell(row=r, column=4).value for r in range(4, 9)] == [
        "城关镇", "东关街道", "西关街道", "河口乡", "北山乡",
    ]  # fmt: skip

    texts = _paragraphs(export.files.draft)
    assert texts[:4] == [
        "关于青山县2021年第二季度政府\n信息公开栏目更新情况的通报",
        "各镇人民政府、乡人民政府，各街道办事处：",
        "为加强县政府门户网建设，进一步推动政务公开工作开展，近期，县政务公开办对5个单位"
        "第二季度信息公开栏目更新情况进行了核查统计。现将更新情况通报如下：",
        "一、信息更新情况",
    ]
    # One annex: the total needs no breakdown by group.
    assert texts[4].endswith("共更新各类政府信息15条。")
    assert texts[5:8] == [
        "1.更新情况较好的单位2个，分别为城关镇、东关街道。",
        "2.部分更新或信息公开不规范的单位1个，分别为西关街道。",
        "3.更新不及时的单位1个，分别为河口乡。",
    ]
    assert any(t.startswith("【审核提示】北山乡没有核查意见") for t in texts)
    # A single annex is named without a number (GB/T 9704).
    flat = [text.replace("\n", "") for text in texts]
    assert "附件：青山县乡镇（街道）政务公开第二季度栏目更新统计表" in flat
    assert texts[-4:-2] == ["青山县人民政府办公室", "2021年7月9日"]

    summary = _cells(export.files.review)
    assert "乡镇、街道更新信息（附件1）" in summary
    for path in vars(export.files).values():
        text = "".join(_paragraphs(path) if path.suffix == ".docx" else _cells(path))
        assert not [word for word in SAMPLE_COUNTY_WORDS if word in text]


def test_a_county_with_three_annexes_and_the_default_template(
    tmp_path: Path, templates: Path
) -> None:
    export = _export(three_annex_county(), tmp_path, templates)

    assert load_workbook(export.files.annexes).sheetnames == ["附件1", "附件2", "附件3"]
    assert export.sheet_rows | {} == {
        "附件1": 2, "附件2": 1, "附件3": 2, "分档名单": 5, "汇总": 0, "规则与核查意见": 5,
    }  # fmt: skip
    texts = _paragraphs(export.files.draft)
    assert texts[1] == "各乡（镇）人民政府，县直各部门："
    assert "县政务公开办公室对5个单位第二季度" in texts[2]
    assert texts[4].endswith(
        "共更新各类政府信息15条，其中部门更新各类信息3条，乡镇更新信息3条，学校更新信息9条。"
    )
    attachments = texts[texts.index("三、下一步工作要求") + 2 :][:3]
    assert attachments == [
        "附件：1.白水县部门信息公开第二季度更新情况统计表",
        "2.白水县乡镇信息公开第二季度更新情况统计表",
        "3.白水县学校信息公开第二季度更新情况统计表",
    ]
    assert len(docx.Document(str(export.files.draft)).tables) == 3


def test_a_template_with_a_mistake_names_the_file_and_line(tmp_path: Path, templates: Path) -> None:
    own = templates / "青山县.notice.j2"
    own.write_text('{% extends "notice.j2" %}\n{% block salutation %}\n{% if %}{% endblock %}\n')
    with pytest.raises(
        ExportError, match=r"青山县2021-Q2.*通报模板“[^”]*青山县.notice.j2”第3行有语法错误"
    ):
        _export(township_county(), tmp_path, templates)

    own.write_text('{% extends "notice.j2" %}\n{% block salutation %}{{ 主送 }}{% endblock %}\n')
    with pytest.raises(ExportError, match=r"使用了不存在的字段：'主送' is undefined"):
        _export(township_county(), tmp_path, templates)
    assert not (tmp_path / "exports" / "2021-Q2").exists() or not any(
        (tmp_path / "exports" / "2021-Q2").iterdir()
    )


def test_an_onboarded_township_county_exports_from_a_real_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """示范县 (one table, 乡镇 and 街道, no reviewer yet): onboarded, ingested, built by dbt."""
    import dagster as dg

    from orchestration.export.files import export_quarter
    from orchestration.export.template import TEMPLATES_FOLDER
    from orchestration.reference.onboarding import onboard
    from orchestration.settings import Settings
    from tests.environment import copy_reference, set_pipeline_environment
    from tests.factories.county_shapes import (
        TOWNSHIP_COUNTY,
        TOWNSHIP_ROWS,
        township_title,
        write_township_quarter,
    )
    from tests.pipeline import materialize_quarter

    quarter = Quarter(2020, 2)
    reference = copy_reference(tmp_path)
    landing = tmp_path / "landing"
    write_township_quarter(landing / quarter.key, quarter, TOWNSHIP_ROWS)
    onboard(reference, landing, TOWNSHIP_COUNTY, quarter)
    set_pipeline_environment(monkeypatch, tmp_path, landing=landing, reference=reference)
    monkeypatch.setenv("GONGKAI_COUNTY", TOWNSHIP_COUNTY)
    settings = Settings.from_env()
    with dg.instance_for_test() as instance:
        # the whole run, GX gate included, as `make run` does it for the new county
        result = materialize_quarter(quarter.key, instance=instance)
    assert result.success

    (export,) = export_quarter(
        settings.warehouse_path,
        settings.exports_dir,
        quarter,
        reference / TEMPLATES_FOLDER,
        ISSUED,
    )

    sheet = load_workbook(export.files.annexes)["附件1"]
    assert load_workbook(export.files.annexes).sheetnames == ["附件1"]
    assert sheet["A2"].value == township_title(quarter)  # the clerk's own title
    assert sheet["C3"].value == "二季度公开数量"
    assert sheet.cell(row=4 + len(TOWNSHIP_ROWS), column=3).value == 15  # 合计
    texts = [t.replace("\n", "") for t in _paragraphs(export.files.draft)]
    assert texts[0] == "关于示范县2020年第二季度政府信息公开栏目更新情况的通报"
    assert texts[1] == "各乡（镇）人民政府，县直各部门："  # the default template's
    assert texts[4].endswith("共更新各类政府信息15条。")
    # No reviewer's assessment yet: every list is empty and one note names the units.
    assert texts[5:8] == [
        "1.更新情况较好的单位0个。",
        "2.部分更新或信息公开不规范的单位0个。",
        "3.更新不及时的单位0个。",
    ]
    notes = [t for t in texts if t.startswith("【审核提示】")]
    assert len(notes) == 2 and notes[1].startswith("【审核提示】以下5个单位没有核查意见")
    assert f"附件：{township_title(quarter)}" in texts
    summary = _cells(export.files.review)
    assert "乡镇、街道更新信息（附件1）" in summary
    for path in vars(export.files).values():
        text = "".join(_paragraphs(path) if path.suffix == ".docx" else _cells(path))
        assert not [word for word in SAMPLE_COUNTY_WORDS if word in text]
