"""Load a plan file into an immutable :class:`~engine.model.Plan`, reporting every problem.

Stages, each reporting every problem it finds before the loader stops (docs/plan-format.md):

1. YAML (``engine.yamlsrc``), for the plan and each included file;
2. structure against the JSON Schema shipped as ``engine/plan.schema.json``;
3. references between the parts, and the agency hierarchy and groups as graphs;
4. formulas: syntax (``E1xx``), then indicator dependency cycles (``E503``), then names and
   types in dependency order (``E2xx``, ``E3xx``, ``E433``, ``E434``), each located in the YAML
   file, inside quoted and block scalars too;
5. consistency: units, deadlines and empty scopes.

Codes (docs/diagnostics.md has an example and the fix for each):

``E401``  a file cannot be read as YAML: syntax, not UTF-8, empty
``E402``  duplicate key in a mapping
``E403``  aliases expand beyond the node limit ("billion laughs"), recursive alias, deep nesting
``E404``  a tag (``!!python/object``, ``!custom``) or a merge key (``<<``)
``E405``  a key that is a list or a mapping
``E406``  an id defined in two files, or a file included twice
``E407``  a plan or included file cannot be read (missing, a folder, no permission)
``E408``  plans that extend each other in a cycle
``E410``  unknown key (with the allowed keys or a did-you-mean)
``E411``  missing required key
``E412``  wrong type, value not allowed, invalid id
``E413``  not a date (``YYYY-MM-DD``), or not a date of the calendar
``E414``  category fact without values, or values on another type
``E420``  unknown agency (parent, group member, lead, owner), or a group where an agency goes
``E421``  unknown group or agency (union, minus, reported_by, scope)
``E422``  unknown period
``E423``  a group with the id of an agency
``E424``  the scope of an indicator has no agencies
``E425``  a fact id that formulas already use (a keyword, ``value``, ``baseline``, ``sum``...)
``E430``  a period's dates out of order (from <= until <= due)
``E431``  a deadline far from the plan year
``E432``  the unit does not fit the type of the value
``E433``  target or applicable not a condition, deadline not a date
``E434``  the baseline is not a literal, or is used but not given
``E440``  a child plan overrides an id its parent does not have (with a did-you-mean)
``E441``  ``remove`` or ``merge_agencies`` names an id the plan does not have
``E442``  something removed is still used (every user is listed)
``E501``  the agency hierarchy has a cycle
``E502``  groups defined in a cycle
``E503``  indicators that depend on each other in a cycle, as the path ``a -> b -> a``
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .builtins import BOOL, DATE, NUMBER, PERIOD_NAMES, RESERVED_NAMES, TEXT, Type
from .checker import Symbols, check
from .diagnostics import Diagnostic, EngineError, PlanError, did_you_mean, sort_key
from .evaluator import compile_expr
from .files import Unreadable, read_text
from .language import Formula, parse_literal
from .model import (
    Agency,
    Area,
    Decision,
    FactDef,
    Group,
    Indicator,
    Label,
    Period,
    Plan,
    breakdown_units,
    frozen,
)
from .nodes import Expr, Name, free_names
from .parser import parse
from .source import Source, Span
from .yamlsrc import YMap, YNode, YScalar, YSeq, find, read_yaml, scalar_source, to_data

FACT_LANGUAGE_TYPES: dict[str, Type] = {
    "number": NUMBER, "count": NUMBER, "share": NUMBER, "bool": BOOL, "date": DATE,
    "category": TEXT,
}
UNIT_TYPES: dict[str, Type] = {
    "percent": NUMBER, "number": NUMBER, "count": NUMBER, "score": NUMBER, "days": NUMBER,
    "date": DATE, "bool": BOOL, "category": TEXT,
}
#: Deadlines further than this from the plan year are reported as likely mistakes.
DEADLINE_SLACK_YEARS = 1


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan files."""
    text = resources.files("engine").joinpath("plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _include_schema() -> dict[str, Any]:
    base = plan_schema()
    keep = ("agencies", "groups", "facts")
    return {
        "$schema": base["$schema"], "type": "object", "additionalProperties": False,
        "properties": {k: base["properties"][k] for k in keep}, "$defs": base["$defs"],
    }


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class _Doc:
    """One YAML file of the plan (the plan itself or an include)."""

    path: Path
    name: str
    tree: YMap
    #: "plan" for the plan file, "include" for an included file
    schema_kind: str = "plan"


@dataclass
class _State:
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              notes: Iterable[str] = (), file: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, notes=tuple(notes),
                                           file=file))

    def stop_if_errors(self) -> None:
        errors: dict[tuple[object, ...], Diagnostic] = {}
        for d in self.diagnostics:
            if d.severity == "error":
                # The same problem found twice (e.g. by two schema rules) is reported once.
                errors.setdefault((d.code, d.message, d.location), d)
        if errors:
            raise PlanError(sorted(errors.values(), key=sort_key))


