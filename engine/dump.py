"""Write a loaded plan back as a plan file: ``load_plan(dump_plan(plan))`` equals ``plan``.

The output is one self-contained YAML file (included registries are written inline), in the
order of the plan, with the groups written as defined (kinds, agencies, union, minus), not as
their resolved members. Every scalar is written by :mod:`engine.yamlout`: plain when YAML reads
it back as the same text, and quoted otherwise, so names with ``:``, ``#``, quotes or line
breaks survive.

Formulas are written in their canonical form (:func:`engine.printer.to_text`) by default, which
gives the same expressions on reloading; ``formulas="source"`` keeps them as their authors wrote
them, which gives a plan equal in every field, formula texts included.

    >>> from engine.loader import load_plan
    >>> plan = load_plan("tests/data/plans/minimal.yaml")
    >>> print(dump_plan(plan).splitlines()[1])
    id: mini-2023
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .language import Formula
from .model import Label, Plan
from .printer import to_text
from .values import format_value
from .yamlout import key as _key
from .yamlout import scalar as scalar

FormulaStyle = Literal["canonical", "source"]
_INDENT = "  "


def dump_plan(plan: Plan, *, formulas: FormulaStyle = "canonical") -> str:
    """The plan as the text of a plan file that loads to an equal plan."""
    w = _Writer(formulas)
    w.key(0, "cchc", "1", raw=True)
    w.key(0, "id", plan.id)
    w.key(0, "year", str(plan.year), raw=True)
    w.label(0, "title", plan.title)
    if plan.decision is not None:
        d = plan.decision
        w.open(0, "decision")
        w.key(1, "number", d.number)
        if d.date is not None:
            w.key(1, "date", d.date.isoformat())
        w.opt(1, "signer", d.signer)
    w.opt(0, "source", plan.source)
    w.opt(0, "notes", plan.notes)

    if plan.agencies:
        w.section("agencies")
        for a in plan.agencies.values():
            w.open(1, a.id)
            w.label(2, "name", a.name)
            w.key(2, "kind", a.kind)
            w.opt(2, "parent", a.parent)
            w.opt(2, "code", a.code)
            w.opt(2, "notes", a.notes)
    if plan.groups:
        w.section("groups")
        for g in plan.groups.values():
            defined = g.kinds or g.agencies or g.union or g.minus
            # A group built in code has only members: write them out as its agencies.
            agencies = g.agencies if defined else g.members
            w.open(1, g.id)
            for field, items in (("kinds", g.kinds), ("agencies", agencies),
                                 ("union", g.union), ("minus", g.minus)):
                if items:
                    w.list(2, field, items)
            w.opt(2, "notes", g.notes)
            if not (defined or g.members or g.notes):
                w.lines[-1] += " {}"
    if plan.periods:
        w.section("periods")
        for p in plan.periods.values():
            w.open(1, p.id)
            w.label(2, "name", p.name)
            w.key(2, "from", p.start.isoformat())
            w.key(2, "until", p.end.isoformat())
            w.key(2, "due", p.due.isoformat())
            w.opt(2, "notes", p.notes)
    if plan.facts:
        w.section("facts")
        for f in plan.facts.values():
            w.open(1, f.id)
            w.key(2, "type", f.type)
            w.opt(2, "unit", f.unit)
            if f.values:
                w.list(2, "values", f.values)
            w.label(2, "label", f.label)
            w.key(2, "reported_by", f.reported_by)
            w.list(2, "periods", f.periods)
            if f.at_most:
                w.list(2, "at_most", f.at_most)
            w.opt(2, "notes", f.notes)
    if plan.areas:
        w.section("areas")
        for area in plan.areas.values():
            w.open(1, area.id)
            w.label(2, "name", area.name)
            w.opt(2, "lead", area.lead)
            w.opt(2, "notes", area.notes)
            w.open(2, "indicators")
            if not area.indicators:
                w.lines[-1] += " {}"
            for iid in area.indicators:
                ind = plan.indicators[iid]
                w.open(3, iid.split(".", 1)[1])
                w.label(4, "name", ind.name)
                w.key(4, "unit", ind.unit)
                w.key(4, "owner", ind.owner)
                w.key(4, "scope", ind.scope)
                w.formula(4, "value", ind.value)
                w.formula(4, "target", ind.target)
                w.formula(4, "deadline", ind.deadline)
                w.formula(4, "applicable", ind.applicable)
                if ind.baseline is not None:
                    w.key(4, "baseline", format_value(ind.baseline))
                w.opt(4, "source", ind.source)
                w.opt(4, "notes", ind.notes)
    return "\n".join(w.lines) + "\n"


class _Writer:
    def __init__(self, formulas: FormulaStyle) -> None:
        self.formulas = formulas
        self.lines: list[str] = []

    def section(self, key: str) -> None:
        self.lines.append("")
        self.lines.append(f"{key}:")

    def open(self, level: int, key: str) -> None:
        self.lines.append(f"{_INDENT * level}{_key(key)}:")

    def key(self, level: int, key: str, text: str, raw: bool = False) -> None:
        prefix = f"{_INDENT * level}{_key(key)}:"
        if raw:
            self.lines.append(f"{prefix} {text}")
            return
        self.lines.append(f"{prefix} {scalar(text, _INDENT * (level + 1))}")

    def opt(self, level: int, key: str, text: str | None) -> None:
        if text is not None:
            self.key(level, key, text)

    def label(self, level: int, key: str, label: Label) -> None:
        self.open(level, key)
        self.key(level + 1, "vi", label.vi)
        self.opt(level + 1, "en", label.en)

    def list(self, level: int, key: str, items: Iterable[str]) -> None:
        self.lines.append(f"{_INDENT * level}{_key(key)}: [{', '.join(map(_key, items))}]")

    def formula(self, level: int, key: str, formula: Formula | None) -> None:
        if formula is not None:
            text = formula.text if self.formulas == "source" else to_text(formula.expr)
            self.key(level, key, text)
