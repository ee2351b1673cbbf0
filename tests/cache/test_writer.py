"""How entries are written (issue 17, B6.first): by the C pickler alone, without importing the
pickle module (1.5 ms of every first run), and with each class's reducer found in the
pickler's dispatch table; what is written reads back as what was kept."""

from __future__ import annotations

import copyreg
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cache
from engine.facts import load_facts
from engine.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]

_FIRST_RUN = """
import sys
from engine.loader import load_plan
from engine.cache import cached_facts
from engine.facts import load_facts
plan = load_plan("plans/2023.yaml", cache=sys.argv[1])
facts = cached_facts(plan, ["examples/2023/q1"], "q1", 10**8,
                     lambda: load_facts(plan, ["examples/2023/q1"], period="q1"))
import os
entries = sorted(name.rsplit(".", 1)[1] for name in os.listdir(sys.argv[1]))
print(entries, "pickle" in sys.modules)
"""


def test_a_first_run_writes_both_entries_without_the_pickle_module(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _FIRST_RUN, str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "['facts', 'plan'] False"


def test_the_reducers_are_found_once_per_class() -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    facts = load_facts(plan, [ROOT / "examples" / "2023" / "q1"], period="q1")
    reducers = cache._Reducers(views=True)
    assert reducers[type(facts)] is reducers[type(facts)]  # (kept after the first look-up)
    assert reducers[type(facts.origins)] is cache._Places.reduce  # an engine mapping: spans
    assert cache._Reducers(views=False)[type(facts.origins)] is cache._REDUCE_EX
    assert reducers[complex] is copyreg.dispatch_table[complex]  # copyreg's own
    with pytest.raises(KeyError):  # a class of a metaclass: saved by name, no reducer
        reducers[type(cache._Places)]
    assert cache._loads(cache.dumps(plan)) == plan
