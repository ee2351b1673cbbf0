"""Find the texts of diagnostics that are not translated: an AST scan of ``engine/``.

A *message argument* is the message, help or notes of a ``Diagnostic(...)``, of a
``Collector``'s ``.error(...)``/``.warning(...)``, what ``engine.checker``'s ``expect`` wants,
any argument of a helper function of ``engine/messages.py``, and any argument after the code of
a call given a code (``_refuse(collector, "E660", name, message, help)``), other than
``file=`` and ``call=``, which locate. It is translated when every
piece of English in it is inside ``_()``/``ngettext()``: ``_("x {n}").format(n=...)``, a
concatenation or a choice of such, a name assigned such values in the same function, or a
value computed by another function (which is checked where it is written). An English string
literal or the text of an f-string anywhere else in it is a finding.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
MARKERS = {"_", "ngettext", "N_"}
_CODE = re.compile(r"^[EW]\d{3}$")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Positional indexes of the message arguments (message, help, notes) and their keywords.
_DIAGNOSTIC = ({1, 3, 5}, {"message", "help", "notes"})
_COLLECTOR = ({1, 3, 4}, {"message", "help", "notes"})


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"engine/{self.file}:{self.line}: {self.text}"


def is_words(text: str) -> bool:
    """Whether a string literal is English for a person (not a code, an option, punctuation)."""
    if _CODE.match(text) or text.startswith("-") or text.endswith("=)"):
        return False
    return bool(_WORD.search(text))


def _messages_helpers() -> set[str]:
    tree = ast.parse((ENGINE / "messages.py").read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_")} - {"show", "describe_reason", "year_left"}


class _Scope:
    def __init__(self, node: ast.AST) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    for name in _names(target):
                        self.assigned.setdefault(name, []).append(sub.value)
            elif (isinstance(sub, ast.AugAssign | ast.AnnAssign) and sub.value is not None
                  and isinstance(sub.target, ast.Name)) or isinstance(sub, ast.NamedExpr):
                assert isinstance(sub.target, ast.Name) and sub.value is not None
                self.assigned.setdefault(sub.target.id, []).append(sub.value)


def _names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for t in target.elts:
            yield from _names(t)


def untranslated(expr: ast.expr, scope: _Scope, seen: set[str] | None = None
                 ) -> Iterator[ast.AST]:
    """The pieces of ``expr`` that put English in a message without translating it."""
    seen = set() if seen is None else seen
    match expr:
        case ast.Constant(value=str(text)):
            if is_words(text):
                yield expr
        case ast.JoinedStr(values=values):
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and is_words(v.value):
                    yield expr
                    return
                if isinstance(v, ast.FormattedValue):
                    yield from untranslated(v.value, scope, seen)
        case ast.Call(func=ast.Name(id=name)) if name in MARKERS:
            return
        case ast.Call(func=ast.Attribute(value=value, attr="format" | "join")):
            yield from untranslated(value, scope, seen)
            for a in expr.args:
                yield from untranslated(a, scope, seen)
            for k in expr.keywords:
                yield from untranslated(k.value, scope, seen)
        case ast.Call():
            for a in expr.args:
                if isinstance(a, ast.JoinedStr | ast.BinOp | ast.IfExp):
                    yield from untranslated(a, scope, seen)
        case ast.Name(id=name):
            if name in seen:
                return
            seen.add(name)
            for value in scope.assigned.get(name, []):
                yield from untranslated(value, scope, seen)
        case ast.BinOp(left=left, right=right):
            yield from untranslated(left, scope, seen)
            yield from untranslated(right, scope, seen)
        case ast.IfExp(body=body, orelse=orelse):
            yield from untranslated(body, scope, seen)
            yield from untranslated(orelse, scope, seen)
        case ast.BoolOp(values=values):
            for v in values:
                yield from untranslated(v, scope, seen)
        case ast.Tuple(elts=elts) | ast.List(elts=elts):
            for v in elts:
                yield from untranslated(v, scope, seen)
        case ast.GeneratorExp(elt=elt) | ast.ListComp(elt=elt):
            yield from untranslated(elt, scope, seen)
        case ast.Starred(value=value):
            yield from untranslated(value, scope, seen)


def _is_code(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) \
        and bool(_CODE.match(node.value))


def _message_args(call: ast.Call, helpers: set[str]) -> Iterator[ast.expr]:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr \
        if isinstance(func, ast.Attribute) else None
    if name == "Diagnostic":
        positions, keywords = _DIAGNOSTIC
    elif name in ("error", "warning") and isinstance(func, ast.Attribute) and len(call.args) >= 2:
        positions, keywords = _COLLECTOR
        if _is_code(call.args[1]) and not _is_code(call.args[0]):  # cell.error(collector, ...)
            positions = {2, 3}
    elif name == "expect" and isinstance(func, ast.Attribute):  # engine.checker: what it wants
        positions, keywords = {3}, {"what"}
    elif name == "e412" and isinstance(func, ast.Attribute):  # engine.schema: message, help
        positions, keywords = {0, 1}, {"message", "help"}
    elif name in helpers:
        yield from (a for a in call.args if not isinstance(a, ast.Starred))
        yield from (k.value for k in call.keywords if k.arg not in ("file", "call", None))
        return
    elif any(_is_code(a) for a in call.args):  # a module's own helper: _refuse(c, "E660", ...)
        at = next(i for i, a in enumerate(call.args) if _is_code(a))
        yield from (a for a in call.args[at + 1:] if not isinstance(a, ast.Starred))
        yield from (k.value for k in call.keywords if k.arg not in ("file", "call", None))
        return
    else:
        return
    yield from (a for i, a in enumerate(call.args) if i in positions)
    yield from (k.value for k in call.keywords if k.arg in keywords)


def scan_file(path: Path, helpers: set[str] | None = None) -> list[Finding]:
    """The untranslated message arguments and marked texts that cannot be extracted (an
    f-string or a concatenation inside ``_()``) of one module."""
    helpers = _messages_helpers() if helpers is None else helpers
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ENGINE).as_posix()
    found: list[Finding] = []
    scopes: list[tuple[ast.AST, _Scope]] = [(tree, _Scope(tree))]
    scopes += [(n, _Scope(n)) for n in ast.walk(tree)
               if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)]
    innermost: dict[int, _Scope] = {}
    for node, scope in scopes:  # outer scopes first: inner functions overwrite
        for sub in ast.walk(node):
            innermost[id(sub)] = scope
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        if isinstance(call.func, ast.Name) and call.func.id in MARKERS:
            for a in call.args:
                if isinstance(a, ast.JoinedStr | ast.BinOp):
                    found.append(Finding(rel, call.lineno, "a text built in _() cannot be "
                                         "extracted: " + ast.unparse(a)[:80]))
            continue
        for arg in _message_args(call, helpers):
            for piece in untranslated(arg, innermost[id(call)]):
                found.append(Finding(rel, getattr(piece, "lineno", call.lineno),
                                     ast.unparse(piece)[:100]))
    return found


def scan(root: Path = ENGINE) -> list[Finding]:
    helpers = _messages_helpers()
    return [f for path in sorted(root.glob("*.py")) for f in scan_file(path, helpers)]


if __name__ == "__main__":
    findings = scan()
    for f in findings:
        print(f)
    from collections import Counter
    print(Counter(f.file for f in findings))


def rebinds_marker(root: Path = ENGINE) -> list[Finding]:
    """Places where a module that imports ``_`` from :mod:`engine.i18n` binds ``_`` again in a
    function (``x, _ = pair``, ``for _ in ...``): the whole function would then see a local
    ``_`` instead of the translation function. Comprehensions have their own scope."""
    found: list[Finding] = []
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.ImportFrom) and n.module == "i18n"
                   and any(a.name == "_" for a in n.names) for n in tree.body):
            continue
        comprehension_targets = {id(t) for n in ast.walk(tree) if isinstance(
            n, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp)
            for g in n.generators for t in ast.walk(g.target)}
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) \
                    and id(n) not in comprehension_targets:
                found.append(Finding(path.relative_to(ENGINE).as_posix(), n.lineno,
                                     "'_' is bound here, hiding the translation function"))
    return found


_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}")


def unfilled(root: Path = ENGINE) -> list[Finding]:
    """Marked texts with ``{name}`` placeholders that are used without ``.format(...)``: the
    reader would see the braces."""
    found: list[Finding] = []
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        receivers = [n.func.value for n in ast.walk(tree) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Attribute) and n.func.attr == "format"]
        names = {r.id for r in receivers if isinstance(r, ast.Name)}
        receivers += [a.value for a in ast.walk(tree) if isinstance(a, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id in names for t in a.targets)]
        formatted: set[int] = set()
        while receivers:  # a choice of texts, formatted once: (_("a") if x else _("b")).format
            r = receivers.pop()
            formatted.add(id(r))
            if isinstance(r, ast.IfExp):
                receivers += [r.body, r.orelse]
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) \
                    and n.func.id in ("_", "ngettext") and id(n) not in formatted \
                    and any(isinstance(a, ast.Constant) and isinstance(a.value, str)
                            and _PLACEHOLDER.search(a.value) for a in n.args):
                found.append(Finding(path.relative_to(ENGINE).as_posix(), n.lineno,
                                     "placeholders never filled: " + ast.unparse(n)[:80]))
    return found
