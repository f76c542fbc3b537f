"""First guesses for a county's reference data, from its spreadsheets: what onboarding proposes and
the clerk reviews. Nothing here is used by a run; a run reads only what the reference files say."""

from __future__ import annotations

import re

from orchestration.ingest.text import normalise
from orchestration.quarters import Quarter

# A unit's kind from the end of its name, tried in order (街道 before 道, 社区 before 区 …).
KIND_BY_ENDING: tuple[tuple[tuple[str, ...], str], ...] = (
    (("街道", "街道办", "街道办事处"), "街道"),
    (("社区",), "社区"),
    (("园区", "集中区", "开发区", "工业区", "管委会"), "园区"),
    (("镇", "乡"), "乡镇"),
    (("局", "委", "办", "中心", "办公室", "院", "所", "站", "队", "公司", "会"), "政府部门"),
)
# Not a kind: a unit whose name says nothing gets this, which no county registers, so the run's
# validation points at the row until the clerk sets a real kind.
KIND_TO_SET = "待定"
# Names standing for "the departments concerned", not one unit: counted, attributed to none.
NON_UNIT_NAMES = frozenset({"相关部门", "有关部门", "各部门", "相关单位", "有关单位", "各单位"})
DEFAULT_TOPIC_GROUP = "待分组"
DEFAULT_CADENCE = "quarterly"

_TITLE_SUBJECT = re.compile(r"^(?P<subject>.+?)(?:政府)?信息公开")


def guess_kind(name: str) -> str:
    for endings, kind in KIND_BY_ENDING:
        if name.endswith(endings):
            return kind
    return KIND_TO_SET


def unit_name(written: str, county: str) -> str:
    """The name to register: normalised, without a leading county name ('某县财政局' -> 财政局)."""
    name = normalise(written)
    county = normalise(county)
    if name.startswith(county) and len(name) > len(county):
        return name[len(county) :]
    return name


def guess_subject(title: str, county: str) -> str | None:
    """'某县乡镇信息公开第二季度更新情况统计表' -> '乡镇'; None when the title does not say."""
    text = re.sub(r"^附件\s*\S+?[-、：:\s]", "", normalise(title))
    text = text.removeprefix(normalise(county))
    match = _TITLE_SUBJECT.match(text)
    return match.group("subject") if match else None


def title_pattern(title: str, county: str, quarter: Quarter) -> str:
    """The clerk's title with its county and quarter words turned into pattern fields."""
    pattern = normalise(title).replace("{", "(").replace("}", ")")
    pattern = re.sub(r"^附件\s*\S+?[-、：:\s]", "", pattern)
    for text, field in (
        (normalise(county), "{county}"),
        (quarter.chinese_ordinal, "{quarter_ordinal}"),
        (quarter.chinese, "{quarter_chinese}"),
        (f"{quarter.year}年", "{year}年"),
    ):
        pattern = pattern.replace(text, field)
    return pattern


def default_title_pattern(subject: str) -> str:
    return f"{{county}}{subject}信息公开{{quarter_ordinal}}更新情况统计表"