def display_name(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _read(path: Path, state: _State, span: Span | None = None) -> str | None:
    """The text of a plan file (UTF-8, an optional BOM, any line endings), or None."""
    name = display_name(path)
    text = read_text(path, name)
    if not isinstance(text, Unreadable):
        return text
    if text.span is None:
        state.error("E407", f"cannot read '{name}': {text.reason}", span,
                    help="check the file name; an included file is looked up next to the "
                         "plan that includes it" if span is not None else
                         "check the path of the plan file", file=name)
    else:
        state.error("E401", f"'{name}' is not UTF-8 text (byte 0x{text.byte:02X} cannot "
                    "be read)", text.span,
                    help="save the file as UTF-8; legacy Vietnamese encodings (TCVN3, VNI, "
                         "Windows-1258) are not read")
    return None


def load_plan(path: str | Path) -> Plan:
    """Load, check and compile a plan. Raises :class:`PlanError` carrying every diagnostic."""
    state = _State()
    main_path = Path(path)
    text = _read(main_path, state)
    state.stop_if_errors()
    assert text is not None
    docs = _read_docs(main_path, text, state)
    state.stop_if_errors()
    if docs and docs[0].tree.get("extends") is not None:
        tree = _read_layer(main_path, docs, state, ())
        state.stop_if_errors()
        assert tree is not None
        docs = [_Doc(main_path, docs[0].name, tree)]
        _validate_schema(docs[0], False, state)
        state.stop_if_errors()
        return _Compiler(docs, state).compile()
    for i, doc in enumerate(docs):
        _validate_schema(doc, i > 0, state)
    state.stop_if_errors()
    return _Compiler(docs, state).compile()


def _read_layer(path: Path, docs: list[_Doc], state: _State,
                chain: tuple[Path, ...]) -> YMap | None:
    """One plan of an ``extends`` chain with its ancestors, merged into one tree.

    Each file is checked against the schema on its own first (a plan that extends another
    may leave out what it inherits), then the merged plan is checked whole by the caller.
    Every node keeps the span of the file it was written in."""
    from .inherit import Resolver, fold_includes

    main = docs[0].tree
    extends = main.get("extends")
    for i, doc in enumerate(docs):
        _validate_schema(doc, i > 0, state, partial=(i == 0 and extends is not None))
    tree = fold_includes([d.tree for d in docs], state.diagnostics)
    if not isinstance(extends, YScalar):
        return tree
    here = _resolved(path)
    if "://" in extends.text:
        state.error("E407", f"'{extends.text}' is not a file path", extends.span,
                    help="extends takes a path relative to this plan file; URLs are refused")
        return None
    parent_path = path.parent / extends.text
    key = _resolved(parent_path)
    if key in (*chain, here):
        loop = (*chain, here)
        names = [p.name for p in (*loop[loop.index(key):], key)]
        state.error("E408", "plans extend each other in a cycle: " + " -> ".join(names),
                    extends.span, help="a plan cannot extend itself, directly or through others")
        return None
    parent_text = _read(parent_path, state, extends.span)
    if parent_text is None:
        return None
    parent_docs = _read_docs(parent_path, parent_text, state)
    if not parent_docs:
        return None
    parent = _read_layer(parent_path, parent_docs, state, (*chain, here))
    if parent is None:
        return None
    return Resolver(state.diagnostics).merge(parent, tree)


def _read_docs(main_path: Path, text: str, state: _State) -> list[_Doc]:
    name = display_name(main_path)
    tree, diags = read_yaml(text, name)
    state.diagnostics.extend(diags)
    if tree is None:
        return []
    if not isinstance(tree, YMap):
        state.error("E412", "a plan file must be a mapping of keys such as cchc, id, year, "
                    "title, agencies", tree.span,
                    help="start from the example in docs/plan-format.md")
        return []
    docs = [_Doc(main_path, name, tree)]
    include = tree.get("include")
    seen: dict[Path, YScalar | None] = {_resolved(main_path): None}
    for item in include.items if isinstance(include, YSeq) else []:
        if not isinstance(item, YScalar) or not item.text:
            continue  # reported by the schema
        inc_path = main_path.parent / item.text
        key = _resolved(inc_path)
        if key in seen:
            first = seen[key]
            state.error("E406", f"'{item.text}' is included twice", item.span,
                        help="remove this line: " + (
                            "a plan cannot include itself" if first is None else
                            f"it is already included at line {first.span.begin.line}"))
            continue
        seen[key] = item
        inc_text = _read(inc_path, state, item.span)
        if inc_text is None:
            continue
        inc_name = display_name(inc_path)
        inc_tree, inc_diags = read_yaml(inc_text, inc_name)
        state.diagnostics.extend(inc_diags)
        if isinstance(inc_tree, YMap):
            docs.append(_Doc(inc_path, inc_name, inc_tree, "include"))
        elif inc_tree is not None:
            state.error("E412", "an included file must be a mapping with the keys agencies, "
                        "groups or facts", inc_tree.span,
                        help="start the file with 'agencies:' and list the entries under it")
    return docs


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:  # pragma: no cover - resolve() rarely fails
        return path


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (the plan schema has no
    recursive definitions). Validation then skips reference resolution, its slowest part."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            merged = {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs),
                      **{k: v for k, v in node.items() if k != "$ref"}}
            return merged
        return {k: (v if k == "$defs" else _inline_refs(v, defs)) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_without_required(v) for v in node]
    return node


