"""Load a plan file into an immutable :class:`~engine.model.Plan`, reporting every problem.

Stages, each reporting every problem it finds before the loader stops:

1. YAML: syntax, duplicate keys, tags, alias bombs (``E401``-``E407``);
2. structure against the JSON Schema shipped as ``engine/plan.schema.json`` (``E410``-``E414``);
3. references: parents, groups, owners, scopes, periods, facts (``E420``-``E423``) and the
   agency hierarchy and group definitions as graphs (``E501``, ``E502``);
4. formulas: syntax (``E1xx``), then indicator dependency cycles (``E503``), then names and
   types in dependency order (``E2xx``, ``E3xx``, ``E433``), each located in the YAML file;
5. consistency: period dates in order, deadlines near the plan year, units that fit the value
   (``E430``-``E434``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .checker import BOOL, DATE, NUMBER, TEXT, Symbols, Type, check
from .diagnostics import Diagnostic, EngineError, PlanError, did_you_mean, sort_key
from .evaluator import compile_expr
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
#: Names every formula may use, about the period being evaluated.
PERIOD_NAMES: dict[str, Type] = {
    "period_start": DATE, "period_end": DATE, "period_due": DATE, "as_of": DATE,
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


@dataclass
class _State:
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              notes: Iterable[str] = ()) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, notes=tuple(notes)))

    def stop_if_errors(self) -> None:
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if errors:
            raise PlanError(sorted(errors, key=sort_key))


def display_name(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, state: _State, span: Span | None = None) -> str | None:
    name = display_name(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        state.error("E407", f"cannot read '{name}': {e.strerror or e}", span,
                    help="check the path (relative paths are relative to the plan file)")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        state.error("E401", f"'{name}' is not UTF-8 text (byte {e.start})",
                    Span(Source(name, ""), 0, 0),
                    help="save the file as UTF-8 (Unicode)")
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
    for doc, schema in zip(docs, [plan_schema(), *[_include_schema()] * (len(docs) - 1)],
                           strict=True):
        _validate_schema(doc, schema, state)
    state.stop_if_errors()
    return _Compiler(docs, state).compile()


def _read_docs(main_path: Path, text: str, state: _State) -> list[_Doc]:
    name = display_name(main_path)
    tree, diags = read_yaml(text, name)
    state.diagnostics.extend(diags)
    if tree is None:
        return []
    if not isinstance(tree, YMap):
        state.error("E412", "a plan file must be a mapping of keys such as id, year, agencies",
                    tree.span)
        return []
    docs = [_Doc(main_path, name, tree)]
    include = tree.get("include")
    if isinstance(include, YSeq):
        for item in include.items:
            if not isinstance(item, YScalar):
                continue
            inc_path = main_path.parent / item.text
            inc_text = _read(inc_path, state, item.span)
            if inc_text is None:
                continue
            inc_name = display_name(inc_path)
            inc_tree, inc_diags = read_yaml(inc_text, inc_name)
            state.diagnostics.extend(inc_diags)
            if isinstance(inc_tree, YMap):
                docs.append(_Doc(inc_path, inc_name, inc_tree))
            elif inc_tree is not None:
                state.error("E412", "an included file must be a mapping with 'agencies:'",
                            inc_tree.span)
    return docs


def _validate_schema(doc: _Doc, schema: dict[str, Any], state: _State) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    data = to_data(doc.tree)
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        _schema_diagnostic(doc, err, state)


def _schema_diagnostic(doc: _Doc, err: Any, state: _State) -> None:
    path = list(err.absolute_path)
    node, key_span = find(doc.tree, path)
    where = _describe_path(path)
    validator = err.validator
    if validator == "additionalProperties" and isinstance(node, YMap):
        allowed = sorted(err.schema.get("properties", {}))
        for key in sorted(set(node.items) - set(allowed)):
            hint = did_you_mean(key, allowed)
            state.error("E410", f"unknown key '{key}'{where}", node.key_span(key),
                        help=(hint + " " if hint else "") + "allowed keys: " + ", ".join(allowed))
        return
    if validator == "required" and isinstance(node, YMap):
        missing = [k for k in err.validator_value if k not in node.items]
        for key in missing:
            span = key_span or Span(node.span.source, node.span.start, node.span.start)
            state.error("E411", f"missing key '{key}'{where}", span,
                        help=f"add '{key}:' here (see docs/plan-format.md)")
        return
    if validator == "propertyNames":
        bad = err.instance
        bad_span = node.key_span(bad) if isinstance(node, YMap) else node.span
        state.error("E412", f"'{bad}' is not a valid id{where}", bad_span,
                    help="ids are lowercase ASCII letters, digits and '_', starting with a letter")
        return
    span = node.span
    shown = node.text if isinstance(node, YScalar) else None
    if validator == "enum":
        options = ", ".join(str(v) for v in err.validator_value)
        hint = did_you_mean(str(shown), [str(v) for v in err.validator_value]) if shown else None
        state.error("E412", f"'{shown}' is not allowed{where}", span,
                    help=(hint + " " if hint else "") + f"choose one of: {options}")
    elif validator == "type":
        want = err.validator_value
        want_text = " or ".join(want) if isinstance(want, list) else want
        got = "a list" if isinstance(node, YSeq) else "a mapping" if isinstance(node, YMap) \
            else f"'{shown}'"
        state.error("E412", f"expected {_type_words(want_text)}{where}, found {got}", span)
    elif validator == "pattern" and "date" in str(err.schema.get("description", "")):
        state.error("E413", f"'{shown}' is not a date{where}", span,
                    help="write dates as YYYY-MM-DD, e.g. 2023-01-10")
    elif validator == "pattern":
        state.error("E412", f"'{shown}' is not a valid id{where}", span,
                    help="ids are lowercase ASCII letters, digits and '_', starting with a letter")
    else:
        state.error("E412", f"{err.message}{where}", span)


def _type_words(t: str) -> str:
    return {"object": "a mapping", "array": "a list", "string": "a text", "integer":
            "a whole number", "string or integer or boolean": "a formula"}.get(t, t)


def _describe_path(path: list[Any]) -> str:
    if not path:
        return ""
    return " in " + ".".join(str(p) for p in path)


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


class _Compiler:
    def __init__(self, docs: list[_Doc], state: _State) -> None:
        self.docs = docs
        self.main = docs[0]
        self.state = state
        self.agencies: dict[str, Agency] = {}
        self.groups: dict[str, Group] = {}
        self.periods: dict[str, Period] = {}
        self.facts: dict[str, FactDef] = {}

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
                                     help=f"it is already defined at {first.file}:{first.line}")
                    continue
                seen[k.text] = k
                out.append((k, v))
        return out

    def date(self, node: YNode | None) -> dt.date | None:
        if not isinstance(node, YScalar):
            return None
        try:
            return dt.date.fromisoformat(node.text)
        except ValueError:
            self.state.error("E413", f"'{node.text}' is not a date of the calendar", node.span,
                             help="write a real date as YYYY-MM-DD")
            return None

    def unknown_ref(self, code: str, what: str, node: YScalar, candidates: Iterable[str],
                    extra: str = "") -> None:
        hint = did_you_mean(node.text, candidates)
        self.state.error(code, f"unknown {what} '{node.text}'{extra}", node.span,
                         help=hint or f"declare the {what} first, or check the spelling")

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
                          tuple(i for i in indicators if indicators[i].area == aid), key.span)
                for aid, (key, node) in areas.items()
            }),
            indicators=frozen(indicators),
            decision=decision,
            source=_text(tree.get("source")),
            path=self.main.name,
            files=tuple(d.name for d in self.docs),
        )

    def load_agencies(self) -> None:
        entries = self.merged("agencies")
        ids = {k.text for k, _ in entries}
        parents: dict[str, YScalar] = {}
        for key, node in entries:
            assert isinstance(node, YMap)
            parent = node.get("parent")
            if isinstance(parent, YScalar):
                if parent.text not in ids:
                    self.unknown_ref("E420", "agency", parent, ids, " (parent)")
                else:
                    parents[key.text] = parent
            kind = _text(node.get("kind")) or ""
            self.agencies[key.text] = Agency(key.text, _label(node.get("name")), kind,
                                             parent.text if isinstance(parent, YScalar) else None,
                                             _text(node.get("notes")), key.span)
        # The hierarchy must be a tree: follow parents and report each cycle once, as a path.
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
                            "E501", "the agency hierarchy has a cycle: " + " -> ".join(cycle),
                            parents[cycle[-2]].span,
                            help="an agency cannot be its own (indirect) parent")
                    break
                path.append(current)

    def load_groups(self) -> None:
        entries = self.merged("groups")
        defs = dict((k.text, (k, v)) for k, v in entries)
        for gid, (key, _) in defs.items():
            if gid in self.agencies:
                self.state.error("E423", f"group '{gid}' has the id of an agency", key.span,
                                 help="rename the group: a scope names a group or one agency")
        order = list(self.agencies)
        resolved: dict[str, tuple[str, ...]] = {}
        visiting: list[str] = []

        def resolve(gid: str) -> tuple[str, ...]:
            if gid in resolved:
                return resolved[gid]
            if gid in self.agencies:
                return (gid,)
            key, node = defs[gid]
            if gid in visiting:
                cycle = [*visiting[visiting.index(gid):], gid]
                self.state.error("E502", "groups are defined in a cycle: " + " -> ".join(cycle),
                                 key.span, help="a group cannot contain itself")
                resolved[gid] = ()
                return ()
            visiting.append(gid)
            members: set[str] = set()
            assert isinstance(node, YMap)
            kinds = {k.text for k in _list(node.get("kinds"))}
            members |= {a.id for a in self.agencies.values() if a.kind in kinds}
            for ref in _list(node.get("agencies")):
                if ref.text in self.agencies:
                    members.add(ref.text)
                else:
                    self.unknown_ref("E420", "agency", ref, self.agencies)
            for part in ("union", "minus"):
                for ref in _list(node.get(part)):
                    if ref.text not in defs and ref.text not in self.agencies:
                        self.unknown_ref("E421", "group", ref, [*defs, *self.agencies])
                        continue
                    sub = set(resolve(ref.text))
                    members = members | sub if part == "union" else members - sub
            visiting.pop()
            result = tuple(a for a in order if a in members)
            resolved[gid] = result
            return result

        for gid, (key, _) in defs.items():
            self.groups[gid] = Group(gid, resolve(gid), key.span)

    def scope_ref(self, node: YNode | None, what: str = "group") -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.groups or node.text in self.agencies:
            return node.text
        self.unknown_ref("E421", what, node, [*self.groups, *self.agencies],
                         " (a group id or an agency id)")
        return None

    def agency_ref(self, node: YNode | None) -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.agencies:
            return node.text
        self.unknown_ref("E420", "agency", node, self.agencies)
        return None

    def load_periods(self) -> None:
        for key, node in self.merged("periods"):
            assert isinstance(node, YMap)
            start, end, due = (self.date(node.get(k)) for k in ("from", "until", "due"))
            if start is None or end is None or due is None:
                continue
            if not start <= end <= due:
                self.state.error(
                    "E430", f"period '{key.text}' has its dates out of order", key.span,
                    help=f"need from <= until <= due; found from {start}, until {end}, due {due}")
            self.periods[key.text] = Period(key.text, _label(node.get("name")), start, end, due,
                                            key.span)

    def load_facts(self) -> None:
        for key, node in self.merged("facts"):
            assert isinstance(node, YMap)
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
            for _, ind in _items(node.get("indicators")):
                assert isinstance(ind, YMap)
                self.agency_ref(ind.get("owner"))
                self.scope_ref(ind.get("scope"))
            areas[key.text] = (key, node)
        return areas

    # -- formulas ------------------------------------------------------------------------------
    def compile_indicators(self, areas: dict[str, tuple[YScalar, YMap]]) -> dict[str, Indicator]:
        raw: dict[str, tuple[str, YScalar, YMap]] = {}
        for area_id, (_, node) in areas.items():
            for key, ind in _items(node.get("indicators")):
                assert isinstance(ind, YMap)
                raw[f"{area_id}.{key.text}"] = (area_id, key, ind)
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
        deps = {iid: sorted({n for e, _ in p.values() for n in free_names(e) if n in raw})
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
        # Report order: the order of the file; evaluation order: dependencies first.
        return {iid: out[iid] for iid in order if iid in out}

    def dependency_order(self, deps: dict[str, list[str]],
                         parsed: dict[str, dict[str, tuple[Expr, Source]]]) -> list[str]:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(deps)
        for iid, targets in deps.items():
            graph.add_edges_from((iid, t) for t in targets)
        reported: set[frozenset[str]] = set()
        for cycle in nx.simple_cycles(graph):
            key = frozenset(cycle)
            if key in reported:
                continue
            reported.add(key)
            start = min(cycle)
            i = cycle.index(start)
            path = cycle[i:] + cycle[:i] + [start]
            span = self.reference_span(parsed[start], path[1])
            self.state.error("E503", "indicators depend on each other in a cycle: "
                             + " -> ".join(path), span,
                             help="an indicator cannot use its own value, directly or not")
        if reported:
            return []
        # Stable topological order: file order, dependencies first.
        position = {iid: i for i, iid in enumerate(deps)}
        return list(nx.lexicographical_topological_sort(graph.reverse(copy=True),
                                                        key=lambda n: position[n]))

    @staticmethod
    def reference_span(formulas: dict[str, tuple[Expr, Source]], name: str) -> Span | None:
        from .nodes import walk

        for expr, _ in formulas.values():
            for n in walk(expr):
                if isinstance(n, Name) and n.name == name:
                    return n.span
        return None

    def compile_indicator(self, iid: str, area_id: str, key: YScalar, ind: YMap,
                          formulas: dict[str, tuple[Expr, Source]], deps: list[str],
                          value_types: Mapping[str, Type]) -> Indicator | None:
        scope = _text(ind.get("scope")) or ""
        population = self.groups[scope].members if scope in self.groups else (scope,)
        fact_types = {f: FACT_LANGUAGE_TYPES[d.type] for f, d in self.facts.items()}
        scalars: dict[str, Type] = dict(PERIOD_NAMES)
        scalars.update({d: value_types[d] for d in deps if d in value_types})
        baseline = None
        baseline_node = ind.get("baseline")
        if isinstance(baseline_node, YScalar):
            try:
                baseline, btype = parse_literal(baseline_node.text,
                                                scalar_source(baseline_node, key.span.source.name))
                scalars["baseline"] = btype
            except EngineError as e:
                self.state.diagnostics.extend(Diagnostic(
                    "E434", d.message, d.span, d.help or "the baseline is a literal: 86.78%, "
                    "1200, 2022-12-31, \"B\"") for d in e.diagnostics)
        if len(population) == 1:
            scalars.update(fact_types)
        hint = (f"the scope '{scope}' has {len(population)} agencies: use an aggregate such as "
                "sum(...), all(...) or share(...)")
        symbols = Symbols(scalars, fact_types, hint)
        compiled: dict[str, Formula] = {}
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
                self.state.diagnostics.extend(e.diagnostics)
                continue
            if fld in wanted and rtype != wanted[fld]:
                self.state.error("E433", f"the {fld} of '{iid}' gives a {rtype}, not a "
                                 f"{wanted[fld]}", expr.span,
                                 help={"target": "a target is a condition, e.g. value >= 90%",
                                       "applicable": "write a condition, e.g. sum(late) > 0",
                                       "deadline": "write a date, e.g. 2023-12-14, or "
                                       "period_due"}[fld])
                continue
            compiled[fld] = Formula(src.text, expr, rtype, compile_expr(expr, set(fact_types)))
        if "value" not in compiled or "target" not in compiled:
            return None
        used = sorted({n for f in compiled.values() for n in free_names(f.expr)
                       if n in self.facts})
        return Indicator(
            id=iid, area=area_id, name=_label(ind.get("name")), unit=_text(ind.get("unit")) or "",
            owner=_text(ind.get("owner")) or "", scope=scope, population=population,
            value=compiled["value"], target=compiled["target"],
            deadline=compiled.get("deadline"), applicable=compiled.get("applicable"),
            baseline=baseline, source=_text(ind.get("source")), notes=_text(ind.get("notes")),
            facts=tuple(used), depends_on=tuple(deps), span=key.span,
        )

    # -- consistency ---------------------------------------------------------------------------
    def check_consistency(self, indicators: dict[str, Indicator]) -> None:
        year_node = self.main.tree.get("year")
        year = int(year_node.text) if isinstance(year_node, YScalar) else 0
        for ind in indicators.values():
            want = UNIT_TYPES.get(ind.unit)
            if want is not None and ind.value.type != want:
                self.state.error(
                    "E432", f"unit '{ind.unit}' needs a {want} value, but the value of "
                    f"'{ind.id}' is a {ind.value.type}", ind.value.expr.span,
                    help="fix the unit or the value formula")
            if ind.deadline is not None:
                from .nodes import Date as DateNode

                expr = ind.deadline.expr
                if isinstance(expr, DateNode) and abs(expr.value.year - year) > \
                        DEADLINE_SLACK_YEARS:
                    self.state.error(
                        "E431", f"deadline {expr.value} of '{ind.id}' is far from the plan "
                        f"year {year}", expr.span, help="check the year of the deadline")
            if not ind.population:
                self.state.error("E424", f"the scope '{ind.scope}' of '{ind.id}' has no "
                                 "agencies", ind.span,
                                 help="give the group members, or choose another scope")
