"""The origins of checked facts are kept in a cache entry from their places' offsets, without a
span made per value (issue 17, B6.first): the same sources, keys and offsets as from the
mapping's items, so the entry and every place read back are unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine import cache
from engine.facts import _Origins, load_facts
from engine.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]


def test_the_kept_origins_are_those_of_the_items() -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    facts = load_facts(plan, [ROOT / "examples" / "2023" / "q1"], period="q1")
    origins = facts.origins
    fast = cache._Places.reduce(origins)  # (before len() makes every place)
    assert hasattr(origins, "kept") and len(origins) > 1000
    slow = cache._Places.reduce(dict(origins.items()))  # a plain mapping: spans made
    assert fast[1][1] is facts.values  # the keys as the values they are the places of
    assert fast[1][2] == [] and len(fast[1][3]) == 13  # the offsets: from the files' rows
    assert (fast[0], keys(fast[1]), spans(fast[1])) == (slow[0], slow[1][1], spans(slow[1]))
    kept = cache._Places(*fast[1])
    assert list(kept) == list(origins) and len(kept) == len(origins)
    assert all(kept[k] == origins[k] for k in origins)


def keys(kept: tuple[Any, ...]) -> list[tuple[str, str]]:
    """The keys of what a cache entry keeps of origins (a list, or the values)."""
    got = kept[1]
    return got if isinstance(got, list) else [(a, f) for a, facts in got.items() for f in facts]


def spans(kept: tuple[Any, ...]) -> list[tuple[int, int, int]]:
    """The span of each key of what a cache entry keeps of origins (found in the files' rows
    when they are kept), as its source's id, start and end: the same whichever order the
    sources are numbered in."""
    offsets = cache._Places(*kept).offsets()
    return [(id(kept[0][offsets[i]]), offsets[i + 1], offsets[i + 2])
            for i in range(0, len(offsets), 3)]


def _kept_both_ways(paths: list[Path], period: str, offsets: bool = True) -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    first = load_facts(plan, paths, period=period).origins
    assert isinstance(first, _Origins)
    fast = first.kept()  # before anything asked for a place: from the tables' offsets
    assert (first._places is None) is offsets  # no place made when there were offsets
    second = load_facts(plan, paths, period=period).origins
    assert isinstance(second, _Origins)
    dict(second.items())  # every place made: kept() reads them, as before
    slow = second.kept()
    assert bool(fast[3]) is offsets and slow[3] == ()
    names = {id(s): (s.name, s.text) for s in (*fast[0], *slow[0])}
    assert sorted(names[id(s)] for s in fast[0]) == sorted(names[id(s)] for s in slow[0])
    assert keys(fast) == keys(slow)
    assert [(names[s], a, b) for s, a, b in spans(fast)] == [
        (names[s], a, b) for s, a, b in spans(slow)]


def test_kept_from_offsets_is_kept_from_the_places() -> None:
    """Origins kept straight from the offsets of the files read as columns are those kept from
    the places made one by one: the same sources (numbered in the order of first use), keys and
    offsets, for the quarter's files and for the year's."""
    _kept_both_ways([ROOT / "examples" / "2023" / "q1"], "q1")
    _kept_both_ways([ROOT / "examples" / "2023" / "year"], "year")


def test_kept_of_files_not_read_as_offsets_is_kept_from_the_places(tmp_path: Path) -> None:
    """A CSV file among the YAML files has no offsets to keep: the places are made and kept as
    before, the same as the reference."""
    q1 = ROOT / "examples" / "2023" / "q1"
    files = sorted(q1.iterdir())
    csv = tmp_path / "snv.csv"
    csv.write_text("agency,fact,value\ncuc_thue,report_submitted_on,2023-03-10\n",
                   encoding="utf-8")
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    facts = load_facts(plan, [*files[:2], csv], period="q1")
    origins = facts.origins
    assert isinstance(origins, _Origins)
    assert origins._kept is not None and origins._kept() is None
    _kept_both_ways([*files[:2], csv], "q1", offsets=False)


def test_packed_numbers_read_back_at_every_width() -> None:
    """The rows kept of files read as columns hold their numbers packed in bytes, one, four or
    eight bytes each as the largest needs: each reads back as it was."""
    from engine.facts import _packed, unpacked

    for numbers, bound, code in (([], 1, b"B"), ([0, 255, 7], 256, b"B"),
                                 ([0, 256, 65_536, 2**32 - 1], 2**32, b"I"),
                                 ([2**32, 0, 2**64 - 1], 2**64, b"Q")):
        data = _packed(numbers, bound)
        assert data[:1] == code and list(unpacked(data)) == numbers
