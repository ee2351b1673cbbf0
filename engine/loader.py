"""Load a plan into an immutable :class:`~engine.model.Plan`, reporting every problem.

:func:`load_plan` reads a plan file, :func:`loads_plan` a plan given as text; both go through the
same code. This module owns reading the plan and the files it names (through
:mod:`engine.files`), and merging them into one YAML tree by one path: the included files folded
into the file that includes them, then each plan of an ``extends`` chain onto its parent
(:mod:`engine.inherit`). The stages after it each have their own module; each reports every
problem it finds before the loader stops (docs/plan-format.md):

1. YAML (:mod:`engine.yamlsrc`), for the plan and each file it includes or extends;
2. structure against the JSON Schema shipped as ``engine/plan.schema.json``
   (:mod:`engine.schema`), each file on its own, then a plan that extends another as a whole;
3. the registry (:mod:`engine.registry`): references between agencies, groups, periods, facts
   and areas, and the agency hierarchy and groups as graphs (:mod:`engine.graph`);
4. formulas (:mod:`engine.formulas`): syntax (``E1xx``), then indicator dependency cycles
   (``E503``), then names and types in dependency order (``E2xx``, ``E3xx``, ``E433``,
   ``E434``), each located in the YAML file, inside quoted and block scalars too;
5. consistency (:mod:`engine.consistency`): units, deadlines and empty scopes;
6. wording (:mod:`engine.wording`): warnings ``W9xx`` where a name disagrees with its target
   or the plan's year; they do not stop the load, the plan carries them (``Plan.warnings``).

Codes (docs/diagnostics.md has an example and the fix for each):

``E401``  a file cannot be read as YAML: syntax, not UTF-8, empty
``E402``  duplicate key in a mapping
``E403``  aliases expand beyond the node limit ("billion laughs"), recursive alias, deep nesting
``E404``  a tag (``!!python/object``, ``!custom``) or a merge key (``<<``)
``E405``  a key that is a list or a mapping
``E406``  an id defined in two files, or a file included twice
``E407``  a plan or included file cannot be read (missing, a folder, no permission)
``E408``  plans that extend each other in a cycle, or in a chain of more than 32 plans
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
``E441``  ``remove`` or ``merge_agencies`` names an id the plan does not have, or stands in a
          plan that extends none
``E442``  something removed is still used (every user is listed)
``E501``  the agency hierarchy has a cycle
``E502``  groups defined in a cycle
``E503``  indicators that depend on each other in a cycle, as the path ``a -> b -> a``
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .consistency import check_consistency
from .diagnostics import Collector, Diagnostic, PlanError
from .formulas import compile_indicators
from .inherit import Resolver, fold_includes
from .model import Area, Decision, Plan, frozen
from .registry import Registry, date, entries, label, text_of
from .schema import plan_schema, validate
from .source import Span
from .wording import check_wording
from .yamlsrc import YMap, YScalar, YSeq, read_yaml

__all__ = ["load_plan", "loads_plan", "plan_schema"]


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Load, check and compile the plan file at ``path``; the files it includes or extends are
    found next to it. Raises :class:`PlanError` carrying every diagnostic."""
    collector = Collector()
    path = Path(path)
    name = files.display_name(path)
    text = files.read(path, files.PLAN_FILES, collector, name)
    collector.raise_if_any(PlanError)
    assert text is not None
    return _load(_Origin(name, path.parent, files.resolved(path)), text, collector)


def loads_plan(text: str, name: str = "<plan>", *,
               base_dir: str | os.PathLike[str] | None = None) -> Plan:
    """Load, check and compile a plan given as text; diagnostics name it ``name``.

    A plan given as text may include or extend files only when ``base_dir`` is given: their
    paths are relative to that folder. Raises :class:`PlanError` carrying every diagnostic,
    the same as :func:`load_plan` for the same text in a file.

        >>> plan = loads_plan(\'\'\'
        ... cchc: 1
        ... id: demo
        ... year: 2023
        ... title: {vi: Kế hoạch thử}
        ... \'\'\', name="demo.yaml")
        >>> plan.id, plan.path
        ('demo', 'demo.yaml')
    """
    folder = None if base_dir is None else Path(base_dir)
    text = files.normalize_newlines(text.removeprefix("\ufeff"))
    return _load(_Origin(name, folder, None), text, Collector())


