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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from .diagnostics import ArgumentError, Diagnostic
from .evaluator import Context, Row
from .facts import Facts, load_facts
from .i18n import N_, _
from .language import Formula
from .messages import describe_reason, unknown_name
from .model import Label, Plan
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
from .values import Num, Reason, Unknown, Value, is_number, json_value, merge

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
        return _norm(Fraction(sign * q, 10**places)), True
    return sign * q * 10**-places, True


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
    score.__dict__.update(criterion=criterion, status=status, points=points, max=max,
                          why=why, stages=stages, final_stage=final_stage, explain=explain,
                          population=population, deductions=deductions, rounded=rounded)
    return score


_new = object.__new__
# _criterion_score sets every field: a field added to CriterionScore must be added there too.
assert [f.name for f in dataclasses.fields(CriterionScore)] == [
    "criterion", "status", "points", "max", "why", "stages", "final_stage", "explain",
    "population", "deductions", "rounded"]


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


class _Scorer:
    def __init__(self, plan: Plan, card: Scorecard, facts: Facts, period: str) -> None:
        self.plan = plan
        self.card = card
        self.facts = facts
        self.period = period
        p = plan.periods[period]
        self.base: dict[str, Value] = {"period_start": p.start, "period_end": p.end,
                                       "period_due": p.due, "as_of": p.due}
        self.values = facts.values
        self.rows = {a.id: Row(a.id, a.kind, self.values.get(a.id, {}))
                     for a in plan.agencies.values()}
        children: dict[str, list[str]] = {}
        for a in plan.agencies.values():
            if a.parent is not None:
                children.setdefault(a.parent, []).append(a.id)
        self.children = children
        self.leaves = card.leaves
        self.parents = [c for c in reversed(list(card.criteria.values())) if not c.scored]
        self.order = tuple(card.criteria)
        self.round_criteria = card.rounding.get("criteria")
        #: each scored criterion's inputs in the order of the stages ("": one input for all)
        self.stage_inputs: dict[str, list[tuple[str, Formula | None]]] = {
            c.id: ([("", c.inputs[""])] if "" in c.inputs else
                   [(s.id, c.inputs[s.id]) for s in card.stages if s.id in c.inputs])
            if c.inputs else [("", None)] for c in card.leaves}
        self.indicator_values = self.indicators()

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

    def population(self, unit: str) -> list[Row]:
        out = [self.rows[unit]]
        stack = list(self.children.get(unit, ()))
        while stack:
            a = stack.pop()
            out.append(self.rows[a])
            stack.extend(self.children.get(a, ()))
        return out

    def context(self, unit: str) -> Context:
        scalars: dict[str, Value] = dict(self.base)
        scalars.update(self.values.get(unit, {}))
        for iid, by_unit in self.indicator_values.items():
            v = by_unit.get(unit)
            scalars[iid] = v if v is not None else Unknown.of(Reason(
                "invalid", detail=f"{unit} is not a unit of the indicator {iid}"))
        return Context(scalars, self.population(unit), unit)

    def run(self) -> ScoreReport:
        blocks: list[BlockResult] = []
        for block in self.card.blocks.values():
            units = [self.unit(u, block) for u in block.units]
            blocks.append(BlockResult(block, tuple(_ranked(units, block))))
        return ScoreReport(self.plan, self.card, self.period, tuple(blocks), self.facts.files,
                           self.facts)

    # -- one unit ----------------------------------------------------------------------------
    def unit(self, unit: str, block: Block) -> UnitScore:
        ctx = self.context(unit)
        scores: dict[str, CriterionScore] = {}
        for c in self.leaves:
            scores[c.id] = self.criterion(c, unit, ctx)
        leaves = [s for s in scores.values() if s.status != "not_applicable"]
        for c in self.parents:
            scores[c.id] = _sum_of(c, [scores[k] for k in c.children])
        ordered = tuple(scores[c] for c in self.order)
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
            raw: Num = _num(criteria_points) + _num(bonus) - _num(penalty)
            raw = min(max(raw, 0), amax)
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
            exact: Num = _norm(Fraction(_num(total)) / amax)
            r = self.card.rounding.get("index")
            if r is not None:
                # a percentage to r.places decimals: the index to r.places + 2 (the same digit)
                after, changed = _round(exact, r.places + 2, r.mode)
                if changed:
                    rounded.append(Rounded("index", exact, after, r))
                exact = after
            index = exact
        group = None if isinstance(index, Unknown) else _group(block.classify, _num(index))
        rounded.extend(s.rounded for s in ordered if s.rounded is not None)
        return UnitScore(unit, self.plan.agencies[unit].name, block.id, ordered,
                         criteria_points, bonus, penalty, total, amax, index, group,
                         rounded=tuple(rounded), adjustments=tuple(adjustments))

    def adjust(self, kind: str, unit: str, ctx: Context,
               out: list[tuple[str, str, Value]]) -> Value:
        adj = self.card.bonus if kind == "bonus" else self.card.penalty
        if adj is None:
            return 0
        values: list[Value] = []
        for item in adj.items:
            if item.applies is not None and unit not in item.applies:
                continue
            v = item.points.program.evaluate(ctx)
            if not isinstance(v, Unknown):
                v = max(_num(v), 0)
            values.append(v)
            out.append((kind, item.id, v))
        s = _sum(values)
        if isinstance(s, Unknown) or adj.max is None:
            return s
        return min(_num(s), adj.max)

    def criterion(self, c: Criterion, unit: str, ctx: Context) -> CriterionScore:
        if c.applies is not None and unit not in c.applies:
            return _criterion_score(c, "not_applicable", 0, 0,
                                  why="the criterion does not apply to this unit")
        population: Value | None = None

        def explain() -> tuple[InputValue, ...]:
            return self.inputs(c, unit, ctx)

        if c.population is not None:
            population = c.population.program.evaluate(ctx)
            if isinstance(population, Unknown):
                return _criterion_score(c, "unknown", population, c.max,
                                      why="the population is not known",
                                      explain=explain, population=population)
            if population == 0:
                if c.on_empty == "not_applicable":
                    return _criterion_score(c, "not_applicable", 0, 0,
                                          why="nothing to score: the population is 0",
                                          explain=explain,
                                          population=population)
                points: Num = c.max if c.on_empty == "full" else 0
                return _criterion_score(c, "scored", points, c.max,
                                      why=f"the population is 0: on_empty {c.on_empty}",
                                      explain=explain, population=population)
        stages: list[StageScore] = []
        final: StageScore | None = None
        for stage, f in self.stage_inputs[c.id]:
            value: Value = f.program.evaluate(ctx) if f is not None else 0
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
            when = d.when.program.evaluate(ctx)
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

    def rule(self, c: Criterion, value: Value, ctx: Context) -> Value:
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
                scalars = dict(ctx.scalars)
                scalars["value"] = value
                out = rule.formula.evaluate(Context(scalars, ctx.population, ctx.subject))
                if isinstance(out, Unknown):
                    return out
                return min(max(_num(out), c.floor), c.max)
        return min(max(_num(value), c.floor), c.max)

    def inputs(self, c: Criterion, unit: str, ctx: Context) -> tuple[InputValue, ...]:
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
    return _norm(Fraction(vn * tn * fd, vd * td * fn))


def _sum(values: Sequence[Value]) -> Value:
    if any(isinstance(v, Unknown) for v in values):
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
    common = math.lcm(*[p.denominator for p in parts])
    top = whole * common + sum(p.numerator * (common // p.denominator) for p in parts)
    return _norm(Fraction(top, common))


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
    assert isinstance(v, int | Fraction) and not isinstance(v, bool), v
    return v


def _norm(x: Num) -> Num:
    return x.numerator if type(x) is Fraction and x.denominator == 1 else x


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
