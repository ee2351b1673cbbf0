"""The origins of checked facts are kept in a cache entry from their places' offsets, without a
span made per value (issue 17, B6.first): the same sources, keys and offsets as from the
mapping's items, so the entry and every place read back are unchanged."""

from __future__ import annotations

from pathlib import Path

from engine import cache
from engine.facts import load_facts
from engine.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]


def test_the_kept_origins_are_those_of_the_items() -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    facts = load_facts(plan, [ROOT / "examples" / "2023" / "q1"], period="q1")
    origins = facts.origins
    assert hasattr(origins, "kept") and len(origins) > 1000
    fast = cache._Places.reduce(origins)
    slow = cache._Places.reduce(dict(origins.items()))  # a plain mapping: spans made
    assert fast == slow
    kept = cache._Places(*fast[1])
    assert list(kept) == list(origins)
    assert all(kept[k] == origins[k] for k in origins)
