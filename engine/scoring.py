"""Score the units of a plan with a scorecard: points, index, group and rank (docs/scoring.md).

:func:`score` evaluates every scored criterion for every unit of every block: its input at each
stage (the final points are those of the last stage present), the rule, deductions, the floor
and the maximum, rounding where the scorecard says; then the unit's total (criteria, bonus and
penalty within their caps, kept between 0 and the applicable maximum), its index (total over
the applicable maximum), its group (the classification band holding the index) and its rank
within its block (ties share a rank: 1, 2, 2, 4). Arithmetic is exact (``int`` and
``Fraction``); a value that is not known makes the criterion, and the unit's total, unknown:
never 0.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from .builtins import AGENCY_NAMES
from .diagnostics import ArgumentError, Diagnostic
from .evaluator import Context, Program, Row, compile_expr
from .facts import Facts, load_facts
from .i18n import N_, _
from .language import Formula
from .messages import describe_reason, unknown_name
from .model import Label, Plan
from .nodes import (
    Aggregate,
    Binary,
    Call,
    Compare,
    Expr,
    If,
    In,
    Name,
    Unary,
    free_names,
    walk,
)
from .report import check_arguments, heading
from .scorecard import (
    Band,
    Block,
    Criterion,
    Deduction,
    Rounding,
    Scorecard,
    names_used,
)
from .values import (
    EXACT_LIMIT,
    Num,
    Reason,
    Unknown,
    Value,
    fraction,
    is_number,
    json_value,
    merge,
)

__all__ = [
    "BlockResult",
    "CriterionScore",
    "ScoreReport",
    "StageChange",
    "StageScore",
    "UnitScore",
    "round_exact",
    "score",
]

Status = Literal["scored", "not_applicable", "unknown"]
_LIMIT = EXACT_LIMIT
_NEG_LIMIT = -EXACT_LIMIT
_INT = frozenset({int})
PathArg = str | os.PathLike[str]


def round_exact(x: Num, places: int, mode: str = "half_up") -> Num:
    """``x`` rounded to ``places`` decimals, exactly: ``half_up`` (half away from zero),
    ``half_even``, ``down`` (toward zero) or ``up`` (away from zero).

        >>> round_exact(Fraction(5, 3), 2), round_exact(Fraction(1, 8), 2, "half_even")
        (Fraction(167, 100), Fraction(3, 25))
        >>> round_exact(Fraction(399, 100), 0)
        4
    """
    return _round(x, places, mode)[0]


def _round(x: Num, places: int, mode: str) -> tuple[Num, bool]:
    """:func:`round_exact` and whether it changed ``x``, in whole numbers: scoring rounds
    every criterion of every unit, and arithmetic on :class:`Fraction` costs microseconds
    an operation (the results are the same exact numbers)."""
    if type(x) is int:
        if places >= 0:
            return x, False
        n, d = x, 1
    else:
        n, d = x.numerator, x.denominator
    if places >= 0:
        n *= 10**places
    else:
        d *= 10**-places
    sign = -1 if n < 0 else 1
    q, r = divmod(abs(n), d)
    if not r:
        return _norm(x), False
    half = 2 * r - d  # > 0 above one half, 0 at one half
    if mode == "up" or (mode == "half_up" and half >= 0) or \
            (mode == "half_even" and (half > 0 or (half == 0 and q % 2 == 1))):
        q += 1
    if places >= 0:
        return _ratio(sign * q, 10**places), True
    return sign * q * 10**-places, True


@functools.cache
def _rounder(places: int, mode: str) -> Callable[[Num], tuple[Num, bool]]:
    """``lambda x: _round(x, places, mode)``, with what depends on ``places`` and ``mode``
    worked out once (a criterion's rounding applies to every unit)."""
    if places < 0:
        return lambda x: _round(x, places, mode)
    round_parts = _parts_rounder(places, mode)

    def round_to(x: Num) -> tuple[Num, bool]:
        if x.__class__ is int:
            return x, False
        return round_parts(x.numerator, x.denominator, x)
    return round_to


@functools.cache
def _parts_rounder(places: int, mode: str) -> Callable[[int, int, Num], tuple[Num, bool]]:
    """``lambda n, d, x: _round(x, places, mode)`` for ``x == n / d`` (``d > 0``, ``places >=
    0``), from the parts (which need not be in lowest terms): the same number, whatever the
    parts, and ``x`` itself (normalised) when it is unchanged."""
    scale = 10**places
    up, half_up, half_even = mode == "up", mode == "half_up", mode == "half_even"

    def round_parts(n: int, d: int, x: Num) -> tuple[Num, bool]:
        n *= scale
        negative = n < 0
        q, r = divmod(-n if negative else n, d)
        if not r:
            return _norm(x), False
        half = 2 * r - d  # > 0 above one half, 0 at one half
        if up or (half_up and half >= 0) or (half_even and (half > 0 or (half == 0 and q & 1))):
            q += 1
        return _ratio(-q if negative else q, scale), True
    return round_parts


def _ratio(n: int, d: int) -> Num:
    """``n / d`` for whole numbers with ``d > 0``, in lowest terms: the number
    ``_norm(Fraction(n, d))`` is, made from its parts (the constructor's checks cost a
    microsecond, and scoring makes several per criterion of every unit)."""
    g = math.gcd(n, d)
    if g != 1:
        n //= g
        d //= g
    return n if d == 1 else fraction(n, d)


@dataclass(frozen=True, slots=True)
class Rounded:
    """A rounding the scorecard asked for that changed a value."""

    what: str
    before: Num
    after: Num
    rounding: Rounding

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "from": json_value(self.before),
                "to": json_value(self.after), **self.rounding.to_dict()}


@dataclass(frozen=True, slots=True)
class InputValue:
    """A name a criterion's formula read for the unit: a fact (with where it was written) or
    an indicator of the plan."""

    name: str
    value: Value
    where: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": json_value(self.value), "where": self.where}


@dataclass(frozen=True, slots=True)
class StageScore:
    """One stage of a criterion: its input and the points the rule gave it."""

    stage: str
    input: Value
    points: Value

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage or None, "input": json_value(self.input),
                "points": json_value(self.points)}


@dataclass(frozen=True)
class CriterionScore:
    """A criterion for one unit. For a criterion with sub-criteria, the sums of theirs."""

    criterion: Criterion
    status: Status
    points: Value
    max: Num  # the applicable maximum (0 when not applicable)
    why: str = ""
    stages: tuple[StageScore, ...] = ()
    final_stage: str | None = None
    #: how to find the facts and indicators the formulas read (worked out when asked for)
    explain: Callable[[], tuple[InputValue, ...]] | None = field(default=None, repr=False,
                                                                 compare=False)
    population: Value | None = None
    deductions: tuple[tuple[Deduction, bool], ...] = ()
    rounded: Rounded | None = None

    @property
    def id(self) -> str:
        return self.criterion.id

    @functools.cached_property
    def inputs(self) -> tuple[InputValue, ...]:
        """The facts (with where each was written) and indicators its formulas read."""
        return self.explain() if self.explain is not None else ()

    @property
    def lost(self) -> Value:
        """Points lost against the maximum."""
        if isinstance(self.points, Unknown) or self.status == "not_applicable":
            return Unknown.of() if isinstance(self.points, Unknown) else 0
        return _norm(self.max - _num(self.points))

    @property
    def input(self) -> Value | None:
        for s in self.stages:
            if s.stage == (self.final_stage or ""):
                return s.input
        return None

    def stage_points(self, stage: str) -> Value | None:
        for s in self.stages:
            if s.stage == stage:
                return s.points
        return None

    def to_dict(self) -> dict[str, Any]:
        c = self.criterion
        return {
            "id": c.id, "name": c.name.to_dict(), "level": c.level, "parent": c.parent,
            "status": self.status, "points": json_value(self.points),
            "max": json_value(_norm(self.max)), "criterion_max": json_value(_norm(c.max)),
            "lost": json_value(self.lost) if self.status != "not_applicable" else None,
            "why": self.why or None,
            "rule": c.rule.describe() if c.rule else None, "text": c.text, "ref": c.ref,
            "final_stage": self.final_stage or None,
            "stages": [s.to_dict() for s in self.stages],
            "inputs": [i.to_dict() for i in self.inputs],
            "population": json_value(self.population) if self.population is not None else None,
            "deductions": [{"when": d.when.text.strip(), "points": json_value(_norm(d.points)),
                            "applied": applied, "text": d.text}
                           for d, applied in self.deductions],
            "rounded": self.rounded.to_dict() if self.rounded else None,
        }


