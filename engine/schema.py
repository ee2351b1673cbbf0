"""The plan's structure: the JSON Schema shipped as ``engine/plan.schema.json``, and its errors
said the way a plan author reads them.

Owns :func:`plan_schema`, the validators built from it (the schema of an included file, and the
lenient one of a plan that ``extends`` another), the translation of every schema error into a
located diagnostic (``E410`` unknown key, ``E411`` missing key, ``E412`` wrong type or value,
``E413`` not a date) with a did-you-mean or an id suggestion, and what the rest of the engine
reads from the schema instead of restating it (:func:`required_fields`, :func:`choices`).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .diagnostics import Collector, Diagnostic, did_you_mean
from .gcpause import gc_paused
from .i18n import N_, _
from .source import Span
from .yamlsrc import YMap, YNode, YScalar, YSeq, find, to_data


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan files."""
    # The engine's own file beside this module (not importlib.resources, whose import costs a
    # cold start more than the read: every plan model needs the schema's choices).
    text = Path(__file__).with_name("plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def required_fields(definition: str) -> tuple[str, ...]:
    """The keys an entry of the schema's ``$defs`` (``"agency"``, ``"fact"``...) must have.

        >>> required_fields("agency")
        ('name', 'kind')
    """
    return tuple(plan_schema()["$defs"][definition].get("required", ()))


def choices(definition: str, key: str) -> tuple[str, ...]:
    """The values the schema allows for ``key`` of an entry of ``definition``.

        >>> choices("fact", "type")
        ('number', 'count', 'share', 'bool', 'date', 'category')
    """
    return tuple(plan_schema()["$defs"][definition]["properties"][key]["enum"])


def _include_schema() -> dict[str, Any]:
    base = plan_schema()
    keep = ("agencies", "groups", "facts")
    return {
        "$schema": base["$schema"], "type": "object", "additionalProperties": False,
        "properties": {k: base["properties"][k] for k in keep}, "$defs": base["$defs"],
    }


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


def _python_anchors(node: Any) -> Any:
    """The schema with each ``pattern`` that ends in ``$`` ending in ``\\Z`` instead.

    The schema is written for every JSON Schema tool, whose patterns are ECMA-262 regular
    expressions: there ``$`` matches only at the end of the text. jsonschema runs them with
    Python's ``re``, whose ``$`` also matches before a final line break, so ``"snv\\n"`` would
    pass as an id (and carry a line break into every report)."""
    if isinstance(node, dict):
        return {k: (v[:-1] + "\\Z" if k == "pattern" and isinstance(v, str)
                    and v.endswith("$") and not v.endswith("\\$") else _python_anchors(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_python_anchors(v) for v in node]
    return node


@functools.cache
def _flat(include: bool, partial: bool = False) -> dict[str, Any]:
    """The schema jsonschema runs: references inlined, Python anchors, ``required`` dropped for
    a ``partial`` plan (one that extends another states only what it changes)."""
    schema = _include_schema() if include else plan_schema()
    flat: dict[str, Any] = _python_anchors(_inline_refs(schema, schema.get("$defs", {})))
    flat.pop("$defs", None)
    if partial:
        flat = _without_required(flat)
    return flat


@functools.cache
def _validator(include: bool, partial: bool = False) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(
        _flat(include, partial), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def validate(tree: YMap, collector: Collector, *, include: bool = False,
             partial: bool = False) -> None:
    """Check one file's tree against the schema (``include``: the schema of an included file;
    ``partial``: no key is required, for a plan that extends another), reporting into
    ``collector``."""
    flat = _flat(include, partial)
    with gc_paused():
        data = to_data(tree)
        # A valid file (the usual case) is shown valid without importing jsonschema, whose
        # import is a fifth of a first run; anything not shown valid goes to jsonschema, which
        # words every error as before.
        if _flat_prover(include, partial)(data):
            return
        validator = _validator(include, partial)
        data = _unproven(flat, data)
        errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    # Unknown keys first: a misspelt required key is reported once, as the misspelling.
    suggested: set[tuple[int, str]] = set()
    for err in errors:
        if err.validator == "additionalProperties":
            collector.extend(_unknown_keys(tree, include, err, suggested))
    for err in errors:
        if err.validator != "additionalProperties":
            collector.extend(_diagnostics(_Error.of(tree, include, err, suggested)))


# ---------------------------------------------------------------------------------------------
# Entries proven valid without jsonschema: a registry of 20,000 agencies is validated in a blink
# ---------------------------------------------------------------------------------------------

#: Keywords that say nothing about validity.
_ANNOTATIONS = frozenset({"description", "title", "$comment", "default", "examples", "$schema",
                          "$id"})
#: jsonschema's test of a ``date`` (before ``date.fromisoformat``).
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
#: The keywords of a collection keyed by id whose entries can be checked one by one.
_KEYED = frozenset({"type", "propertyNames", "additionalProperties"}) | _ANNOTATIONS


def _unproven(schema: dict[str, Any], data: Any) -> Any:
    """``data`` without the entries of its collections keyed by id (``agencies``, ``facts``...)
    that :func:`proven` shows valid: validating the rest gives the same errors, at the same
    paths, since the schema checks each entry (and its id) on its own."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key, sub in schema.get("properties", {}).items():
        value = data.get(key)
        if not isinstance(value, dict) or not isinstance(sub, dict) or set(sub) - _KEYED \
                or sub.get("type") != "object" \
                or not isinstance(sub.get("additionalProperties"), dict):
            continue
        names, entry = sub.get("propertyNames", True), sub["additionalProperties"]
        out[key] = {k: v for k, v in value.items() if not (proven(names, k) and proven(entry, v))}
    return out


def _is_type(x: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(x, str)
    if kind in ("integer", "number"):
        return isinstance(x, int) and not isinstance(x, bool)
    if kind == "boolean":
        return isinstance(x, bool)
    if kind == "object":
        return isinstance(x, dict)
    if kind == "array":
        return isinstance(x, list)
    return kind == "null" and x is None


def proven(schema: Any, x: Any) -> bool:
    """Whether JSON data ``x`` is certainly valid against ``schema``: True only when every
    keyword of the schema is one this check knows (types, ``enum`` of texts, ``pattern``,
    lengths, bounds, ``required``, ``properties``, ``additionalProperties``,
    ``propertyNames``, ``const``, ``format: date``, ``items``, ``minItems``) and holds;
    False means "not shown", and jsonschema decides.

        >>> proven({"type": "string", "pattern": "^[a-z]+$"}, "snv")
        True
        >>> proven({"type": "string", "format": "date"}, "2023-02-30")
        False
        >>> proven({"type": "string", "format": "email"}, "a@b.vn")
        False
    """
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    for kw, sub in schema.items():
        if kw in _ANNOTATIONS:
            continue
        if kw == "type":
            if not any(_is_type(x, k) for k in ([sub] if isinstance(sub, str) else sub)):
                return False
        elif kw == "enum":
            if not (isinstance(x, str) and x in sub):
                return False
        elif kw in ("pattern", "minLength", "maxLength"):
            if isinstance(x, str) and not (
                    re.search(sub, x) if kw == "pattern" else
                    len(x) >= sub if kw == "minLength" else len(x) <= sub):
                return False
        elif kw == "const":
            if not (type(x) is type(sub) and isinstance(x, (str, int)) and x == sub):
                return False
        elif kw == "format":
            if isinstance(x, str) and not (sub == "date" and _is_date(x)):
                return False
        elif kw == "items":
            if isinstance(x, list) and not all(proven(sub, v) for v in x):
                return False
        elif kw == "minItems":
            if isinstance(x, list) and len(x) < sub:
                return False
        elif kw in ("minimum", "maximum"):
            if isinstance(x, float) or (isinstance(x, int) and not isinstance(x, bool) and \
                    not (x >= sub if kw == "minimum" else x <= sub)):
                return False  # (a float is left to jsonschema)
        elif kw in ("required", "properties", "additionalProperties", "propertyNames"):
            if isinstance(x, dict) and not _proven_object(schema, kw, sub, x):
                return False
        else:
            return False
    return True


@functools.cache
def _flat_prover(include: bool, partial: bool) -> Callable[[Any], bool]:
    return prover(_flat(include, partial))


def _yes(x: Any) -> bool:
    return True


def _no(x: Any) -> bool:
    return False


def _all_of(checks: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    if not checks:
        return _yes
    if len(checks) == 1:
        return checks[0]

    def check(x: Any) -> bool:
        for c in checks:  # noqa: SIM110 - a loop is cheaper than all() over a generator
            if not c(x):
                return False
        return True
    return check


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: isinstance(x, str),
    "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
    "number": lambda x: isinstance(x, int) and not isinstance(x, bool),
    "boolean": lambda x: isinstance(x, bool),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "null": lambda x: x is None,
}


def prover(schema: Any) -> Callable[[Any], bool]:
    """:func:`proven` for one schema, worked out once: ``prover(schema)(x) == proven(schema,
    x)`` for all JSON data ``x`` (``tests/plan/test_schema_whole.py``), several times faster,
    for the whole plan of every first run.

        >>> prover({"type": "string", "pattern": "^[a-z]+$"})("snv")
        True
    """
    if schema is True:
        return _yes
    if not isinstance(schema, dict):
        return _no
    checks: list[Callable[[Any], bool]] = []
    for kw, sub in schema.items():
        if kw in _ANNOTATIONS:
            continue
        check = _keyword(schema, kw, sub)
        if check is None:
            return _no  # a keyword proven does not know
        checks.append(check)
    return _all_of(checks)


def _keyword(schema: dict[str, Any], kw: str, sub: Any) -> Callable[[Any], bool] | None:
    if kw == "type":
        kinds = [_TYPES.get(k, _no) for k in ([sub] if isinstance(sub, str) else sub)]
        return kinds[0] if len(kinds) == 1 else lambda x: any(k(x) for k in kinds)
    if kw == "enum":
        texts = frozenset(v for v in sub if isinstance(v, str))
        return lambda x: isinstance(x, str) and x in texts
    if kw == "pattern":
        search = re.compile(sub).search
        return lambda x: not isinstance(x, str) or search(x) is not None
    if kw == "minLength":
        return lambda x: not isinstance(x, str) or len(x) >= sub
    if kw == "maxLength":
        return lambda x: not isinstance(x, str) or len(x) <= sub
    if kw in ("minimum", "maximum"):
        low = kw == "minimum"
        return lambda x: not (isinstance(x, float) or (
            isinstance(x, int) and not isinstance(x, bool) and not (
                x >= sub if low else x <= sub)))
    if kw == "const":
        return lambda x: type(x) is type(sub) and isinstance(x, (str, int)) and x == sub
    if kw == "format":
        return lambda x: not isinstance(x, str) or (sub == "date" and _is_date(x))
    if kw == "items":
        each = prover(sub)
        return lambda x: not isinstance(x, list) or all(map(each, x))
    if kw == "minItems":
        return lambda x: not isinstance(x, list) or len(x) >= sub
    if kw == "required":
        needed = tuple(sub)
        return lambda x: not isinstance(x, dict) or all(k in x for k in needed)
    if kw == "properties":
        props = {k: prover(s) for k, s in sub.items()}

        def properties(x: Any) -> bool:
            if isinstance(x, dict):
                for k, v in x.items():
                    p = props.get(k)
                    if p is not None and not p(v):
                        return False
            return True
        return properties
    if kw == "propertyNames":
        name = prover(sub)
        return lambda x: not isinstance(x, dict) or all(map(name, x))
    if kw == "additionalProperties":
        if "patternProperties" in schema:
            return lambda x: not isinstance(x, dict)
        known = frozenset(schema.get("properties", {}))
        extra = _no if sub is False else prover(sub)

        def additional(x: Any) -> bool:
            if isinstance(x, dict):
                for k, v in x.items():
                    if k not in known and not extra(v):
                        return False
            return True
        return additional
    return None


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _proven_object(schema: dict[str, Any], kw: str, sub: Any, x: dict[str, Any]) -> bool:
    if kw == "required":
        return all(k in x for k in sub)
    if kw == "properties":
        return all(proven(s, x[k]) for k, s in sub.items() if k in x)
    if kw == "propertyNames":
        return all(proven(sub, k) for k in x)
    if "patternProperties" in schema:
        return False
    known = schema.get("properties", {})
    extra = [k for k in x if k not in known]
    if sub is False:
        return not extra
    return all(proven(sub, x[k]) for k in extra)


def _where(include: bool, path: list[Any]) -> str:
    if path:
        return _(" in {path}").format(path=".".join(str(p) for p in path))
    return _(" at the top of the file") if include else _(" at the top of the plan")


def _unknown_keys(tree: YMap, include: bool, err: Any, suggested: set[tuple[int, str]]
                  ) -> Iterator[Diagnostic]:
    path = list(err.absolute_path)
    node, _key_span = find(tree, path)
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
                hint = _("did you mean '{guess}'? It is already at line {line}: move these "
                          "entries under it. ").format(guess=guess, line=line)
        else:
            close = [a for a in allowed if a not in node.items and a in required]
            hint = _("'{close}' is missing: is this it? ").format(
                close=close[0]) if len(close) == 1 else ""
        if include and not path and key in plan_schema()["properties"]:
            help_text = _("an included file holds only agencies, groups and facts; move '{key}' "
                           "to the plan").format(key=key)
        else:
            help_text = hint + _("allowed keys: {keys}").format(keys=", ".join(allowed))
        yield Diagnostic("E410", _("unknown key '{key}'{where}").format(
                                     key=key, where=_where(include, path)),
                         node.key_span(key), help_text)


# ---------------------------------------------------------------------------------------------
# One small translator per kind of schema rule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Error:
    """A schema error with what its translator needs: the node it is about and how to say where
    it is."""

    err: Any
    node: YNode
    key_span: Span | None
    path: list[Any]
    where: str
    suggested: set[tuple[int, str]]

    @classmethod
    def of(cls, tree: YMap, include: bool, err: Any, suggested: set[tuple[int, str]]
           ) -> _Error:
        path = list(err.absolute_path)
        node, key_span = find(tree, path)
        return cls(err, node, key_span, path, _where(include, path), suggested)

    @property
    def shown(self) -> str | None:
        return self.node.text if isinstance(self.node, YScalar) else None

    def e412(self, message: str, help: str) -> Iterator[Diagnostic]:
        yield Diagnostic("E412", message + self.where, self.node.span, help)


Translator = Callable[[_Error], Iterator[Diagnostic]]

#: How a JSON Schema type is said in messages.
_TYPE_WORDS = {"object": N_("a mapping"), "array": N_("a list"), "string": N_("a text"),
               "integer": N_("a whole number"), "boolean": N_("true or false")}
_ID_HELP = N_("ids are lowercase ASCII letters, digits and '_', starting with a letter")


def _required(e: _Error) -> Iterator[Diagnostic]:
    node = e.node
    if not isinstance(node, YMap):
        return  # pragma: no cover - 'required' is a rule on mappings
    key = e.err.message.split("'")[1] if e.err.message.count("'") >= 2 else None
    for missing in e.err.validator_value:
        if missing in node.items or (id(node), missing) in e.suggested:
            continue
        if key is not None and missing != key:
            continue
        span = e.key_span or Span(node.span.source, node.span.start, node.span.start)
        yield Diagnostic("E411", _("missing key '{missing}'{where}").format(
                                     missing=missing, where=e.where), span,
                         _("add '{missing}:' to this entry (see docs/plan-format.md)").format(
                             missing=missing))


def _invalid_key(e: _Error) -> Iterator[Diagnostic]:
    assert isinstance(e.node, YMap)
    bad = str(e.err.instance)
    guess = suggest_id(bad)
    yield Diagnostic("E412", _("'{bad}' is not a valid id{where}").format(bad=bad, where=e.where),
                     e.node.key_span(bad) or e.node.span,
                     (_("write it as '{guess}': ").format(guess=guess) if guess else "")
                     + _(_ID_HELP))


def _enum(e: _Error) -> Iterator[Diagnostic]:
    options = [str(v) for v in e.err.validator_value]
    hint = did_you_mean(str(e.shown), options) if e.shown else None
    return e.e412(_("'{shown}' is not allowed").format(shown=e.shown),
                  (hint + " " if hint else "") + _("choose one of: {options}").format(
                      options=", ".join(options)))


def _const(e: _Error) -> Iterator[Diagnostic]:
    return e.e412(_("{found} is not allowed").format(found=_found(e.node)),
                  _("write {value}: the only format version this engine reads").format(
                      value=json.dumps(e.err.validator_value)))


def _type(e: _Error) -> Iterator[Diagnostic]:
    if _is_code(e) and isinstance(e.node, YScalar):
        yield from _pattern(e)
        return
    value = e.err.validator_value
    want = [str(w) for w in (value if isinstance(value, list) else [value])]
    if {"string", "integer", "boolean"} <= set(want):
        words = _("a formula")
    else:
        words = _(" or ").join(_(_TYPE_WORDS.get(w, w)) for w in want)
    yield Diagnostic("E412", _("expected {words}{where}, found {found}").format(
                                 words=words, where=e.where, found=_found(e.node)), e.node.span,
                     _type_help(want, e.node, e.err.schema))


def _not_a_date(e: _Error) -> Iterator[Diagnostic]:
    yield Diagnostic("E413", _("'{shown}' is not a date{where}").format(
                                 shown=e.shown, where=e.where), e.node.span,
                     _date_help(e.shown))


def _is_code(e: _Error) -> bool:
    """Whether the error is about the official ``code`` of an agency."""
    return len(e.path) == 3 and e.path[0] == "agencies" and e.path[2] == "code"


def _pattern(e: _Error) -> Iterator[Diagnostic]:
    if e.err.schema.get("format") == "date":
        return _not_a_date(e)
    if e.path == ["id"]:
        guess = suggest_id(str(e.shown), plan_id=True)
        return iter([Diagnostic(
            "E412", _("'{shown}' is not a valid plan id").format(shown=e.shown), e.node.span,
            (_("write it as '{guess}': ").format(guess=guess) if guess and guess != e.shown else "")
            + _("a plan id is lowercase ASCII letters, digits, '-', '_' and '.'"))])
    if _is_code(e):
        return e.e412(_("'{shown}' is not an official code").format(shown=e.shown),
                      _("an official code is digits only, e.g. \"03646\" (the GSO code of a "
                        "commune) or \"116\" (of a district)"))
    guess = suggest_id(str(e.shown))
    return e.e412(_("'{shown}' is not a valid id").format(shown=e.shown),
                  (_("write it as '{guess}': ").format(guess=guess)
                   if guess and guess != e.shown else "") + _(_ID_HELP))


def _format(e: _Error) -> Iterator[Diagnostic]:
    if e.err.schema.get("format") != "date":  # pragma: no cover - the schema checks only dates
        return _other(e)
    if not re.fullmatch(e.err.schema.get("pattern", ".*"), str(e.err.instance)):
        return iter(())  # already reported by the pattern, as not a date
    return iter([Diagnostic("E413", _("'{shown}' is not a date of the calendar{where}").format(
                                        shown=e.shown, where=e.where),
                            e.node.span,
                            _("check the day and the month: write a real date as YYYY-MM-DD"))])


def _range(e: _Error) -> Iterator[Diagnostic]:
    if _is_code(e):
        return _pattern(e)
    return e.e412(_("{shown} is out of range").format(shown=e.shown),
                  _("write a year between {minimum} and {maximum}").format(
                      minimum=e.err.schema.get("minimum"), maximum=e.err.schema.get("maximum")))


def _empty_text(e: _Error) -> Iterator[Diagnostic]:
    return e.e412(_("the text is empty"),
                  _("write the text, or remove the key if it is optional"))


def _empty_list(e: _Error) -> Iterator[Diagnostic]:
    return e.e412(_("the list is empty"),
                  _("list at least one item, or remove the key if it is optional"))


def _other(e: _Error) -> Iterator[Diagnostic]:  # pragma: no cover - every rule is in the table
    return e.e412(e.err.message, _("see docs/plan-format.md for the expected shape"))


#: The translator of each rule (``validator``) of the shipped schema.
TRANSLATORS: dict[str, Translator] = {
    "required": _required,
    "enum": _enum,
    "const": _const,
    "type": _type,
    "pattern": _pattern,
    "format": _format,
    "minimum": _range,
    "maximum": _range,
    "minLength": _empty_text,
    "minItems": _empty_list,
}


def _diagnostics(e: _Error) -> Iterator[Diagnostic]:
    if "propertyNames" in (str(p) for p in e.err.schema_path) and isinstance(e.node, YMap):
        return _invalid_key(e)
    return TRANSLATORS.get(e.err.validator, _other)(e)


def _found(node: YNode) -> str:
    if isinstance(node, YSeq):
        return _("a list")
    if isinstance(node, YMap):
        return _("a mapping")
    data = node.data
    if data is None:
        return _("nothing")
    if isinstance(data, bool):
        return _("'{text}' (true or false)").format(text=node.text)
    if isinstance(data, int):
        return _("the number {text}").format(text=node.text)
    return f"'{node.text}'"


def _type_help(want: list[str], node: YNode, schema: dict[str, Any]) -> str:
    if "object" in want and "vi" in schema.get("properties", {}):
        return _("write the name as {{vi: <Vietnamese>, en: <English>}}, e.g. "
                 "{{vi: Sở Nội vụ, en: Department of Home Affairs}}").format()
    if "object" in want:
        return _("write each entry on its own line as 'key: value' under this key")
    if "array" in want:
        shown = node.text if isinstance(node, YScalar) else "..."
        return _("write a list, e.g. [{shown}]").format(shown=shown)
    if want == ["integer"] and isinstance(node, YScalar) and node.style is not None:
        return _("remove the quotes: {text}").format(text=node.text)
    if want == ["integer"]:
        return _("write a whole number, e.g. 2023")
    if "string" in want and isinstance(node, YScalar):
        return _("put the value in quotes: \"{text}\"").format(text=node.text)
    if "string" in want:
        return _("write a single value here, not a list or a mapping")
    return _("see docs/plan-format.md for the expected shape")


def _date_help(text: str | None) -> str:
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", text or "")
    if m:
        day, month, year = m.groups()
        return _("write dates as YYYY-MM-DD: {date} for {text}").format(
            date=f"{year}-{int(month):02}-{int(day):02}", text=text)
    return _("write dates as YYYY-MM-DD, e.g. 2023-01-10 for 10/01/2023")


def suggest_id(text: str, plan_id: bool = False) -> str | None:
    """An ASCII id close to ``text``, if one can be made.

        >>> suggest_id("Sở_NV")
        'so_nv'
        >>> suggest_id("Kế hoạch 2023", plan_id=True)
        'ke-hoach-2023'
    """
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    sep = "-" if plan_id else "_"
    allowed = "abcdefghijklmnopqrstuvwxyz0123456789_" + ("-." if plan_id else "")
    out = "".join(c if c in allowed else sep for c in ascii_text)
    out = re.sub(f"{re.escape(sep)}+", sep, out).strip(sep)
    if not plan_id:
        out = out.lstrip("0123456789_")
    return out or None
