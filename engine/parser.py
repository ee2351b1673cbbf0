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
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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

if TYPE_CHECKING:
    import lark
    from lark import Token, Tree

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


def _grammar_file(name: str) -> bytes:
    """A file of the package engine.grammar: read beside its __init__ (importlib.resources,
    whose import costs a first run more than the read, only where the package is not plain
    files)."""
    from . import grammar

    try:
        return Path(grammar.__file__ or "").with_name(name).read_bytes()
    except OSError:  # pragma: no cover - a package in a zip file
        from importlib import resources

        return resources.files("engine.grammar").joinpath(name).read_bytes()


def _grammar_text() -> str:
    return _grammar_file("cchc.lark").decode("utf-8")


def grammar_digest(grammar: str) -> str:
    """The SHA-256 of the grammar's text: what the parser cache and the generated tables of
    :mod:`engine.parse_tables` were built from."""
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def cache_key(grammar: str) -> bytes:
    """The first line of the cache file: what it was built from."""
    import lark

    digest = grammar_digest(grammar)
    return f"cchc-parser grammar-sha256={digest} lark={lark.__version__}\n".encode("ascii")


def build_cache(grammar: str) -> bytes:
    """The bytes of the parser cache for ``grammar`` (written by ``tests/test_parser_cache``
    with ``--update-goldens``; kept current by that test)."""
    import lark

    buf = io.BytesIO()
    lark.Lark(grammar, **_LARK_OPTIONS).save(buf)
    return cache_key(grammar) + buf.getvalue()