@functools.cache
def _validator(include: bool, partial: bool = False) -> Any:
    import jsonschema

    schema = _include_schema() if include else plan_schema()
    flat = _inline_refs(schema, schema.get("$defs", {}))
    flat.pop("$defs", None)
    if partial:  # a plan that extends another states only what it changes
        flat = _without_required(flat)
    return jsonschema.Draft202012Validator(
        flat, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _validate_schema(doc: _Doc, include: bool, state: _State, partial: bool = False) -> None:
    validator = _validator(include, partial)
    data = to_data(doc.tree)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    # Unknown keys first: a misspelt required key is reported once, as the misspelling.
    suggested: set[tuple[int, str]] = set()
    for err in errors:
        if err.validator == "additionalProperties":
            _unknown_keys(doc, err, state, suggested)
    for err in errors:
        if err.validator != "additionalProperties":
            _schema_diagnostic(doc, err, state, suggested)


def _where(doc: _Doc, path: list[Any]) -> str:
    if path:
        return " in " + ".".join(str(p) for p in path)
    return " at the top of the plan" if doc.schema_kind == "plan" else " at the top of the file"


def _unknown_keys(doc: _Doc, err: Any, state: _State, suggested: set[tuple[int, str]]) -> None:
    path = list(err.absolute_path)
    node, _ = find(doc.tree, path)
    if not isinstance(node, YMap):
        return
    allowed = sorted(err.schema.get("properties", {}))
    required = set(err.schema.get("required", ()))
    for key in sorted(set(node.items) - set(allowed), key=lambda k: node.items[k][0].span.start):
        match = did_you_mean(key, allowed)
        hint = ""
        if match is not None:
            guess = match.split("'")[1]
            if guess not in node.items:
                hint = match + " "
                suggested.add((id(node), guess))
            else:
                line = node.items[guess][0].span.begin.line
                hint = f"did you mean '{guess}'? It is already at line {line}: move these " \
                       "entries under it. "
        else:
            close = [a for a in allowed if a not in node.items and a in required]
            hint = f"'{close[0]}' is missing: is this it? " if len(close) == 1 else ""
        if doc.schema_kind == "include" and not path and key in plan_schema()["properties"]:
            help_text = f"an included file holds only agencies, groups and facts; move " \
                        f"'{key}' to the plan"
        else:
            help_text = hint + "allowed keys: " + ", ".join(allowed)
        state.error("E410", f"unknown key '{key}'{_where(doc, path)}", node.key_span(key),
                    help=help_text)


#: How a JSON Schema type is said in messages.
_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a text",
               "integer": "a whole number", "boolean": "true or false"}


def _found(node: YNode) -> str:
    if isinstance(node, YSeq):
        return "a list"
    if isinstance(node, YMap):
        return "a mapping"
    data = node.data
    if data is None:
        return "nothing"
    if isinstance(data, bool):
        return f"'{node.text}' (true or false)"
    if isinstance(data, int):
        return f"the number {node.text}"
    return f"'{node.text}'"


def _type_help(want: list[str], node: YNode, schema: dict[str, Any]) -> str:
    if "object" in want and "vi" in schema.get("properties", {}):
        return "write the name as {vi: <Vietnamese>, en: <English>}, e.g. " \
               "{vi: Sở Nội vụ, en: Department of Home Affairs}"
    if "object" in want:
        return "write each entry on its own line as 'key: value' under this key"
    if "array" in want:
        shown = node.text if isinstance(node, YScalar) else "..."
        return f"write a list, e.g. [{shown}]"
    if want == ["integer"] and isinstance(node, YScalar) and node.style is not None:
        return f"remove the quotes: {node.text}"
    if want == ["integer"]:
        return "write a whole number, e.g. 2023"
    if "string" in want and isinstance(node, YScalar):
        return f"put the value in quotes: \"{node.text}\""
    if "string" in want:
        return "write a single value here, not a list or a mapping"
    return "see docs/plan-format.md for the expected shape"


def _date_help(text: str | None) -> str:
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", text or "")
    if m:
        day, month, year = m.groups()
        return f"write dates as YYYY-MM-DD: {year}-{int(month):02}-{int(day):02} for {text}"
    return "write dates as YYYY-MM-DD, e.g. 2023-01-10 for 10/01/2023"


_ID_HELP = "ids are lowercase ASCII letters, digits and '_', starting with a letter"


