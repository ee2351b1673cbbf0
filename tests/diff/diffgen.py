"""Child plans of plans/2023.yaml with known overrides, for the diff's property tests.

A child is the 2023 plan's content (the commune file inlined, which is itself a reformatting)
with some overrides applied, its keys and lists possibly shuffled, dumped as YAML in PyYAML's own
layout (quoting, flow style and line breaks all differ from the original). Each override records
what the diff must report for it: ``(section, "added" | "removed", id)`` or
``(section, "changed", id, field)``. Shuffling records nothing: the diff must not see it.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plans" / "2023.yaml"

Expected = tuple[str, ...]


def parent_data() -> dict[str, Any]:
    """The 2023 plan as plain data, with the included commune file merged in."""
    data: dict[str, Any] = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    for name in data.pop("include", []):
        extra = yaml.safe_load((PLAN.parent / name).read_text(encoding="utf-8"))
        for section, entries in extra.items():
            data.setdefault(section, {}).update(entries)
    return data


@dataclass
class Child:
    data: dict[str, Any]
    expected: set[Expected] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def __repr__(self) -> str:  # the data is the 2023 plan: too long to show
        return f"Child(expected={sorted(self.expected)!r})"

    def indicator(self, iid: str) -> dict[str, Any]:
        area, key = iid.split(".", 1)
        node: dict[str, Any] = self.data["areas"][area]["indicators"][key]
        return node


_THRESHOLD = re.compile(r"^value (>=|>|==) ([0-9]+)%$")


def thresholds(data: dict[str, Any]) -> list[str]:
    """Indicators whose target is ``value OP N%``: the thresholds an officer raises."""
    return [f"{a}.{k}" for a, area in data["areas"].items()
            for k, ind in area["indicators"].items()
            if _THRESHOLD.match(str(ind["target"]).strip())]


def indicators(data: dict[str, Any]) -> list[str]:
    return [f"{a}.{k}" for a, area in data["areas"].items() for k in area["indicators"]]


def communes(data: dict[str, Any]) -> list[str]:
    return [a for a, ag in data["agencies"].items() if ag["kind"] == "commune"]


def districts(data: dict[str, Any]) -> list[str]:
    return [a for a, ag in data["agencies"].items() if ag["kind"] == "district"]


# -- overrides ---------------------------------------------------------------------------------


def change_threshold(child: Child, iid: str, percent: int) -> None:
    ind = child.indicator(iid)
    m = _THRESHOLD.match(str(ind["target"]).strip())
    assert m is not None
    if int(m.group(2)) == percent:
        return
    ind["target"] = f"value {m.group(1)} {percent}%"
    child.expected.add(("indicators", "changed", iid, "target"))


def change_owner(child: Child, iid: str, owner: str) -> None:
    ind = child.indicator(iid)
    if ind["owner"] == owner:
        return
    ind["owner"] = owner
    child.expected.add(("indicators", "changed", iid, "owner"))


def remove_indicator(child: Child, iid: str) -> None:
    area, key = iid.split(".", 1)
    del child.data["areas"][area]["indicators"][key]
    child.expected = {e for e in child.expected if e[2] != iid}
    child.expected.add(("indicators", "removed", iid))
    child.removed.add(iid)


def add_indicator(child: Child, area: str, like: str, n: int) -> None:
    key = f"generated_{n}"
    template = copy.deepcopy(parent_indicator(like))
    template["name"] = {"vi": f"Chỉ tiêu thử {n}", "en": f"Generated indicator {n}"}
    child.data["areas"][area]["indicators"][key] = template
    child.expected.add(("indicators", "added", f"{area}.{key}"))


def reparent(child: Child, agency: str, parent: str) -> None:
    node = child.data["agencies"][agency]
    if node["parent"] == parent:
        return
    node["parent"] = parent
    child.expected.add(("agencies", "changed", agency, "parent"))


def rename(child: Child, agency: str, lang: str) -> None:
    node = child.data["agencies"][agency]
    name = node["name"]
    name[lang] = (name.get(lang) or "") + " (mới)"
    child.expected.add(("agencies", "changed", agency, f"name.{lang}"))


def shuffle(value: Any, rng: random.Random) -> Any:
    """The same content with every mapping's keys and every list in another order."""
    if isinstance(value, dict):
        items = [(k, shuffle(v, rng)) for k, v in value.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        items = [shuffle(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


_PARENT: dict[str, Any] | None = None


def parent() -> dict[str, Any]:
    global _PARENT
    if _PARENT is None:
        _PARENT = parent_data()
    return _PARENT


def parent_indicator(iid: str) -> dict[str, Any]:
    area, key = iid.split(".", 1)
    node: dict[str, Any] = parent()["areas"][area]["indicators"][key]
    return node


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096),
                    encoding="utf-8")
    return path