@functools.cache
def _lark() -> lark.Lark:
    import lark

    grammar = _grammar_text()
    try:
        data = _grammar_file(CACHE_NAME)
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

    A well-formed formula is parsed by :func:`_fast_parse`, which builds the AST during the
    LALR parse; anything it does not take as it is (a syntax error, a bad literal, too deep
    a nesting, a text too long) goes to :func:`parse_reference`, which words the diagnostics.
    Both give the same AST (``tests/language/test_parser_fast.py``).
    """
    src = source if source is not None else Source("<input>", text)
    if len(text) <= MAX_LENGTH:
        fast = _fast_parse(text, src)
        if fast is not None:
            return fast
    return parse_reference(text, src)


def parse_reference(text: str, source: Source | None = None) -> Expr:
    """:func:`parse` through Lark's parse tree, rebuilt into the AST: slower, and the one
    that words every diagnostic."""
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
    import lark

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
        from lark import Token

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
        from lark import Token, Tree

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
        from lark import Tree

        stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
        while stack:
            item, level = stack.pop()
            if level > MAX_DEPTH:
                return self.span(item).start
            stack.extend((c, level + (c.data != "list"))
                         for c in reversed(item.children) if isinstance(c, Tree))
        return 0  # pragma: no cover - only called when some part is too deep

    def node(self, tree: Tree[Token], kids: list[Any]) -> Expr:
        from lark import Token

        rule = str(tree.data)
        sp = self.span(tree)
        match rule:
            case "number":
                return self.number(_norm(Fraction(str(kids[0]))), False, sp)
            case "percent":
                return self.number(_norm(Fraction(str(kids[0])[:-1]) / 100), True, sp)
            case "date":
                return self.date(str(kids[0]), sp)
            case "string":
                # NFC, as names and categories are everywhere else: "Nhóm B" typed with
                # combining accents equals the precomposed one.
                return Text(unicodedata.normalize("NFC", self.unescape(str(kids[0]), sp.start)),
                            sp)
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

    def date(self, text: str, sp: Span) -> Expr:
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

    def unescape(self, token: str, start_pos: int) -> str:
        raw = token[1:-1]
        out: list[str] = []
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == "\\":
                nxt = raw[i + 1] if i + 1 < len(raw) else ""
                if nxt not in _ESCAPES:
                    start = start_pos + 1 + i
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


# --- The fast path ---------------------------------------------------------------------------
#
# Lark's own parse builds a parse tree (a Tree per rule, a Token per terminal, positions
# propagated up the tree) that _Builder then rebuilds into the AST: most of the cost of
# compiling a formula. The fast path drives the same LALR tables (Lark's, from the same
# cache) with the same lexer regular expression, and builds the AST nodes at each reduction.
# It only ever answers for a formula Lark parses without error and _Builder builds without a
# diagnostic; anything else (it returns None) is left to parse_reference, so that every
# diagnostic is worded in one place. Iterative like _Builder: no recursion, whatever the depth.
#
# A value on the stack is a tuple (kind, payload, start, end, depth): for a token, kind is
# its terminal's name and payload its text; for an AST node, kind is "" and payload the node
# (for a `list`, the list of its elements); for an inlined helper rule (`__x_star_0`, whose
# children Lark splices into its parent), kind is "*" and payload the list of kept values.
# start and end are where Lark's propagated positions put the tree (parentheses included).

_Value = tuple[str, Any, int, int, int]
_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "and_": "and", "or_": "or"}


def plain_tables(parser: lark.Lark) -> dict[str, Any]:
    """What the fast path needs from a Lark parser, as plain data (ints, texts, tuples, dicts),
    the data of the generated :mod:`engine.parse_tables`: the LALR actions (per state and
    symbol, ``(True, state)`` for a shift or a goto, ``(False, rule)`` for a reduction), the
    start and end states, the lexer's regular expression, the ignored terminals and the
    keywords told from names. Raises NotImplementedError for a grammar of another shape."""
    from lark.parsers.lalr_analysis import Shift

    frontend = parser.parser
    lexer = frontend.lexer
    table = frontend.parser.parser.parse_table
    scanner = lexer.scanner
    if len(scanner._mres) != 1 or set(lexer.callback) - {"NAME"} \
            or lexer.user_callbacks:  # pragma: no cover - the grammar as shipped
        raise NotImplementedError("lexer shape")
    keywords: dict[str, str] = {}
    unless = lexer.callback.get("NAME")
    if unless is not None:
        for term in unless.scanner.terminals:
            if term.pattern.type != "str":  # pragma: no cover - the grammar as shipped
                raise NotImplementedError("keyword shape")
            keywords[term.pattern.value] = term.name
    states: dict[int, dict[str, tuple[Any, Any]]] = table.states
    # Per rule: (name of the origin, the name the tree takes or None to pass the single
    # child through, positions of the children kept, positions spliced, length).
    rules: dict[Any, tuple[str, str | None, tuple[int, ...], tuple[int, ...], int]] = {}
    for rule in {arg for row in states.values() for a, arg in row.values() if a is not Shift}:
        kept, spliced = [], []
        for i, sym in enumerate(rule.expansion):
            if sym.is_term:
                if not sym.filter_out:
                    kept.append(i)
            elif sym.name.startswith("_"):
                spliced.append(i)
            else:
                kept.append(i)
        name = rule.alias or rule.origin.name
        through = rule.options.expand1 and not rule.alias and len(kept) == 1 and not spliced
        if rule.origin.name.startswith("_"):
            name = "*"
        rules[rule] = (rule.origin.name, None if through else str(name), tuple(kept),
                       tuple(spliced), len(rule.expansion))
    regex = scanner._mres[0]
    return {
        "start": table.start_states["start"],
        "end": table.end_states["start"],
        "pattern": regex.pattern,
        "flags": int(regex.flags),
        "ignore": tuple(sorted(lexer.ignore_types)),
        "keywords": dict(sorted(keywords.items())),
        "actions": {state: {sym: (True, arg) if a is Shift else (False, rules[arg])
                            for sym, (a, arg) in sorted(states[state].items())}
                    for state in sorted(states)},
    }


def tables_module(grammar: str, parser: lark.Lark) -> str:
    """The text of :mod:`engine.parse_tables` for ``grammar`` and its Lark ``parser``."""
    import pprint

    tables = pprint.pformat(plain_tables(parser), width=99, sort_dicts=False)
    return (
        '"""The LALR tables of grammar/cchc.lark for the fast path of engine.parser, as plain\n'
        "data, so that a first run parses formulas without importing Lark. Generated: do not\n"
        "edit. After editing the grammar, regenerate with\n"
        "``pytest tests/language/test_parse_tables.py --update-goldens``; that test fails while\n"
        'this file is stale, and engine.parser ignores it then (GRAMMAR_SHA256)."""\n'
        "# ruff: noqa: E501\n\n"
        "from typing import Any\n\n"
        f'GRAMMAR_SHA256 = "{grammar_digest(grammar)}"\n\n'
        f"TABLES: dict[str, Any] = {tables}\n")


