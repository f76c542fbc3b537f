"""The unit registry (seeds/reference): resolves names as clerks write them to stable unit ids."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.text import normalise


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


@dataclass
class CountyRegistry:
    county: str
    units: dict[str, Unit] = field(default_factory=dict)  # unit_id -> unit
    names: dict[str, str] = field(default_factory=dict)  # normalised name or alias -> unit_id
    non_units: set[str] = field(default_factory=set)  # normalised names

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
        """The name, then without a leading county name ('崇信县财政局') or '县' ('县财政局')."""
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


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_registry(reference_dir: Path) -> Registry:
    counties: dict[str, CountyRegistry] = {
        row["county"]: CountyRegistry(row["county"])
        for row in _rows(reference_dir / "counties.csv")
    }
    for row in _rows(reference_dir / "units.csv"):
        registry = counties.setdefault(row["county"], CountyRegistry(row["county"]))
        unit = Unit(
            row["county"],
            row["unit_id"],
            row["unit_name"],
            row["unit_short_name"],
            row["unit_kind"],
        )
        registry.units[unit.unit_id] = unit
        registry.names[normalise(unit.unit_name)] = unit.unit_id
        registry.names.setdefault(normalise(unit.unit_short_name), unit.unit_id)
    for row in _rows(reference_dir / "unit_aliases.csv"):
        counties[row["county"]].names.setdefault(normalise(row["alias"]), row["unit_id"])
    for row in _rows(reference_dir / "non_units.csv"):
        counties[row["county"]].non_units.add(normalise(row["name"]))
    return Registry(counties)
