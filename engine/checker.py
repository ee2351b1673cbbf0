"""Names and types, checked before anything is evaluated.

The checker never evaluates. It reports every problem of an expression (not only the first),
each at its exact span, and gives the expression's type. A well-typed expression cannot meet a
type error at evaluation time: that is what lets the evaluator skip run-time type checks.

    >>> from engine.parser import parse
    >>> check(parse("received > 0 and ok"), Symbols({"received": NUMBER, "ok": BOOL}))
    <Type.BOOL: 'bool'>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .builtins import (
    AGENCY_NAMES,
    AGGREGATES,
    BOOL,
    DATE,
    ERROR,
    FUNCTIONS,
    NUMBER,
    SIGNATURES,
    TEXT,
    Type,
)
from .diagnostics import Diagnostic, ExpressionError, did_you_mean
from .i18n import N_, _, ngettext
from .nodes import (
    Aggregate,
    Binary,
    Bool,
    Call,
    Compare,
    Date,
    Expr,
    If,
    In,
    Name,
    Number,
    Text,
    Unary,
)
from .source import Span


@dataclass(frozen=True)
class Symbols:
    """What a formula may name, and each name's type.

    ``scalars`` are visible everywhere. ``per_agency`` names (facts of each agency of the scope)
    are visible only inside aggregates; ``outside_hint`` explains, for a per-agency name used
    outside an aggregate, why it is not available there.
    """

    scalars: Mapping[str, Type]
    per_agency: Mapping[str, Type] = field(default_factory=dict)
    outside_hint: str = N_("use it inside an aggregate such as sum(...) or all(...)")


def check(expr: Expr, symbols: Symbols) -> Type:
    """The type of ``expr``; raises :class:`ExpressionError` with every problem found."""
    checker = _Checker(symbols)
    result = checker.visit(expr, in_aggregate=False)
    if checker.errors:
        raise ExpressionError(checker.errors)
    return result


class _Checker:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.errors: list[Diagnostic] = []

    def error(self, code: str, message: str, span: Span | None, help: str | None = None) -> Type:
        self.errors.append(Diagnostic(code, message, span, help))
        return ERROR

    def visit(self, node: Expr, in_aggregate: bool) -> Type:
        match node:
            case Number():
                return NUMBER
            case Bool():
                return BOOL
            case Date():
                return DATE
            case Text():
                return TEXT
            case Name():
                return self.name(node, in_aggregate)
            case Unary(op="-", operand=o):
                t = self.visit(o, in_aggregate)
                return self.expect(t, (NUMBER,), o, _("'-' applies to numbers"), NUMBER)
            case Unary(operand=o):
                t = self.visit(o, in_aggregate)
                return self.expect(t, (BOOL,), o, _("'not' applies to true/false values"), BOOL)
            case Binary(op=("and" | "or") as op, left=a, right=b):
                for side in (a, b):
                    t = self.visit(side, in_aggregate)
                    self.expect(t, (BOOL,), side, _("'{op}' joins true/false values").format(
                        op=op), BOOL)
                return BOOL
            case Binary():
                return self.arithmetic(node, in_aggregate)
            case Compare():
                return self.compare(node, in_aggregate)
            case In(item=item, options=options):
                t = self.visit(item, in_aggregate)
                for o in options:
                    ot = self.visit(o, in_aggregate)
                    if ERROR not in (t, ot) and ot != t:
                        self.error("E303", _("cannot look for a {t} among {ot} values").format(
                                               t=t, ot=ot), o.span,
                                   _("every option must have the type of the value looked for"))
                return BOOL
            case If(cond=c, then=a, otherwise=b):
                ct = self.visit(c, in_aggregate)
                self.expect(ct, (BOOL,), c, _("the condition of 'if' must be true/false"), BOOL)
                at, bt = self.visit(a, in_aggregate), self.visit(b, in_aggregate)
                if ERROR in (at, bt):
                    return at if bt == ERROR else bt
                if at != bt:
                    return self.error("E301", _("'then' gives a {at} but 'else' gives a "
                                                "{bt}").format(at=at, bt=bt), node.span,
                                      _("both branches must give the same type"))
                return at
            case Call():
                return self.call(node, in_aggregate)
            case Aggregate():
                return self.aggregate(node, in_aggregate)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    def expect(self, t: Type, allowed: tuple[Type, ...], node: Expr, what: str,
               result: Type, code: str = "E301") -> Type:
        if t != ERROR and t not in allowed:
            self.error(code, _("{what}, not a {t}").format(what=what, t=t), node.span)
            return ERROR
        return result

    def name(self, node: Name, in_aggregate: bool) -> Type:
        s = self.symbols
        if in_aggregate:
            if node.name in s.per_agency:
                return s.per_agency[node.name]
            if node.name in AGENCY_NAMES:
                return AGENCY_NAMES[node.name]
        if node.name in s.scalars:
            return s.scalars[node.name]
        if node.name in s.per_agency:
            return self.error("E203", _("'{node}' has one value per agency here").format(
                                          node=node.name),
                              node.span, _(s.outside_hint))
        if node.name in AGENCY_NAMES:
            return self.error("E203", _("'{node}' is only known inside an aggregate").format(
                                          node=node.name),
                              node.span, _("for example count({node} == \"commune\")").format(
                                             node=node.name))
        known = [*s.scalars, *s.per_agency, *(AGENCY_NAMES if in_aggregate else ())]
        return self.error("E201", _("unknown name '{node}'").format(node=node.name), node.span,
                          did_you_mean(node.name, known)
                          or _("declare it as a fact in the plan, or check the spelling"))

    def arithmetic(self, node: Binary, in_aggregate: bool) -> Type:
        a = self.visit(node.left, in_aggregate)
        b = self.visit(node.right, in_aggregate)
        if ERROR in (a, b):
            return ERROR
        op = node.op
        if a == b == NUMBER:
            return NUMBER
        if op == "+" and {a, b} == {DATE, NUMBER}:
            return DATE
        if op == "-" and a == DATE and b == NUMBER:
            return DATE
        if op == "-" and a == b == DATE:
            return NUMBER
        hint = {
            "+": _("numbers add to numbers; a date plus a number of days is a date"),
            "-": _("date - date gives days; date - number of days gives a date"),
        }.get(op) or _("'{op}' applies to numbers").format(op=op)
        return self.error("E301", _("cannot apply '{op}' to a {a} and a {b}").format(
                                      op=op, a=a, b=b), node.span, hint)

    def compare(self, node: Compare, in_aggregate: bool) -> Type:
        types = [self.visit(o, in_aggregate) for o in node.operands]
        for i, op in enumerate(node.ops):
            a, b = types[i], types[i + 1]
            if ERROR in (a, b):
                continue
            left, right = node.operands[i], node.operands[i + 1]
            span = _join(left.span, right.span)
            if a != b:
                self.error("E303", _("cannot compare a {a} with a {b}").format(a=a, b=b), span,
                           _("compare numbers with numbers, dates with dates, text with text"))
            elif op not in ("==", "!=") and a in (BOOL, TEXT):
                self.error("E303", _("'{op}' does not order {a} values").format(op=op, a=a), span,
                           _("use == or != (or `in [...]` for several categories)"))
        return BOOL

    def call(self, node: Call, in_aggregate: bool) -> Type:
        if node.func not in FUNCTIONS:
            for a in node.args:  # an aggregate's arguments see the agencies' facts
                self.visit(a, in_aggregate or node.func in AGGREGATES)
            if node.func in AGGREGATES:
                return self.error("E302", _("'{func}' takes one expression over the agencies, "
                                             "not {n_args}").format(
                                              func=node.func, n_args=len(node.args)), node.span,
                                  _("write {func}(expression) or {func}(expression where "
                                     "condition)").format(func=node.func))
            return self.error("E202", _("unknown function '{func}'").format(func=node.func),
                              node.name_span,
                              did_you_mean(node.func, [*FUNCTIONS, *AGGREGATES])
                              or _("functions: {names}").format(
                                  names=", ".join(sorted({*FUNCTIONS, *AGGREGATES}))))
        low, high = FUNCTIONS[node.func]
        n = len(node.args)
        if n < low or (high is not None and n > high):
            for a in node.args:
                self.visit(a, in_aggregate)
            takes = (ngettext("'{func}' takes {low} argument, not {n}",
                              "'{func}' takes {low} arguments, not {n}", low) if low == high
                     else ngettext("'{func}' takes at least {low} argument, not {n}",
                                   "'{func}' takes at least {low} arguments, not {n}", low))
            return self.error("E302", takes.format(func=node.func, low=low, n=n), node.span,
                              _("write {signature}").format(signature=SIGNATURES[node.func]))
        types = [self.visit(a, in_aggregate) for a in node.args]
        f = node.func
        if f == "known":
            return BOOL
        if f == "abs":
            return self.expect(types[0], (NUMBER,), node.args[0],
                               _("abs() applies to numbers"), NUMBER)
        if f == "round":
            self.expect(types[0], (NUMBER,), node.args[0], _("round() applies to numbers"),
                        NUMBER)
            digits = node.args[1]
            if not (isinstance(digits, Number) and isinstance(digits.value, int)
                    and not digits.percent and digits.value <= 12):
                self.error("E306", _("the number of digits of round() must be a whole number "
                                     "from 0 to 12, written as is"), digits.span,
                           _("for example round(x, 2)"))
            return NUMBER
        # min, max, coalesce: every argument of one type
        known = [t for t in types if t != ERROR]
        if not known:
            return ERROR
        first = known[0]
        for t, a in zip(types, node.args, strict=True):
            if t not in (ERROR, first):
                self.error("E301", _("{f}() mixes a {first} and a {t}").format(
                                       f=f, first=first, t=t), a.span,
                           _("give it arguments of one type"))
                return ERROR
        if f in ("min", "max") and first not in (NUMBER, DATE):
            return self.error("E301", _("{f}() applies to numbers or dates, not a {first}").format(
                                          f=f, first=first),
                              node.span)
        return first

    def aggregate(self, node: Aggregate, in_aggregate: bool) -> Type:
        f = node.func
        if f not in AGGREGATES:
            self.visit(node.body, True)
            if node.filter is not None:
                self.visit(node.filter, True)
            if f in FUNCTIONS:
                return self.error("E302", _("'{f}' is not an aggregate: 'where' cannot filter "
                                            "it").format(f=f), node.span,
                                  _("'where' goes inside {aggregates}").format(
                                      aggregates=", ".join(f"{a}()" for a in AGGREGATES)))
            return self.error("E202", _("unknown aggregate '{f}'").format(f=f), node.name_span,
                              did_you_mean(f, AGGREGATES)
                              or _("aggregates: {names}").format(names=", ".join(AGGREGATES)))
        if in_aggregate:
            self.error("E305", _("'{f}' is inside another aggregate").format(f=f), node.span,
                       _("aggregates fold over the agencies once; compute the inner one as its "
                          "own indicator"))
        body = self.visit(node.body, True)
        if node.filter is not None:
            ft = self.visit(node.filter, True)
            self.expect(ft, (BOOL,), node.filter, _("the condition after 'where' must be "
                                                    "true/false"), BOOL, code="E304")
        if f in ("sum", "avg"):
            return self.expect(body, (NUMBER,), node.body,
                               _("{f}() adds up numbers").format(f=f), NUMBER, code="E304")
        if f in ("min", "max"):
            return self.expect(body, (NUMBER, DATE), node.body,
                               _("{f}() applies to numbers or dates").format(f=f), body,
                               code="E304")
        if f in ("count", "share"):
            return self.expect(body, (BOOL,), node.body, _("{f}() counts agencies where a "
                                                           "condition holds").format(f=f),
                               NUMBER, code="E304")
        return self.expect(body, (BOOL,), node.body, _("{f}() needs a condition").format(f=f),
                           BOOL, code="E304")


def _join(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(a.source, a.start, b.end)
