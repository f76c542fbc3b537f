"""The suites in expectations/: GX 1.x ExpectationSuite JSON, one file per checked table.

Only the stdlib reads them here, so the code location can show each suite's Chinese description
without importing Great Expectations; GX builds the suite objects when a check runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.settings import EXPECTATIONS_DIR


@dataclass(frozen=True)
class SuiteDocument:
    name: str
    description_zh: str
    description_en: str
    document: dict[str, Any]  # the file as GX's ExpectationSuite(**document) takes it


@cache
def load_suite(name: str, directory: Path = EXPECTATIONS_DIR) -> SuiteDocument:
    path = directory / f"{name}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("name") != name:
        raise ValueError(
            f"{path} 中的套件名应为“{name}”。 / The suite in {path} must be named {name!r}."
        )
    meta = document.get("meta", {})
    return SuiteDocument(
        name=name,
        description_zh=meta["description_zh"],
        description_en=meta.get("description_en", ""),
        document=document,
    )
