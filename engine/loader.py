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
``E407``  a plan or included file cannot be read (missing, a folder, no permission, too large)
``E408``  plans that extend each other in a cycle, or in a chain of more than 32 plans
``E409``  a file named by ``include:`` or ``extends:`` outside the root folder (never opened)
``E410``  unknown key (with the allowed keys or a did-you-mean)
``E411``  missing required key
``E412``  wrong type, value not allowed, invalid id
``E413``  not a date (``YYYY-MM-DD``), or not a date of the calendar
``E414``  category fact without values, or values on another type
``E415``  a file named by ``include:`` or ``extends:`` that is not a plan file (never quoted)
``E420``  unknown agency (parent, group member, lead, owner), or a group where an agency goes
``E421``  unknown group or agency (union, minus, reported_by, scope)
``E422``  unknown period
``E423``  a group with the id of an agency
``E424``  the scope of an indicator has no agencies
``E425``  a fact id that formulas already use (a keyword, ``value``, ``baseline``, ``sum``...)
``E426``  unknown fact in ``at_most``
``E427``  two agencies with the same official ``code``
``E430``  a period's dates out of order (from <= until <= due)
``E431``  a deadline far from the plan year
``E432``  the unit does not fit the type of the value
``E433``  target or applicable not a condition, deadline not a date
``E434``  the baseline is not a literal, or is used but not given
``E435``  a relation (``at_most``) between facts that cannot be compared
``E440``  a child plan overrides an id its parent does not have (with a did-you-mean)
``E441``  ``remove`` or ``merge_agencies`` names an id the plan does not have, or stands in a
          plan that extends none
``E442``  something removed is still used (every user is listed)
``E501``  the agency hierarchy has a cycle
``E502``  groups defined in a cycle
``E503``  indicators that depend on each other in a cycle, as the path ``a -> b -> a``
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import files, messages
from .diagnostics import Collector, Diagnostic, PlanError
from .gcpause import gc_paused
from .i18n import N_, _

# What compiles a plan (YAML, the schema's validator, the registry and its graphs, the formula
# parser) is imported when a plan is compiled, not when it comes from the cache (engine.cache).
if TYPE_CHECKING:
    from .cache import CacheArg
    from .model import Plan
    from .source import Span
    from .yamlsrc import YMap, YNode, YScalar

__all__ = ["load_plan", "loads_plan", "plan_schema"]


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan files: :func:`engine.schema.plan_schema`, imported
    here when asked for, as the validator's module imports the YAML reader, which a plan from
    the cache never needs."""
    from .schema import plan_schema as schema

    return schema()


def load_plan(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
              max_file_bytes: int = files.MAX_FILE_BYTES, cache: CacheArg = False) -> Plan:
    """Load, check and compile the plan file at ``path``; the files it includes or extends are
    found next to it, and must lie (links followed) inside ``root``: by default the folder of
    ``path``. Each file is read up to ``max_file_bytes`` bytes. Raises :class:`PlanError`
    carrying every diagnostic.

    ``cache``: True keeps the compiled plan in the cache folder (``$CCHC_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/cchc`` or ``~/.cache/cchc``), a path in that folder; the next load of the
    same plan, while none of its files and not the engine changed, reads it from there
    (:mod:`engine.cache`). ``CCHC_NO_CACHE=1`` turns it off. The result is the same plan,
    warnings included, with or without the cache."""
    from .cache import cached_plan, directory

    folder = directory(cache)
    if folder is None:
        with gc_paused():  # a plan's nodes and dicts hold no cycles to collect
            return _load_file(Path(path), root, max_file_bytes)
    # What decides the result besides the files read: the path as given and the working
    # folder (every file is named relative to it in diagnostics), the root, the limit, and the
    # language the plan's warnings are worded in (engine.i18n).
    from .i18n import current

    load = ("load_plan", os.fspath(path), os.getcwd(),
            "" if root is None else str(files.resolved(Path(root))), str(max_file_bytes),
            current())
    with gc_paused():
        return cached_plan(folder, load, max_file_bytes,
                           lambda: _load_file(Path(path), root, max_file_bytes))


def _load_file(path: Path, root: str | os.PathLike[str] | None, max_file_bytes: int) -> Plan:
    collector = Collector()
    name = files.display_name(path)
    text = files.read(path, files.PLAN_FILES, collector, name, limit=max_file_bytes)
    collector.raise_if_any(PlanError)
    assert text is not None
    reading = _Reading(collector, path.parent if root is None else Path(root), max_file_bytes)
    return _load(_Origin(name, path.parent, files.resolved(path)), text, reading)


def loads_plan(text: str, name: str = "<plan>", *,
               base_dir: str | os.PathLike[str] | None = None,
               root: str | os.PathLike[str] | None = None,
               max_file_bytes: int = files.MAX_FILE_BYTES) -> Plan:
    """Load, check and compile a plan given as text; diagnostics name it ``name``.

    A plan given as text may include or extend files only when ``base_dir`` is given: their
    paths are relative to that folder, and must lie inside ``root`` (by default ``base_dir``)
    and hold at most ``max_file_bytes`` bytes each. Raises :class:`PlanError` carrying every
    diagnostic, the same as :func:`load_plan` for the same text in a file.

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
    reading = _Reading(Collector(), folder if root is None else Path(root), max_file_bytes)
    return _load(_Origin(name, folder, None), text, reading)


