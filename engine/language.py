"""The language's front door: parse, check and compile a formula in one call.

    >>> f = compile_formula("received > 0 and on_time / received > 99%",
    ...                     Symbols({"received": NUMBER, "on_time": NUMBER}))
    >>> f.evaluate(received=200, on_time=198)
    False
    >>> f.evaluate(received=200).missing_facts
    [('', 'on_time')]
"""

from __future__ import annotations

from dataclasses import dataclass

from .builtins import BOOL, DATE, NUMBER, TEXT, Type
from .checker import Symbols, check
from .diagnostics import Diagnostic, ExpressionError
from .evaluator import Context, Program, compile_expr
from .i18n import _
from .nodes import Bool, Date, Expr, Number, Text, Unary
from .source import Source, Span
from .values import Value

__all__ = [
    "BOOL",
    "DATE",
    "NUMBER",
    "TEXT",
    "Formula",
    "Symbols",
    "Type",
    "compile_formula",
    "parse_literal",
]


@dataclass(frozen=True)
class Formula:
    """A parsed, checked and compiled formula with its result type."""

    text: str
    expr: Expr
    type: Type
    program: Program

    def evaluate(self, context: Context | None = None, **scalars: Value) -> Value:
        """The formula's value in ``context`` (scalar names and the population aggregates
        fold over), or, without one, for the ``scalars`` given as keywords."""
        return self.program.evaluate(context, **scalars)


def compile_formula(text: str, symbols: Symbols, source: Source | None = None) -> Formula:
    """Parse, check and compile ``text``. Raises :class:`ExpressionError` with every problem."""
    from .parser import parse  # here: a formula from the cache needs no parser (engine.cache)

    expr = parse(text, source)
    result = check(expr, symbols)
    return Formula(text, expr, result, compile_expr(expr, set(symbols.per_agency)))


def parse_literal(text: str, source: Source | None = None) -> tuple[Value, Type]:
    """A literal of the language (``1200``, ``-3``, ``95%``, ``2023-01-09``, ``"B"``, ``true``)."""
    from .parser import parse

    expr = parse(text, source)
    negate = False
    if isinstance(expr, Unary) and expr.op == "-" and isinstance(expr.operand, Number):
        expr, negate = expr.operand, True
    match expr:
        case Number(value=v):
            return (-v if negate else v), NUMBER
        case Bool(value=v):
            return v, BOOL
        case Date(value=v):
            return v, DATE
        case Text(value=v):
            return v, TEXT
    src = source or Source("<input>", text)
    raise ExpressionError([Diagnostic(
        "E107", _("'{text}' is not a literal").format(text=text), Span(src, 0, len(text)),
        help=_("give a number (1200, 95%), a date (2023-01-09), a text (\"B\"), true or false"),
    )])
