"""Write a loaded plan back as a plan file: ``load_plan(dump_plan(plan))`` equals ``plan``.

The output is one self-contained YAML file (included registries are written inline), in the
order of the plan, with the groups written as defined (kinds, agencies, union, minus), not as
their resolved members. Every scalar is written plain when YAML reads it back as the same text,
and quoted otherwise, so names with ``:``, ``#``, quotes or line breaks survive.

Formulas are written in their canonical form (:func:`engine.printer.to_text`) by default, which
gives the same expressions on reloading; ``formulas="source"`` keeps them as their authors wrote
them, which gives a plan equal in every field, formula texts included.

    >>> from engine.loader import load_plan
    >>> plan = load_plan("tests/data/plans/minimal.yaml")
    >>> print(dump_plan(plan).splitlines()[1])
    id: mini-2023
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import yaml

from .language import Formula
from .model import Label, Plan
from .printer import to_text
from .values import format_value

FormulaStyle = Literal["canonical", "source"]
_INDENT = "  "
_FLOW_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_TYPED = re.compile(r"^(-?[0-9]+|true|false|null|~|)$")


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
        self.lines.append(f"{_INDENT * level}{_key(key)}: [{', '.join(map(_flow_item, items))}]")

    def formula(self, level: int, key: str, formula: Formula | None) -> None:
        if formula is not None:
            text = formula.text if self.formulas == "source" else to_text(formula.expr)
            self.key(level, key, text)


def _key(text: str) -> str:
    return text if _FLOW_SAFE.match(text) and not _TYPED.match(text) else _quoted(text)


def _flow_item(text: str) -> str:
    return text if _FLOW_SAFE.match(text) and not _TYPED.match(text) else _quoted(text)


def scalar(text: str, indent: str) -> str:
    """``text`` as a YAML scalar that the plan reader gives back unchanged, as a string.

    Plain when that reads back as the same text (and is not typed as a number, boolean or null
    by the reader), a ``|`` block for multi-line text that a block can hold, double-quoted
    otherwise. The lines of a block are indented by ``indent``.
    """
    if "\n" not in text and not _TYPED.match(text) and _reads_back(text, text, None):
        return text
    if "\n" in text:
        block = _block(text, indent)
        if block is not None:
            return block
    return _quoted(text)


def _reads_back(candidate: str, text: str, style: str | None) -> bool:
    try:
        node = yaml.compose(f"k: {candidate}\n", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    value = node.value[0][1]
    # The plan reader types only what _TYPED matches (checked by the caller): a plain date or
    # 1.10 stays text, whatever tag YAML 1.1 would give it.
    return isinstance(value, yaml.ScalarNode) and value.value == text and value.style == style


def _block(text: str, indent: str) -> str | None:
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n")
    if not body or lines[0][:1] in (" ", "\t") or any(
            not _printable(ch) or ch in "\t\r" for ch in body):
        return None
    if any(line != line.rstrip(" ") or (line and not line.strip()) for line in lines):
        return None
    candidate = f"|{chomp}\n" + "\n".join(("  " + line) if line else "" for line in lines)
    candidate += "\n" * max(trailing - 1, 0)
    if not _reads_back(candidate + "\n" if chomp == "+" else candidate, text, "|"):
        return None
    return f"|{chomp}\n" + "\n".join((indent + line) if line else "" for line in lines) + \
        "\n" * max(trailing - 1, 0)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (ch in "\t\n" or 0x20 <= o <= 0x7E or o == 0x85 or 0xA0 <= o <= 0xD7FF
            or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF) and o != 0xFEFF


def _quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