def load_named_plan(path: Path, at: Span, *, root: Path, max_file_bytes: int) -> Plan:
    """The plan at ``path``, named at ``at`` in another file (a test case's ``plan:``): read
    as a file that :func:`load_plan` reaches through ``extends``, so a file that is not a plan
    is named (``E415``) and never quoted. ``path`` must already be inside ``root``."""
    reading = _Reading(Collector(), root, max_file_bytes)
    origin = _Origin(files.display_name(path), path.parent, files.resolved(path))
    tree = _reach(path, at, reading, _PLAN)
    reading.collector.raise_if_any(PlanError)
    assert tree is not None
    return _compile(origin, tree, reading)


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
    """One load: the diagnostics, the root folder every file it names must lie in (None for
    text given without a folder, which names no file), the size limit of each file, and every
    file's name read so far."""

    collector: Collector
    root: Path | None
    limit: int
    names: list[str] = field(default_factory=list)


def _load(origin: _Origin, text: str, reading: _Reading) -> Plan:
    from .yamlsrc import YMap, read_yaml

    reading.names.append(origin.name)
    tree, diags = read_yaml(text, origin.name)
    reading.collector.extend(diags)
    if tree is not None and not isinstance(tree, YMap):
        reading.collector.error(
            "E412", _("a plan file must be a mapping of keys such as cchc, id, year, title, "
                       "agencies"), tree.span,
                           help=_("start from the example in docs/plan-format.md"))
    reading.collector.raise_if_any(PlanError)
    assert isinstance(tree, YMap)
    return _compile(origin, tree, reading)


def _compile(origin: _Origin, top: YMap, reading: _Reading) -> Plan:
    from .consistency import check_consistency
    from .formulas import compile_indicators
    from .model import Area, Decision, Plan, frozen
    from .registry import Registry, date, entries, label, text_of
    from .schema import validate
    from .wording import check_wording
    from .yamlsrc import YMap, YScalar

    collector = reading.collector
    docs = _read_docs(origin, top, reading)
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
    from .inherit import Resolver, fold_includes
    from .schema import validate
    from .yamlsrc import YScalar

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
                    "E441",
                        _("'{directive}' does nothing in a plan that extends no other plan").format(
                                directive=directive),
                    docs[0].tree.key_span(directive),
                    help=_("add 'extends: <parent plan>' to change a parent plan, or delete "
                            "'{directive}' and edit this plan's own entries").format(
                             directive=directive))
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
        collector.error("E407", _("'{extends}' is not a file path").format(extends=extends.text),
            extends.span,
                        help=_("extends takes a path relative to this plan file; URLs are "
                                "refused"))
        return None
    path = _named_file(origin, extends, reading)
    if path is None:
        return None
    key = files.resolved(path)
    here = () if origin.key is None else (origin.key,)
    if len(chain) + len(here) >= MAX_EXTENDS:
        collector.error("E408", _("plans extend each other more than {MAX_EXTENDS} deep").format(
                                    MAX_EXTENDS=MAX_EXTENDS),
                        extends.span, help=_("a plan extends last year's plan, which may extend "
                                              "the year before: a chain of more than "
                                              "{MAX_EXTENDS} plans is refused").format(
                                               MAX_EXTENDS=MAX_EXTENDS))
        return None
    if key in (*chain, *here):
        loop = (*chain, *here)
        names = [p.name for p in (*loop[loop.index(key):], key)]
        collector.error("E408", _("plans extend each other in a cycle: ") + " -> ".join(names),
                        extends.span, help=_("a plan cannot extend itself, directly or through "
                                              "others"))
        return None
    tree = _reach(path, extends.span, reading, _PLAN)
    if tree is None:
        return None
    docs = _read_docs(_Origin(files.display_name(path), path.parent, key), tree, reading)
    return _layer(docs, reading, (*chain, *here))


def _named_file(origin: _Origin, node: YScalar, reading: _Reading) -> Path | None:
    """The path of a file that the plan names (``include:``, ``extends:``), relative to its
    folder; None, with ``E407``, for a plan given as text without a folder, and with ``E409``
    for a path that leads outside the root folder (the file is not opened)."""
    collector = reading.collector
    if origin.folder is None or reading.root is None:
        collector.error("E407", _("cannot read '{node}': a plan given as text can only include "
                                   "or extend files when a folder is given (base_dir=)").format(
                                    node=node.text), node.span,
                        help=_("pass base_dir= to loads_plan (the folder the paths are relative "
                                "to), or load the plan from its file with load_plan"))
        return None
    path = origin.folder / node.text
    if not files.within(path, reading.root):
        collector.add(messages.outside_root(
            "E409", node.text, files.display_name(reading.root), node.span,
            default=_("by default, the folder of the plan given"), call="load_plan"))
        return None
    return path


