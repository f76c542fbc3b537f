"""The job that materialises one quarter: every asset, its checks, one partition."""

from __future__ import annotations

import dagster as dg

from orchestration.partitions import quarterly_partitions

quarter_job = dg.define_asset_job(
    name="quarter_job",
    selection=dg.AssetSelection.all(),
    partitions_def=quarterly_partitions,
    description="处理一个季度：导入附件、生成数据集市、核对、导出通报。"
    " / Materialise one quarter: ingest, marts, checks and the notice export.",
)
