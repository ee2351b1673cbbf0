"""The complete example of docs/scoring.md is the scorecard the tests use, byte for byte, and
every scorecard fragment of the page fits the scorecard schema."""

from __future__ import annotations

import re
from pathlib import Path

from engine.diagnostics import Collector
from engine.scorecard import validate_tree
from engine.yamlsrc import YMap, read_yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "scoring.md"
MARK = re.compile(r"^# example scorecard: (\S+)$")


def yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", PAGE.read_text(encoding="utf-8"), re.S | re.M)


def test_the_complete_example_is_the_test_scorecard() -> None:
    found = [b for b in yaml_blocks() if MARK.match(b.splitlines()[0])]
    assert len(found) == 1
    mark = MARK.match(found[0].splitlines()[0])
    assert mark is not None
    assert (ROOT / mark.group(1)).read_text(encoding="utf-8") == found[0]


def test_every_fragment_is_valid_yaml_for_the_scorecard_schema() -> None:
    for block in yaml_blocks():
        tree, problems = read_yaml(block, "fragment.yaml")
        assert problems == [] and isinstance(tree, YMap), block
        if "cchc_scorecard" in tree.items:
            collector = Collector()
            validate_tree(tree, collector, partial="extends" in tree.items)
            assert collector.diagnostics == [], block
