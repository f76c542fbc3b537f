"""What one quality check is: a suite in expectations/, the asset it judges, the assets it reads."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg


@dataclass(frozen=True)
class QualityCheck:
    """One Dagster asset check that runs expectations/<suite>.sql through expectations/<suite>.json.

    `additional_deps` names every other asset the query reads (raw tables, dbt seeds, views,
    marts), so Dagster runs the check only once they are built.
    """

    name: str  # the Dagster check name
    suite: str
    asset: dg.AssetKey
    additional_deps: tuple[dg.AssetKey, ...] = ()
    blocking: bool = True

    @property
    def key(self) -> dg.AssetCheckKey:
        return dg.AssetCheckKey(self.asset, self.name)

    @property
    def severity(self) -> dg.AssetCheckSeverity:
        return dg.AssetCheckSeverity.ERROR if self.blocking else dg.AssetCheckSeverity.WARN
