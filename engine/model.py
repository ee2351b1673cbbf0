"""The compiled plan: immutable, checked, ready to evaluate many fact sets.

Built by :func:`engine.loader.load_plan`; nothing here reads files. Collections are mappings
keyed by id, in the order of the plan file, except ``Plan.indicators``, which is in dependency
order (an indicator comes after those it references); ``Area.indicators`` keeps the order of the
file. Spans (where an entry was written) take no part in equality: two loads of the same plan,
or of a plan and its dump, compare equal.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast

from .diagnostics import Diagnostic
from .source import Span
from .values import Value

if TYPE_CHECKING:  # not at run time: a plan from the cache needs no parser (engine.cache)
    from .language import Formula

FactType = Literal["number", "count", "share", "bool", "date", "category"]

if TYPE_CHECKING:
    #: The types of fact, and the kinds of agency, that the plan schema allows (a test checks
    #: that ``FactType`` names the same types).
    FACT_TYPES: tuple[FactType, ...]
    AGENCY_KINDS: tuple[str, ...]


def __getattr__(name: str) -> Any:
    """``FACT_TYPES`` and ``AGENCY_KINDS``, read from the plan schema when first asked for:
    :mod:`engine.schema` imports the YAML reader, which a plan from the cache never needs."""
    if name in ("FACT_TYPES", "AGENCY_KINDS"):
        from .schema import choices

        value = globals()[name] = (cast(tuple[FactType, ...], choices("fact", "type"))
                                   if name == "FACT_TYPES" else choices("agency", "kind"))
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only view of ``mapping`` (the model never changes after loading)."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Label:
    """A name in Vietnamese with an optional English gloss."""

    vi: str
    en: str | None = None

    def text(self, lang: str = "vi") -> str:
        return (self.en or self.vi) if lang == "en" else self.vi

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, **({"en": self.en} if self.en else {})}


@dataclass(frozen=True, slots=True)
class Agency:
    """An agency of the registry: a department, a district, a commune...; ``parent`` is the
    agency above it."""

    id: str
    name: Label
    kind: str
    parent: str | None = None
    notes: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    #: the official code of the unit (digits, e.g. the GSO code "03646" of a commune)
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of agencies; ``members`` keep the order of the registry.

    ``kinds``, ``agencies``, ``union`` and ``minus`` are the definition as written in the plan
    (members = agencies of ``kinds`` + ``agencies`` + members of ``union``, minus the members
    of ``minus``); ``members`` is its result.
    """

    id: str
    members: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False)
    kinds: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    union: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: the data window ``start``-``end`` and the report's ``due`` date."""

    id: str
    name: Label
    start: dt.date
    end: dt.date
    due: dt.date
    span: Span | None = field(default=None, compare=False, repr=False)
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class FactDef:
    """A fact an agency may report: its type, who reports it and in which periods.

    ``at_most`` lists the facts this one can never exceed for one agency in one period (its
    wholes: ``dossiers_on_time`` is at most ``dossiers_received``); fact files that break it are
    refused (``E650``)."""

    id: str
    type: FactType
    label: Label
    reported_by: str
    reporters: tuple[str, ...]
    periods: tuple[str, ...]
    unit: str | None = None
    values: tuple[str, ...] = ()
    notes: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    at_most: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Indicator:
    """A target of the plan: how its value is computed over its scope, and what it must meet."""

    id: str
    area: str
    name: Label
    unit: str
    owner: str
    scope: str
    population: tuple[str, ...]
    value: Formula
    target: Formula
    deadline: Formula | None = None
    applicable: Formula | None = None
    baseline: Value | None = None
    source: str | None = None
    notes: str | None = None
    #: facts the formulas read, and the indicators they reference
    facts: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False)
    #: the breakdown units (see :func:`breakdown_units`), derived from the registry at load
    units: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False,
                                                           repr=False)

    @property
    def single_agency(self) -> str | None:
        """The agency whose facts bare fact names denote, when the scope is one agency."""
        return self.population[0] if len(self.population) == 1 else None


def breakdown_units(agencies: Mapping[str, Agency], population: Sequence[str]
                    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The breakdown units of a population: each agency whose parent is outside the
    population, with the members of the population below it (a district with its communes)."""
    members = set(population)
    units: dict[str, list[str]] = {}
    for a in population:
        root = a
        parent = agencies[a].parent
        while parent is not None and parent in members:
            root = parent
            parent = agencies[parent].parent
        units.setdefault(root, []).append(a)
    return tuple((u, tuple(m)) for u, m in units.items())


@dataclass(frozen=True, slots=True)
class Area:
    """A reform area; ``indicators`` are its full indicator ids in the order of the file."""

    id: str
    name: Label
    lead: str | None
    indicators: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False)
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision that issued the plan: its number, date and signer."""

    number: str
    date: dt.date | None = None
    signer: str | None = None


@dataclass(frozen=True)
class Plan:
    """A loaded, checked plan. Immutable; safe to share across threads."""

    id: str
    year: int
    title: Label
    agencies: Mapping[str, Agency]
    groups: Mapping[str, Group]
    periods: Mapping[str, Period]
    facts: Mapping[str, FactDef]
    areas: Mapping[str, Area]
    indicators: Mapping[str, Indicator]
    decision: Decision | None = None
    source: str | None = None
    path: str = field(default="", compare=False)
    files: tuple[str, ...] = field(default=(), compare=False)
    notes: str | None = None
    #: what loading found doubtful but not wrong (``W9xx``: a name whose words disagree with
    #: its target or the plan's year), sorted by place; ``cchc validate`` prints them
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False, repr=False)

    @functools.cached_property
    def _children(self) -> Mapping[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for a in self.agencies.values():
            if a.parent is not None:
                out.setdefault(a.parent, []).append(a.id)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    def children(self, agency: str) -> tuple[str, ...]:
        """Direct subordinates of ``agency`` in registry order."""
        return self._children.get(agency, ())

    def roots(self) -> tuple[str, ...]:
        """Agencies without a parent (usually the province), in registry order."""
        return tuple(a.id for a in self.agencies.values() if a.parent is None)

    def hierarchy(self) -> Any:
        """The agency hierarchy as a frozen ``networkx.DiGraph`` (edges parent -> child; nodes
        carry ``kind`` and ``name``). The loader has checked that it is a forest."""
        import networkx as nx

        graph = nx.DiGraph()
        for a in self.agencies.values():
            graph.add_node(a.id, kind=a.kind, name=a.name.vi)
        graph.add_edges_from((a.parent, a.id) for a in self.agencies.values()
                             if a.parent is not None)
        return nx.freeze(graph)

    def descendants(self, agency: str) -> tuple[str, ...]:
        """Every agency below ``agency``, in registry order."""
        below: set[str] = set()
        frontier = [agency]
        while frontier:
            current = frontier.pop()
            for child in self.children(current):
                if child not in below:
                    below.add(child)
                    frontier.append(child)
        return tuple(a for a in self.agencies if a in below)

    def group_members(self, group: str) -> tuple[str, ...]:
        """Members of a group id, or the agency itself when ``group`` is an agency id."""
        if group in self.groups:
            return self.groups[group].members
        return (group,) if group in self.agencies else ()

    def summary(self) -> dict[str, int]:
        return {
            "areas": len(self.areas),
            "indicators": len(self.indicators),
            "agencies": len(self.agencies),
            "periods": len(self.periods),
            "facts": len(self.facts),
        }
