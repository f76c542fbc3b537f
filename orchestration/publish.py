"""The last step of a quarter's run: publish the warehouse copy and the exports, together.

It runs only when every step before it succeeded and every blocking check passed (Dagster skips
an asset whose upstream failed or was blocked), so what readers see is always a checked quarter.
"""

import dagster as dg

from orchestration.export.records import MART_MODELS
from orchestration.ingest.assets import RAW_TABLE_DESCRIPTIONS
from orchestration.partitions import quarter_of, quarterly_partitions
from orchestration.resources import WarehouseRun

PUBLISHED_QUARTER = dg.AssetKey(["warehouse", "published_quarter"])


@dg.asset(
    key=PUBLISHED_QUARTER,
    deps=[
        *(dg.AssetKey(["raw", table]) for table in RAW_TABLE_DESCRIPTIONS),
        *(dg.AssetKey(["marts", model]) for model in MART_MODELS),
        dg.AssetKey(["exports", "notice_workbook"]),
    ],
    partitions_def=quarterly_partitions,
    group_name="publish",
    kinds={"duckdb"},
    description="本季度全部步骤和阻止性核对通过后，一次性发布仓库和导出文件；此前任何一步失败，"
    "仓库和导出文件都保持原样。 / Once every step and blocking check of the quarter has passed,"
    " publish the warehouse and the exports at once; a failure before leaves both as they were.",
)
def published_quarter(
    context: dg.AssetExecutionContext, warehouse: WarehouseRun
) -> dg.MaterializeResult:
    from orchestration.warehouse import connect, ensure_raw_schema

    quarter = quarter_of(context)
    with connect(warehouse.path) as connection:
        ensure_raw_schema(connection)  # a warehouse built without an ingest has no raw tables
        sources = connection.execute(
            "select source_file, source_sha256 from raw.source_files where quarter = $quarter",
            {"quarter": quarter.key},
        ).fetchall()
    files = warehouse.publish(context.log)
    return dg.MaterializeResult(
        metadata={
            "quarter": quarter.key,
            "warehouse": dg.MetadataValue.path(str(warehouse.files.published)),
            "export_files": len(files),
            # The files the published quarter was built from: what the landing sensor compares a
            # folder with (a run that failed or died published nothing, so it does not count).
            "source_files": dg.MetadataValue.json(dict(sources)),
        }
    )
