"""The language's front door: parse, check and compile a formula in one call, and render values.

    >>> f = compile_formula("received > 0 and on_time / received > 99%",
    ...                     Symbols({"received": NUMBER, "on_time": NUMBER}))
    >>> f.evaluate(received=200, on_time=198)
    False
    >>> format_value(f.evaluate(received=200))
    'unknown'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .checker import BOOL, DATE, NUMBER, TEXT, Symbols, Type, check
from .diagnostics import Diagnostic, ExpressionError
from .evaluator import Program, Row, compile_expr
from .nodes import Bool, Date, Expr, Number, Text, Unary
from .parser import parse
from .printer import format_number, quote_text
from .source import Source, Span
from .values import Unknown, Value

__all__ = [
    "BOOL",
    "DATE",
    "NUMBER",
    "TEXT",
    "Formula",
    "Symbols",
    "Type",
    "compile_formula",
    "format_value",
    "json_value",
    "parse_literal",
    "type_of",
]


@dataclass(frozen=True)
class Formula:
    """A parsed, checked and compiled formula with its result type."""

    text: str
    expr: Expr
    type: Type
    program: Program

    def evaluate(self, context: Any = None, **scalars: Value) -> Value:
        return self.program.evaluate(context, **scalars)

    def evaluate_each(self, rows: Sequence[Row]) -> list[Value]:
        """The formula for each agency on its own, in one call (see
        :meth:`engine.evaluator.Program.evaluate_each`)."""
        return self.program.evaluate_each(rows)


def compile_formula(text: str, symbols: Symbols, source: Source | None = None) -> Formula:
    """Parse, check and compile ``text``. Raises :class:`ExpressionError` with every problem."""
    expr = parse(text, source)
    result = check(expr, symbols)
    return Formula(text, expr, result, compile_expr(expr, set(symbols.per_agency)))


def parse_literal(text: str, source: Source | None = None) -> tuple[Value, Type]:
    """A literal of the language (``1200``, ``-3``, ``95%``, ``2023-01-09``, ``"B"``, ``true``)."""
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
        "E107", f"'{text}' is not a literal", Span(src, 0, len(text)),
        help='give a number (1200, 95%), a date (2023-01-09), a text ("B"), true or false',
    )])


def type_of(value: Value) -> str:
    """The language type name of a run-time value (``unknown`` for :class:`Unknown`)."""
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "text"
    return "number"


def format_value(value: Value) -> str:
    """Canonical one-line text: ``true``, ``unknown``, ``0.99``, ``2023-01-10``, ``"B"``."""
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return quote_text(value)
    return format_number(value)


def json_value(value: Value) -> Any:
    """The JSON form of a value: number, boolean, ISO date string, text, or None if unknown.

    Numbers with no finite decimal form are rounded to 10 decimal places; numbers too large for
    a float's precision are rounded to a whole number (JSON integers are exact at any size).

        >>> from fractions import Fraction
        >>> json_value(Fraction(1, 3)), json_value(Fraction(99, 100)), json_value(1200)
        (0.3333333333, 0.99, 1200)
    """
    if isinstance(value, Unknown):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    if abs(value) >= 2**53:  # beyond a float's precision (and perhaps its range): whole number
        return int(format_number(value, places=0))
    text = format_number(value)
    return int(text) if "." not in text else float(text)
