"""Dagster assets that land a quarter's annex spreadsheets in the warehouse's raw schema."""

from collections.abc import Iterator

import dagster as dg

from orchestration.ingest.errors import IngestError
from orchestration.partitions import quarter_of, quarterly_partitions
from orchestration.resources import WarehouseRun
from orchestration.warehouse import TIERS_VIEW

RAW_TABLE_DESCRIPTIONS = {
    "annex_rows": "附件的每一行（栏目、公开数量、责任单位、备注及来源文件/行号）。"
    " / One row per annex data row, with its source file, sheet and row.",
    "annex_totals": "各附件“合计”行声明的总数（原样保留，不参与求和）。"
    " / The 合计 total each annex declares, kept beside the rows.",
    "reviewer_assessments": "核查人员对各单位的分档意见（按通报名单顺序）。"
    " / The reviewer's tier per unit, in the published list order.",
    "source_files": "本季度读取的文件及其 SHA-256。"
    " / The files read for the quarter, with their SHA-256.",
    "check_records": "核查记录：核查日在网站上看到的各单位各栏目最后更新日期（可选）。"
    " / The check record: each unit's column and its last update as seen on the portal.",
}


def failure_naming_the_problems(error: IngestError) -> dg.Failure:
    """A step failure that leads with every problem (file, sheet, row), as text and as a table."""
    lines = ["| 文件 | 工作表 | 行 | 问题 |", "|---|---|---|---|"]
    lines += [f"| {p.file} | {p.sheet or ''} | {p.row or ''} | {p.zh} |" for p in error.problems]
    return dg.Failure(
        description=str(error), metadata={"问题 / problems": dg.MetadataValue.md("\n".join(lines))}
    )


# The registry the ingest resolves names with: the run checks it (as the seeds) before any
# spreadsheet is read, so a broken reference file stops the run here, naming its row.
REGISTRY_SEEDS = ("counties", "annexes", "unit_kinds", "units", "unit_aliases", "non_units")
# Each county's tier labels, which dbt decides (orchestration/ingest/tier_labels.py).
REFERENCE_INPUTS = [dg.AssetKey(["reference", seed]) for seed in REGISTRY_SEEDS] + [
    dg.AssetKey(list(TIERS_VIEW))
]


@dg.multi_asset(
    name="raw_quarter",
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey(["raw", table]),
            description=description,
            group_name="ingest",
            kinds={"duckdb", "excel"},
            deps=REFERENCE_INPUTS,
        )
        for table, description in RAW_TABLE_DESCRIPTIONS.items()
    ],
    partitions_def=quarterly_partitions,
    description="读取本季度文件夹中的附件表格并写入仓库（整季替换）。"
    " / Read the quarter's annex spreadsheets and replace the quarter in the warehouse.",
)
def raw_quarter(
    context: dg.AssetExecutionContext, warehouse: WarehouseRun
) -> Iterator[dg.MaterializeResult]:
    from orchestration.ingest.load import ingest_quarter
    from orchestration.settings import Settings

    quarter = quarter_of(context)
    try:
        summaries = ingest_quarter(Settings.from_env(), quarter, warehouse.path)
    except IngestError as error:
        raise failure_naming_the_problems(error) from error
    files = {name: sha for summary in summaries for name, sha in summary.files.items()}
    common = {"quarter": quarter.key, "counties": _county_names([s.county for s in summaries])}
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "annex_rows"]),
        metadata={
            **common,
            "rows": sum(s.rows for s in summaries),
            "items_annex_1": sum(s.items_by_annex.get(1, 0) for s in summaries),
            "items_annex_2": sum(s.items_by_annex.get(2, 0) for s in summaries),
            "units_resolved": sum(s.units_resolved for s in summaries),
            "unattributed_rows": sum(s.unattributed_rows for s in summaries),
        },
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "annex_totals"]),
        metadata={
            **common,
            "declared_annex_1": sum(s.declared_by_annex.get(1) or 0 for s in summaries),
            "declared_annex_2": sum(s.declared_by_annex.get(2) or 0 for s in summaries),
        },
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "reviewer_assessments"]),
        metadata={**common, "assessments": sum(s.assessments for s in summaries)},
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "check_records"]),
        # Which check date each county's record was judged on, and where it came from.
        metadata={
            **common,
            "check_records": sum(s.check_records for s in summaries),
            "check_dates": _county_names(
                [f"{s.county} {d}" for s in summaries for d in s.check_dates]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "source_files"]),
        # Which files (and which bytes) the quarter was built from: the record a correction is
        # compared with. Kept on this asset only; a province's list is thousands of entries.
        metadata={**common, "files": len(files), "source_files": dg.MetadataValue.json(files)},
    )


def _county_names(counties: list[str], shown: int = 20) -> str:
    names = "、".join(counties[:shown])
    return names if len(counties) <= shown else f"{names} 等 {len(counties)} 个县"