@dataclass(frozen=True)
class _Origin:
    """Where a plan's text came from: how diagnostics name it, the folder the files it names
    are relative to (None for text given without one), and its resolved path (None for text),
    which tells a file included twice or an ``extends`` loop."""

    name: str
    folder: Path | None
    key: Path | None


@dataclass
class _Doc:
    """One YAML file of a plan: the plan itself (first) or a file it includes."""

    origin: _Origin
    tree: YMap
    include: bool = False


@dataclass
class _Reading:
    """What one load has read so far: every file's name, and the diagnostics."""

    collector: Collector
    names: list[str] = field(default_factory=list)


def _load(origin: _Origin, text: str, collector: Collector) -> Plan:
    reading = _Reading(collector)
    docs = _read_docs(origin, text, reading)
    collector.raise_if_any(PlanError)
    tree = _layer(docs, reading, ())
    collector.raise_if_any(PlanError)
    assert tree is not None
    if docs[0].tree.get("extends") is not None:
        validate(tree, collector)  # the plan with its ancestors merged in, as a whole
        collector.raise_if_any(PlanError)
    registry = Registry.build(tree, collector)
    collector.raise_if_any(PlanError)
    indicators = compile_indicators(registry, collector)
    collector.raise_if_any(PlanError)
    year_node = tree.get("year")
    year = int(year_node.text) if isinstance(year_node, YScalar) else 0
    check_consistency(year, indicators, registry, collector)
    collector.raise_if_any(PlanError)
    check_wording(year, indicators, registry, collector, origin.name)
    decision_node = tree.get("decision")
    decision = None
    if isinstance(decision_node, YMap):
        decision = Decision(text_of(decision_node.get("number")) or "",
                            date(decision_node.get("date"), collector),
                            text_of(decision_node.get("signer")))
    return Plan(
        id=text_of(tree.get("id")) or "",
        year=year,
        title=label(tree.get("title")),
        agencies=frozen(registry.agencies),
        groups=frozen(registry.groups),
        periods=frozen(registry.periods),
        facts=frozen(registry.facts),
        areas=frozen({
            aid: Area(aid, label(node.get("name")), text_of(node.get("lead")),
                      tuple(f"{aid}.{k.text}" for k, _ in entries(node.get("indicators"))),
                      key.span, text_of(node.get("notes")))
            for aid, (key, node) in registry.areas.items()
        }),
        indicators=frozen(indicators),
        decision=decision,
        source=text_of(tree.get("source")),
        path=origin.name,
        files=tuple(reading.names),
        notes=text_of(tree.get("notes")),
        warnings=tuple(collector.warnings()),
    )


#: How many plans an ``extends`` chain may hold (a plan, its parent, its grandparent, …).
MAX_EXTENDS = 32


def _layer(docs: list[_Doc], reading: _Reading, chain: tuple[Path, ...]) -> YMap | None:
    """One plan with its includes and, when it ``extends`` another, its ancestors, merged into
    one tree; each file is checked against the schema on its own first. Every node keeps the
    span of the file it was written in."""
    collector = reading.collector
    extends = docs[0].tree.get("extends")
    for doc in docs:
        # A plan that extends another may leave out what it inherits; the merged plan is
        # checked whole below.
        validate(doc.tree, collector, include=doc.include,
                 partial=not doc.include and extends is not None)
    tree = fold_includes([d.tree for d in docs], collector)
    if not isinstance(extends, YScalar):
        for directive in ("remove", "merge_agencies"):
            if directive in docs[0].tree.items:
                collector.error(
                    "E441", f"'{directive}' does nothing in a plan that extends no other plan",
                    docs[0].tree.key_span(directive),
                    help=f"add 'extends: <parent plan>' to change a parent plan, or delete "
                         f"'{directive}' and edit this plan's own entries")
        return tree
    parent = _parent(docs[0].origin, extends, reading, chain)
    if parent is None:
        return None
    return Resolver(collector).merge(parent, tree)


