"""The one YAML scalar writer (`engine.yamlout`) and its three users: plan dumps, fact templates
and next year's draft plan. Whatever the text, what is written reads back as the same text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.loader import load_plan
from engine.model import Label, Plan, frozen
from engine.newyear import new_year
from engine.yamlout import key, quoted, scalar

ROOT = Path(__file__).resolve().parents[1]

AWKWARD = ["Sở Nội vụ", "a: b", "# not a comment", "'quoted'", '"double"', "true", "no", "2023",
           "1.10", "- item", "[x]", "{a: 1}", "a, b", "trailing ", " leading", "Quý I\nnăm 2024",
           "tab\there", "line\n", "", "~", "null", "\u200bzero width", "a #b", "50%"]


def read(document: str) -> object:
    """The document as the engine reads YAML: every scalar is text (no YAML 1.1 typing), and
    only plain ``~``/``null``/empty, ``true``/``false`` and whole numbers are typed (here: kept
    as text, with the style that tells them apart)."""
    def value(node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            return {value(k): value(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [value(v) for v in node.value]
        assert isinstance(node, yaml.ScalarNode)
        typed = node.style is None and re.fullmatch(r"-?[0-9]+|true|false|null|~|", node.value)
        return ("typed", node.value) if typed else node.value
    node = yaml.compose(document, Loader=yaml.SafeLoader)
    assert node is not None
    return value(node)


@pytest.mark.parametrize("text", AWKWARD)
def test_every_style_reads_back_as_the_same_text(text: str) -> None:
    for written in (scalar(text, "  "), scalar(text, inline=True)):
        assert read(f"k: {written}\n") == {"k": text}
    assert read(f"k: {{v: {scalar(text, flow=True)}}}\n") == {"k": {"v": text}}
    assert read(f"k: [{key(text)}]\n") == {"k": [text]}
    assert read(f"{key(text)}: v\n") == {text: "v"}


@given(st.text(max_size=30))
def test_any_text_reads_back_on_one_line(text: str) -> None:
    written = scalar(text, inline=True)
    assert "\n" not in written
    assert read(f"k: {written}  # a comment\n") == {"k": text} or not _yaml_can_hold(text)


def _yaml_can_hold(text: str) -> bool:
    """YAML normalises line breaks other than \\n only inside plain and block scalars; a
    double-quoted scalar holds any text PyYAML accepts."""
    try:
        yaml.safe_load(quoted(text))
    except yaml.YAMLError:
        return False
    return True


def test_multi_line_text_is_a_block_unless_it_must_stay_on_its_line() -> None:
    assert scalar("a\nb", "    ") == "|-\n    a\n    b"
    assert scalar("a\nb", inline=True) == '"a\\nb"'
    assert scalar("a\nb", flow=True) == '"a\\nb"'


def test_plain_is_kept_where_it_reads_back() -> None:
    assert scalar("Kế hoạch năm 2024") == "Kế hoạch năm 2024"
    assert scalar("value >= 85%") == "value >= 85%"
    assert scalar("min(a, b)") == "min(a, b)"
    assert scalar("min(a, b)", flow=True) == '"min(a, b)"'
    assert key("tp_son_la_chieng_le") == "tp_son_la_chieng_le"
    assert key("Y") == '"Y"' and key("on") == '"on"' and key("-1") == '"-1"'


# -- new-year: a multi-line name used to be written unquoted, which is broken YAML -------------


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(ROOT / "tests" / "data" / "plans" / "minimal.yaml")


def test_new_year_writes_multi_line_and_awkward_names_as_valid_yaml(plan: Plan) -> None:
    q1 = plan.periods["q1"]
    odd = dataclasses.replace(
        plan, title=Label("Kế hoạch CCHC\nnăm 2023", "Plan: 2023, draft"),
        periods=frozen({**plan.periods, "q1": dataclasses.replace(
            q1, name=Label("Quý I/2023\n(báo cáo)", "Q1 2023, {first}"))}))
    text = new_year(odd, "minimal.yaml", 2024)
    data = yaml.safe_load(text)
    assert data["title"] == {"vi": "Kế hoạch CCHC\nnăm 2024", "en": "Plan: 2024, draft"}
    assert data["periods"]["q1"]["name"] == {"vi": "Quý I/2024\n(báo cáo)",
                                             "en": "Q1 2024, {first}"}
    assert '  vi: "Kế hoạch CCHC\\nnăm 2024"' in text.splitlines()