class _Tables:
    """What the fast path needs (see :func:`plain_tables`)."""

    def __init__(self, plain: dict[str, Any]) -> None:
        self.actions: dict[int, dict[str, tuple[bool, Any]]] = plain["actions"]
        self.start: int = plain["start"]
        self.end: int = plain["end"]
        self.regex: re.Pattern[str] = re.compile(plain["pattern"], plain["flags"])
        self.ignore: frozenset[str] = frozenset(plain["ignore"])
        self.keywords: dict[str, str] = plain["keywords"]
        self.units: dict[tuple[int, int, str], int] = {}


@functools.cache
def _tables() -> _Tables | None:
    """The generated tables when they were built from this very grammar (no Lark to import),
    else the tables of Lark's parser."""
    try:
        from . import parse_tables

        if grammar_digest(_grammar_text()) == parse_tables.GRAMMAR_SHA256:
            return _Tables(parse_tables.TABLES)
    except (ImportError, OSError):  # pragma: no cover - then Lark's
        pass
    try:
        return _Tables(plain_tables(_lark()))
    except Exception:  # pragma: no cover - a Lark whose internals moved: the reference path
        return None


def _lex(tables: _Tables, text: str) -> list[_Value] | None:
    """The tokens of ``text`` as Lark's basic lexer makes them (the same regular expression,
    keywords told from names the same way), $END last; None where no token matches."""
    ignore, keywords = tables.ignore, tables.keywords
    tokens: list[_Value] = []
    pos = 0
    for m in tables.regex.finditer(text):
        start, end = m.span()
        if start != pos:  # a character no token starts with
            return None
        pos = end
        kind = m.lastgroup or ""
        if kind in ignore:
            continue
        word = m.group()
        if kind == "NAME":
            kind = keywords.get(word, kind)
        tokens.append((kind, word, start, end, 0))
    if pos != len(text):
        return None
    tokens.append(("$END", "", pos, pos, 0))
    return tokens


def _fast_parse(text: str, src: Source) -> Expr | None:
    """The AST of ``text``, or None when it is anything but a well-formed formula whose
    literals are all right and whose nesting is within MAX_DEPTH."""
    tables = _tables()
    if tables is None:  # pragma: no cover
        return None
    tokens = _lex(tables, text)
    if tokens is None:
        return None
    actions, units = tables.actions, tables.units
    final = tables.end
    builder = _Builder(src)
    state_stack = [tables.start]
    values: list[_Value] = []
    for token in tokens:
        kind = token[0]
        while True:
            action = actions[state_stack[-1]].get(kind)
            if action is None:
                return None
            if action[0]:  # a shift
                if kind == "$END":  # pragma: no cover - Lark asserts the same
                    return None
                state_stack.append(action[1])
                values.append(token)
                break
            origin, name, kept, spliced, size = action[1]
            if name is None and size == 1:
                # `?a: b`, the precedence chain: the value stays, only the state moves; the
                # state the whole run of such reductions ends in is remembered.
                key = (state_stack[-2], state_stack[-1], kind)
                top = units.get(key)
                if top is None:
                    top = _units(tables, *key)
                state_stack[-1] = top
            else:
                if name is None:
                    value = values[-size + kept[0]]
                else:
                    made = _reduce(builder, name, values[-size:], kept, spliced)
                    if made is None:
                        return None
                    value = made
                del values[-size:]
                del state_stack[-size:]
                state_stack.append(actions[state_stack[-1]][origin][1])
                values.append(value)
            if kind == "$END" and state_stack[-1] == final:
                node = values[-1]
                if node[0] != "" or builder.errors:
                    return None
                return cast(Expr, node[1])
    return None  # pragma: no cover - $END always ends the loop above


