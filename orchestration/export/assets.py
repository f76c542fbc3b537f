"""The Dagster asset that writes each county's notice workbook and draft for a quarter."""

import dagster as dg

from orchestration.export.records import MART_MODELS
from orchestration.partitions import quarter_of, quarterly_partitions
from orchestration.resources import WarehouseRun

# Counties whose files and preview the materialisation lists one by one.
COUNTIES_DETAILED = 5


@dg.asset(
    key=dg.AssetKey(["exports", "notice_workbook"]),
    # Blocking checks on the marts stop this asset: a failed check skips it and nothing is written.
    deps=[dg.AssetKey(["marts", model]) for model in MART_MODELS],
    partitions_def=quarterly_partitions,
    group_name="export",
    kinds={"excel", "python"},
    description="按县、季度生成通报附件工作簿（附件1、附件2、分档名单、汇总）和通报草稿（.docx），"
    "写入 $GONGKAI_EXPORTS_DIR/<季度>/。 / Writes each county's annex workbook and notice draft"
    " for the quarter into $GONGKAI_EXPORTS_DIR/<quarter>/.",
)
def notice_workbook(
    context: dg.AssetExecutionContext, warehouse: WarehouseRun
) -> dg.MaterializeResult:
    from orchestration.export.files import export_quarter
    from orchestration.export.preview import export_preview
    from orchestration.export.records import MartsMissingError
    from orchestration.settings import Settings

    settings = Settings.from_env()
    quarter = quarter_of(context)
    try:
        # Rendered into the run's staging folder; the publish step moves the files into
        # exports/<quarter>/ together with the warehouse, once everything has passed.
        exports = export_quarter(warehouse.path, warehouse.staged_exports, quarter.key)
    except MartsMissingError as error:
        raise dg.Failure(description=str(error)) from error
    metadata: dict[str, dg.RawMetadataValue] = {
        "quarter": quarter.key,
        "counties": len(exports),
        "review_notes": sum(export.review_notes for export in exports),
    }
    for sheet in ("附件1", "附件2", "分档名单", "汇总"):
        metadata[f"rows_{sheet}"] = sum(export.sheet_rows[sheet] for export in exports)
    metadata["folder"] = dg.MetadataValue.path(str(settings.exports_dir / quarter.key))
    # A province's run exports thousands of counties: their files are all in the folder above,
    # and one event carrying thousands of entries would only slow the UI down.
    shown = exports[:COUNTIES_DETAILED]
    for export in shown:
        county = export.notice.county
        for label, path in (
            ("工作簿 / workbook", export.workbook_path),
            ("草稿 / draft", export.draft_path),
        ):
            published = settings.exports_dir / path.relative_to(warehouse.staged_exports)
            metadata[f"{county} {label}"] = dg.MetadataValue.path(str(published))
    preview = [export_preview(e) for e in shown]
    if len(exports) > len(shown):
        preview.append(
            f"（另有 {len(exports) - len(shown)} 个县的文件见上方文件夹）"
            f" / {len(exports) - len(shown)} more counties: see the folder."
        )
    metadata["preview"] = dg.MetadataValue.md("\n\n".join(preview))
    return dg.MaterializeResult(metadata=metadata)
