"""The Dagster asset exports/notice_workbook, materialised in-process on contract marts."""

from __future__ import annotations

import dagster as dg
import pytest
from openpyxl import load_workbook

from orchestration.export.assets import notice_workbook
from orchestration.export.records import MART_MODELS
from orchestration.settings import Settings
from tests.test_export_contract import sample_warehouse

KEY = dg.AssetKey(["exports", "notice_workbook"])


def export_run(quarter: str) -> dg.ExecuteInProcessResult:
    """The export and the publication that moves its files into exports/<quarter>/."""
    from orchestration.publish import published_quarter
    from orchestration.resources import WarehouseRun

    return dg.materialize(
        [notice_workbook, published_quarter],
        partition_key=quarter,
        resources={"warehouse": WarehouseRun()},
        selection=[KEY, published_quarter.key],
    )


def export_event(result: dg.ExecuteInProcessResult) -> dg.AssetMaterialization:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == KEY]
    return event.materialization


def test_asset_writes_the_quarters_files_and_shows_them(settings: Settings) -> None:
    sample_warehouse(settings.warehouse_path)

    result = export_run("2020-Q1")

    assert result.success
    folder = settings.exports_dir / "2020-Q1"
    annexes = folder / "崇信县-2020-Q1-附件.xlsx"
    review = folder / "崇信县-2020-Q1-核查底稿.xlsx"
    draft = folder / "崇信县-2020-Q1-通报草稿.docx"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [annexes.name, review.name, draft.name]
    )
    assert load_workbook(annexes)["附件1"]["C47"].value == 248
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == KEY]
    assert event.partition == "2020-Q1"
    metadata = event.materialization.metadata
    assert metadata["崇信县 附件 / annexes"] == dg.MetadataValue.path(str(annexes))
    assert metadata["崇信县 核查底稿 / review"] == dg.MetadataValue.path(str(review))
    assert metadata["崇信县 草稿 / draft"] == dg.MetadataValue.path(str(draft))
    rows = {key: metadata[f"rows_{key}"].value for key in ("附件1", "附件2", "分档名单")}
    assert rows == {"附件1": 43, "附件2": 8, "分档名单": 35}
    assert metadata["review_notes"].value == 2
    preview = metadata["preview"].value
    assert (
        "更新情况较好15个，部分更新或信息公开不规范10个，更新不及时9个；未列入通报名单1个"
        in preview
    )
    assert "| 28 | 资源交易 | 74 | 公共资源交易中心 |  |" in preview
    assert "| 合计 |  | 14 |  |  |" in preview


def test_asset_depends_on_the_marts_and_tiers_and_works_on_the_runs_warehouse_copy() -> None:
    spec = notice_workbook.specs_by_key[KEY]
    assert {dep.asset_key for dep in spec.deps} == {
        dg.AssetKey(["marts", model])
        for model in (
            "unit_quarter", "column_quarter", "category_quarter", "quarter_summary", "annex_quarter"
        )
    } | {dg.AssetKey(["intermediate", "int_tiers"])}  # fmt: skip
    assert "warehouse" in notice_workbook.required_resource_keys
    assert "2020-Q1" in notice_workbook.partitions_def.get_partition_keys()


def test_asset_fails_in_both_languages_when_the_quarter_was_never_built(
    settings: Settings,
) -> None:
    sample_warehouse(settings.warehouse_path)

    with pytest.raises(dg.Failure, match=r"仓库中没有2020-Q2的汇总数据.*no data for 2020-Q2"):
        export_run("2020-Q2")
    assert not (settings.exports_dir / "2020-Q2").exists()


def test_a_province_run_lists_a_few_counties_and_the_folder(settings: Settings) -> None:
    from orchestration.warehouse import connect

    sample_warehouse(settings.warehouse_path)
    counties = [f"样例{n:04d}县" for n in range(1, 8)]
    with connect(settings.warehouse_path) as connection:
        for table in MART_MODELS:
            for county in counties:
                connection.execute(
                    f"insert into marts.{table} select * replace (? as county)"
                    f" from marts.{table} where county = '崇信县'",
                    [county],
                )

    metadata = export_event(export_run("2020-Q1")).metadata
    assert metadata["counties"].value == 8
    folder = settings.exports_dir / "2020-Q1"
    assert len(list(folder.iterdir())) == 3 * 8
    assert metadata["folder"] == dg.MetadataValue.path(str(folder))
    listed = [key.split(" ")[0] for key in metadata if key.endswith("附件 / annexes")]
    assert listed == sorted(["崇信县", *counties])[:5]
    assert "另有 3 个县的文件见上方文件夹" in metadata["preview"].value
