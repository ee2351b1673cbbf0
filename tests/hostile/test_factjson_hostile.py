"""Hostile JSON fact files (issue 17): the ``json`` reader (engine.factjson) takes only the
usual shape, and hands everything else to the YAML readers, which refuse it at its line and
column as they always did: a key twice, nesting without end, a key whose colon is on the next
line, a number of thousands of digits, ``NaN``."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.diagnostics import FactsError
from engine.facts import load_facts
from tests.facts.conftest import make_plan

HEAD = '{"plan": "test-plan", "period": "q1", "agencies": {'


def _fails(tmp_path: Path, text: str) -> tuple[str, int, int, int, int]:
    path = tmp_path / "facts.json"
    path.write_text(text, "utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(make_plan(), path)
    [d] = info.value.diagnostics
    return (d.code, *d.location[1:])


@pytest.mark.parametrize(("body", "expected"), [
    ('\n "snv": {"received": 1},\n "snv": {"received": 2}}}', ("E602", 3, 2, 3, 7)),
    ('"snv": {"received": 1, "received": 1}}}', ("E602", 1, 75, 1, 85)),
    ('"snv": {"received": ' + "[" * 100_000 + "]" * 100_000 + "}}}", ("E603", 1, 133, 1, 134)),
    ('"snv"\n: {"received": 1}}}', ("E601", 2, 1, 2, 2)),
    ('"snv": {"received": NaN}}}', ("E640", 1, 72, 1, 75)),
    ('"snv": {"received": ' + "9" * 5_000 + "}}}", ("E640", 1, 72, 1, 5_072)),
    ('"snv": {"received": {"a": 1}}}}', ("E610", 1, 72, 1, 80)),
])
def test_refused_at_its_place(tmp_path: Path, body: str,
                              expected: tuple[str, int, int, int, int]) -> None:
    assert _fails(tmp_path, HEAD + body) == expected


def test_a_value_refused_in_a_file_json_reads(tmp_path: Path) -> None:
    """A file of the usual shape is read by ``json``; its one bad value is then located at its
    line and column by the reader of events (the only time a place is worked out)."""
    lines = [HEAD,
             ' "snv": {"received": "1200", "on_time": "1150", "satisfaction": "95%"},',
             ' "stp": {"received": "12", "on_time": "1.200"}', "}}"]
    assert _fails(tmp_path, "\n".join(lines)) == ("E641", 3, 39, 3, 46)