def _units(tables: _Tables, below: int, top: int, kind: str) -> int:
    """The state after every reduction of a `?a: b` rule that ``kind`` makes from state
    ``top`` above state ``below`` (remembered in ``tables.units``)."""
    key = (below, top, kind)
    while True:
        action = tables.actions[top].get(kind)
        if action is None or action[0]:
            break
        origin, name, _kept, _spliced, size = action[1]
        if name is not None or size != 1:
            break
        top = tables.actions[below][origin][1]
        if kind == "$END" and top == tables.end:
            break
    tables.units[key] = top
    return top


def _reduce(builder: _Builder, name: str, raw: list[_Value], kept: tuple[int, ...],
            spliced: tuple[int, ...]) -> _Value | None:
    """The value of a reduction by a rule that makes a tree (``name``), or None when it cannot
    be taken as it is (then the reference path words the problem)."""
    if name == "dotted" and len(raw) == 1:  # a plain name, the commonest node, made directly
        _kind, word, start, end, _depth = raw[0]
        return ("", Name(word, Span(builder.source, start, end)), start, end, 1)
    start, end = raw[0][2], raw[-1][3]
    if spliced:
        kids: list[_Value] = []
        for i, v in enumerate(raw):
            if i in spliced:
                kids.extend(v[1])
            elif i in kept:
                kids.append(v)
    elif len(kept) == 1:
        kids = [raw[kept[0]]]
    else:
        kids = [raw[i] for i in kept]
    if name == "*":
        return ("*", kids, start, end, 0)
    depth = 0
    for k in kids:
        if k[4] > depth:  # a token's is 0
            depth = k[4]
    if name != "list":
        depth += 1
        if depth > MAX_DEPTH:
            return None
    sp = Span(builder.source, start, end)
    node: Any
    match name:
        case "number":  # the values _Builder.node makes, an int without a Fraction
            word = kids[0][1]
            node = builder.number(int(word) if "." not in word else _norm(Fraction(word)),
                                  False, sp)
        case "percent":
            word = kids[0][1][:-1]
            node = builder.number(_norm(Fraction(int(word), 100) if "." not in word
                                        else Fraction(word) / 100), True, sp)
        case "date":
            node = builder.date(kids[0][1], sp)
        case "string":
            node = Text(unicodedata.normalize("NFC", builder.unescape(kids[0][1], start)), sp)
        case "paren":
            node = kids[0][1]
        case "true":
            node = Bool(True, sp)
        case "false":
            node = Bool(False, sp)
        case "dotted":
            node = Name(".".join(k[1] for k in kids), sp)
        case "neg":
            node = Unary("-", kids[0][1], sp)
        case "not_":
            node = Unary("not", kids[0][1], sp)
        case "add" | "sub" | "mul" | "div" | "and_" | "or_":
            node = Binary(_OPS[name], kids[0][1], kids[1][1], sp)
        case "compare":
            node = Compare(tuple(_UNICODE_OPS.get(k[1]) or k[1] for k in kids if k[0]),
                           tuple(k[1] for k in kids if not k[0]), sp)
        case "in_":
            node = In(kids[0][1], tuple(kids[1][1]), sp)
        case "list":
            node = [k[1] for k in kids]
        case "if_":
            node = If(kids[0][1], kids[1][1], kids[2][1], sp)
        case "call" | "call_where":
            func, name_span = kids[0][1], Span(builder.source, kids[0][2], kids[0][3])
            args = tuple(k[1] for k in kids[1:])
            if name == "call_where":
                node = Aggregate(func, args[0], args[1], sp, name_span)
            elif func in AGGREGATES and len(args) == 1:
                node = Aggregate(func, args[0], None, sp, name_span)
            else:
                node = Call(func, args, sp, name_span)
        case _:  # pragma: no cover - a rule the grammar has gained: the reference path
            return None
    return ("", node, start, end, depth)