def _criterion_score(criterion: Criterion, status: Status, points: Value, max: Num, *,
                     why: str = "", stages: tuple[StageScore, ...] = (),
                     final_stage: str | None = None,
                     explain: Callable[[], tuple[InputValue, ...]] | None = None,
                     population: Value | None = None,
                     deductions: tuple[tuple[Deduction, bool], ...] = (),
                     rounded: Rounded | None = None) -> CriterionScore:
    """``CriterionScore(...)``, made without the frozen dataclass's ``__init__``, which sets
    each field with ``object.__setattr__``: scoring makes one per criterion per unit, and
    this costs a third of it. The object is the same (equal, same repr, still frozen)."""
    score = _new(CriterionScore)
    _set(score, "__dict__", {
        "criterion": criterion, "status": status, "points": points, "max": max, "why": why,
        "stages": stages, "final_stage": final_stage, "explain": explain,
        "population": population, "deductions": deductions, "rounded": rounded})
    return score


def _empty_score(c: Criterion, population: Value,
                 explain: Callable[[], tuple[InputValue, ...]] | None) -> CriterionScore:
    """The score of criterion ``c`` for a unit whose population is 0, as its ``on_empty``
    says: not applicable (out of the points and the maximum), full points, or zero."""
    if c.on_empty == "not_applicable":
        return _criterion_score(c, "not_applicable", 0, 0,
                                why="nothing to score: the population is 0",
                                explain=explain, population=population)
    return _criterion_score(c, "scored", c.max if c.on_empty == "full" else 0, c.max,
                            why=f"the population is 0: on_empty {c.on_empty}",
                            explain=explain, population=population)


_new = object.__new__
# _criterion_score sets every field: a field added to CriterionScore must be added there too.
assert [f.name for f in dataclasses.fields(CriterionScore)] == [
    "criterion", "status", "points", "max", "why", "stages", "final_stage", "explain",
    "population", "deductions", "rounded"]
_set = object.__setattr__


def _stage_score(stage: str, input: Value, points: Value) -> StageScore:
    """``StageScore(stage, input, points)``, made without the frozen dataclass's
    ``__init__`` (see :func:`_criterion_score`): scoring makes one per stage of every criterion
    of every unit."""
    s = _new(StageScore)
    _STAGE(s, stage)
    _INPUT(s, input)
    _POINTS(s, points)
    return s


def _rounded(what: str, before: Num, after: Num, rounding: Rounding) -> Rounded:
    """``Rounded(what, before, after, rounding)``, made as :func:`_stage_score` makes one."""
    r = _new(Rounded)
    _WHAT(r, what)
    _BEFORE(r, before)
    _AFTER(r, after)
    _ROUNDING(r, rounding)
    return r


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The setter of a slot of ``cls`` (a slotted class's fields are descriptors, set in C)."""
    setter: Callable[[Any, Any], None] = cls.__dict__[name].__set__
    return setter


_STAGE, _INPUT, _POINTS = (_setter(StageScore, n) for n in ("stage", "input", "points"))
_WHAT, _BEFORE, _AFTER, _ROUNDING = (_setter(Rounded, n)
                                     for n in ("what", "before", "after", "rounding"))
assert [f.name for f in dataclasses.fields(StageScore)] == ["stage", "input", "points"]
assert [f.name for f in dataclasses.fields(Rounded)] == ["what", "before", "after", "rounding"]


@dataclass(frozen=True)
class UnitScore:
    """A unit's result: every criterion, its total, index, group and rank in its block."""

    unit: str
    name: Label
    block: str
    criteria: tuple[CriterionScore, ...]
    criteria_points: Value
    bonus: Value
    penalty: Value
    total: Value
    applicable_max: Num
    index: Value
    group: str | None
    rank: int | None = None
    rounded: tuple[Rounded, ...] = ()
    adjustments: tuple[tuple[str, str, Value], ...] = ()

    @property
    def status(self) -> Literal["scored", "unknown"]:
        return "unknown" if isinstance(self.index, Unknown) else "scored"

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """``(agency, fact)`` pairs not reported that the unit's score needed."""
        values = [self.total, self.index, *(c.points for c in self.criteria)]
        return tuple(sorted({(r.agency, r.fact) for v in values if isinstance(v, Unknown)
                             for r in v.reasons if r.kind == "missing"}))

    @property
    def reasons(self) -> list[str]:
        """Why the index is unknown, in words (besides missing facts)."""
        if not isinstance(self.index, Unknown):
            return []
        return sorted({describe_reason(r) for r in self.index.reasons if r.kind != "missing"})

    def criterion(self, cid: str) -> CriterionScore:
        for c in self.criteria:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def summary(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "unit": self.unit, "name": self.name.to_dict(),
            "points": json_value(self.total), "applicable_max": json_value(_norm(
                self.applicable_max)),
            "index": json_value(self.index), "group": self.group, "status": self.status,
            "missing": [{"agency": a, "fact": f} for a, f in self.missing],
            "reasons": self.reasons,
        }

    def to_dict(self) -> dict[str, Any]:
        """The explanation of the unit (``cchc score --unit U --format json``)."""
        return {
            **self.summary(), "block": self.block,
            "criteria_points": json_value(self.criteria_points),
            "bonus": json_value(self.bonus), "penalty": json_value(self.penalty),
            "adjustments": [{"kind": k, "id": i, "points": json_value(v)}
                            for k, i, v in self.adjustments],
            "rounded": [r.to_dict() for r in self.rounded],
            "criteria": [c.to_dict() for c in self.criteria],
        }


# _Scorer.unit sets every field: a field added to UnitScore must be added there too.
assert [f.name for f in dataclasses.fields(UnitScore)] == [
    "unit", "name", "block", "criteria", "criteria_points", "bonus", "penalty", "total",
    "applicable_max", "index", "group", "rank", "rounded", "adjustments"]


@dataclass(frozen=True)
class BlockResult:
    """A block's units in rank order (units with an unknown index last), and its averages."""

    block: Block
    units: tuple[UnitScore, ...]

    @property
    def id(self) -> str:
        return self.block.id

    @property
    def average_index(self) -> Value:
        known = [_num(u.index) for u in self.units if not isinstance(u.index, Unknown)]
        return _norm(Fraction(sum(known, 0)) / len(known)) if known else Unknown.of(
            Reason("empty", detail="no unit of the block has a known index"))

    @property
    def average_points(self) -> Value:
        known = [_num(u.total) for u in self.units if not isinstance(u.total, Unknown)]
        return _norm(Fraction(sum(known, 0)) / len(known)) if known else Unknown.of(
            Reason("empty", detail="no unit of the block has known points"))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.block.id, "name": self.block.name.to_dict(),
                "average_index": json_value(self.average_index),
                "average_points": json_value(self.average_points),
                "units": [u.summary() for u in self.units]}


