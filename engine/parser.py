"""Text to AST: one cached LALR parser; every Lark error becomes a located diagnostic.

    >>> from engine.nodes import Compare, Name, Number
    >>> from fractions import Fraction
    >>> parse("value > 99%") == Compare((">",), (Name("value"), Number(Fraction(99, 100), True)))
    True
"""

from __future__ import annotations

import datetime as dt
import functools
from fractions import Fraction
from importlib import resources
from typing import Any

import lark
from lark import Token, Tree

from .diagnostics import Diagnostic, ExpressionError
from .nodes import (
    AGGREGATES,
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
    children,
)
from .source import Source, Span

#: Longest formula accepted, in characters. Real plan formulas are under 300.
MAX_LENGTH = 4000
#: Deepest nesting accepted: each operator, call or parenthesised level adds one.
MAX_DEPTH = 64

_UNICODE_OPS = {"≤": "<=", "≥": ">=", "≠": "!="}
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "PERCENT": "a percentage",
    "DATE": "a date",
    "STRING": 'a text in double quotes',
    "COMP_OP": "a comparison",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "DOT": "'.'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "$END": "the end of the formula",
}


@functools.cache
def _lark() -> lark.Lark:
    text = resources.files("engine.grammar").joinpath("cchc.lark").read_text("utf-8")
    return lark.Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[terminal]
    if terminal.isupper() and terminal.isalpha():
        return f"'{terminal.lower()}'"
    return terminal


def _expected(names: set[str]) -> str:
    words = sorted({_describe(n) for n in names})
    if len(words) > 6:
        words = [*words[:6], "..."]
    return ", ".join(words)


def parse(text: str, source: Source | None = None) -> Expr:
    """Parse one formula. Raises :class:`ExpressionError` with a located diagnostic."""
    src = source if source is not None else Source("<input>", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError([Diagnostic(
            "E102",
            f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}",
            Span(src, 0, min(len(text), 1)),
            help="split it into several indicators that reference each other",
        )])
    if not text.strip():
        raise ExpressionError([Diagnostic(
            "E106", "the formula is empty", Span(src, 0, len(text)),
            help="write an expression, for example `value >= 90%`",
        )])
    try:
        tree = _lark().parse(text)
    except lark.exceptions.UnexpectedCharacters as e:
        pos = e.pos_in_stream or 0
        raise ExpressionError([Diagnostic(
            "E101",
            f"unexpected character {text[pos]!r}",
            Span(src, pos, pos + 1),
            help=f"expected {_expected(set(e.allowed))}" if e.allowed else None,
        )]) from None
    except lark.exceptions.UnexpectedToken as e:
        tok = e.token
        if tok.type == "$END":
            end = len(text.rstrip())
            raise ExpressionError([Diagnostic(
                "E101", "the formula ends too early", Span(src, end, end),
                help=f"expected {_expected(set(e.expected))}",
            )]) from None
        start = tok.start_pos if tok.start_pos is not None else 0
        raise ExpressionError([Diagnostic(
            "E101",
            f"unexpected {str(tok)!r}",
            Span(src, start, start + len(str(tok))),
            help=f"expected {_expected(set(e.expected))}",
        )]) from None
    except lark.exceptions.UnexpectedInput as e:  # pragma: no cover - other Lark variants
        raise ExpressionError([Diagnostic("E101", "syntax error", Span(src, 0, len(text)))]) \
            from e
    return _Builder(src).build(tree)


