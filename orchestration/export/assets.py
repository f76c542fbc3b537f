"""The Dagster asset that writes each county's notice files for a quarter."""

import dagster as dg

from orchestration.export.records import MART_MODELS
from orchestration.partitions import quarter_of, quarterly_partitions
from orchestration.resources import WarehouseRun
from orchestration.warehouse import TIERS_VIEW

# Counties whose files and preview the materialisation lists one by one.
COUNTIES_DETAILED = 5


@dg.asset(
    key=dg.AssetKey(["exports", "notice_workbook"]),
    # Blocking checks on the marts stop this asset: a failed check skips it and nothing is written.
    deps=[dg.AssetKey(["marts", model]) for model in MART_MODELS] + [dg.AssetKey(list(TIERS_VIEW))],
    partitions_def=quarterly_partitions,
    group_name="export",
    kinds={"excel", "python"},
    description="按县、季度生成三个文件，写入 $GONGKAI_EXPORTS_DIR/<季度>/："
    "附件（可直接发布的附件表格）、核查底稿（分档名单、汇总、规则与核查意见比对、栏目时效）"
    "和按本县模板生成的通报草稿（.docx）。"
    " / Writes each county's publishable annex tables, review workbook and notice draft (from the"
    " county's template) for the quarter into $GONGKAI_EXPORTS_DIR/<quarter>/.",
)
def notice_workbook(
    context: dg.AssetExecutionContext, warehouse: WarehouseRun
) -> dg.MaterializeResult:
    from datetime import date

    from orchestration.export.files import ExportError, export_quarter
    from orchestration.export.preview import export_preview
    from orchestration.export.records import MartsMissingError
    from orchestration.export.template import TEMPLATES_FOLDER
    from orchestration.settings import Settings

    settings = Settings.from_env()
    quarter = quarter_of(context)
    try:
        # Rendered into the run's staging folder; the publish step moves the files into
        # exports/<quarter>/ together with the warehouse, once everything has passed.
        exports = export_quarter(
            warehouse.path,
            warehouse.staged_exports,
            quarter,
            settings.reference_dir / TEMPLATES_FOLDER,
            date.today(),
        )
    except (MartsMissingError, ExportError) as error:
        raise dg.Failure(description=str(error)) from error

    def published(path: object) -> dg.MetadataValue:
        staged = warehouse.staged_exports
        return dg.MetadataValue.path(str(settings.exports_dir / path.relative_to(staged)))  # type: ignore[attr-defined]

    metadata: dict[str, dg.RawMetadataValue] = {
        "quarter": quarter.key,
        "counties": len(exports),
        "review_notes": sum(export.review_notes for export in exports),
    }
    sheets = dict.fromkeys(sheet for export in exports for sheet in export.sheet_rows)
    for sheet in sheets:
        metadata[f"rows_{sheet}"] = sum(export.sheet_rows.get(sheet, 0) for export in exports)
    metadata["folder"] = dg.MetadataValue.path(str(settings.exports_dir / quarter.key))
    # A province's run exports thousands of counties: their files are all in the folder above,
    # and one event carrying thousands of entries would only slow the UI down.
    shown = exports[:COUNTIES_DETAILED]
    for export in shown:
        county = export.notice.county
        files = export.files
        metadata[f"{county} 附件 / annexes"] = published(files.annexes)
        metadata[f"{county} 核查底稿 / review"] = published(files.review)
        metadata[f"{county} 草稿 / draft"] = published(files.draft)
    preview = [export_preview(e) for e in shown]
    if len(exports) > len(shown):
        preview.append(
            f"（另有 {len(exports) - len(shown)} 个县的文件见上方文件夹）"
            f" / {len(exports) - len(shown)} more counties: see the folder."
        )
    metadata["preview"] = dg.MetadataValue.md("\n\n".join(preview))
    return dg.MaterializeResult(metadata=metadata)