def _suggest_id(text: str, plan_id: bool = False) -> str | None:
    """An ASCII id close to ``text`` (``Sở_NV`` -> ``so_nv``), if one can be made."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    sep = "-" if plan_id else "_"
    allowed = "abcdefghijklmnopqrstuvwxyz0123456789_" + ("-." if plan_id else "")
    out = "".join(c if c in allowed else sep for c in ascii_text)
    out = re.sub(f"{re.escape(sep)}+", sep, out).strip(sep)
    if not plan_id:
        out = out.lstrip("0123456789_")
    return out or None


def _schema_diagnostic(doc: _Doc, err: Any, state: _State,
                       suggested: set[tuple[int, str]]) -> None:
    path = list(err.absolute_path)
    node, key_span = find(doc.tree, path)
    where = _where(doc, path)
    validator = err.validator
    schema_path = [str(p) for p in err.schema_path]
    if validator == "required" and isinstance(node, YMap):
        key = err.message.split("'")[1] if err.message.count("'") >= 2 else None
        for missing in err.validator_value:
            if missing in node.items or (id(node), missing) in suggested:
                continue
            if key is not None and missing != key:
                continue
            span = key_span or Span(node.span.source, node.span.start, node.span.start)
            state.error("E411", f"missing key '{missing}'{where}", span,
                        help=f"add '{missing}:' to this entry (see docs/plan-format.md)")
        return
    if "propertyNames" in schema_path and isinstance(node, YMap):
        bad = str(err.instance)
        guess = _suggest_id(bad)
        state.error("E412", f"'{bad}' is not a valid id{where}", node.key_span(bad) or node.span,
                    help=(f"write it as '{guess}': " if guess else "") + _ID_HELP)
        return
    span = node.span
    shown = node.text if isinstance(node, YScalar) else None
    if validator == "enum":
        options = ", ".join(str(v) for v in err.validator_value)
        hint = did_you_mean(str(shown), [str(v) for v in err.validator_value]) if shown else None
        state.error("E412", f"'{shown}' is not allowed{where}", span,
                    help=(hint + " " if hint else "") + f"choose one of: {options}")
    elif validator == "const":
        state.error("E412", f"{_found(node)} is not allowed{where}", span,
                    help=f"write {json.dumps(err.validator_value)}: the only format version "
                         "this engine reads")
    elif validator == "type":
        want = err.validator_value if isinstance(err.validator_value, list) \
            else [err.validator_value]
        if "string" in want and "integer" in want and "boolean" in want:
            words = "a formula"
        else:
            words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in want)
        state.error("E412", f"expected {words}{where}, found {_found(node)}", span,
                    help=_type_help(want, node, err.schema))
    elif validator in ("pattern", "format") and err.schema.get("format") == "date":
        if validator == "format" and not re.fullmatch(err.schema.get("pattern", ".*"),
                                                      str(err.instance)):
            return  # already reported as not a date
        if validator == "format":
            state.error("E413", f"'{shown}' is not a date of the calendar{where}", span,
                        help="check the day and the month: write a real date as YYYY-MM-DD")
        else:
            state.error("E413", f"'{shown}' is not a date{where}", span, help=_date_help(shown))
    elif validator == "pattern" and path == ["id"]:
        guess = _suggest_id(str(shown), plan_id=True)
        state.error("E412", f"'{shown}' is not a valid plan id", span,
                    help=(f"write it as '{guess}': " if guess and guess != shown else "")
                    + "a plan id is lowercase ASCII letters, digits, '-', '_' and '.'")
    elif validator == "pattern":
        guess = _suggest_id(str(shown))
        state.error("E412", f"'{shown}' is not a valid id{where}", span,
                    help=(f"write it as '{guess}': " if guess and guess != shown else "")
                    + _ID_HELP)
    elif validator in ("minimum", "maximum"):
        state.error("E412", f"{shown} is out of range{where}", span,
                    help=f"write a year between {err.schema.get('minimum')} and "
                         f"{err.schema.get('maximum')}")
    elif validator == "minLength":
        state.error("E412", f"the text is empty{where}", span,
                    help="write the text, or remove the key if it is optional")
    elif validator == "minItems":
        state.error("E412", f"the list is empty{where}", span,
                    help="list at least one item, or remove the key if it is optional")
    else:  # pragma: no cover - every rule of the shipped schema is handled above
        state.error("E412", f"{err.message}{where}", span,
                    help="see docs/plan-format.md for the expected shape")


def _label(node: YNode | None) -> Label:
    if isinstance(node, YMap):
        vi = node.get("vi")
        en = node.get("en")
        return Label(nfc(vi.text) if isinstance(vi, YScalar) else "",
                     nfc(en.text) if isinstance(en, YScalar) else None)
    return Label("")


def _text(node: YNode | None) -> str | None:
    return nfc(node.text) if isinstance(node, YScalar) else None


def _items(node: YNode | None) -> list[tuple[YScalar, YNode]]:
    return list(node.items.values()) if isinstance(node, YMap) else []


def _list(node: YNode | None) -> list[YScalar]:
    if isinstance(node, YSeq):
        return [n for n in node.items if isinstance(n, YScalar)]
    return []


_TYPE_SAID = {NUMBER: "a number", BOOL: "a condition (true or false)", DATE: "a date",
              TEXT: "a text"}
#: Indicator units that fit a value of each type, for the E432 hint.
_UNITS_FOR = {t: [u for u, ut in UNIT_TYPES.items() if ut == t] for t in (NUMBER, BOOL, DATE,
                                                                         TEXT)}


def _topological(deps: Mapping[str, list[str]]) -> list[str] | None:
    """Dependencies first, otherwise in file order (Kahn's algorithm with a heap keyed by file
    position); None when there is a cycle."""
    import heapq

    position = {iid: i for i, iid in enumerate(deps)}
    waiting = {iid: len(set(d)) for iid, d in deps.items()}
    users: dict[str, list[str]] = {iid: [] for iid in deps}
    for iid, targets in deps.items():
        for t in set(targets):
            users[t].append(iid)
    ready = [position[i] for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    names = list(deps)
    order: list[str] = []
    while ready:
        iid = names[heapq.heappop(ready)]
        order.append(iid)
        for user in users[iid]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, position[user])
    return order if len(order) == len(deps) else None


class _Compiler:
    def __init__(self, docs: list[_Doc], state: _State) -> None:
        self.docs = docs
        self.main = docs[0]
        self.state = state
        self.agencies: dict[str, Agency] = {}
        self.groups: dict[str, Group] = {}
        self.periods: dict[str, Period] = {}
        self.facts: dict[str, FactDef] = {}
        #: every indicator of the plan: full id -> (area id, key scalar, definition)
        self.raw: dict[str, tuple[str, YScalar, YMap]] = {}

    # -- helpers -------------------------------------------------------------------------------
    def merged(self, key: str) -> list[tuple[YScalar, YNode]]:
        """Entries of a top-level collection across the plan and its includes; an id defined
        in two files is an error naming both."""
        seen: dict[str, YScalar] = {}
        out = []
        for doc in self.docs:
            for k, v in _items(doc.tree.get(key)):
                if k.text in seen:
                    first = seen[k.text].span.begin
                    self.state.error("E406", f"'{k.text}' is defined twice in {key}", k.span,
                                     help=f"it is already defined at {first.file}:{first.line}; "
                                          "keep one of the two, or give this one another id")
                    continue
                seen[k.text] = k
                out.append((k, v))
        return out

    def date(self, node: YNode | None) -> dt.date | None:
        if not isinstance(node, YScalar):
            return None
        try:
            return dt.date.fromisoformat(node.text)
        except ValueError:  # pragma: no cover - the schema has checked every date
            self.state.error("E413", f"'{node.text}' is not a date of the calendar", node.span,
                             help="write a real date as YYYY-MM-DD")
            return None

    def unknown_ref(self, code: str, what: str, node: YScalar, candidates: Iterable[str],
                    extra: str = "", help: str | None = None) -> None:
        names = list(candidates)
        hint = did_you_mean(node.text, names)
        if hint is None and help is None:
            if not names:
                help = f"the plan declares no {what} yet: declare it first"
            elif len(names) <= 8:
                help = f"known {what} ids: " + ", ".join(names)
            else:
                help = f"declare the {what} first, or check the spelling"
        self.state.error(code, f"unknown {what} '{node.text}'{extra}", node.span,
                         help=hint or help)

    # -- stages --------------------------------------------------------------------------------
    def compile(self) -> Plan:
        self.load_agencies()
        self.load_groups()
        self.load_periods()
        self.load_facts()
        areas = self.load_area_refs()
        self.state.stop_if_errors()
        indicators = self.compile_indicators(areas)
        self.state.stop_if_errors()
        self.check_consistency(indicators)
        self.state.stop_if_errors()
        tree = self.main.tree
        decision_node = tree.get("decision")
        decision = None
        if isinstance(decision_node, YMap):
            decision = Decision(_text(decision_node.get("number")) or "",
                                self.date(decision_node.get("date")),
                                _text(decision_node.get("signer")))
        year_node = tree.get("year")
        return Plan(
            id=_text(tree.get("id")) or "",
            year=int(year_node.text) if isinstance(year_node, YScalar) else 0,
            title=_label(tree.get("title")),
            agencies=frozen(self.agencies),
            groups=frozen(self.groups),
            periods=frozen(self.periods),
            facts=frozen(self.facts),
            areas=frozen({
                aid: Area(aid, _label(node.get("name")), _text(node.get("lead")),
                          tuple(f"{aid}.{k.text}" for k, _ in _items(node.get("indicators"))),
                          key.span, _text(node.get("notes")))
                for aid, (key, node) in areas.items()
            }),
            indicators=frozen(indicators),
            decision=decision,
            source=_text(tree.get("source")),
            path=self.main.name,
            files=tuple(d.name for d in self.docs),
            notes=_text(tree.get("notes")),
        )

    def load_agencies(self) -> None:
        entries = self.merged("agencies")
        ids = [k.text for k, _ in entries]
        parents: dict[str, YScalar] = {}
        for key, node in entries:
            assert isinstance(node, YMap)
            parent = node.get("parent")
            if isinstance(parent, YScalar):
                if parent.text not in ids:
                    self.unknown_ref("E420", "agency", parent, ids, " (parent)",
                                     help="declare the parent agency, or check the spelling")
                else:
                    parents[key.text] = parent
            kind = _text(node.get("kind")) or ""
            self.agencies[key.text] = Agency(key.text, _label(node.get("name")), kind,
                                             parent.text if isinstance(parent, YScalar) else None,
                                             _text(node.get("notes")), key.span)
        # The hierarchy must be a forest: follow parents and report each cycle once, as a path.
        reported: set[str] = set()
        for start in parents:
            path = [start]
            current = start
            while current in parents:
                current = parents[current].text
                if current in path:
                    cycle = [*path[path.index(current):], current]
                    if not reported & set(cycle):
                        reported |= set(cycle)
                        self.state.error(
                            "E501", "the agency hierarchy has a cycle: " + " -> ".join(cycle)
                            + " (each arrow points to the parent)", parents[cycle[-2]].span,
                            help="an agency cannot be its own parent, directly or not: fix "
                                 "the parent of one of them")
                    break
                path.append(current)

    def load_groups(self) -> None:
        entries = self.merged("groups")
        defs = {k.text: (k, v) for k, v in entries}
        for gid, (key, _) in defs.items():
            if gid in self.agencies:
                self.state.error("E423", f"the group '{gid}' has the id of an agency", key.span,
                                 help="rename the group: a scope names either a group or one "
                                      "agency, so the two cannot share an id")
        order = list(self.agencies)
        resolved: dict[str, tuple[str, ...]] = {}
        visiting: list[str] = []

        def resolve(gid: str, via: YScalar | None) -> tuple[str, ...]:
            if gid in resolved:
                return resolved[gid]
            if gid in self.agencies and gid not in defs:
                return (gid,)
            key, node = defs[gid]
            if gid in visiting:
                cycle = [*visiting[visiting.index(gid):], gid]
                self.state.error("E502", "groups are defined in a cycle: " + " -> ".join(cycle),
                                 via.span if via is not None else key.span,
                                 help="a group cannot contain itself, directly or through "
                                      "another group: remove one of these references")
                resolved[gid] = ()
                return ()
            visiting.append(gid)
            assert isinstance(node, YMap)
            kinds = {k.text for k in _list(node.get("kinds"))}
            members = {a.id for a in self.agencies.values() if a.kind in kinds}
            for ref in _list(node.get("agencies")):
                if ref.text in self.agencies:
                    members.add(ref.text)
                elif ref.text in defs:
                    self.state.error("E420", f"'{ref.text}' is a group, not an agency", ref.span,
                                     help=f"list groups under 'union': union: [{ref.text}]")
                else:
                    self.unknown_ref("E420", "agency", ref, self.agencies)
            for part in ("union", "minus"):
                for ref in _list(node.get(part)):
                    if ref.text not in defs and ref.text not in self.agencies:
                        self.unknown_ref("E421", "group", ref, [*defs, *self.agencies],
                                         " (a group id or an agency id)")
                        continue
                    sub = set(resolve(ref.text, ref))
                    members = members | sub if part == "union" else members - sub
            visiting.pop()
            result = tuple(a for a in order if a in members)
            resolved[gid] = result
            return result

        for gid, (key, node) in defs.items():
            assert isinstance(node, YMap)
            self.groups[gid] = Group(
                gid, resolve(gid, None), key.span,
                kinds=tuple(k.text for k in _list(node.get("kinds"))),
                agencies=tuple(k.text for k in _list(node.get("agencies"))),
                union=tuple(k.text for k in _list(node.get("union"))),
                minus=tuple(k.text for k in _list(node.get("minus"))),
                notes=_text(node.get("notes")))

    def scope_ref(self, node: YNode | None, what: str = "group") -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.groups or node.text in self.agencies:
            return node.text
        self.unknown_ref("E421", what, node, [*self.groups, *self.agencies],
                         " (a group id or an agency id)",
                         help="declare the group under 'groups:', or name one agency")
        return None

    def agency_ref(self, node: YNode | None) -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.agencies:
            return node.text
        if node.text in self.groups:
            self.state.error("E420", f"'{node.text}' is a group, not an agency", node.span,
                             help="name the one agency in charge, e.g. the group's lead")
            return None
        self.unknown_ref("E420", "agency", node, self.agencies)
        return None

    def load_periods(self) -> None:
        for key, node in self.merged("periods"):
            assert isinstance(node, YMap)
            start, end, due = (self.date(node.get(k)) for k in ("from", "until", "due"))
            if start is None or end is None or due is None:
                continue  # pragma: no cover - the schema requires the three dates
            until_node, due_node = node.get("until"), node.get("due")
            if start > end:
                self.state.error(
                    "E430", f"period '{key.text}' ends ({end}) before it starts ({start})",
                    until_node.span if until_node is not None else key.span,
                    help="'from' is the first day of the data window and 'until' its last "
                         "day: swap them, or fix the year")
            elif end > due:
                self.state.error(
                    "E430", f"period '{key.text}' is due ({due}) before its data window ends "
                    f"({end})", due_node.span if due_node is not None else key.span,
                    help="'due' is the last day on which the report is on time; it comes on "
                         "or after 'until'")
            self.periods[key.text] = Period(key.text, _label(node.get("name")), start, end, due,
                                            key.span, _text(node.get("notes")))

    def load_facts(self) -> None:
        for key, node in self.merged("facts"):
            assert isinstance(node, YMap)
            if key.text in RESERVED_NAMES:
                self.state.error("E425", f"'{key.text}' cannot be a fact id: formulas already "
                                 "use this name", key.span,
                                 help=f"choose another id, e.g. '{key.text}_reported'")
            ftype = _text(node.get("type")) or "number"
            reported_by = self.scope_ref(node.get("reported_by"))
            periods: list[str] = []
            period_nodes = node.get("periods")
            for p in _list(period_nodes):
                if p.text in self.periods:
                    periods.append(p.text)
                else:
                    self.unknown_ref("E422", "period", p, self.periods)
            values = tuple(nfc(v.text) for v in _list(node.get("values")))
            if ftype == "category" and not values:
                self.state.error("E414", f"category fact '{key.text}' lists no values", key.span,
                                 help="add 'values: [A, B, ...]' with the allowed categories")
            if ftype != "category" and node.get("values") is not None:
                self.state.error("E414", f"only category facts take 'values' ('{key.text}' is "
                                 f"a {ftype})", node.key_span("values"),
                                 help="remove 'values', or make the fact type 'category'")
            reporters = self.groups[reported_by].members if reported_by in self.groups else (
                (reported_by,) if reported_by else ())
            self.facts[key.text] = FactDef(
                key.text, ftype, _label(node.get("label")), reported_by or "", reporters,  # type: ignore[arg-type]
                tuple(periods) if period_nodes is not None else tuple(self.periods),
                _text(node.get("unit")), values, _text(node.get("notes")), key.span)

    def load_area_refs(self) -> dict[str, tuple[YScalar, YMap]]:
        areas: dict[str, tuple[YScalar, YMap]] = {}
        for key, node in self.merged("areas"):
            assert isinstance(node, YMap)
            if node.get("lead") is not None:
                self.agency_ref(node.get("lead"))
            for ikey, ind in _items(node.get("indicators")):
                assert isinstance(ind, YMap)
                self.agency_ref(ind.get("owner"))
                self.scope_ref(ind.get("scope"))
                self.raw[f"{key.text}.{ikey.text}"] = (key.text, ikey, ind)
            areas[key.text] = (key, node)
        return areas

    # -- formulas ------------------------------------------------------------------------------
    def compile_indicators(self, areas: dict[str, tuple[YScalar, YMap]]) -> dict[str, Indicator]:
        raw = self.raw
        # 1. syntax of every formula
        parsed: dict[str, dict[str, tuple[Expr, Source]]] = {}
        for iid, (_, _, ind) in raw.items():
            parsed[iid] = {}
            for fld in ("value", "target", "deadline", "applicable"):
                fnode = ind.get(fld)
                if not isinstance(fnode, YScalar):
                    continue
                src = scalar_source(fnode, fnode.span.source.name)
                try:
                    parsed[iid][fld] = (parse(fnode.text, src), src)
                except EngineError as e:
                    self.state.diagnostics.extend(e.diagnostics)
        self.state.stop_if_errors()
        # 2. dependencies between indicators, and their cycles
        deps = {iid: sorted({n for e, _ in p.values() for n in free_names(e) if n in raw},
                            key=list(raw).index)
                for iid, p in parsed.items()}
        order = self.dependency_order(deps, parsed)
        self.state.stop_if_errors()
        # 3. names and types, in dependency order
        value_types: dict[str, Type] = {}
        out: dict[str, Indicator] = {}
        for iid in order:
            area_id, key, ind = raw[iid]
            indicator = self.compile_indicator(iid, area_id, key, ind, parsed[iid], deps[iid],
                                               value_types)
            if indicator is not None:
                out[iid] = indicator
                value_types[iid] = indicator.value.type
            elif "value" in parsed[iid]:
                value_types[iid] = Type.ERROR
        return {iid: out[iid] for iid in order if iid in out}

    def dependency_order(self, deps: dict[str, list[str]],
                         parsed: dict[str, dict[str, tuple[Expr, Source]]]) -> list[str]:
        order = _topological(deps)
        if order is not None:
            return order
        # There is a cycle: networkx (imported only now) names every one of them as a path.
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(deps)
        for iid, targets in deps.items():
            graph.add_edges_from((iid, t) for t in targets)
        position = {iid: i for i, iid in enumerate(deps)}
        reported: set[frozenset[str]] = set()
        for cycle in sorted(nx.simple_cycles(graph), key=lambda c: sorted(position[n] for n in c)):
            key = frozenset(cycle)
            if key in reported:
                continue  # pragma: no cover - simple_cycles lists each cycle once
            reported.add(key)
            # Start the path at the indicator written first, and point at its reference.
            start = min(cycle, key=position.__getitem__)
            i = cycle.index(start)
            path = cycle[i:] + cycle[:i] + [start]
            span = self.reference_span(parsed[start], path[1])
            self.state.error("E503", "indicators depend on each other in a cycle: "
                             + " -> ".join(path), span,
                             help="an indicator cannot use its own value, directly or through "
                                  "others: compute one of them from facts instead")
        if reported:
            return []
        # Stable topological order: file order, dependencies first.
        return list(nx.lexicographical_topological_sort(graph.reverse(copy=True),
                                                        key=lambda n: position[n]))

    @staticmethod
    def reference_span(formulas: dict[str, tuple[Expr, Source]], name: str) -> Span | None:
        from .nodes import walk

        for expr, _ in formulas.values():
            for n in walk(expr):
                if isinstance(n, Name) and n.name == name:
                    return n.span
        return None  # pragma: no cover - the dependency came from such a name

    def name_help(self, d: Diagnostic) -> Diagnostic:
        """Better hints for unknown names that a plan author writes: misspelt indicator ids."""
        if d.code != "E201" or d.span is None:
            return d
        name = d.span.text
        if "." in name:
            hint = did_you_mean(name, self.raw)
            return Diagnostic(d.code, f"unknown indicator '{name}'", d.span,
                              hint or "refer to another indicator by its full id AREA.KEY, "
                              "e.g. procedures.on_time", d.severity, d.notes, d.file)
        return d

    def compile_indicator(self, iid: str, area_id: str, key: YScalar, ind: YMap,
                          formulas: dict[str, tuple[Expr, Source]], deps: list[str],
                          value_types: Mapping[str, Type]) -> Indicator | None:
        scope = _text(ind.get("scope")) or ""
        population = self.groups[scope].members if scope in self.groups else (scope,)
        fact_types = {f: FACT_LANGUAGE_TYPES[d.type] for f, d in self.facts.items()}
        scalars: dict[str, Type] = dict(PERIOD_NAMES)
        scalars.update({d: value_types.get(d, Type.ERROR) for d in deps})
        baseline = None
        baseline_node = ind.get("baseline")
        if isinstance(baseline_node, YScalar):
            try:
                baseline, btype = parse_literal(baseline_node.text,
                                                scalar_source(baseline_node, key.span.source.name))
                scalars["baseline"] = btype
            except EngineError as e:
                scalars["baseline"] = Type.ERROR
                hint = "write decimals with a point: " + baseline_node.text.replace(",", ".") \
                    if re.fullmatch(r"-?\d+,\d+%?", baseline_node.text) else \
                    "the baseline is a literal: 86.78%, 1200, 2022-12-31, \"B\" or true"
                self.state.diagnostics.extend(Diagnostic(
                    "E434", f"the baseline of '{iid}' is not a literal: {d.message}", d.span,
                    hint) for d in e.diagnostics)
        else:
            for expr, _ in formulas.values():
                from .nodes import walk

                used = [n for n in walk(expr) if isinstance(n, Name) and n.name == "baseline"]
                if used:
                    self.state.error("E434", f"'{iid}' uses 'baseline' but gives none",
                                     used[0].span, help="add 'baseline: <last year's value>' "
                                     "to the indicator, e.g. baseline: 86.78%")
                    scalars["baseline"] = Type.ERROR
                    break
        if len(population) == 1:
            scalars.update(fact_types)
        hint = (f"the scope '{scope}' has {len(population)} agencies: use an aggregate such as "
                "sum(...), all(...) or share(...)")
        symbols = Symbols(scalars, fact_types, hint)
        compiled: dict[str, Formula] = {}
        failed = False
        wanted = {"target": BOOL, "applicable": BOOL, "deadline": DATE}
        for fld in ("value", "applicable", "deadline", "target"):
            if fld not in formulas:
                continue
            expr, src = formulas[fld]
            fsymbols = symbols
            if fld == "target":
                # When the value formula has errors, 'value' takes the error type, so the
                # target is still checked without repeating the value's mistake.
                vtype = compiled["value"].type if "value" in compiled else Type.ERROR
                fsymbols = Symbols({**scalars, "value": vtype}, fact_types, hint)
            try:
                rtype = check(expr, fsymbols)
            except EngineError as e:
                self.state.diagnostics.extend(self.name_help(d) for d in e.diagnostics)
                failed = True
                continue
            if rtype == Type.ERROR:
                failed = True  # pragma: no cover - the checker reports the cause
                continue
            if fld in wanted and rtype != wanted[fld]:
                self.state.error("E433", f"the {fld} of '{iid}' is {_TYPE_SAID[rtype]}, not "
                                 f"{_TYPE_SAID[wanted[fld]]}", expr.span,
                                 help={"target": "a target is a condition on the value, e.g. "
                                       "value >= 90%",
                                       "applicable": "write a condition, e.g. sum(late) > 0",
                                       "deadline": "write a date, e.g. 2023-12-14, or "
                                       "period_due"}[fld])
                failed = True
                continue
            compiled[fld] = Formula(src.text, expr, rtype, compile_expr(expr, set(fact_types)))
        if failed or "value" not in compiled or "target" not in compiled:
            return None
        used_facts = sorted({n for f in compiled.values() for n in free_names(f.expr)
                             if n in self.facts})
        return Indicator(
            id=iid, area=area_id, name=_label(ind.get("name")), unit=_text(ind.get("unit")) or "",
            owner=_text(ind.get("owner")) or "", scope=scope, population=population,
            value=compiled["value"], target=compiled["target"],
            deadline=compiled.get("deadline"), applicable=compiled.get("applicable"),
            baseline=baseline, source=_text(ind.get("source")), notes=_text(ind.get("notes")),
            facts=tuple(used_facts), depends_on=tuple(deps), span=key.span,
            units=breakdown_units(self.agencies, population),
        )

    # -- consistency ---------------------------------------------------------------------------
    def check_consistency(self, indicators: dict[str, Indicator]) -> None:
        from .nodes import Date as DateNode

        year_node = self.main.tree.get("year")
        year = int(year_node.text) if isinstance(year_node, YScalar) else 0
        for ind in indicators.values():
            want = UNIT_TYPES.get(ind.unit)
            if want is not None and ind.value.type not in (want, Type.ERROR):
                fits = ", ".join(_UNITS_FOR.get(ind.value.type, []))
                self.state.error(
                    "E432", f"unit '{ind.unit}' needs {_TYPE_SAID[want]} as value, but the "
                    f"value of '{ind.id}' is {_TYPE_SAID[ind.value.type]}", ind.value.expr.span,
                    help=f"fix the value formula, or choose a unit for this value: {fits}")
            if ind.deadline is not None:
                expr = ind.deadline.expr
                if isinstance(expr, DateNode) and abs(expr.value.year - year) > \
                        DEADLINE_SLACK_YEARS:
                    self.state.error(
                        "E431", f"the deadline {expr.value} of '{ind.id}' is far from the plan "
                        f"year {year}", expr.span,
                        help=f"check the year: a deadline is expected between "
                             f"{year - DEADLINE_SLACK_YEARS} and {year + DEADLINE_SLACK_YEARS}")
            if not ind.population:
                scope_node = self.raw[ind.id][2].get("scope")
                self.state.error("E424", f"the scope '{ind.scope}' of '{ind.id}' has no "
                                 "agencies", scope_node.span if scope_node else ind.span,
                                 help="add members to the group (check its kinds), or choose "
                                      "another scope")
