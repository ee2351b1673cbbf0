"""Load a scorecard into an immutable :class:`Scorecard`, reporting every problem.

A scorecard (bộ chỉ số, bảng chấm điểm) says how the units of a plan are scored, classified and
ranked (docs/scoring.md). It is read like a plan: through :mod:`engine.files` and
:mod:`engine.yamlsrc`, a parent named by ``extends`` laid under it by id (fields replaced
field by field, ``criteria`` merged by id at every level, ``remove:`` by id), then checked in
stages, each reporting every problem before the next one runs:

1. YAML (``E401``-``E407``), and the files of ``extends`` (``E407``-``E409``);
2. structure against ``engine/scorecard.schema.json`` (``E410``-``E413``; ``E450`` for a
   number written wrongly), and ``E462`` for an override or ``remove`` of an id the parent
   does not have;
3. references to the plan (``E456`` groups and agencies, ``E459`` fact ids) and to the
   scorecard's own stages (``E455``), and the arithmetic of the scorecard: maxima that add up
   (``E451``), bands without gaps or overlaps (``E452``), one rule per scored criterion
   (``E453``), points within the maximum (``E454``), a unit in one block (``E457``), criterion
   ids unique (``E458``);
4. formulas: syntax, names and types (``E1xx``-``E3xx``), located in the file; a value of the
   wrong type for its rule (``E460``), a categorical key that is not a value of its fact
   (``E461``).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from . import files, messages
from .builtins import BOOL, NUMBER, PERIOD_NAMES, TEXT, Type
from .checker import Symbols, check
from .diagnostics import Collector, Diagnostic, EngineError, did_you_mean
from .evaluator import compile_expr
from .formulas import FACT_LANGUAGE_TYPES, TYPE_SAID
from .i18n import N_, _
from .language import Formula
from .model import FactDef, Label, Plan, frozen
from .nodes import Name, free_names, walk
from .parser import parse
from .registry import label, text_of
from .schema import _diagnostics, _Error, _unknown_keys
from .source import Span
from .values import Num
from .yamlsrc import YMap, YNode, YScalar, YSeq, read_yaml, scalar_source, to_data

__all__ = [
    "Adjustment",
    "AdjustmentItem",
    "Band",
    "Block",
    "Criterion",
    "Deduction",
    "Rounding",
    "Rule",
    "Scorecard",
    "ScorecardArea",
    "ScorecardError",
    "Stage",
    "load_scorecard",
    "loads_scorecard",
    "scorecard_schema",
]

OnEmpty = Literal["not_applicable", "full", "zero"]
RoundMode = Literal["half_up", "half_even", "down", "up"]
RULE_KINDS = ("categorical", "yes_no", "steps", "proportional", "formula", "given")
MAX_EXTENDS = 32


class ScorecardError(EngineError):
    """A scorecard file is invalid, or does not fit its plan."""


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rounding:
    """Round to ``places`` decimals by ``mode``."""

    places: int
    mode: RoundMode = "half_up"

    def to_dict(self) -> dict[str, Any]:
        return {"places": self.places, "mode": self.mode}


@dataclass(frozen=True, slots=True)
class Band:
    """A half-open (or closed) interval of values: a band of steps with its ``points``, or a
    classification band with its ``label``."""

    lower: Num | None
    lower_closed: bool
    upper: Num | None
    upper_closed: bool
    points: Num | None = None
    label: str | None = None
    name: Label | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    def contains(self, value: Num) -> bool:
        if self.lower is not None and (value < self.lower or
                                       (value == self.lower and not self.lower_closed)):
            return False
        return not (self.upper is not None and (value > self.upper or
                                                (value == self.upper and not self.upper_closed)))

    def describe(self) -> str:
        """The band as a condition on ``value``: ``value >= 70% and value <= 90%``."""
        parts = []
        if self.lower is not None:
            parts.append(f"value {'>=' if self.lower_closed else '>'} {_show(self.lower)}")
        if self.upper is not None:
            parts.append(f"value {'<=' if self.upper_closed else '<'} {_show(self.upper)}")
        return " and ".join(parts)


def _show(x: Num) -> str:
    """A bound as written: a fraction below 1 in absolute value as a percentage."""
    from .values import format_number
    if x.denominator != 1 and (x * 100).denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        return format_number(x * 100) + "%"
    return format_number(x)


@dataclass(frozen=True)
class Rule:
    """How a criterion gives points: one of :data:`RULE_KINDS`."""

    kind: str
    categories: Mapping[str, Num] = field(default_factory=dict)
    yes: Num = 0
    no: Num = 0
    bands: tuple[Band, ...] = ()
    full_at: Num | None = None
    formula: Formula | None = None

    def describe(self) -> str:
        """The rule in a few words (for explanations)."""
        from .values import format_number
        match self.kind:
            case "categorical":
                return "categorical: " + "; ".join(f"{k}: {format_number(v)}"
                                                   for k, v in self.categories.items())
            case "yes_no":
                return f"yes/no: yes {format_number(self.yes)}, no {format_number(self.no)}"
            case "steps":
                return "steps: " + "; ".join(f"{b.describe()}: {format_number(b.points or 0)}"
                                             for b in self.bands)
            case "proportional":
                assert self.full_at is not None
                return f"proportional: maximum from {_show(self.full_at)}, below it " \
                       f"value x max / {_show(self.full_at)}"
            case "formula":
                assert self.formula is not None
                return "formula: " + self.formula.text.strip()
        return "given: the input is the points"


@dataclass(frozen=True)
class Deduction:
    when: Formula
    points: Num
    text: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Criterion:
    """A criterion (tiêu chí) or sub-criterion (tiêu chí thành phần). A scored one has a
    ``rule``; one with ``children`` is the sum of theirs."""

    id: str
    name: Label
    max: Num
    area: str
    parent: str | None
    level: int  # 1: criterion of an area, 2: sub-criterion
    children: tuple[str, ...] = ()
    ref: str | None = None
    text: str | None = None
    notes: str | None = None
    #: the units it applies to (None: every unit), already narrowed by its area and parent
    applies: frozenset[str] | None = None
    #: stage id -> formula; the key "" is an input that is the same at every stage
    inputs: Mapping[str, Formula] = field(default_factory=dict)
    population: Formula | None = None
    on_empty: OnEmpty = "not_applicable"
    rule: Rule | None = None
    deductions: tuple[Deduction, ...] = ()
    floor: Num = 0
    round: Rounding | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def scored(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True)
class ScorecardArea:
    """An area (lĩnh vực): its criteria ids in the order of the file."""

    id: str
    name: Label
    max: Num
    criteria: tuple[str, ...]
    ref: str | None = None
    notes: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Block:
    """A block (khối) of units, classified and ranked on its own."""

    id: str
    name: Label
    units: tuple[str, ...]
    classify: tuple[Band, ...]
    tie_break: tuple[str, ...] = ()
    notes: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Stage:
    id: str
    name: Label


@dataclass(frozen=True)
class AdjustmentItem:
    id: str
    name: Label
    points: Formula
    applies: frozenset[str] | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Adjustment:
    """Bonus or penalty points: items summed, capped at ``max``."""

    max: Num | None
    items: tuple[AdjustmentItem, ...]


@dataclass(frozen=True)
class Scorecard:
    """A loaded, checked scorecard, bound to the plan it was loaded for. Immutable."""

    id: str
    title: Label
    scale: Num
    stages: tuple[Stage, ...]
    facts: Mapping[str, FactDef]
    blocks: Mapping[str, Block]
    areas: Mapping[str, ScorecardArea]
    #: every criterion and sub-criterion by id, in the order of the file (a parent before its
    #: sub-criteria)
    criteria: Mapping[str, Criterion]
    bonus: Adjustment | None
    penalty: Adjustment | None
    rounding: Mapping[str, Rounding]
    #: the plan with the scorecard's facts added to its catalogue: fact files are read for it
    fact_plan: Plan = field(repr=False, compare=False)
    source: str | None = None
    notes: str | None = None
    path: str = field(default="", compare=False)
    #: the plan indicators the formulas use
    indicators: tuple[str, ...] = ()

    @property
    def leaves(self) -> tuple[Criterion, ...]:
        """The scored criteria, in order."""
        return tuple(c for c in self.criteria.values() if c.scored)

    def block_of(self, unit: str) -> str | None:
        for b in self.blocks.values():
            if unit in b.units:
                return b.id
        return None


@functools.cache
def scorecard_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scorecard files."""
    text = resources.files("engine").joinpath("scorecard.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator(partial: bool) -> Any:
    import jsonschema

    from .schema import _python_anchors, _without_required
    schema = _python_anchors(scorecard_schema())
    if partial:
        schema = {**_without_required(schema)}
    return jsonschema.Draft202012Validator(schema)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_scorecard(path: str | os.PathLike[str], *, plan: Plan,
                   root: str | os.PathLike[str] | None = None,
                   max_file_bytes: int = files.MAX_FILE_BYTES) -> Scorecard:
    """Load and check the scorecard file at ``path`` for ``plan``; a parent it ``extends`` is
    found next to it and must lie inside ``root`` (by default the folder of ``path``). Raises
    :class:`ScorecardError` carrying every diagnostic."""
    collector = Collector()
    p = Path(path)
    name = files.display_name(p)
    text = files.read(p, files.PLAN_FILES, collector, name, limit=max_file_bytes)
    collector.raise_if_any(ScorecardError)
    assert text is not None
    loader = _Loader(collector, p.parent if root is None else Path(root), max_file_bytes)
    return loader.load(text, name, p.parent, files.resolved(p), plan)


def loads_scorecard(text: str, name: str = "<scorecard>", *, plan: Plan,
                    base_dir: str | os.PathLike[str] | None = None,
                    root: str | os.PathLike[str] | None = None) -> Scorecard:
    """Load and check a scorecard given as text (``extends`` only with ``base_dir``)."""
    folder = None if base_dir is None else Path(base_dir)
    loader = _Loader(Collector(), folder if root is None else Path(root), files.MAX_FILE_BYTES)
    text = files.normalize_newlines(text.removeprefix("\ufeff"))
    return loader.load(text, name, folder, None, plan)


class _Loader:
    def __init__(self, collector: Collector, root: Path | None, limit: int) -> None:
        self.collector = collector
        self.root = root
        self.limit = limit

    def load(self, text: str, name: str, folder: Path | None, key: Path | None,
             plan: Plan) -> Scorecard:
        tree = self.tree(text, name, folder, key, ())
        self.collector.raise_if_any(ScorecardError)
        assert tree is not None
        validate_tree(tree, self.collector, partial=False)
        self.collector.raise_if_any(ScorecardError)
        card = _Builder(tree, plan, self.collector, name).build()
        self.collector.raise_if_any(ScorecardError)
        assert card is not None
        return card

    def tree(self, text: str, name: str, folder: Path | None, key: Path | None,
             chain: tuple[Path, ...]) -> YMap | None:
        node, diags = read_yaml(text, name)
        if diags:
            self.collector.extend(diags)
            return None
        if not isinstance(node, YMap):
            self.collector.error("E412", _("a scorecard is a mapping of keys such as "
                                   "cchc_scorecard, id, title, blocks and areas"),
                                 node.span if node is not None else None,
                                 file=None if node is not None else name,
                                 help=_("see docs/scoring.md for the format"))
            return None
        extends = node.get("extends")
        if not isinstance(extends, YScalar):
            if "remove" in node.items:
                self.collector.error("E462", _("'remove' does nothing in a scorecard that "
                                       "extends no other"), node.key_span("remove"),
                                     help=_("add 'extends: <parent scorecard>' or delete "
                                            "'remove'"))
            return node
        validate_tree(node, self.collector, partial=True)
        parent = self.parent(extends, folder, key, chain)
        if parent is None:
            return None
        return _Merger(self.collector).merge(parent, node)

    def parent(self, extends: YScalar, folder: Path | None, key: Path | None,
               chain: tuple[Path, ...]) -> YMap | None:
        c = self.collector
        if folder is None or self.root is None:
            c.error("E407", _("cannot read {path}: a scorecard given as text can only "
                      "extend files when a folder is given (base_dir=)").format(
                          path=f"'{extends.text}'"), extends.span,
                    help=_("pass base_dir=, or load the scorecard from its file"))
            return None
        path = folder / extends.text
        if "://" in extends.text or not files.within(path, self.root):
            c.add(messages.outside_root("E409", extends.text, files.display_name(self.root),
                                        extends.span, default=_("by default, the folder of the "
                                                                "scorecard given"),
                                        call="load_scorecard"))
            return None
        resolved = files.resolved(path)
        here = () if key is None else (key,)
        if resolved in (*chain, *here) or len(chain) >= MAX_EXTENDS:
            loop = [p.name for p in (*chain, *here, resolved)]
            c.error("E408", _("scorecards extend each other in a cycle: {loop}").format(
                loop=" -> ".join(loop)), extends.span,
                help=_("a scorecard cannot extend itself, directly or through others"))
            return None
        text = files.read(path, files.PLAN_FILES, c, files.display_name(path), extends.span,
                          limit=self.limit)
        if text is None:
            return None
        return self.tree(text, files.display_name(path), path.parent, resolved,
                         (*chain, *here))


def validate_tree(tree: YMap, collector: Collector, *, partial: bool) -> None:
    """Check a scorecard tree against the schema; numbers written wrongly are ``E450``."""
    errors = sorted(_validator(partial).iter_errors(to_data(tree)),
                    key=lambda e: [str(p) for p in e.path])
    suggested: set[tuple[int, str]] = set()
    for err in errors:
        if err.validator == "additionalProperties":
            for d in _unknown_keys(tree, False, err, suggested):
                collector.add(dataclasses.replace(
                    d, message=d.message.replace(_(" at the top of the plan"),
                                                 _(" at the top of the scorecard")),
                    help=(d.help or "").replace("plan-format.md", "scoring.md")))
    for err in errors:
        if err.validator == "additionalProperties":
            continue
        e = _Error.of(tree, False, err, suggested)
        pattern = str(err.schema.get("pattern", "")).replace("\\Z", "$")
        if pattern in (_NUMBER_SCHEMA, _BOUND_SCHEMA) and err.validator in ("pattern", "type"):
            collector.add(_not_a_number(e.node, pattern == _BOUND_SCHEMA, e.where))
            continue
        if err.validator == "minProperties":
            collector.error("E412", _("the mapping is empty{where}").format(where=e.where),
                            e.node.span, help=_("give at least one entry, or remove the key"))
            continue
        if err.validator == "const" and e.path and e.path[-1] == "given":
            collector.error("E412", _("'given' takes true{where}").format(where=e.where),
                            e.node.span, help=_("write 'given: true': the input is the points"))
            continue
        for d in _diagnostics(e):
            collector.add(dataclasses.replace(
                d, message=d.message.replace(_(" at the top of the plan"),
                                             _(" at the top of the scorecard")),
                help=(d.help or "").replace("plan-format.md", "scoring.md")))


_NUMBER_SCHEMA = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_BOUND_SCHEMA = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?%?$"


def _not_a_number(node: YNode, bound: bool, where: str) -> Diagnostic:
    shown = "'" + (node.text if isinstance(node, YScalar) else (
        _("a list") if isinstance(node, YSeq) else _("a mapping"))) + "'"
    hint = _("write a number such as 2, 0.5 or 90%") if bound else \
        _("write a number such as 2, 0.5")
    if isinstance(node, YScalar) and re.fullmatch(r"-?\d+,\d+%?", node.text):
        hint = _("write decimals with a point: {number}").format(
            number=node.text.replace(",", "."))
    return Diagnostic("E450", _("{value} is not a number{where}").format(
        value=shown, where=where), node.span, hint)


def number(node: YNode | None) -> Num:
    """The exact number of a scalar the schema has checked (``90%`` is 9/10), as an ``int``
    when it is whole (scoring compares and adds many of them)."""
    assert isinstance(node, YScalar)
    text = node.text.strip()
    x = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    return x.numerator if x.denominator == 1 else x


class _Merger:
    """Lays a child scorecard tree onto its parent's, by id."""

    COLLECTIONS = ("areas", "blocks", "stages", "facts")

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def merge(self, parent: YMap, child: YMap) -> YMap:
        items = {k: v for k, v in parent.items.items() if k not in ("extends", "remove")}
        for key, (k, v) in child.items.items():
            if key in ("extends", "remove"):
                continue
            base = items.get(key, (k, None))[1]
            if key in self.COLLECTIONS and isinstance(v, YMap) and isinstance(base, YMap):
                items[key] = (k, self.collection(base, v, key))
            elif key in ("bonus", "penalty") and isinstance(v, YMap) and isinstance(base, YMap):
                items[key] = (k, self.fields(base, v, key))
            else:
                items[key] = (k, v)
        merged = YMap(child.span, items)
        return self.removals(merged, child)

    def collection(self, base: YMap, over: YMap, coll: str) -> YMap:
        out = dict(base.items)
        for eid, (k, v) in over.items.items():
            old = out.get(eid, (k, None))[1]
            if isinstance(old, YMap) and isinstance(v, YMap) and coll != "stages":
                out[eid] = (out[eid][0], self.fields(old, v, coll))
            elif old is None and isinstance(v, YMap) and not {"name"} <= set(v.items) and \
                    coll in ("areas", "criteria", "blocks"):
                hint = did_you_mean(eid, list(out))
                self.collector.error(
                    "E462", _("no {kind} {id} in the parent scorecard to override").format(
                        kind=_(_SINGULAR[coll]), id=f"'{eid}'"),
                    k.span, help=(hint + " " if hint else "")
                    + _("a new {kind} needs its name, max and the rest of its fields").format(
                        kind=_(_SINGULAR[coll])))
            else:
                out[eid] = (k, v)
        return YMap(over.span, out)

    def fields(self, old: YMap, new: YMap, coll: str) -> YMap:
        fields = dict(old.items)
        for fkey, (fk, fv) in new.items.items():
            base = fields.get(fkey, (fk, None))[1]
            if fkey in ("criteria", "items") and isinstance(fv, YMap) and isinstance(base, YMap):
                fields[fkey] = (fk, self.collection(base, fv, "criteria" if fkey == "criteria"
                                                    else "items"))
            else:
                fields[fkey] = (fk, fv)
        return YMap(new.span, fields)

    def removals(self, tree: YMap, child: YMap) -> YMap:
        spec = child.get("remove")
        if not isinstance(spec, YMap):
            return tree
        for coll, (_key, listed) in spec.items.items():
            ids = [n for n in (listed.items if isinstance(listed, YSeq) else [])
                   if isinstance(n, YScalar)]
            for item in ids:
                tree, found = self.remove(tree, coll, item.text)
                if not found:
                    self.collector.error("E462", _(
                        "no {kind} {id} in the parent scorecard to remove").format(
                            kind=_(_SINGULAR[coll]) if coll in _SINGULAR else coll,
                            id=f"'{item.text}'"), item.span,
                        help=_("check the id against the parent scorecard"))
        return tree

    def remove(self, tree: YMap, coll: str, eid: str) -> tuple[YMap, bool]:
        if coll in ("areas", "blocks", "stages", "facts"):
            node = tree.get(coll)
            if isinstance(node, YMap) and eid in node.items:
                kept = {k: v for k, v in node.items.items() if k != eid}
                return _with(tree, coll, YMap(node.span, kept)), True
            return tree, False
        if coll in ("bonus", "penalty"):
            adj = tree.get(coll)
            items = adj.get("items") if isinstance(adj, YMap) else None
            if isinstance(adj, YMap) and isinstance(items, YMap) and eid in items.items:
                kept = {k: v for k, v in items.items.items() if k != eid}
                return _with(tree, coll, _with(adj, "items", YMap(items.span, kept))), True
            return tree, False
        # criteria, at any level
        return _remove_criterion(tree, eid)


_SINGULAR = {"areas": N_("area"), "criteria": N_("criterion"), "blocks": N_("block"),
             "stages": N_("stage"), "facts": N_("fact"), "items": N_("item"),
             "bonus": N_("bonus item"), "penalty": N_("penalty item")}


def _with(tree: YMap, key: str, value: YNode) -> YMap:
    items = dict(tree.items)
    k = items[key][0] if key in items else YScalar(key, None, tree.span)
    items[key] = (k, value)
    return YMap(tree.span, items)


def _remove_criterion(tree: YMap, eid: str) -> tuple[YMap, bool]:
    found = False

    def walk_criteria(node: YMap) -> YMap:
        nonlocal found
        crit = node.get("criteria")
        if not isinstance(crit, YMap):
            return node
        kept: dict[str, tuple[YScalar, YNode]] = {}
        for cid, (k, v) in crit.items.items():
            if cid == eid:
                found = True
                continue
            kept[cid] = (k, walk_criteria(v) if isinstance(v, YMap) else v)
        return _with(node, "criteria", YMap(crit.span, kept))

    areas = tree.get("areas")
    if not isinstance(areas, YMap):
        return tree, False
    new = {aid: (k, walk_criteria(v) if isinstance(v, YMap) else v)
           for aid, (k, v) in areas.items.items()}
    return _with(tree, "areas", YMap(areas.span, new)), found


# ---------------------------------------------------------------------------------------------
# Building the model, with the checks of stages 3 and 4
# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, tree: YMap, plan: Plan, collector: Collector, name: str) -> None:
        self.tree = tree
        self.plan = plan
        self.c = collector
        self.name = name
        self.stage_ids: list[str] = []
        self.facts: dict[str, FactDef] = {}
        self.fact_types: dict[str, Type] = {}
        self.indicators: set[str] = set()
        self.criterion_spans: dict[str, Span] = {}

    # -- helpers -----------------------------------------------------------------------------
    def units(self, node: YNode | None) -> list[str] | None:
        """The units named by a group/agency id or a list of them (None when absent)."""
        if node is None:
            return None
        names = [node] if isinstance(node, YScalar) else \
            [n for n in node.items if isinstance(n, YScalar)] if isinstance(node, YSeq) else []
        out: list[str] = []
        for n in names:
            members = self.plan.group_members(n.text)
            if not members and n.text not in self.plan.groups:
                self.c.add(messages.unknown_name("E456", N_("group or agency"), n.text,
                                                 [*self.plan.groups, *self.plan.agencies],
                                                 n.span))
            out.extend(m for m in members if m not in out)
        return out

    def applies(self, node: YMap, inherited: frozenset[str] | None) -> frozenset[str] | None:
        inc = self.units(node.get("applies_to"))
        exc = self.units(node.get("except"))
        result = inherited
        if inc is not None:
            result = frozenset(inc) if result is None else result & frozenset(inc)
        if exc is not None:
            base = result if result is not None else frozenset(self.all_units)
            result = base - frozenset(exc)
        return result

    def rounding(self, node: YNode | None) -> Rounding | None:
        if not isinstance(node, YMap):
            return None
        places = node.get("places")
        mode = node.get("mode")
        return Rounding(int(places.text) if isinstance(places, YScalar) else 0,
                        cast(RoundMode, mode.text) if isinstance(mode, YScalar) else "half_up")

    # -- the whole ---------------------------------------------------------------------------
    def build(self) -> Scorecard | None:
        t = self.tree
        self.stages()
        self.own_facts()
        self.fact_plan = dataclasses.replace(self.plan, facts=frozen({**self.plan.facts,
                                                                      **self.facts}))
        self.fact_types = {f: FACT_LANGUAGE_TYPES[d.type]
                           for f, d in self.fact_plan.facts.items()}
        blocks = self.blocks()
        self.all_units = [u for b in blocks.values() for u in b.units]
        areas, criteria = self.areas()
        scale = number(t.get("scale"))
        total = sum((a.max for a in areas.values()), 0)
        if total != scale and areas:
            self.c.error("E451", _("the areas' maxima add up to {total}, not the scale "
                                   "{scale}").format(total=_fmt(total), scale=_fmt(scale)),
                         _span(t.get("scale")),
                         help=_("change the scale or the maxima of the areas: {sum}").format(
                             sum=" + ".join(f"{a.id}: {_fmt(a.max)}" for a in areas.values())))
        bonus = self.adjustment("bonus")
        penalty = self.adjustment("penalty")
        rounding: dict[str, Rounding] = {}
        rnode = t.get("rounding")
        if isinstance(rnode, YMap):
            for key in ("criteria", "total", "index"):
                r = self.rounding(rnode.get(key))
                if r is not None:
                    rounding[key] = r
        if self.c.has_errors:
            return None
        return Scorecard(
            id=text_of(t.get("id")) or "", title=label(t.get("title")), scale=scale,
            stages=tuple(Stage(s, self.stage_names[s]) for s in self.stage_ids),
            facts=frozen(self.facts), blocks=frozen(blocks), areas=frozen(areas),
            criteria=frozen(criteria), bonus=bonus, penalty=penalty, rounding=frozen(rounding),
            fact_plan=self.fact_plan, source=text_of(t.get("source")),
            notes=text_of(t.get("notes")), path=self.name,
            indicators=tuple(i for i in self.plan.indicators if i in self.indicators))

    def stages(self) -> None:
        self.stage_names: dict[str, Label] = {}
        node = self.tree.get("stages")
        if isinstance(node, YMap):
            for sid, (_key, v) in node.items.items():
                self.stage_ids.append(sid)
                self.stage_names[sid] = label(v.get("name") if isinstance(v, YMap) else None)

    def own_facts(self) -> None:
        from .builtins import RESERVED_NAMES
        node = self.tree.get("facts")
        if not isinstance(node, YMap):
            return
        for fid, (k, v) in node.items.items():
            if not isinstance(v, YMap):
                continue
            if fid in self.plan.facts or fid in RESERVED_NAMES:
                why = _("the fact id {id} is a fact of the plan") if fid in self.plan.facts \
                    else _("the fact id {id} is a word formulas already use")
                self.c.error("E459", why.format(id=f"'{fid}'"), k.span,
                             help=_("give the scorecard's fact another id, e.g. "
                                    "'{id}_appraised'").format(id=fid))
                continue
            reported_by = text_of(v.get("reported_by")) or ""
            reporters = self.plan.group_members(reported_by)
            if not reporters and reported_by not in self.plan.groups:
                rb = v.get("reported_by")
                self.c.add(messages.unknown_name("E456", N_("group or agency"), reported_by,
                                                 [*self.plan.groups, *self.plan.agencies],
                                                 rb.span if rb is not None else k.span))
            periods = tuple(p.text for p in _scalars(v.get("periods")))
            for p in _scalars(v.get("periods")):
                if p.text not in self.plan.periods:
                    self.c.add(messages.unknown_period(self.plan, p.text, p.span))
            values_node = v.get("values")
            values = tuple(x.text for x in (values_node.items if isinstance(values_node, YSeq)
                                            else ()) if isinstance(x, YScalar))
            ftype = text_of(v.get("type")) or "number"
            if (ftype == "category") != bool(values):
                self.c.error("E414", _("a category fact needs 'values', and only a category "
                                       "fact has them"), k.span,
                             help=_("list the allowed values under 'values:', or change the "
                                    "type"))
            self.facts[fid] = FactDef(
                id=fid, type=cast(Any, ftype), label=label(v.get("label")),
                reported_by=reported_by, reporters=reporters,
                periods=periods or tuple(self.plan.periods), unit=text_of(v.get("unit")),
                values=values, notes=text_of(v.get("notes")), span=k.span)

    def blocks(self) -> dict[str, Block]:
        out: dict[str, Block] = {}
        seen: dict[str, str] = {}
        node = self.tree.get("blocks")
        for bid, (k, v) in (node.items.items() if isinstance(node, YMap) else []):
            if not isinstance(v, YMap):
                continue
            units = self.units(v.get("units")) or []
            units_node = v.get("units")
            for u in units:
                if u in seen:
                    self.c.error("E457", _("{unit} is in two blocks: {first} and {second}").format(
                        unit=f"'{u}'", first=f"'{seen[u]}'", second=f"'{bid}'"),
                                 units_node.span if units_node is not None else k.span,
                                 help=_("a unit is scored and ranked in one block only: take "
                                        "it out of one of them (a group's 'minus')"))
                else:
                    seen[u] = bid
            if not units and not self.c.has_errors:
                self.c.error("E457", _("the block {id} has no units").format(id=f"'{bid}'"),
                             units_node.span if units_node is not None else k.span,
                             help=_("name a group of the plan that has agencies"))
            bands = self.bands(v.get("classify"), classify=True)
            tie = tuple(x.text for x in _scalars(v.get("tie_break")))
            out[bid] = Block(bid, label(v.get("name")), tuple(units), tuple(bands), tie,
                             text_of(v.get("notes")), k.span)
        return out

    def bands(self, node: YNode | None, *, classify: bool,
              maximum: Num | None = None) -> list[Band]:
        out: list[Band] = []
        if not isinstance(node, YSeq):
            return out
        for item in node.items:
            if not isinstance(item, YMap):
                continue
            lows = [k for k in ("at_least", "above") if k in item.items]
            highs = [k for k in ("at_most", "below") if k in item.items]
            if len(lows) > 1 or len(highs) > 1:
                self.c.error("E452", _("a band has two lower bounds") if len(lows) > 1
                             else _("a band has two upper bounds"), item.span,
                             help=_("keep one: at_least (từ) or above (trên) for the lower "
                                    "bound, at_most (đến) or below (dưới) for the upper"))
                continue
            if not lows and not highs:
                self.c.error("E452", _("a band without a bound"), item.span,
                             help=_("give at_least or above, at_most or below"))
                continue
            lower = number(item.get(lows[0])) if lows else None
            upper = number(item.get(highs[0])) if highs else None
            points = number(item.get("points")) if item.get("points") is not None else None
            lab = text_of(item.get("label"))
            if lower is not None and upper is not None and (
                    lower > upper or (lower == upper and (lows[0] == "above"
                                                          or highs[0] == "below"))):
                self.c.error("E452", _("the band is empty: its lower bound is not below its "
                                       "upper bound"), item.span, help=_("check the two bounds"))
                continue
            if points is not None and maximum is not None and not (0 <= points <= maximum):
                p = item.get("points")
                self.c.error("E454", _("{points} points is outside 0 to the maximum "
                                       "{maximum}").format(points=_fmt(points),
                                                           maximum=_fmt(maximum)),
                             p.span if p is not None else item.span,
                             help=_("a band gives between 0 and the criterion's maximum "
                                    "points"))
            out.append(Band(lower, bool(lows) and lows[0] == "at_least", upper,
                            bool(highs) and highs[0] == "at_most", points, lab,
                            label(item.get("name")) if item.get("name") else None, item.span))
        self.check_bands(out, node, classify)
        return out

    def check_bands(self, bands: list[Band], node: YNode, classify: bool) -> None:
        if not bands:
            return
        key = functools.cmp_to_key(_compare_lower)
        ordered = sorted(bands, key=key)
        for a, b in itertools.pairwise(ordered):
            # a's upper must meet b's lower exactly, one side closed and the other open
            if a.upper is None or b.lower is None or a.upper > b.lower or (
                    a.upper == b.lower and a.upper_closed and b.lower_closed):
                self.c.error("E452", _("the bands {first} and {second} overlap").format(
                    first=f"'{a.describe()}'", second=f"'{b.describe()}'"),
                             b.span, help=_("a value must fall in one band only: make one "
                                            "bound open (above/below) and the other closed "
                                            "(at_least/at_most)"))
            elif a.upper < b.lower or (a.upper == b.lower and not a.upper_closed
                                       and not b.lower_closed):
                gap = _("the bands leave a gap at {value}").format(value=_show(a.upper)) \
                    if a.upper == b.lower else _(
                        "the bands leave a gap at {low} to {high}").format(
                            low=_show(a.upper), high=_show(b.lower))
                self.c.error("E452", gap, b.span,
                             help=_("a value must fall in one band: close one of the two "
                                    "bounds (at_least/at_most) so that the bands meet"))
        if classify:
            low, high = ordered[0], ordered[-1]
            if low.lower is not None and (low.lower > 0 or (low.lower == 0
                                                           and not low.lower_closed)):
                self.c.error("E452", _("no classification band holds an index of "
                                       "{index}").format(
                                           index=_show(low.lower) if low.lower else "0%"),
                             node.span,
                             help=_("the bands must cover 0% to 100%: leave the lowest band "
                                    "without a lower bound"))
            if high.upper is not None and (high.upper < 1 or (high.upper == 1
                                                             and not high.upper_closed)):
                self.c.error("E452", _("no classification band holds an index of {index}").format(
                    index="100%"), node.span,
                             help=_("the bands must cover 0% to 100%: leave the highest band "
                                    "without an upper bound"))
            labels: dict[str, Band] = {}
            for b in bands:
                if b.label in labels:
                    self.c.error("E452", _("the label {label} is given to two bands").format(
                        label=f"'{b.label}'"), b.span, help=_("give each band its own label"))
                labels[b.label or ""] = b

    # -- areas and criteria ------------------------------------------------------------------
    def areas(self) -> tuple[dict[str, ScorecardArea], dict[str, Criterion]]:
        areas: dict[str, ScorecardArea] = {}
        criteria: dict[str, Criterion] = {}
        node = self.tree.get("areas")
        for aid, (k, v) in (node.items.items() if isinstance(node, YMap) else []):
            if not isinstance(v, YMap):
                continue
            applies = self.applies(v, None)
            cnode = v.get("criteria")
            ids: list[str] = []
            for cid, (ck, cv) in (cnode.items.items() if isinstance(cnode, YMap) else []):
                if isinstance(cv, YMap) and self.unique(cid, ck):
                    ids.append(cid)
                    self.criterion(cid, ck, cv, aid, None, 1, applies, criteria)
            amax = number(v.get("max"))
            areas[aid] = ScorecardArea(aid, label(v.get("name")), amax, tuple(ids),
                                       text_of(v.get("ref")), text_of(v.get("notes")), k.span)
            self.adds_up(_("area {id}").format(id=f"'{aid}'"), amax,
                         [criteria[i] for i in ids if i in criteria], v.get("max"))
        return areas, criteria

    def unique(self, cid: str, key: YScalar) -> bool:
        if cid in self.criterion_spans:
            first = self.criterion_spans[cid].begin
            self.c.error("E458", _("the criterion id {id} is used twice").format(id=f"'{cid}'"),
                         key.span, help=_("it is already used at {place}; a criterion id "
                                          "names one criterion in the whole scorecard").format(
                                              place=f"{first.file}:{first.line}"))
            return False
        self.criterion_spans[cid] = key.span
        return True

    def adds_up(self, what: str, maximum: Num, children: list[Criterion],
                at: YNode | None) -> None:
        total = sum((c.max for c in children), 0)
        if children and total != maximum:
            self.c.error("E451", _("the maximum of {what} is {maximum} but its criteria "
                                   "add up to {total}").format(
                                       what=what, maximum=_fmt(maximum), total=_fmt(total)),
                         at.span if at is not None else None,
                         help=_("correct the maximum, or the criteria's: {sum}").format(
                             sum=" + ".join(f"{c.id}: {_fmt(c.max)}" for c in children)))

    def criterion(self, cid: str, key: YScalar, node: YMap, area: str, parent: str | None,
                  level: int, inherited: frozenset[str] | None,
                  out: dict[str, Criterion]) -> None:
        applies = self.applies(node, inherited)
        cmax = number(node.get("max"))
        sub = node.get("criteria")
        rule_node = node.get("points")
        children: list[str] = []
        leaf_keys = [k for k in ("input", "population", "on_empty", "points", "deductions",
                                 "floor", "round") if k in node.items]
        if isinstance(sub, YMap) and leaf_keys:
            self.c.error("E453", _("the criterion {id} has sub-criteria and its own "
                                   "{key}").format(id=f"'{cid}'", key=f"'{leaf_keys[0]}'"),
                         node.key_span(leaf_keys[0]),
                         help=_("a criterion with sub-criteria is the sum of theirs: move its "
                                "rule into a sub-criterion, or remove the sub-criteria"))
            return
        crit_placeholder = Criterion(cid, label(node.get("name")), cmax, area, parent, level,
                                     span=key.span)
        out[cid] = crit_placeholder
        if isinstance(sub, YMap):
            for sid, (sk, sv) in sub.items.items():
                if isinstance(sv, YMap) and self.unique(sid, sk):
                    children.append(sid)
                    self.criterion(sid, sk, sv, area, cid, level + 1, applies, out)
            self.adds_up(_("criterion {id}").format(id=f"'{cid}'"), cmax,
                         [out[i] for i in children if i in out], node.get("max"))
            out[cid] = dataclasses.replace(crit_placeholder, children=tuple(children),
                                           ref=text_of(node.get("ref")),
                                           text=text_of(node.get("text")),
                                           notes=text_of(node.get("notes")), applies=applies)
            return
        if not isinstance(rule_node, YMap):
            self.c.error("E453", _("the criterion {id} gives no points: it has no "
                                   "'points' rule and no sub-criteria").format(id=f"'{cid}'"),
                         key.span, help=_("add 'points:' with one of {kinds}").format(
                             kinds=", ".join(RULE_KINDS)))
            return
        kinds = [k for k in RULE_KINDS if k in rule_node.items]
        if len(kinds) != 1:
            self.c.error("E453", (_("the criterion {id} has no rule under 'points'") if not kinds
                                  else _("the criterion {id} has {n} rules ({kinds}) under "
                                         "'points'")).format(
                id=f"'{cid}'", n=len(kinds), kinds=", ".join(kinds)), node.key_span("points"),
                help=_("give exactly one of {kinds}").format(kinds=", ".join(RULE_KINDS)))
            return
        if "on_empty" in node.items and "population" not in node.items:
            self.c.error("E453", _("'on_empty' of {id} does nothing without a "
                                   "'population'").format(id=f"'{cid}'"),
                         node.key_span("on_empty"),
                         help=_("add 'population:' (what the criterion counts, e.g. "
                                "sum(dossiers_received)), or remove 'on_empty'"))
        inputs = self.inputs(cid, node)
        input_type = next((f.type for f in inputs.values()), None) if inputs is not None \
            else None
        rule = self.rule(cid, kinds[0], rule_node, cmax, node, inputs, input_type)
        population = self.formula(node.get("population"), NUMBER, _("the population"))
        deductions = []
        dnode = node.get("deductions")
        for d in (dnode.items if isinstance(dnode, YSeq) else ()):
            if isinstance(d, YMap):
                when = self.formula(d.get("when"), BOOL, _("a deduction's 'when'"))
                if when is not None:
                    deductions.append(Deduction(when, number(d.get("points")),
                                                text_of(d.get("text")), text_of(d.get("ref"))))
        floor = number(node.get("floor")) if node.get("floor") is not None else 0
        if rule is None or inputs is None:
            return
        out[cid] = dataclasses.replace(
            crit_placeholder, ref=text_of(node.get("ref")), text=text_of(node.get("text")),
            notes=text_of(node.get("notes")), applies=applies, inputs=frozen(inputs),
            population=population,
            on_empty=cast(OnEmpty, text_of(node.get("on_empty")) or "not_applicable"),
            rule=rule, deductions=tuple(deductions), floor=floor,
            round=self.rounding(node.get("round")))

    def inputs(self, cid: str, node: YMap) -> dict[str, Formula] | None:
        """The input formulas by stage ("" for one formula at every stage); {} when none."""
        inode = node.get("input")
        if inode is None:
            return {}
        out: dict[str, Formula] = {}
        ok = True
        if isinstance(inode, YMap):
            for sid, (sk, sv) in inode.items.items():
                if sid not in self.stage_ids:
                    hint = did_you_mean(sid, self.stage_ids)
                    self.c.error("E455", _("unknown stage {id}").format(id=f"'{sid}'"), sk.span,
                                 help=(hint + " " if hint else "") + (
                                     _("the scorecard's stages: {ids}").format(
                                         ids=", ".join(self.stage_ids))
                                     if self.stage_ids else _(
                                         "declare the stages under 'stages:' at the top of "
                                         "the scorecard")))
                    ok = False
                    continue
                f = self.formula(sv, None, _("the input"))
                if f is None:
                    ok = False
                else:
                    out[sid] = f
            types = {f.type for f in out.values()}
            if len(types) > 1:
                self.c.error("E460", _("the inputs of {id} have different types at "
                                       "different stages").format(id=f"'{cid}'"), inode.span,
                             help=_("every stage's input must be of one type"))
                ok = False
        else:
            f = self.formula(inode, None, _("the input"))
            if f is None:
                return None
            out[""] = f
        return out if ok else None

    def rule(self, cid: str, kind: str, node: YMap, cmax: Num, crit: YMap,
             inputs: dict[str, Formula] | None, input_type: Type | None) -> Rule | None:
        body = node.get(kind)
        inode = crit.get("input")
        at = inode.span if inode is not None else crit.key_span("points")

        def needs(wanted: Type, words: str) -> None:
            if inputs is None:
                return
            if input_type is None:
                self.c.error("E460", _("the rule {kind} of {id} needs an input").format(
                    kind=f"'{kind}'", id=f"'{cid}'"),
                             node.key_span(kind), help=_("add 'input:' with {words}").format(
                                 words=_(words)))
            elif input_type != wanted:
                self.c.error("E460", _("the input of {id} is {type}, but the rule {kind} needs "
                                       "{words}").format(id=f"'{cid}'", kind=f"'{kind}'",
                                                         type=_(TYPE_SAID[input_type]),
                                                         words=_(words)), at,
                             help=_("give an input that is {words}, or use another "
                                    "rule").format(words=_(words)))

        match kind:
            case "categorical":
                needs(TEXT, N_("a text (a category fact)"))
                cats: dict[str, Num] = {}
                assert isinstance(body, YMap)
                for key, (_key, v) in body.items.items():
                    points = number(v)
                    if not 0 <= points <= cmax:
                        self.c.error("E454", _("{points} points is outside 0 to the maximum "
                                               "{maximum}").format(points=_fmt(points),
                                                                   maximum=_fmt(cmax)), v.span,
                                     help=_("a rule gives between 0 and the criterion's "
                                            "maximum"))
                    cats[key] = points
                self.category_keys(cid, body, inputs)
                return Rule("categorical", categories=frozen(cats))
            case "yes_no":
                needs(BOOL, N_("a condition (true or false)"))
                assert isinstance(body, YMap)
                yes, no = number(body.get("yes")), number(body.get("no"))
                for side in ("yes", "no"):
                    pts = number(body.get(side))
                    if not 0 <= pts <= cmax:
                        self.c.error("E454", _("{points} points is outside 0 to the maximum "
                                               "{maximum}").format(points=_fmt(pts),
                                                                   maximum=_fmt(cmax)),
                                     _span(body.get(side)),
                                     help=_("a rule gives between 0 and the criterion's "
                                            "maximum"))
                return Rule("yes_no", yes=yes, no=no)
            case "steps":
                needs(NUMBER, N_("a number"))
                bands = self.bands(body, classify=False, maximum=cmax)
                return Rule("steps", bands=tuple(bands))
            case "proportional":
                needs(NUMBER, N_("a number"))
                assert isinstance(body, YMap)
                full_at = number(body.get("full_at"))
                if full_at <= 0:
                    fa = body.get("full_at")
                    self.c.error("E454", _("full_at must be above 0"), fa.span if fa else None,
                                 help=_("write the value from which the maximum is given, "
                                        "e.g. 80%"))
                return Rule("proportional", full_at=full_at)
            case "formula":
                extra = {"value": input_type} if input_type is not None else {}
                f = self.formula(body, NUMBER, _("the points formula"), **extra)
                return Rule("formula", formula=f) if f is not None else None
        needs(NUMBER, N_("a number (the points)"))
        return Rule("given")

    def category_keys(self, cid: str, body: YMap, inputs: dict[str, Formula] | None) -> None:
        """Keys of a categorical rule whose input is a category fact: values of that fact."""
        for f in (inputs or {}).values():
            if isinstance(f.expr, Name) and f.expr.name in self.fact_plan.facts:
                fdef = self.fact_plan.facts[f.expr.name]
                for key, (k, _value) in body.items.items():
                    if fdef.values and key not in fdef.values:
                        hint = did_you_mean(key, fdef.values)
                        self.c.error("E461", _("{value} is not a value of the fact {id}").format(
                            value=f"'{key}'", id=f"'{fdef.id}'"), k.span,
                                     help=(hint + " " if hint else "")
                                     + _("its values: {values}").format(
                                         values=", ".join(fdef.values)))
                missing = [v for v in fdef.values if v not in body.items]
                if missing:
                    self.c.error("E461", _("the rule of {id} gives no points for {values}").format(
                        id=f"'{cid}'", values=", ".join(f"'{m}'" for m in missing)), body.span,
                                 help=_("give points for every value of the fact {id}, 0 "
                                        "included").format(id=f"'{fdef.id}'"))
                return

    def symbols(self, **extra: Type) -> Symbols:
        scalars: dict[str, Type] = dict(PERIOD_NAMES)
        scalars.update(self.fact_types)
        scalars.update({i: ind.value.type for i, ind in self.plan.indicators.items()})
        scalars.update(extra)
        return Symbols(scalars, self.fact_types)

    def formula(self, node: YNode | None, wanted: Type | None, what: str,
                **extra: Type) -> Formula | None:
        if not isinstance(node, YScalar):
            return None
        src = scalar_source(node, node.span.source.name)
        try:
            expr = parse(node.text, src)
            rtype = check(expr, self.symbols(**extra))
        except EngineError as e:
            self.c.extend(e.diagnostics)
            return None
        if wanted is not None and rtype != wanted:
            self.c.error("E460", _("{what} is {type}, not {wanted}").format(
                what=what, type=_(TYPE_SAID[rtype]) if rtype in TYPE_SAID else str(rtype),
                wanted=_(TYPE_SAID[wanted])), expr.span,
                         help=_("write a formula that gives {wanted}").format(
                             wanted=_(TYPE_SAID[wanted])))
            return None
        self.indicators.update(n for n in free_names(expr) if n in self.plan.indicators)
        return Formula(src.text, expr, rtype, compile_expr(expr, set(self.fact_types)))

    def adjustment(self, key: str) -> Adjustment | None:
        node = self.tree.get(key)
        if not isinstance(node, YMap):
            return None
        items: list[AdjustmentItem] = []
        inode = node.get("items")
        for iid, (_key, v) in (inode.items.items() if isinstance(inode, YMap) else []):
            if not isinstance(v, YMap):
                continue
            f = self.formula(v.get("points"), NUMBER, f"the points of the {key} item '{iid}'")
            applies = self.applies(v, None)
            if f is not None:
                items.append(AdjustmentItem(iid, label(v.get("name")), f, applies,
                                            text_of(v.get("ref"))))
        cap = number(node.get("max")) if node.get("max") is not None else None
        return Adjustment(cap, tuple(items))


def _scalars(node: YNode | None) -> list[YScalar]:
    return [n for n in node.items if isinstance(n, YScalar)] if isinstance(node, YSeq) else []


def _span(node: YNode | None) -> Span | None:
    return node.span if node is not None else None


def _compare_lower(a: Band, b: Band) -> int:
    """Order bands by their lower bound (none first; closed before open at one value)."""
    if a.lower is None or b.lower is None:
        return (a.lower is not None) - (b.lower is not None)
    if a.lower != b.lower:
        return -1 if a.lower < b.lower else 1
    return (not a.lower_closed) - (not b.lower_closed)


def _fmt(x: Num) -> str:
    from .values import format_number
    return format_number(x)


def names_used(formula: Formula) -> Iterator[str]:
    """The names a formula reads (for explanations)."""
    seen: set[str] = set()
    for n in walk(formula.expr):
        if isinstance(n, Name) and n.name not in seen:
            seen.add(n.name)
            yield n.name
