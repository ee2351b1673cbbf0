"""The YAML examples of the documentation are real.

In ``docs/*.md``, a ```` ```yaml ```` block whose first line is ``# example plan`` is a complete
plan: it must load without a diagnostic. A block whose first line is ``# example file: NAME`` is
written as ``NAME`` next to the page's plans first (for ``include``). In docs/plan-format.md every
other YAML block is a fragment: it must be valid YAML for the plan reader (no duplicate keys, no
tags), and its plan sections must fit the plan's JSON Schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.loader import load_plan, plan_schema
from engine.yamlsrc import YMap, read_yaml, to_data

DOCS = Path(__file__).resolve().parents[2] / "docs"
_FENCE = re.compile(r"^```(\S*)\s*$")
PLAN_MARK = "# example plan"
FILE_MARK = re.compile(r"^# example file: (\S+)$")


def yaml_blocks(page: Path) -> list[tuple[int, str]]:
    """(line of the block's first line, text) of every yaml block of a page."""
    out: list[tuple[int, str]] = []
    lang: str | None = None
    start, body = 0, list[str]()
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if lang is None:
            fence = _FENCE.match(line)
            if fence:
                lang, start, body = fence.group(1), number + 1, []
        elif line.rstrip() == "```":
            if lang == "yaml":
                out.append((start, "\n".join(body) + "\n"))
            lang = None
        else:
            body.append(line)
    return out


def example_plans() -> list[tuple[str, int]]:
    return [(page.name, line) for page in sorted(DOCS.glob("*.md"))
            for line, text in yaml_blocks(page) if text.startswith(PLAN_MARK)]


def test_the_format_page_has_complete_examples() -> None:
    assert sum(1 for page, _ in example_plans() if page == "plan-format.md") >= 2


@pytest.mark.parametrize(("page", "line"), example_plans(), ids=lambda v: str(v))
def test_example_plan_is_valid(page: str, line: int, tmp_path: Path) -> None:
    blocks = yaml_blocks(DOCS / page)
    for _, text in blocks:
        mark = FILE_MARK.match(text.splitlines()[0])
        if mark:
            (tmp_path / mark.group(1)).write_text(text, encoding="utf-8")
    text = dict(blocks)[line]
    path = tmp_path / f"example-{line}.yaml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)  # raises PlanError, with every diagnostic, if the example is wrong
    assert plan.agencies


FRAGMENTS = [(line, text) for line, text in yaml_blocks(DOCS / "plan-format.md")
             if not text.startswith(PLAN_MARK)]


@pytest.mark.parametrize(("line", "text"), FRAGMENTS, ids=lambda v: str(v)[:20])
def test_fragment_is_plan_yaml(line: int, text: str) -> None:
    import jsonschema

    tree, diags = read_yaml(text, f"plan-format.md:{line}")
    assert diags == [], [d.render() for d in diags]
    assert isinstance(tree, YMap)
    schema = plan_schema()
    for key, (_, node) in tree.items.items():
        if key in schema["properties"]:
            part = {"$defs": schema["$defs"], **schema["properties"][key]}
            jsonschema.Draft202012Validator(part).validate(to_data(node))
        elif key in schema["$defs"]["indicator"]["properties"]:
            part = {"$defs": schema["$defs"], **schema["$defs"]["indicator"]["properties"][key]}
            jsonschema.Draft202012Validator(part).validate(to_data(node))
        else:
            pytest.fail(f"plan-format.md:{line}: '{key}' is not a key of a plan or indicator")
