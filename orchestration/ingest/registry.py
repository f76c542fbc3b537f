"""The unit registry (seeds/reference): resolves names as clerks write them to stable unit ids,
and knows each county's declared annex tables and unit kinds."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from orchestration.ingest.text import normalise
from orchestration.reference.files import ReferenceFiles


@dataclass(frozen=True)
class Unit:
    county: str
    unit_id: str
    unit_name: str
    unit_short_name: str
    unit_kind: str


@dataclass(frozen=True)
class Resolution:
    unit_id: str | None  # None: a registered non-unit such as 相关部门
    unit_name: str  # the registered name (or the non-unit's name)


@dataclass(frozen=True)
class DeclaredAnnex:
    """An annex table the county publishes (annexes.csv) and the unit kinds it lists."""

    annex: int
    subject: str  # 政府部门, 乡镇: the word a clerk uses for the table
    title_pattern: str
    kinds: tuple[str, ...]  # in kind_order

    @property
    def label(self) -> str:
        return f"附件{self.annex}"


@dataclass
class CountyRegistry:
    county: str
    units: dict[str, Unit] = field(default_factory=dict)  # unit_id -> unit
    names: dict[str, str] = field(default_factory=dict)  # normalised name or alias -> unit_id
    non_units: set[str] = field(default_factory=set)  # normalised names
    annexes: dict[int, DeclaredAnnex] = field(default_factory=dict)  # in annex order
    tiers: tuple[str, ...] = ()  # the county's tier labels, best (tier_rank 1) first: int_tiers

    def resolve(self, written: str) -> Resolution | None:
        name = normalise(written)
        for candidate in self._candidates(name):
            if candidate in self.names:
                unit = self.units[self.names[candidate]]
                return Resolution(unit.unit_id, unit.unit_name)
            if candidate in self.non_units:
                return Resolution(None, candidate)
        return None

    def _candidates(self, name: str) -> list[str]:
        """The name, then without a leading county name ('某县财政局') or '县' ('县财政局')."""
        candidates = [name]
        county = normalise(self.county)
        if name.startswith(county) and len(name) > len(county):
            candidates.append(name[len(county) :])
        if name.startswith("县") and len(name) > 1:
            candidates.append(name[1:])
        return candidates

    def closest(self, written: str, limit: int = 3) -> list[str]:
        known = [u.unit_name for u in self.units.values()] + sorted(
            set(self.names) - {normalise(u.unit_name) for u in self.units.values()}
        )
        return difflib.get_close_matches(normalise(written), known, n=limit, cutoff=0.4)

    def kind_of(self, unit_id: str) -> str:
        return self.units[unit_id].unit_kind


@dataclass
class Registry:
    counties: dict[str, CountyRegistry]

    def county(self, name: str) -> CountyRegistry:
        return self.counties[name]


def registry_from(files: ReferenceFiles, tiers: Mapping[str, tuple[str, ...]]) -> Registry:
    """The registry of every county, from validated reference files (load_reference), with each
    county's tier labels as dbt decides them (orchestration/ingest/tier_labels.py)."""
    counties = {row["county"]: CountyRegistry(row["county"]) for row in files.rows("counties.csv")}
    for row in files.rows("units.csv"):
        unit = Unit(
            row["county"],
            row["unit_id"],
            row["unit_name"],
            row["unit_short_name"],
            row["unit_kind"],
        )
        registry = counties[unit.county]
        registry.units[unit.unit_id] = unit
        registry.names[normalise(unit.unit_name)] = unit.unit_id
        registry.names.setdefault(normalise(unit.unit_short_name), unit.unit_id)
    for row in files.rows("unit_aliases.csv"):
        counties[row["county"]].names.setdefault(normalise(row["alias"]), row["unit_id"])
    for row in files.rows("non_units.csv"):
        counties[row["county"]].non_units.add(normalise(row["name"]))
    kinds: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for row in files.rows("unit_kinds.csv"):
        key = (row["county"], int(row["annex"]))
        kinds.setdefault(key, []).append((int(row["kind_order"]), row["unit_kind"]))
    for row in sorted(files.rows("annexes.csv"), key=lambda r: int(r["annex"])):
        annex = int(row["annex"])
        listed = tuple(kind for _, kind in sorted(kinds.get((row["county"], annex), [])))
        counties[row["county"]].annexes[annex] = DeclaredAnnex(
            annex, row["subject"], row["title_pattern"], listed
        )
    for county, registry in counties.items():
        registry.tiers = tiers.get(county, ())
    return Registry(counties)