@dataclass(frozen=True, slots=True)
class StageChange:
    """A criterion of a unit where a later stage changed the self-assessment's points.

    ``before`` and ``after`` are what the rule gave at each stage; ``final`` is the criterion's
    points, after its deductions, floor and rounding (what the unit's total counts), which can
    differ from ``after`` (a deduction can take an appraised 0 to -0.25)."""

    unit: str
    criterion: str
    before_stage: str
    before: Value
    after_stage: str
    after: Value
    final: Value | None = None  # None: not given (made by hand): then ``after``

    @property
    def final_points(self) -> Value:
        """The criterion's final points (``after`` when ``final`` was not given)."""
        return self.after if self.final is None else self.final

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "criterion": self.criterion,
                "from_stage": self.before_stage, "from": json_value(self.before),
                "to_stage": self.after_stage, "to": json_value(self.after),
                "difference": json_value(_norm(_num(self.after) - _num(self.before)))
                if is_number(self.after) and is_number(self.before) else None,
                "final": json_value(self.final_points)}


@dataclass(frozen=True)
class ScoreReport:
    """The scoring of a plan's units by a scorecard for one period."""

    plan: Plan
    scorecard: Scorecard
    period: str
    blocks: tuple[BlockResult, ...]
    files: tuple[str, ...] = ()
    facts: Facts | None = field(default=None, repr=False, compare=False)

    def block(self, block: str) -> BlockResult:
        for b in self.blocks:
            if b.id == block:
                return b
        raise ArgumentError([unknown_name("E463", N_("block"), block, [b.id for b in self.blocks],
                                          file="ScoreReport.block()")])

    def unit(self, unit: str) -> UnitScore:
        """The result of ``unit``; :class:`ArgumentError` (``E463``) when no block has it."""
        for b in self.blocks:
            for u in b.units:
                if u.unit == unit:
                    return u
        units = [u.unit for b in self.blocks for u in b.units]
        raise ArgumentError([unknown_name("E463", N_("unit"), unit, units,
                                          file="ScoreReport.unit()")])

    def stage_changes(self) -> tuple[StageChange, ...]:
        """Every criterion of every unit where a later stage gave other points than the first
        stage present (appraisal against self-assessment), in block and rank order."""
        out: list[StageChange] = []
        for b in self.blocks:
            for u in b.units:
                for c in u.criteria:
                    present = [s for s in c.stages if s.stage and
                               not isinstance(s.input, Unknown)]
                    if len(present) < 2:
                        continue
                    first, last = present[0], present[-1]
                    if first.points != last.points:
                        out.append(StageChange(u.unit, c.id, first.stage, first.points,
                                               last.stage, last.points, c.points))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        card = self.scorecard
        return {
            "scorecard": {"id": card.id, "title": card.title.to_dict(), "source": card.source,
                          "scale": json_value(_norm(card.scale)),
                          "rounding": {k: r.to_dict() for k, r in card.rounding.items()}},
            **heading(self.plan, self.period, self.plan.periods[self.period].due),
            "files": list(self.files),
            "blocks": [b.to_dict() for b in self.blocks],
            "stage_changes": [s.to_dict() for s in self.stage_changes()],
        }


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


def score(plan: Plan, scorecard: Scorecard,
          facts: Facts | PathArg | Iterable[PathArg], *, period: str) -> ScoreReport:
    """Score every unit of every block of ``scorecard`` for ``period``.

    ``facts`` are fact files or folders (read for ``scorecard.fact_plan``: the plan's catalogue
    with the scorecard's facts), or facts already loaded for it. Raises
    :class:`~engine.diagnostics.ArgumentError` for an unknown period and
    :class:`~engine.diagnostics.FactsError` for invalid fact files."""
    check_arguments(plan, period=period)
    if scorecard.fact_plan.id != plan.id:
        raise ArgumentError([Diagnostic(
            "E463", _("the scorecard was loaded for plan {loaded}, not {plan}").format(
                loaded=f"'{scorecard.fact_plan.id}'", plan=f"'{plan.id}'"),
            file="score(scorecard=)",
            help=_("load the scorecard with this plan: load_scorecard(path, plan=plan)"))])
    if not isinstance(facts, Facts):
        facts = load_facts(scorecard.fact_plan, facts, period)
    # Scoring builds many small objects that hold no reference cycles; the cyclic collector
    # would scan all of them again and again (a national scale took seconds in it alone).
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Scorer(plan, scorecard, facts, period).run()
    finally:
        if enabled:
            gc.enable()


def score_as_written(plan: Plan, scorecard: Scorecard, facts: Facts, *,
                     period: str) -> ScoreReport:
    """:func:`score` the straightforward way, for tests: unit by unit and criterion by
    criterion, every formula evaluated as written over the unit's population (no columns, no
    criterion worked out for a whole block at once). Its report equals :func:`score`'s."""
    check_arguments(plan, period=period)
    return _Scorer(plan, scorecard, facts, period, columns=False).run()


#: The name a sum of a fact over the unit's population is read as in a prepared formula
#: (:class:`_Prepared`): "#" is in no name a plan or a scorecard can give.
_SUM_NAME = "sum#{}"

#: How scoring evaluates a formula (:meth:`_Scorer.value`): ``plain``, it reads no aggregate
#: (the unit's scalars are all it needs); ``sums``, its only aggregates are sums of a fact,
#: read as names from the columns (:attr:`_Prepared.columns`); ``population``, any other
#: aggregate, evaluated over the unit's population, agency by agency.
_Way = Literal["plain", "sums", "population"]


class _Sums:
    """A formula whose aggregates are all sums of a fact (``sum(dossiers_received where kind
    in [...])``), each replaced by the name of its column: ``program`` is that formula, which
    reads scalars only; ``columns`` the names it reads; ``name`` the column when the formula
    is one sum and nothing else (a criterion's population, usually)."""

    __slots__ = ("columns", "name", "program")

    def __init__(self, program: Program, columns: frozenset[str], name: str | None) -> None:
        self.program = program
        self.columns = columns
        self.name = name