def _parent(origin: _Origin, extends: YScalar, reading: _Reading,
            chain: tuple[Path, ...]) -> YMap | None:
    """The merged tree of the plan that ``extends`` names, or None with the reason reported."""
    collector = reading.collector
    if "://" in extends.text:
        collector.error("E407", f"'{extends.text}' is not a file path", extends.span,
                        help="extends takes a path relative to this plan file; URLs are refused")
        return None
    path = _named_file(origin, extends, collector)
    if path is None:
        return None
    key = files.resolved(path)
    here = () if origin.key is None else (origin.key,)
    if len(chain) + len(here) >= MAX_EXTENDS:
        collector.error("E408", f"plans extend each other more than {MAX_EXTENDS} deep",
                        extends.span, help="a plan extends last year's plan, which may extend "
                        f"the year before: a chain of more than {MAX_EXTENDS} plans is refused")
        return None
    if key in (*chain, *here):
        loop = (*chain, *here)
        names = [p.name for p in (*loop[loop.index(key):], key)]
        collector.error("E408", "plans extend each other in a cycle: " + " -> ".join(names),
                        extends.span, help="a plan cannot extend itself, directly or through "
                                           "others")
        return None
    name = files.display_name(path)
    text = files.read(path, files.PLAN_FILES, collector, name, at=extends.span)
    if text is None:
        return None
    docs = _read_docs(_Origin(name, path.parent, key), text, reading)
    if not docs:
        return None
    return _layer(docs, reading, (*chain, *here))


def _named_file(origin: _Origin, node: YScalar, collector: Collector) -> Path | None:
    """The path of a file that the plan names (``include:``, ``extends:``), relative to its
    folder; None, with ``E407``, for a plan given as text without a folder."""
    if origin.folder is None:
        collector.error("E407", f"cannot read '{node.text}': a plan given as text can only "
                        "include or extend files when a folder is given (base_dir=)", node.span,
                        help="pass base_dir= to loads_plan (the folder the paths are relative "
                             "to), or load the plan from its file with load_plan")
        return None
    return origin.folder / node.text


def _read_docs(origin: _Origin, text: str, reading: _Reading) -> list[_Doc]:
    """The plan's tree and the trees of the files it includes (none when the plan itself
    cannot be read as a mapping)."""
    collector = reading.collector
    reading.names.append(origin.name)
    tree, diags = read_yaml(text, origin.name)
    collector.extend(diags)
    if tree is None:
        return []
    if not isinstance(tree, YMap):
        collector.error("E412", "a plan file must be a mapping of keys such as cchc, id, year, "
                        "title, agencies", tree.span,
                        help="start from the example in docs/plan-format.md")
        return []
    docs = [_Doc(origin, tree)]
    include = tree.get("include")
    seen: dict[Path | None, YScalar | None] = {origin.key: None} if origin.key else {}
    for item in include.items if isinstance(include, YSeq) else []:
        if not isinstance(item, YScalar) or not item.text:
            continue  # reported by the schema
        path = _named_file(origin, item, collector)
        if path is None:
            continue
        key = files.resolved(path)
        if key in seen:
            collector.add(_included_twice(item, seen[key]))
            continue
        seen[key] = item
        doc = _read_include(path, item.span, reading)
        if doc is not None:
            docs.append(doc)
    return docs


def _included_twice(item: YScalar, first: YScalar | None) -> Diagnostic:
    return Diagnostic("E406", f"'{item.text}' is included twice", item.span,
                      help="remove this line: " + (
                          "a plan cannot include itself" if first is None else
                          f"it is already included at line {first.span.begin.line}"))


def _read_include(path: Path, at: Span, reading: _Reading) -> _Doc | None:
    collector = reading.collector
    name = files.display_name(path)
    text = files.read(path, files.PLAN_FILES, collector, name, at=at)
    if text is None:
        return None
    reading.names.append(name)
    tree, diags = read_yaml(text, name)
    collector.extend(diags)
    if isinstance(tree, YMap):
        return _Doc(_Origin(name, path.parent, files.resolved(path)), tree, include=True)
    if tree is not None:
        collector.error("E412", "an included file must be a mapping with the keys agencies, "
                        "groups or facts", tree.span,
                        help="start the file with 'agencies:' and list the entries under it")
    return None
