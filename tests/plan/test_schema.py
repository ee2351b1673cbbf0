"""engine.schema: the schema is the one statement of the plan's shape, and every rule it uses
has a translator into a plan author's words."""

from __future__ import annotations

import typing
from typing import Any

from engine import model, schema
from engine.consistency import UNIT_TYPES
from engine.diagnostics import Collector
from engine.yamlsrc import YMap, read_yaml

#: Keywords that hold no rule, or that the loader handles outside the translator table.
NOT_RULES = {"$schema", "$id", "$defs", "$ref", "title", "description", "properties", "items",
             "additionalProperties", "propertyNames", "examples", "default"}


def keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for key, value in node.items():
            if key not in ("properties", "$defs"):
                found |= keywords(value)
            else:
                for sub in value.values():
                    found |= keywords(sub)
        return found
    if isinstance(node, list):
        return set().union(*(keywords(v) for v in node)) if node else set()
    return set()


def test_every_rule_of_the_schema_has_a_translator() -> None:
    rules = keywords(schema.plan_schema()) - NOT_RULES
    assert rules and rules <= set(schema.TRANSLATORS), rules - set(schema.TRANSLATORS)


def test_the_model_reads_its_choices_from_the_schema() -> None:
    assert typing.get_args(model.FactType) == model.FACT_TYPES
    assert schema.choices("agency", "kind") == model.AGENCY_KINDS
    assert "commune" in model.AGENCY_KINDS


def test_every_unit_of_the_schema_has_a_value_type() -> None:
    assert tuple(UNIT_TYPES) == schema.choices("indicator", "unit")


def validate(text: str, include: bool = False, partial: bool = False) -> list[tuple[str, str]]:
    tree, _ = read_yaml(text, "p.yaml")
    assert isinstance(tree, YMap)
    collector = Collector()
    schema.validate(tree, collector, include=include, partial=partial)
    return [(d.code, d.message) for d in collector.errors()]


def test_a_plan_that_extends_another_need_not_repeat_required_keys() -> None:
    assert sorted(validate("cchc: 1\n")) == [
        ("E411", "missing key 'id' at the top of the plan"),
        ("E411", "missing key 'title' at the top of the plan"),
        ("E411", "missing key 'year' at the top of the plan")]
    assert validate("cchc: 1\n", partial=True) == []


def test_an_included_file_holds_only_agencies_groups_and_facts() -> None:
    assert validate("periods: {}\n", include=True) == [
        ("E410", "unknown key 'periods' at the top of the file")]


def test_ids_are_suggested_in_ascii() -> None:
    assert schema.suggest_id("Sở_Nội vụ") == "so_noi_vu"
    assert schema.suggest_id("2023_đề án") == "de_an"
    assert schema.suggest_id("---") is None
