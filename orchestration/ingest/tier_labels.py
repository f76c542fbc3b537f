"""Each county's tier labels, as dbt decides them, for reading what a reviewer wrote.

Which labels a county uses (its own tier rules, plus the defaults it does not override) is a rule
of the dbt project (int_tier_rules_effective → int_tiers). A run's reference_data step builds
those models into the run's warehouse copy before the ingest, which reads them from there.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.warehouse import TIERS_VIEW, connect


class TierLabelsMissingError(RuntimeError):
    """The warehouse has no int_tiers: the reference data was not built before the ingest."""


def read_tier_labels(warehouse: Path) -> dict[str, tuple[str, ...]]:
    """county -> its tier labels, best (tier_rank 1) first."""
    import duckdb

    view = ".".join(TIERS_VIEW)
    missing = TierLabelsMissingError(
        f"仓库 {warehouse} 中还没有各县的分档（{view}）：请先物化参照数据"
        f"（reference_data）再读取本季度文件。 / The warehouse {warehouse} has no"
        f" {view}: materialise reference_data before the ingest."
    )
    if not warehouse.is_file():
        raise missing
    labels: dict[str, list[str]] = {}
    with connect(warehouse, read_only=True) as connection:
        try:
            rows = connection.execute(
                f"select county, tier from {view} order by county, tier_rank, tier"
            ).fetchall()
        except duckdb.CatalogException as error:
            raise missing from error
    for county, tier in rows:
        labels.setdefault(county, []).append(tier)
    return {county: tuple(dict.fromkeys(tiers)) for county, tiers in labels.items()}
