"""Text to AST: one cached LALR parser; every Lark error becomes a located diagnostic.

    >>> from engine.nodes import Compare, Name, Number
    >>> from fractions import Fraction
    >>> parse("value > 99%") == Compare((">",), (Name("value"), Number(Fraction(99, 100), True)))
    True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import unicodedata
from fractions import Fraction
from importlib import resources
from typing import Any, cast

import lark
from lark import Token, Tree

from .builtins import AGGREGATES
from .diagnostics import Diagnostic, ExpressionError
from .i18n import _
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
    children,
)
from .source import Source, Span
from .values import MAX_EXACT_DIGITS, fits

#: Longest formula accepted, in characters. Real plan formulas are under 300.
MAX_LENGTH = 4000
#: Deepest nesting accepted: each operator, function call, aggregate or pair of parentheses
#: adds one level (a literal or a name is one level deep).
MAX_DEPTH = 64

_UNICODE_OPS = {"≤": "<=", "≥": ">=", "≠": "!="}
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_BLANK = re.compile(r"(?:\s|#[^\n]*)*")
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: Used to say, in a syntax error, what could have come instead of the offending token (a '('
#: or '.' after a name is left out: it is rarely what was meant).
_OPERATORS = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "COMP_OP", "AND", "OR", "IN"})
_PUNCTUATION = {
    "RPAR": "')'",
    "RSQB": "']'",
    "COMMA": "','",
    "LSQB": "'['",
    "THEN": "'then'",
    "ELSE": "'else'",
    "WHERE": "'where'",
}


_LARK_OPTIONS: dict[str, Any] = {"parser": "lalr", "lexer": "basic",
                                  "propagate_positions": True, "maybe_placeholders": False}
#: The parser tables built from the grammar, shipped beside it so that start-up does not
#: rebuild them (~70 ms). Used only when it was built from this very grammar by this version
#: of Lark; otherwise the parser is built from the grammar as usual.
CACHE_NAME = "cchc.lark.cache"


def _grammar_text() -> str:
    return resources.files("engine.grammar").joinpath("cchc.lark").read_text("utf-8")


def cache_key(grammar: str) -> bytes:
    """The first line of the cache file: what it was built from."""
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()
    return f"cchc-parser grammar-sha256={digest} lark={lark.__version__}\n".encode("ascii")


def build_cache(grammar: str) -> bytes:
    """The bytes of the parser cache for ``grammar`` (written by ``tests/test_parser_cache``
    with ``--update-goldens``; kept current by that test)."""
    buf = io.BytesIO()
    lark.Lark(grammar, **_LARK_OPTIONS).save(buf)
    return cache_key(grammar) + buf.getvalue()


@functools.cache
def _lark() -> lark.Lark:
    grammar = _grammar_text()
    cached = resources.files("engine.grammar").joinpath(CACHE_NAME)
    try:
        data = cached.read_bytes()
    except OSError:
        data = b""
    key = cache_key(grammar)
    if data.startswith(key):
        try:
            return lark.Lark.load(io.BytesIO(data[len(key):]))
        except Exception:  # a cache that does not load is simply rebuilt below
            pass
    return lark.Lark(grammar, **_LARK_OPTIONS)


def _expected(accepts: set[str]) -> str:
    """What the parser would have accepted, in words: ``')' or an operator``."""
    words = [word for term, word in _PUNCTUATION.items() if term in accepts]
    if "NUMBER" in accepts:
        words.append(_("a value (a number, a name, a date, a text, true or false)"))
    elif "NAME" in accepts:
        words.append(_("a name"))
    if accepts & (_OPERATORS - {"MINUS"}):
        words.append(_("an operator"))
    if "$END" in accepts:
        words.append(_("the end of the formula"))
    if not words:
        return "'('" if "LPAR" in accepts else _("something else")
    return words[0] if len(words) == 1 else _("{some} or {last}").format(
        some=", ".join(words[:-1]), last=words[-1])


def _accepts(error: lark.exceptions.UnexpectedInput) -> set[str]:
    parser = getattr(error, "interactive_parser", None)
    if parser is None:  # pragma: no cover - LALR errors always carry their parser
        return set()
    return set(parser.accepts())


def _character_help(ch: str, accepts: set[str]) -> tuple[str, str]:
    """The message and help for a character no token can start with."""
    if ch == '"':
        return (_("this text is not closed"),
                _('end it with a double quote on the same line (write a line break as \\n)'))
    if ch == "'":
        return (_("unexpected character {ch}").format(ch="\"'\""),
                _('write texts in double quotes, for example "B"'))
    if ch == "=":
        return (_("unexpected character {ch}").format(ch="'='"),
                _("compare with == (or !=, <, <=, >, >=)"))
    if ch.isalpha():
        return (_("unexpected character {ch}").format(ch=repr(ch)),
                _("names are written with the letters a-z and A-Z, digits and _, for example "
                  "so_ho_so"))
    return (_("unexpected character {ch}").format(ch=repr(ch)),
            _("expected {expected}").format(expected=_expected(accepts)))


def parse(text: str, source: Source | None = None) -> Expr:
    """Parse one formula. Raises :class:`ExpressionError` with a located diagnostic.

    Never raises anything else, whatever the text (the parser is total).
    """
    src = source if source is not None else Source("<input>", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError([Diagnostic(
            "E102",
            _("formula is {n_text} characters long; the limit is {MAX_LENGTH}").format(
                n_text=len(text), MAX_LENGTH=MAX_LENGTH),
            Span(src, MAX_LENGTH, len(text)),
            help=_("split it into several indicators that reference each other"),
        )])
    if _BLANK.fullmatch(text):
        raise ExpressionError([Diagnostic(
            "E106", _("the formula is empty"), Span(src, 0, len(text)),
            help=_("write an expression, for example `value >= 90%`"),
        )])
    try:
        tree = _lark().parse(text)
    except lark.exceptions.UnexpectedCharacters as e:
        pos = e.pos_in_stream or 0
        message, hint = _character_help(text[pos], _accepts(e))
        raise ExpressionError([Diagnostic("E101", message, Span(src, pos, pos + 1), help=hint)]) \
            from None
    except lark.exceptions.UnexpectedToken as e:
        tok = e.token
        expected = _("expected {expected}").format(expected=_expected(_accepts(e)))
        if tok.type == "$END":
            end = tok.end_pos if tok.end_pos is not None else len(text)
            raise ExpressionError([Diagnostic(
                "E101", _("the formula ends too early"), Span(src, end, end), help=expected,
            )]) from None
        start = tok.start_pos if tok.start_pos is not None else 0
        if tok.type == "WHERE":
            expected = (_("'where' filters the agencies of an aggregate, for example "
                           "sum(received where kind == \"commune\")"))
        raise ExpressionError([Diagnostic(
            "E101", _("unexpected {tok}").format(tok=repr(str(tok))),
            Span(src, start, start + len(str(tok))),
            help=expected,
        )]) from None
    except lark.exceptions.LarkError as e:  # pragma: no cover - other Lark variants
        raise ExpressionError([Diagnostic("E101", _("syntax error"), Span(src, 0, len(text)))]) \
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
        if isinstance(tree, Token):  # pragma: no cover - start is always a tree or atom rule
            raise ExpressionError([Diagnostic("E101",
                _("syntax error"), self.span(tree))])
        done: dict[int, tuple[Expr, int]] = {}
        too_deep = False
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
            # A list is part of its `in`, not a level of its own; parentheses are a level.
            depth = (item.data != "list") + max(
                (k[1] for k in kids if isinstance(k, tuple)), default=0)
            node = self.node(item, [k[0] if isinstance(k, tuple) else k for k in kids])
            too_deep = too_deep or depth > MAX_DEPTH
            done[id(item)] = (node, depth)
        if too_deep:
            start = self.first_too_deep(tree)
            self.errors.append(Diagnostic(
                "E103",
                _("formula is nested deeper than {MAX_DEPTH} levels").format(MAX_DEPTH=MAX_DEPTH),
                Span(self.source, start, start + 1),
                help=_("simplify it, or split it into indicators that reference each other"),
            ))
        if self.errors:
            raise ExpressionError(sorted(self.errors, key=lambda d: d.span.start if d.span else 0))
        return done[id(tree)][0]

    def first_too_deep(self, tree: Tree[Token]) -> int:
        """The offset where the first part nested deeper than MAX_DEPTH begins."""
        stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
        while stack:
            item, level = stack.pop()
            if level > MAX_DEPTH:
                return self.span(item).start
            stack.extend((c, level + (c.data != "list"))
                         for c in reversed(item.children) if isinstance(c, Tree))
        return 0  # pragma: no cover - only called when some part is too deep

    def node(self, tree: Tree[Token], kids: list[Any]) -> Expr:
        rule = str(tree.data)
        sp = self.span(tree)
        match rule:
            case "number":
                return self.number(_norm(Fraction(str(kids[0]))), False, sp)
            case "percent":
                return self.number(_norm(Fraction(str(kids[0])[:-1]) / 100), True, sp)
            case "date":
                return self.date(kids[0], sp)
            case "string":
                # NFC, as names and categories are everywhere else: "Nhóm B" typed with
                # combining accents equals the precomposed one.
                return Text(unicodedata.normalize("NFC", self.unescape(kids[0])), sp)
            case "paren":
                return cast(Expr, kids[0])
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

    def number(self, value: int | Fraction, percent: bool, sp: Span) -> Expr:
        """A number literal, within the bound of exact numbers (``E108`` beyond it: every
        operation keeps to the bound, so a literal has to, too)."""
        if not fits(value):
            self.errors.append(Diagnostic(
                "E108", _("this number is beyond the limit of exact arithmetic ({digits} "
                          "digits)").format(digits=MAX_EXACT_DIGITS), sp,
                help=_("write a number of at most {MAX_EXACT_DIGITS} digits, far more than any "
                        "real value needs").format(MAX_EXACT_DIGITS=MAX_EXACT_DIGITS),
            ))
            value = 0
        return Number(value, percent, sp)

    def date(self, tok: Token, sp: Span) -> Expr:
        text = str(tok)
        if not _DATE_SHAPE.fullmatch(text):
            self.errors.append(Diagnostic(
                "E104", _("{text} is not a date: dates are written YYYY-MM-DD").format(text=text),
                    sp,
                help=_("write the month and the day with two digits each, for example "
                        "2023-01-09; to subtract numbers, put spaces around '-'"),
            ))
            return Date(dt.date(1970, 1, 1), sp)
        try:
            return Date(dt.date.fromisoformat(text), sp)
        except ValueError:
            self.errors.append(Diagnostic(
                "E104", _("{text} is not a date of the calendar").format(text=text), sp,
                help=_("write dates as YYYY-MM-DD with a real month and day"),
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
                        "E105", _("unknown escape '\\{nxt}' in text").format(nxt=nxt),
                        Span(self.source, start, start + 2),
                        help=_("only \\\" \\\\ \\n and \\t may follow a backslash"),
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