def _read_docs(origin: _Origin, tree: YMap, reading: _Reading) -> list[_Doc]:
    """The plan's tree and the trees of the files it includes."""
    from .yamlsrc import YScalar, YSeq

    collector = reading.collector
    docs = [_Doc(origin, tree)]
    include = tree.get("include")
    seen: dict[Path | None, YScalar | None] = {origin.key: None} if origin.key else {}
    for item in include.items if isinstance(include, YSeq) else []:
        if not isinstance(item, YScalar) or not item.text:
            continue  # reported by the schema
        path = _named_file(origin, item, reading)
        if path is None:
            continue
        key = files.resolved(path)
        if key in seen:
            collector.add(_included_twice(item, seen[key]))
            continue
        seen[key] = item
        included = _reach(path, item.span, reading, _included())
        if included is not None:
            docs.append(_Doc(_Origin(files.display_name(path), path.parent, key), included,
                             include=True))
    return docs


def _included_twice(item: YScalar, first: YScalar | None) -> Diagnostic:
    return Diagnostic("E406", _("'{item}' is included twice").format(item=item.text), item.span,
                      help=_("remove this line: ") + (
                          _("a plan cannot include itself") if first is None else
                          _("it is already included at line {line}").format(
                              line=first.span.begin.line)))


@dataclass(frozen=True)
class _Kind:
    """What a file reached through another (an included file, a plan it extends) must look like
    to be read as one: a mapping with at least one of ``keys`` at its top (or no key at all).
    Any other file is named as not a plan file (``E415``), and none of its text is quoted."""

    keys: tuple[str, ...]
    lacks: str
    help: str

    def holds(self, tree: YNode | None) -> bool:
        from .yamlsrc import YMap

        return isinstance(tree, YMap) and (not tree.items or any(k in tree.items
                                                                 for k in self.keys))

    def looks_like(self, text: str) -> bool:
        """Whether a text that is not YAML has one of the keys at the start of a line, as a plan
        file with a syntax error would (its error is then shown, on its one line)."""
        keys = "|".join(self.keys)
        return re.search(rf"^(?:\{{[ \t]*)?[\"']?(?:{keys})[\"']?[ \t]*:", text,
                         re.M) is not None


@functools.cache
def _included() -> _Kind:
    """What an included file looks like (made on first use: the merging of plans,
    :mod:`engine.inherit`, is not imported when a plan comes from the cache)."""
    from .inherit import INCLUDABLE

    return _Kind(INCLUDABLE, N_("none of its top-level keys is agencies, groups or facts"),
                 N_("an included file holds 'agencies:', 'groups:' or 'facts:'; check the path "
                    "(its content is not shown: cchc quotes only plan files)"))


#: Every plan has ``cchc:`` (required of a plan that extends none) or ``extends:``.
_PLAN = _Kind(("cchc", "extends"), N_("it has neither 'cchc:' nor 'extends:' at its top"),
              N_("a plan file starts with 'cchc: 1', or 'extends:' for a plan that changes "
                 "another; check the path (its content is not shown: cchc quotes only plan "
                 "files)"))


def _reach(path: Path, at: Span, reading: _Reading, kind: _Kind) -> YMap | None:
    """The tree of a file named at ``at`` in another file, or None with the reason reported.
    A file that is not of ``kind`` gets one diagnostic at ``at`` that names it and quotes
    nothing of it (not its lines, not its keys)."""
    from .yamlsrc import YMap, read_yaml

    collector = reading.collector
    name = files.display_name(path)
    text = files.read_text(path, name, reading.limit)
    if isinstance(text, files.Unreadable):
        if text.span is not None and not kind.looks_like(text.span.source.text):
            collector.add(_not_a_plan(name, at, kind, _("it is not UTF-8 text")))
        else:
            collector.add(messages.unreadable(text, name, files.PLAN_FILES, at))
        return None
    reading.names.append(name)
    tree, diags = read_yaml(text, name)
    if kind.holds(tree):
        collector.extend(diags)
        assert isinstance(tree, YMap)
        return tree
    if tree is None and (not text.strip() or kind.looks_like(text)):
        collector.extend(diags)  # a plan file with a YAML error: its one line is shown
        return None
    collector.add(_not_a_plan(name, at, kind, _(kind.lacks) if isinstance(tree, YMap) else
                              _("it is not YAML of a plan") if tree is None else
                              _("it is not a mapping of keys")))
    return None


def _not_a_plan(name: str, at: Span, kind: _Kind, reason: str) -> Diagnostic:
    return Diagnostic("E415", _("{show} is not a plan file: {reason}").format(
                                  show=messages.show(name, 120), reason=reason), at,
                      help=_(kind.help))