class _Prepared:
    """What scoring works out once per scorecard, not once per unit or per call: the scored
    criteria in order, each one's inputs by stage, and how each formula is evaluated.

    A scorecard sums facts over the unit's population, often the same sum in several formulas
    (a criterion's population is the denominator of its input; ``sum(dossiers_received_new
    where kind in [...])`` is the denominator of five criteria of QĐ 766). Evaluated formula by
    formula and unit by unit, each sum walks the population again: the province's every agency
    for each of them. Here each distinct sum (a fact, and a filter that reads only the
    agency's ``kind`` and ``agency``) is a *column*, summed once per scoring for every unit
    together, from the leaves of the tree of agencies up (:meth:`_Scorer.columns`); a formula
    whose aggregates are all such sums is compiled again with each sum replaced by a name,
    read from the unit's columns (:class:`_Sums`). A unit where a column is not a known whole
    number (an agency below it did not report the fact, or reported a fraction; the sum is
    beyond the bound) evaluates the formula as written instead, over its population: the
    result is always the one the formula as written gives."""

    def __init__(self, card: Scorecard) -> None:
        self.leaves = card.leaves
        self.parents = [c for c in reversed(list(card.criteria.values())) if not c.scored]
        self.order = tuple(card.criteria)
        #: each scored criterion's inputs in the order of the stages ("": one input for all)
        self.stage_inputs: dict[str, list[tuple[str, Formula | None]]] = {
            c.id: ([("", c.inputs[""])] if "" in c.inputs else
                   [(s.id, c.inputs[s.id]) for s in card.stages if s.id in c.inputs])
            if c.inputs else [("", None)] for c in card.leaves}
        #: column name -> (the fact summed, the filter or None)
        self.columns: dict[str, tuple[str, Expr | None]] = {}
        self._column_names: dict[tuple[str, Expr | None], str] = {}
        #: id of a formula -> how it is evaluated, and its program over the columns
        self.ways: dict[int, tuple[_Way, _Sums | None]] = {}
        formulas: list[Formula] = []
        for c in card.leaves:
            formulas.extend(c.inputs.values())
            if c.population is not None:
                formulas.append(c.population)
            formulas.extend(d.when for d in c.deductions)
            if c.rule is not None and c.rule.formula is not None:
                formulas.append(c.rule.formula)
        for adj in (card.bonus, card.penalty):
            if adj is not None:
                formulas.extend(item.points for item in adj.items)
        for f in formulas:
            self.ways[id(f)] = self.prepare(f)
        #: each column's filter, compiled: evaluated once per agency kind (and id when it
        #: reads it) in a scoring
        self.filters: dict[Expr, Program] = {
            flt: compile_expr(flt) for _fact, flt in self.columns.values() if flt is not None}
        #: each block's classification, as a function of the index
        self.classify = {b.id: _classifier(b) for b in card.blocks.values()}

    def ratio(self, f: Formula) -> tuple[str, str] | None:
        """The two columns of a formula that is one sum over another (``sum(a where ...) /
        sum(b where ...)``), or None."""
        sums = self.way(f)[1]
        expr = None if sums is None else sums.program.expr
        if isinstance(expr, Binary) and expr.op == "/" and isinstance(expr.left, Name) and \
                isinstance(expr.right, Name):
            return expr.left.name, expr.right.name
        return None

    def way(self, f: Formula) -> tuple[_Way, _Sums | None]:
        got = self.ways.get(id(f))
        return got if got is not None else self.prepare(f)

    def prepare(self, f: Formula) -> tuple[_Way, _Sums | None]:
        aggregates = [n for n in walk(f.expr) if isinstance(n, Aggregate)]
        if not aggregates:
            return "plain", None
        per_agency = f.program.per_agency
        for a in aggregates:
            if not (a.func == "sum" and isinstance(a.body, Name) and a.body.name in per_agency
                    and (a.filter is None or free_names(a.filter) <= set(AGENCY_NAMES))):
                return "population", None
        used: set[str] = set()
        expr = self.replace(f.expr, used)
        name = expr.name if isinstance(expr, Name) else None
        return "sums", _Sums(compile_expr(expr, fast=f.program.use_fast), frozenset(used),
                             name)

    def replace(self, node: Expr, used: set[str]) -> Expr:
        """``node`` with each sum of a fact replaced by the name of its column."""
        match node:
            case Aggregate(body=Name(name=fact), filter=flt):
                key = (fact, flt)
                name = self._column_names.get(key)
                if name is None:
                    name = _SUM_NAME.format(len(self.columns))
                    self._column_names[key] = name
                    self.columns[name] = key
                used.add(name)
                return Name(name, node.span)
            case Unary(operand=o):
                return dataclasses.replace(node, operand=self.replace(o, used))
            case Binary(left=a, right=b):
                return dataclasses.replace(node, left=self.replace(a, used),
                                           right=self.replace(b, used))
            case Compare(operands=operands):
                return dataclasses.replace(node, operands=tuple(self.replace(o, used)
                                                                for o in operands))
            case In(item=item, options=options):
                return dataclasses.replace(node, item=self.replace(item, used),
                                           options=tuple(self.replace(o, used)
                                                         for o in options))
            case If(cond=c, then=t, otherwise=o):
                return dataclasses.replace(node, cond=self.replace(c, used),
                                           then=self.replace(t, used),
                                           otherwise=self.replace(o, used))
            case Call(args=args):
                return dataclasses.replace(node, args=tuple(self.replace(a, used)
                                                            for a in args))
        return node


#: The scorecards prepared, by id, while they live.
_PREPARED: dict[int, _Prepared] = {}


def _prepared(card: Scorecard) -> _Prepared:
    got = _PREPARED.get(id(card))
    if got is None:
        got = _PREPARED[id(card)] = _Prepared(card)
        weakref.finalize(card, _PREPARED.pop, id(card), None)
    return got


class _Unit:
    """What evaluating a unit's formulas sees: its scalars (the period, its facts, the
    indicators over it, and its known columns), the columns that are not known for it, and
    its population, made only when a formula needs it."""

    __slots__ = ("_population", "context", "id", "scalars", "scorer", "unknown")

    def __init__(self, scorer: _Scorer, unit: str, scalars: dict[str, Value],
                 unknown: set[str]) -> None:
        self.scorer = scorer
        self.id = unit
        self.scalars = scalars
        self.unknown = unknown
        #: the scalars, with no population (for formulas that read no aggregate)
        self.context = Context(scalars, (), unit)
        self._population: list[Row] | None = None

    @property
    def population(self) -> list[Row]:
        """The unit's population: the unit and every agency below it."""
        if self._population is None:
            self._population = self.scorer.population(self.id)
        return self._population


