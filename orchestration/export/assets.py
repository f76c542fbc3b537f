"""The Dagster asset that writes each county's notice workbook and draft for a quarter."""

import dagster as dg

from orchestration.export.records import MART_MODELS
from orchestration.partitions import quarterly_partitions
from orchestration.warehouse import WAREHOUSE_POOL


@dg.asset(
    key=dg.AssetKey(["exports", "notice_workbook"]),
    # Blocking checks on the marts stop this asset: a failed check skips it and nothing is written.
    deps=[dg.AssetKey(["marts", model]) for model in MART_MODELS],
    partitions_def=quarterly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="export",
    kinds={"excel", "python"},
    description="按县、季度生成通报附件工作簿（附件1、附件2、分档名单、汇总）和通报草稿（.docx），"
    "写入 $GONGKAI_EXPORTS_DIR/<季度>/。 / Writes each county's annex workbook and notice draft"
    " for the quarter into $GONGKAI_EXPORTS_DIR/<quarter>/.",
)
def notice_workbook(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from orchestration.export.files import export_quarter
    from orchestration.export.preview import export_preview
    from orchestration.export.records import MartsMissingError
    from orchestration.settings import Settings

    settings = Settings.from_env()
    try:
        exports = export_quarter(
            settings.warehouse_path, settings.exports_dir, context.partition_key
        )
    except MartsMissingError as error:
        raise dg.Failure(description=str(error)) from error
    metadata: dict[str, dg.RawMetadataValue] = {
        "quarter": context.partition_key,
        "counties": len(exports),
        "review_notes": sum(export.review_notes for export in exports),
    }
    for sheet in ("附件1", "附件2", "分档名单", "汇总"):
        metadata[f"rows_{sheet}"] = sum(export.sheet_rows[sheet] for export in exports)
    for export in exports:
        county = export.notice.county
        metadata[f"{county} 工作簿 / workbook"] = dg.MetadataValue.path(str(export.workbook_path))
        metadata[f"{county} 草稿 / draft"] = dg.MetadataValue.path(str(export.draft_path))
    metadata["preview"] = dg.MetadataValue.md("\n\n".join(export_preview(e) for e in exports))
    return dg.MaterializeResult(metadata=metadata)