class _Builder:
    """Lark tree to AST, iteratively (no recursion), checking depth and literals."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.errors: list[Diagnostic] = []

    def span(self, item: Tree[Token] | Token) -> Span:
        if isinstance(item, Token):
            start = item.start_pos or 0
            return Span(self.source, start, item.end_pos if item.end_pos is not None else start)
        meta = item.meta
        if getattr(meta, "empty", True):
            return Span(self.source, 0, 0)
        return Span(self.source, meta.start_pos, meta.end_pos)

    def build(self, tree: Tree[Token] | Token) -> Expr:
        # Post-order with an explicit stack: deep inputs must give a diagnostic, never a
        # RecursionError.
        done: dict[int, tuple[Expr, int]] = {}
        stack: list[tuple[Tree[Token] | Token, bool]] = [(tree, False)]
        while stack:
            item, expanded = stack.pop()
            if isinstance(item, Tree) and not expanded:
                stack.append((item, True))
                stack.extend((c, False) for c in reversed(item.children) if isinstance(c, Tree))
                continue
            if isinstance(item, Token):
                continue
            kids = [done.pop(id(c)) if isinstance(c, Tree) else c for c in item.children]
            depth = 1 + max((k[1] for k in kids if isinstance(k, tuple)), default=0)
            node = self.node(item, [k[0] if isinstance(k, tuple) else k for k in kids])
            if depth > MAX_DEPTH and not self.errors:
                self.errors.append(Diagnostic(
                    "E103",
                    f"formula is nested deeper than {MAX_DEPTH} levels",
                    self.span(item),
                    help="simplify it, or split it into indicators that reference each other",
                ))
            done[id(item)] = (node, depth)
        if self.errors:
            raise ExpressionError(self.errors)
        if isinstance(tree, Token):  # pragma: no cover - start is always a tree or atom rule
            raise ExpressionError([Diagnostic("E101", "syntax error", self.span(tree))])
        return done[id(tree)][0]

    def node(self, tree: Tree[Token], kids: list[Any]) -> Expr:
        rule = str(tree.data)
        sp = self.span(tree)
        match rule:
            case "number":
                return Number(_norm(Fraction(str(kids[0]))), False, sp)
            case "percent":
                return Number(_norm(Fraction(str(kids[0])[:-1]) / 100), True, sp)
            case "date":
                return self.date(kids[0], sp)
            case "string":
                return Text(self.unescape(kids[0]), sp)
            case "true":
                return Bool(True, sp)
            case "false":
                return Bool(False, sp)
            case "dotted":
                return Name(".".join(str(k) for k in kids), sp)
            case "neg":
                return Unary("-", kids[0], sp)
            case "not_":
                return Unary("not", kids[0], sp)
            case "add" | "sub" | "mul" | "div":
                op = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[rule]
                return Binary(op, kids[0], kids[1], sp)
            case "and_" | "or_":
                return Binary(rule[:-1], kids[0], kids[1], sp)
            case "compare":
                operands = tuple(k for k in kids if not isinstance(k, Token))
                ops = tuple(_UNICODE_OPS.get(str(k), str(k)) for k in kids if isinstance(k, Token))
                return Compare(ops, operands, sp)
            case "in_":
                return In(kids[0], tuple(kids[1]), sp)
            case "list":
                return kids  # type: ignore[return-value]  # consumed by in_ just above
            case "if_":
                return If(kids[0], kids[1], kids[2], sp)
            case "call" | "call_where":
                name_tok = kids[0]
                args = tuple(kids[1:])
                name_span = self.span(name_tok)
                func = str(name_tok)
                if rule == "call_where":
                    return Aggregate(func, args[0], args[1], sp, name_span)
                if func in AGGREGATES and len(args) == 1:
                    return Aggregate(func, args[0], None, sp, name_span)
                return Call(func, args, sp, name_span)
        raise AssertionError(f"unhandled grammar rule {rule}")  # pragma: no cover

    def date(self, tok: Token, sp: Span) -> Expr:
        try:
            return Date(dt.date.fromisoformat(str(tok)), sp)
        except ValueError:
            self.errors.append(Diagnostic(
                "E104", f"{tok} is not a date of the calendar", sp,
                help="write dates as YYYY-MM-DD with a real month and day",
            ))
            return Date(dt.date(1970, 1, 1), sp)

    def unescape(self, tok: Token) -> str:
        raw = str(tok)[1:-1]
        out: list[str] = []
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == "\\":
                nxt = raw[i + 1] if i + 1 < len(raw) else ""
                if nxt not in _ESCAPES:
                    start = (tok.start_pos or 0) + 1 + i
                    self.errors.append(Diagnostic(
                        "E105", f"unknown escape '\\{nxt}' in text",
                        Span(self.source, start, start + 2),
                        help='only \\" \\\\ \\n and \\t may follow a backslash',
                    ))
                out.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)


def _norm(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def depth(node: Expr) -> int:
    """The nesting depth of an AST (1 for a literal)."""
    best = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in children(n))
    return best