class _Scorer:
    def __init__(self, plan: Plan, card: Scorecard, facts: Facts, period: str, *,
                 columns: bool = True) -> None:
        #: whether sums of facts are read from columns and criteria are worked out for a
        #: block at once (False: the straightforward way, see score_as_written)
        self.fast = columns
        self.plan = plan
        self.card = card
        self.facts = facts
        self.period = period
        p = plan.periods[period]
        self.base: dict[str, Value] = {"period_start": p.start, "period_end": p.end,
                                       "period_due": p.due, "as_of": p.due}
        self.values = facts.values
        self.rows: dict[str, Row] = {}  # made when a population is needed
        children: dict[str, list[str]] = {}
        for a in plan.agencies.values():
            if a.parent is not None:
                children.setdefault(a.parent, []).append(a.id)
        self.children = children
        prepared = _prepared(card)
        self.prepared = prepared
        self.leaves = prepared.leaves
        self.parents = prepared.parents
        self.order = prepared.order
        self.round_criteria = card.rounding.get("criteria")
        self.stage_inputs = prepared.stage_inputs
        self.classify = prepared.classify
        self.indicator_values = self.indicators()
        self.column_names: list[str] = []
        self.column_sums: list[dict[str, int]] = []
        #: the agencies where some column is not known
        self.unknown_anywhere: set[str] = set()
        self.sums = self.columns() if columns else []

    def indicators(self) -> dict[str, dict[str, Value]]:
        if not self.card.indicators:
            return {}
        from .report import evaluate
        report = evaluate(self.plan, self.facts, period=self.period)
        out: dict[str, dict[str, Value]] = {}
        for iid in self.card.indicators:
            r = report.result(iid)
            if r.indicator.single_agency is not None:
                out[iid] = {r.indicator.single_agency: r.value}
            else:
                out[iid] = {a.agency: a.value for a in r.agencies}
        return out

    def columns(self) -> list[tuple[str, dict[str, int], set[str]]]:
        """Every column of the scorecard (:class:`_Prepared`) for every agency: the sum of
        the fact over the agencies of its population the filter keeps, and the agencies where
        that sum is not a known whole number (an agency kept that did not report the fact, or
        reported another kind of number, or one the filter cannot decide, is at or below it).
        Each sum is the agency's own value plus its children's sums, so that a column costs one
        pass over the agencies, whatever the populations' sizes."""
        columns = self.prepared.columns
        if not columns:
            return []
        agencies = self.plan.agencies
        # every agency after the agencies below it, each with its parent
        roots = [a.id for a in agencies.values() if a.parent is None or a.parent not in agencies]
        down: list[str] = []
        stack = roots
        while stack:
            a = stack.pop()
            down.append(a)
            stack.extend(self.children.get(a, ()))
        up = [(a, p) for a in reversed(down)
              if (p := agencies[a].parent) is not None and p in agencies]
        # each agency with children after the agencies below it, with its children
        parents = [(a, kids) for a in reversed(down) if (kids := self.children.get(a))]
        kept: dict[Expr | None, tuple[list[str], set[str]]] = {None: (list(agencies), set())}
        for where, program in self.prepared.filters.items():
            by_kind: dict[tuple[str, str], Value] = {}
            reads_agency = "agency" in free_names(where)
            keep: list[str] = []
            unsure: set[str] = set()
            for agency in agencies.values():
                key = (agency.kind, agency.id if reads_agency else "")
                v = by_kind.get(key)
                if v is None:
                    v = by_kind[key] = program.evaluate(Context(
                        {"kind": agency.kind, "agency": agency.id}, (), agency.id))
                if v is True:
                    keep.append(agency.id)
                elif isinstance(v, Unknown):
                    unsure.add(agency.id)
            kept[where] = (keep, unsure)
        nothing: dict[str, Value] = {}
        values = self.values
        facts_of = {where: [values.get(a, nothing) for a in keep]
                    for where, (keep, _unsure) in kept.items()}
        out = []
        for name, (fact, flt) in columns.items():
            sums = dict.fromkeys(agencies, 0)
            keep, unsure = kept[flt]
            bad = set(unsure)
            own = [facts.get(fact) for facts in facts_of[flt]]
            if set(map(type, own)) <= _INT:  # every agency kept reported a whole number
                sums.update(zip(keep, own, strict=True))  # type: ignore[arg-type]
            else:
                for a, v in zip(keep, own, strict=True):
                    if v.__class__ is int:
                        sums[a] = v
                    else:
                        bad.add(a)
            get = sums.__getitem__
            for a, kids in parents:  # each sum: the agency's own and its children's sums
                sums[a] += sum(map(get, kids))
            if bad:
                for a, p in up:
                    if a in bad:
                        bad.add(p)
            # a sum beyond the bound of exact numbers is not known (the formula says why)
            if sums and (max(sums.values()) >= _LIMIT or min(sums.values()) <= _NEG_LIMIT):
                bad.update(a for a, total in sums.items() if not _NEG_LIMIT < total < _LIMIT)
            out.append((name, sums, bad))
        self.column_names = [column[0] for column in out]
        self.column_sums = [column[1] for column in out]
        self.unknown_anywhere = set().union(*(column[2] for column in out))
        return out

    def row(self, agency: str) -> Row:
        row = self.rows.get(agency)
        if row is None:
            row = self.rows[agency] = Row(agency, self.plan.agencies[agency].kind,
                                          self.values.get(agency, {}))
        return row

    def population(self, unit: str) -> list[Row]:
        out = [self.row(unit)]
        stack = list(self.children.get(unit, ()))
        while stack:
            a = stack.pop()
            out.append(self.row(a))
            stack.extend(self.children.get(a, ()))
        return out

    def context(self, unit: str) -> _Unit:
        scalars: dict[str, Value] = dict(self.base)
        scalars.update(self.values.get(unit, {}))
        for iid, by_unit in self.indicator_values.items():
            v = by_unit.get(unit)
            scalars[iid] = v if v is not None else Unknown.of(Reason(
                "invalid", detail=f"{unit} is not a unit of the indicator {iid}"))
        unknown: set[str] = set()
        if unit not in self.unknown_anywhere:  # every column known (the commonest case)
            scalars.update(zip(self.column_names, [s[unit] for s in self.column_sums],
                               strict=True))
        else:
            for name, sums, bad in self.sums:
                if unit in bad:
                    unknown.add(name)
                else:
                    scalars[name] = sums[unit]
        return _Unit(self, unit, scalars, unknown)

    def value(self, f: Formula, u: _Unit, value: Value | None = None) -> Value:
        """``f`` evaluated for the unit (with ``value`` for a rule's formula): over the columns
        when it can be, and as written over the unit's population otherwise (the same
        value)."""
        way, sums = self.prepared.way(f) if self.fast else (self.prepared.way(f)[0], None)
        if value is not None:
            scalars = dict(u.scalars)
            scalars["value"] = value
            ctx = Context(scalars, (), u.id)
        else:
            ctx = u.context
        if sums is not None and (not u.unknown or sums.columns.isdisjoint(u.unknown)):
            if sums.name is not None and value is None:
                return u.scalars[sums.name]
            out = sums.program.evaluate(ctx)
            if not isinstance(out, Unknown):
                return out
            # an unknown (a division by zero...) is said as the formula as written says it
        if way == "plain":
            return f.program.evaluate(ctx)
        return f.program.evaluate(Context(ctx.scalars, u.population, u.id))

    def evaluator(self, f: Formula) -> Callable[[_Unit], Value]:
        """:meth:`value` of ``f`` as a function of the unit, with what depends on ``f`` only
        looked up once (for :meth:`criterion_column`)."""
        way, sums = self.prepared.way(f)
        program = f.program
        if way == "plain":
            return lambda u: program.evaluate(u.context)

        def as_written(u: _Unit) -> Value:
            return program.evaluate(Context(u.scalars, u.population, u.id))

        if sums is None or not self.fast:
            return as_written
        columns, name = sums.columns, sums.name
        if name is not None:
            def one_sum(u: _Unit) -> Value:
                if u.unknown and name in u.unknown:
                    return as_written(u)
                return u.scalars[name]
            return one_sum
        over = sums.program
        fast = over.fast

        def over_columns(u: _Unit) -> Value:
            if u.unknown and not columns.isdisjoint(u.unknown):
                return as_written(u)
            if fast is None:
                v = over.evaluate(u.context)
            else:
                try:  # Program.evaluate, without its checks: it answers if this raises
                    v = fast(u.scalars, ())
                except Exception:
                    v = over.evaluate(u.context)
                else:
                    if v.__class__ is Fraction and v.denominator == 1:  # Program.normal
                        v = v.numerator
            if isinstance(v, Unknown):
                return as_written(u)  # said as the formula as written says it
            return v
        return over_columns

    def run(self) -> ScoreReport:
        blocks: list[BlockResult] = []
        leaves = self.leaves
        for block in self.card.blocks.values():
            contexts = [self.context(u) for u in block.units]
            per_unit: list[dict[str, CriterionScore]]
            if self.fast and leaves:
                columns = [self.criterion_column(c, contexts) for c in leaves]
                ids = [c.id for c in leaves]
                per_unit = [dict(zip(ids, scores, strict=True)) for scores in zip(*columns,
                                                                                   strict=True)]
            else:
                per_unit = [{c.id: self.criterion(c, u.id, u) for c in leaves}
                            for u in contexts]
            units = [self.unit(u, block, scores)
                     for u, scores in zip(contexts, per_unit, strict=True)]
            blocks.append(BlockResult(block, tuple(_ranked(units, block))))
        return ScoreReport(self.plan, self.card, self.period, tuple(blocks), self.facts.files,
                           self.facts)

    # -- one unit ----------------------------------------------------------------------------
    def unit(self, ctx: _Unit, block: Block, scores: dict[str, CriterionScore]) -> UnitScore:
        """The unit's result from its scored criteria (``scores``, by id)."""
        unit = ctx.id
        leaves = [s for s in scores.values() if s.status != "not_applicable"]
        for c in self.parents:
            scores[c.id] = _sum_of(c, [scores[k] for k in c.children])
        ordered = tuple(map(scores.__getitem__, self.order))
        amax: Num = sum((s.max for s in leaves), 0)
        pts: list[Value] = [s.points for s in leaves]
        criteria_points: Value = _sum(pts)
        adjustments: list[tuple[str, str, Value]] = []
        bonus = self.adjust("bonus", unit, ctx, adjustments)
        penalty = self.adjust("penalty", unit, ctx, adjustments)
        rounded: list[Rounded] = []
        total: Value
        if any(isinstance(v, Unknown) for v in (criteria_points, bonus, penalty)):
            total = merge([criteria_points, bonus, penalty])
        else:
            raw: Num = _num(criteria_points)
            if not (bonus.__class__ is int and penalty.__class__ is int and bonus == penalty == 0):
                raw = raw + _num(bonus) - _num(penalty)  # (x + 0 - 0 is x: skipped)
            raw = _clamp(raw, amax)
            r = self.card.rounding.get("total")
            if r is not None:
                after = round_exact(raw, r.places, r.mode)
                if after != raw:
                    rounded.append(Rounded("total", raw, after, r))
                raw = after
            total = _norm(raw)
        index: Value
        if isinstance(total, Unknown):
            index = total
        elif amax == 0:
            index = Unknown.of(Reason("empty", detail="no criterion applies to the unit"))
        else:
            exact: Num = _quotient(_num(total), amax)
            r = self.card.rounding.get("index")
            if r is not None:
                # a percentage to r.places decimals: the index to r.places + 2 (the same digit)
                after, changed = _rounder(r.places + 2, r.mode)(exact)
                if changed:
                    rounded.append(_rounded("index", exact, after, r))
                exact = after
            index = exact
        group: str | None = None
        if isinstance(index, Unknown):
            pass
        elif self.fast:
            group = self.classify[block.id](_num(index))
        else:
            group = _group(block.classify, _num(index))
        rounded.extend([s.rounded for s in ordered if s.rounded is not None])
        # UnitScore(...), without the frozen dataclass's __init__ (see _criterion_score)
        result = _new(UnitScore)
        _set(result, "__dict__", {
            "unit": unit, "name": self.plan.agencies[unit].name, "block": block.id,
            "criteria": ordered, "criteria_points": criteria_points, "bonus": bonus,
            "penalty": penalty, "total": total, "applicable_max": amax, "index": index,
            "group": group, "rank": None, "rounded": tuple(rounded),
            "adjustments": tuple(adjustments)})
        return result

    def adjust(self, kind: str, unit: str, ctx: _Unit,
               out: list[tuple[str, str, Value]]) -> Value:
        adj = self.card.bonus if kind == "bonus" else self.card.penalty
        if adj is None:
            return 0
        values: list[Value] = []
        for item in adj.items:
            if item.applies is not None and unit not in item.applies:
                continue
            v = self.value(item.points, ctx)
            if not isinstance(v, Unknown):
                v = max(_num(v), 0)
            values.append(v)
            out.append((kind, item.id, v))
        s = _sum(values)
        if isinstance(s, Unknown) or adj.max is None:
            return s
        return min(_num(s), adj.max)

    def criterion_column(self, c: Criterion, units: Sequence[_Unit]) -> list[CriterionScore]:
        """:meth:`criterion` for each of ``units`` (the same scores), with what depends on the
        criterion only (its formulas' evaluators, its rule, its rounding) worked out once."""
        applies = c.applies
        population_of = None if c.population is None else self.evaluator(c.population)
        stage_inputs = [(stage, None if f is None else self.evaluator(f))
                        for stage, f in self.stage_inputs[c.id]]
        deductions = [(d, self.evaluator(d.when)) for d in c.deductions]
        rule = c.rule
        assert rule is not None
        rule_of: Callable[[Value, _Unit], Value]
        if rule.kind == "proportional":
            assert rule.full_at is not None
            full_at, top = rule.full_at, c.max

            def rule_of(value: Value, u: _Unit) -> Value:
                return _proportional(_num(value), full_at, top)
        else:
            def rule_of(value: Value, u: _Unit) -> Value:
                return self.rule(c, value, u)
        r = c.round or self.round_criteria
        round_to = None if r is None else _rounder(r.places, r.mode)
        cmax, floor = c.max, c.floor
        clamp = floor > 0 or cmax < 0
        if len(stage_inputs) == 1 and not deductions and not clamp:
            simple = self.simple_column(c, units)
            if simple is not None:
                return simple
        inputs = self.inputs
        out: list[CriterionScore] = []
        add = out.append
        for u in units:
            unit = u.id
            if applies is not None and unit not in applies:
                add(_criterion_score(c, "not_applicable", 0, 0,
                                     why="the criterion does not apply to this unit"))
                continue
            explain = functools.partial(inputs, c, unit, u)
            population: Value | None = None
            if population_of is not None:
                population = population_of(u)
                if isinstance(population, Unknown):
                    add(_criterion_score(c, "unknown", population, cmax,
                                         why="the population is not known",
                                         explain=explain, population=population))
                    continue
                if population == 0:
                    add(_empty_score(c, population, explain))
                    continue
            stages: list[StageScore] = []
            final: StageScore | None = None
            for stage, evaluate in stage_inputs:
                value: Value = evaluate(u) if evaluate is not None else 0
                pts = rule_of(value, u) if not isinstance(value, Unknown) else value
                s = _stage_score(stage, value, pts)
                stages.append(s)
                if not isinstance(value, Unknown):
                    final = s
            if final is None:
                add(_criterion_score(c, "unknown", merge([s.input for s in stages]), cmax,
                                     why="no stage has a value", stages=tuple(stages),
                                     explain=explain, population=population))
                continue
            if isinstance(final.points, Unknown):
                add(_criterion_score(c, "unknown", final.points, cmax,
                                     why="; ".join(describe_reason(r)
                                                   for r in final.points.sorted_reasons()),
                                     stages=tuple(stages), final_stage=final.stage,
                                     explain=explain, population=population))
                continue
            points = _num(final.points)
            applied: list[tuple[Deduction, bool]] = []
            deducted = False
            unknown_when: Value | None = None
            for d, when_of in deductions:
                when = when_of(u)
                if isinstance(when, Unknown):
                    unknown_when = when
                    break
                applied.append((d, when is True))
                if when is True:
                    points -= d.points
                    deducted = True
            if unknown_when is not None:
                add(_criterion_score(c, "unknown", unknown_when, cmax,
                                     why="a deduction's condition is not known",
                                     stages=tuple(stages), final_stage=final.stage,
                                     explain=explain, population=population))
                continue
            if deducted or clamp:
                points = min(max(points, floor), cmax)
            rounded = None
            if round_to is not None:
                after, changed = round_to(points)
                if changed:
                    rounded = _rounded(c.id, points, after, r)  # type: ignore[arg-type]
                points = after
            add(_criterion_score(c, "scored", _norm(points), cmax, stages=tuple(stages),
                                 final_stage=final.stage, explain=explain,
                                 population=population, deductions=tuple(applied),
                                 rounded=rounded))
        return out

    def direct(self, f: Formula) -> tuple[Callable[[dict[str, Value], Sequence[Row]], Value],
                                          frozenset[str]] | None:
        """The generated code that evaluates ``f`` from a unit's scalars alone, and the columns
        it reads; None when ``f`` needs the unit's population or has no generated code. The
        code raises (a planned hand-over, see :mod:`engine.codegen`) where
        :meth:`Program.evaluate` would answer otherwise."""
        way, sums = self.prepared.way(f)
        if way == "plain":
            fast = f.program.fast
            return None if fast is None else (fast, frozenset())
        if sums is None:
            return None
        if sums.name is not None:
            name = sums.name
            return (lambda scalars, _: scalars[name]), sums.columns  # the column itself
        fast = sums.program.fast
        return None if fast is None else (fast, sums.columns)

    def simple_column(self, c: Criterion, units: Sequence[_Unit]) -> list[CriterionScore] | None:
        """:meth:`criterion_column` for the commonest criterion (one input, no deduction, no
        floor above 0; its population and input read from the unit's scalars and columns),
        straight through; a unit where anything is not plain (a column not known, a formula's
        generated code handing over, a value that is not a number for a proportional rule) is
        scored by :meth:`criterion`. None when the criterion is not of that shape."""
        ((stage, f),) = self.stage_inputs[c.id]
        read = None if f is None else self.direct(f)
        population = None if c.population is None else self.direct(c.population)
        if read is None or (c.population is not None and population is None):
            return None
        evaluate, needs = read
        ratio = None if f is None else self.prepared.ratio(f)
        count, pop_needs = population if population is not None else (None, frozenset())
        needs = needs | pop_needs
        rule = c.rule
        assert rule is not None
        proportional = rule.kind == "proportional"
        fn, fd = _parts(rule.full_at) if rule.full_at is not None else (1, 1)
        r = c.round or self.round_criteria
        applies, cmax = c.applies, c.max
        tn, td = _parts(cmax)
        inputs, criterion, rule_of = self.inputs, self.criterion, self.rule
        round_parts = None if r is None or r.places < 0 else _parts_rounder(r.places, r.mode)
        if r is not None and r.places < 0:
            return None
        cid = c.id
        new, set_attr = _new, _set
        set_stage, set_input, set_points = _STAGE, _INPUT, _POINTS
        no_population: tuple[()] = ()
        out: list[CriterionScore] = []
        add = out.append
        for u in units:
            unit = u.id
            if applies is not None and unit not in applies:
                add(_criterion_score(c, "not_applicable", 0, 0,
                                     why="the criterion does not apply to this unit"))
                continue
            if u.unknown and not needs.isdisjoint(u.unknown):
                add(criterion(c, unit, u))
                continue
            scalars = u.scalars
            explain = functools.partial(inputs, c, unit, u)
            size: Any = None  # Value | None
            if count is not None:
                try:
                    size = count(scalars, no_population)
                except Exception:
                    add(criterion(c, unit, u))
                    continue
                if size.__class__ is Fraction and size.denominator == 1:
                    size = size.numerator
                if size == 0:
                    add(_empty_score(c, size, explain))
                    continue
            value: Any  # Value
            if ratio is not None and (x := scalars[ratio[0]]).__class__ is int and (
                    y := scalars[ratio[1]]).__class__ is int and y > 0:
                # a sum over a sum (the commonest input): values.divide(x, y), inline
                g = math.gcd(x, y)
                if g != 1:
                    x //= g
                    y //= g
                value = x if y == 1 else fraction(x, y)
            else:
                try:
                    value = evaluate(scalars, no_population)
                except Exception:
                    add(criterion(c, unit, u))
                    continue
            t = value.__class__
            if t is Fraction and value.denominator == 1:
                value, t = value.numerator, int
            if proportional:
                if t is int:
                    vn, vd = value, 1
                elif t is Fraction:
                    vn, vd = value.numerator, value.denominator
                else:
                    add(criterion(c, unit, u))
                    continue
                # _proportional(value, full_at, max)
                points: Any  # Num
                if vn * fd >= fn * vd:
                    points = cmax
                    pn, pd = tn, td
                elif vn <= 0:
                    points, pn, pd = 0, 0, 1
                else:
                    pn, pd = vn * tn * fd, vd * td * fn
                    points = _ratio(pn, pd)
            else:
                points = rule_of(c, value, u)
                if isinstance(points, Unknown):
                    add(criterion(c, unit, u))
                    continue
                pn, pd = _parts(_num(points))
            # _stage_score(stage, value, points), inline
            one = new(StageScore)
            set_stage(one, stage)
            set_input(one, value)
            set_points(one, points)
            rounded = None
            if round_parts is not None:
                if pd == 1:  # a whole number: unchanged
                    after, changed = points, False
                else:
                    after, changed = round_parts(pn, pd, points)
                if changed:
                    rounded = _rounded(cid, points, after, r)  # type: ignore[arg-type]
                points = after
            # _criterion_score(c, "scored", ...), inline
            score = new(CriterionScore)
            set_attr(score, "__dict__", {
                "criterion": c, "status": "scored", "points": _norm(points), "max": cmax,
                "why": "", "stages": (one,), "final_stage": stage, "explain": explain,
                "population": size, "deductions": (), "rounded": rounded})
            add(score)
        return out

    def criterion(self, c: Criterion, unit: str, ctx: _Unit) -> CriterionScore:
        if c.applies is not None and unit not in c.applies:
            return _criterion_score(c, "not_applicable", 0, 0,
                                  why="the criterion does not apply to this unit")
        population: Value | None = None

        def explain() -> tuple[InputValue, ...]:
            return self.inputs(c, unit, ctx)

        if c.population is not None:
            population = self.value(c.population, ctx)
            if isinstance(population, Unknown):
                return _criterion_score(c, "unknown", population, c.max,
                                      why="the population is not known",
                                      explain=explain, population=population)
            if population == 0:
                return _empty_score(c, population, explain)
        stages: list[StageScore] = []
        final: StageScore | None = None
        for stage, f in self.stage_inputs[c.id]:
            value: Value = self.value(f, ctx) if f is not None else 0
            pts = self.rule(c, value, ctx) if not isinstance(value, Unknown) else value
            s = StageScore(stage, value, pts)
            stages.append(s)
            if not isinstance(value, Unknown):
                final = s
        if final is None:
            why_unknown = merge([s.input for s in stages])
            return _criterion_score(c, "unknown", why_unknown, c.max, why="no stage has a value",
                                  stages=tuple(stages), explain=explain, population=population)
        if isinstance(final.points, Unknown):
            return _criterion_score(c, "unknown", final.points, c.max,
                                  why="; ".join(describe_reason(r)
                                                for r in final.points.sorted_reasons()),
                                  stages=tuple(stages), final_stage=final.stage,
                                  explain=explain, population=population)
        points = _num(final.points)
        applied: list[tuple[Deduction, bool]] = []
        deducted = False
        for d in c.deductions:
            when = self.value(d.when, ctx)
            if isinstance(when, Unknown):
                return _criterion_score(c, "unknown", when, c.max,
                                      why="a deduction's condition is not known",
                                      stages=tuple(stages), final_stage=final.stage,
                                      explain=explain, population=population)
            applied.append((d, when is True))
            if when is True:
                points -= d.points
                deducted = True
        # A rule gives between 0 and the maximum (formula and given: between the floor and
        # the maximum), so only a deduction or a floor above 0 can take points out of range.
        if deducted or c.floor > 0 or c.max < 0:
            points = min(max(points, c.floor), c.max)
        rounded = None
        r = c.round or self.round_criteria
        if r is not None:
            after, changed = _round(points, r.places, r.mode)
            if changed:
                rounded = Rounded(c.id, points, after, r)
            points = after
        return _criterion_score(c, "scored", _norm(points), c.max, stages=tuple(stages),
                              final_stage=final.stage, explain=explain, population=population,
                              deductions=tuple(applied), rounded=rounded)

    def rule(self, c: Criterion, value: Value, ctx: _Unit) -> Value:
        """The points the rule gives for ``value`` (within the floor and the maximum)."""
        rule = c.rule
        assert rule is not None
        match rule.kind:
            case "categorical":
                pts = rule.categories.get(str(value))
                if pts is None:
                    return Unknown.of(Reason("invalid", detail=f"the value {value!s} has no "
                                             "points in the rule"))
                return _norm(pts)
            case "yes_no":
                return _norm(rule.yes if value is True else rule.no)
            case "steps":
                v = _num(value)
                for band in rule.bands:
                    if band.contains(v):
                        return band.points or 0
                return Unknown.of(Reason("invalid", detail="the value falls in no band"))
            case "proportional":
                assert rule.full_at is not None
                return _proportional(_num(value), rule.full_at, c.max)
            case "formula":
                assert rule.formula is not None
                out = self.value(rule.formula, ctx, value)
                if isinstance(out, Unknown):
                    return out
                return min(max(_num(out), c.floor), c.max)
        return min(max(_num(value), c.floor), c.max)

    def inputs(self, c: Criterion, unit: str, ctx: _Unit) -> tuple[InputValue, ...]:
        """The facts and indicators the criterion's formulas read for the unit."""
        formulas = [*c.inputs.values(), *([c.population] if c.population else []),
                    *(d.when for d in c.deductions),
                    *([c.rule.formula] if c.rule and c.rule.formula else [])]
        out: list[InputValue] = []
        seen: set[str] = set()
        facts = self.card.fact_plan.facts
        for f in formulas:
            for name in names_used(f):
                if name in seen:
                    continue
                seen.add(name)
                if name in facts:
                    v = self.values.get(unit, {}).get(name)
                    out.append(InputValue(name, Unknown.missing(name, unit) if v is None else v,
                                          self.facts.where(unit, name)))
                elif name in self.indicator_values:
                    out.append(InputValue(name, ctx.scalars[name]))
        return tuple(out)


