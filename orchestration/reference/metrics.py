"""The metrics a tier rule may name: the columns of dbt's int_unit_activity, as its YAML declares.

One list: int_unit_rule_tiers.sql unpivots every non-key column of int_unit_activity, and the
model's enforced dbt contract holds its SQL to the YAML read here.
"""

from __future__ import annotations

from functools import cache

from orchestration.settings import DBT_PROJECT_DIR

ACTIVITY_MODEL = DBT_PROJECT_DIR / "models" / "intermediate" / "int_unit_activity.yml"
ACTIVITY_KEYS = frozenset({"county", "quarter", "unit_id"})
# The one metric that is not measured: a rule that always holds (the fallback tier).
ALWAYS = "always"


@cache
def tier_metrics() -> tuple[str, ...]:
    import yaml

    document = yaml.safe_load(ACTIVITY_MODEL.read_text(encoding="utf-8"))
    (model,) = (m for m in document["models"] if m["name"] == "int_unit_activity")
    measured = tuple(c["name"] for c in model["columns"] if c["name"] not in ACTIVITY_KEYS)
    return (*measured, ALWAYS)