def _proportional(v: Num, full_at: Num, top: Num) -> Num:
    """``top`` at ``full_at`` and above, in proportion below (0 at 0 and below): the same
    exact number as ``Fraction(max(v, 0) * top) / full_at``, worked out in whole numbers
    with one :class:`Fraction` made at the end."""
    vn, vd = (v, 1) if type(v) is int else (v.numerator, v.denominator)
    fn, fd = (full_at, 1) if type(full_at) is int else (full_at.numerator, full_at.denominator)
    if vn * fd >= fn * vd:
        return top
    if vn <= 0:
        return 0
    tn, td = (top, 1) if type(top) is int else (top.numerator, top.denominator)
    return _ratio(vn * tn * fd, vd * td * fn)  # fn > 0 here: 0 < v < full_at


def _sum(values: Sequence[Value]) -> Value:
    for v in values:
        t = v.__class__
        if t is not int and t is not Fraction and isinstance(v, Unknown):
            return merge(values)
    return _exact_sum(values)  # type: ignore[arg-type]  # no Unknown among them


def _exact_sum(values: Sequence[Num]) -> Num:
    """The exact sum of numbers, over their common denominator in whole numbers (one
    :class:`Fraction` made at most) rather than adding fractions one by one."""
    whole = 0
    parts: list[Fraction] = []
    for v in values:
        if type(v) is int:
            whole += v
        else:
            assert isinstance(v, Fraction), v
            parts.append(v)
    if not parts:
        return whole
    denominators = [p.denominator for p in parts]
    common = math.lcm(*denominators)
    top = whole * common + sum([p.numerator * (common // d)
                                for p, d in zip(parts, denominators, strict=True)])
    return _ratio(top, common)


def _sum_of(c: Criterion, parts: Sequence[CriterionScore]) -> CriterionScore:
    applicable = [p for p in parts if p.status != "not_applicable"]
    if not applicable:
        return CriterionScore(c, "not_applicable", 0, 0,
                              why="no sub-criterion applies to this unit")
    points = _sum([p.points for p in applicable])
    status: Status = "unknown" if isinstance(points, Unknown) else "scored"
    return CriterionScore(c, status, points, sum((p.max for p in applicable), 0))


def _num(v: Value) -> Num:
    """A value known to be a number."""
    t = v.__class__
    if t is int or t is Fraction:  # the common case, tested first: this runs for every score
        return v  # type: ignore[return-value]
    assert isinstance(v, int | Fraction) and not isinstance(v, bool), v
    return v


def _norm(x: Num) -> Num:
    return x.numerator if type(x) is Fraction and x.denominator == 1 else x


def _parts(x: Num) -> tuple[int, int]:
    return (x, 1) if x.__class__ is int else (x.numerator, x.denominator)


def _clamp(x: Num, top: Num) -> Num:
    """``min(max(x, 0), top)`` (the same object), comparing whole numbers."""
    n, d = _parts(x)
    if n < 0:
        return min(0, top)
    tn, td = _parts(top)
    return top if tn * d < n * td else x


def _quotient(a: Num, b: Num) -> Num:
    """``_norm(Fraction(a) / b)`` for ``b != 0``, in whole numbers."""
    an, ad = _parts(a)
    bn, bd = _parts(b)
    n, d = an * bd, ad * bn
    return _ratio(-n, -d) if d < 0 else _ratio(n, d)


def _classifier(block: Block) -> Callable[[Num], str | None]:
    """``lambda index: _group(block.classify, index)``, comparing whole numbers (the
    bounds' parts worked out once) rather than :class:`Fraction` objects."""
    bands = [(b.label, None if b.lower is None else _parts(b.lower), b.lower_closed,
              None if b.upper is None else _parts(b.upper), b.upper_closed)
             for b in block.classify]

    def group(index: Num) -> str | None:
        n, d = _parts(index)
        for label, lower, lower_closed, upper, upper_closed in bands:
            if lower is not None:
                c = n * lower[1] - lower[0] * d  # the sign of index - lower
                if c < 0 or (c == 0 and not lower_closed):
                    continue
            if upper is not None:
                c = n * upper[1] - upper[0] * d
                if c > 0 or (c == 0 and not upper_closed):
                    continue
            return label
        return None  # pragma: no cover - the classification covers 0% to 100%
    return group


def _group(bands: Sequence[Band], index: Num) -> str | None:
    for b in bands:
        if b.contains(index):
            return b.label
    return None  # pragma: no cover - the classification covers 0% to 100%


def _sort_key(u: UnitScore, tie_break: Sequence[str]) -> tuple[Num, ...]:
    key = [-_num(u.index)]
    for t in tie_break:
        key.append(-_num(u.total) if t == "points" else -u.applicable_max)
    return tuple(key)


def _sort_keys(units: Sequence[UnitScore], tie_break: Sequence[str]) -> list[tuple[Num, ...]]:
    """Each unit's :func:`_sort_key`, its numbers put over one common denominator as whole
    numbers when it is small (rounded indices: 10,000), so that sorting compares integers and
    not :class:`Fraction` objects; the order and the ties are the same."""
    keys = [_sort_key(u, tie_break) for u in units]
    denominators = {x.denominator for k in keys for x in k if type(x) is Fraction}
    if not denominators:
        return keys
    common = math.lcm(*denominators)
    if common > 10**12:
        return keys
    return [tuple(x * common if type(x) is int else x.numerator * (common // x.denominator)
                  for x in k) for k in keys]


def _ranked(units: Sequence[UnitScore], block: Block) -> list[UnitScore]:
    """Units in rank order, each with its rank; equal keys share a rank (1, 2, 2, 4); units
    with an unknown index last, without a rank. Ties are listed by name, then id."""
    known = [u for u in units if not isinstance(u.index, Unknown)]
    unknown = sorted((u for u in units if isinstance(u.index, Unknown)),
                     key=lambda u: (u.name.vi, u.unit))
    keys = _sort_keys(known, block.tie_break)
    order = sorted(range(len(known)), key=lambda i: (keys[i], known[i].name.vi, known[i].unit))
    out: list[UnitScore] = []
    previous: tuple[Num, ...] | None = None
    rank = 0
    for place, i in enumerate(order, start=1):
        u, key = known[i], keys[i]
        if key != previous:
            rank = place
            previous = key
        # dataclasses.replace(u, rank=rank), without the frozen __init__ (see _criterion_score)
        ranked = _new(UnitScore)
        ranked.__dict__.update(u.__dict__, rank=rank)
        out.append(ranked)
    return out + unknown
