"""The registry of a plan: its agencies, groups, periods, fact catalogue and areas, built from
the merged and schema-checked YAML tree, with every reference between them checked.

Owns ``E420``–``E427``, ``E430`` and ``E435`` (unknown agency, group, period, or fact named in
``at_most``; a group named like an agency; a reserved fact id; a period's dates out of order; a
relation between facts that cannot be compared), and the two graph checks of the
registry, both through :func:`engine.graph.cycle_paths`: the agency hierarchy must be a forest
(``E501``) and groups may not be built from each other in a cycle (``E502``). It also holds the
small readers of YAML nodes (:func:`label`, :func:`text_of`, :func:`entries`, :func:`scalars`)
that the later stages share.

It also owns ``E427``: two agencies with the same official ``code``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .builtins import RESERVED_NAMES
from .diagnostics import Collector, did_you_mean
from .files import nfc
from .graph import cycle_paths, dependency_order
from .i18n import N_, _
from .model import Agency, FactDef, Group, Label, Period
from .yamlsrc import YMap, YNode, YScalar, YSeq

#: The types of fact that ``at_most`` can relate: those with an order.
ORDERED_TYPES = ("number", "count", "share", "date")


def label(node: YNode | None) -> Label:
    """A ``{vi: ..., en: ...}`` name (empty when absent)."""
    if isinstance(node, YMap):
        vi = node.get("vi")
        en = node.get("en")
        return Label(nfc(vi.text) if isinstance(vi, YScalar) else "",
                     nfc(en.text) if isinstance(en, YScalar) else None)
    return Label("")


def text_of(node: YNode | None) -> str | None:
    """A scalar's text in NFC, or None when the node is not a scalar."""
    return nfc(node.text) if isinstance(node, YScalar) else None


def entries(node: YNode | None) -> list[tuple[YScalar, YMap]]:
    """The entries of a collection keyed by id (the schema has made each one a mapping)."""
    if not isinstance(node, YMap):
        return []
    return [(k, v) for k, v in node.items.values() if isinstance(v, YMap)]


def scalars(node: YNode | None) -> list[YScalar]:
    """The scalars of a list (none when the node is not a list)."""
    if isinstance(node, YSeq):
        return [n for n in node.items if isinstance(n, YScalar)]
    return []


def date(node: YNode | None, collector: Collector) -> dt.date | None:
    if not isinstance(node, YScalar):
        return None
    try:
        return dt.date.fromisoformat(node.text)
    except ValueError:  # pragma: no cover - the schema has checked every date
        collector.error("E413", _("'{node}' is not a date of the calendar").format(node=node.text),
            node.span,
                        help=_("write a real date as YYYY-MM-DD"))
        return None


class Registry:
    """Agencies, groups, periods, facts and areas of one plan tree, with the indicators found
    in its areas (compiled later by :mod:`engine.formulas`). Build it with :meth:`build`."""

    def __init__(self, tree: YMap, collector: Collector) -> None:
        self.tree = tree
        self.collector = collector
        self.agencies: dict[str, Agency] = {}
        self.groups: dict[str, Group] = {}
        self.periods: dict[str, Period] = {}
        self.facts: dict[str, FactDef] = {}
        #: area id -> (key scalar, definition)
        self.areas: dict[str, tuple[YScalar, YMap]] = {}
        #: every indicator of the plan: full id -> (area id, key scalar, definition)
        self.indicators: dict[str, tuple[str, YScalar, YMap]] = {}

    @classmethod
    def build(cls, tree: YMap, collector: Collector) -> Registry:
        registry = cls(tree, collector)
        registry.load_agencies()
        registry.load_groups()
        registry.load_periods()
        registry.load_facts()
        registry.load_areas()
        return registry

    def collection(self, key: str) -> list[tuple[YScalar, YMap]]:
        return entries(self.tree.get(key))

    def population(self, scope: str) -> tuple[str, ...]:
        """The agencies a scope (a group id or an agency id) stands for."""
        return self.groups[scope].members if scope in self.groups else (scope,)

    # -- references ----------------------------------------------------------------------------
    def unknown_ref(self, code: str, what: str, node: YScalar, candidates: Iterable[str],
                    extra: str = "", help: str | None = None) -> None:
        names, what = list(candidates), _(what)  # marked N_() by the caller
        hint = did_you_mean(node.text, names)
        if hint is None and help is None:
            if not names:
                help = _("the plan declares no {what} yet: declare it first").format(what=what)
            elif len(names) <= 8:
                help = _("known {what} ids: {ids}").format(what=what, ids=", ".join(names))
            else:
                help = _("declare the {what} first, or check the spelling").format(what=what)
        self.collector.error(code, _("unknown {what} '{node}'{extra}").format(
                                       what=what, node=node.text, extra=extra), node.span,
                             help=hint or help)

    def scope_ref(self, node: YNode | None, what: str = N_("group")) -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.groups or node.text in self.agencies:
            return node.text
        self.unknown_ref("E421", what, node, [*self.groups, *self.agencies],
                         _(" (a group id or an agency id)"),
                         help=_("declare the group under 'groups:', or name one agency"))
        return None

    def agency_ref(self, node: YNode | None) -> str | None:
        if not isinstance(node, YScalar):
            return None
        if node.text in self.agencies:
            return node.text
        if node.text in self.groups:
            self.collector.error("E420", _("'{node}' is a group, not an agency").format(
                                             node=node.text), node.span,
                                 help=_("name the one agency in charge, e.g. the group's lead"))
            return None
        self.unknown_ref("E420", N_("agency"), node, self.agencies)
        return None

    # -- agencies ------------------------------------------------------------------------------
    def load_agencies(self) -> None:
        found = self.collection("agencies")
        ids = [k.text for k, _ in found]
        parents: dict[str, YScalar] = {}
        for key, node in found:
            parent = node.get("parent")
            if isinstance(parent, YScalar):
                if parent.text not in ids:
                    self.unknown_ref("E420", N_("agency"), parent, ids,
                        _(" (parent)"),
                                     help=_("declare the parent agency, or check the spelling"))
                else:
                    parents[key.text] = parent
            self.agencies[key.text] = Agency(key.text, label(node.get("name")),
                                             text_of(node.get("kind")) or "",
                                             parent.text if isinstance(parent, YScalar) else None,
                                             text_of(node.get("notes")), key.span,
                                             code=text_of(node.get("code")))
        self.check_codes(found)
        # The hierarchy must be a forest; each cycle is reported at the parent that closes it.
        edges = {child: [p.text] for child, p in parents.items()}
        for cycle in cycle_paths(edges, ids):
            self.collector.error(
                "E501", _("the agency hierarchy has a cycle: ") + " -> ".join(cycle)
                + _(" (each arrow points to the parent)"), parents[cycle[-2]].span,
                help=_("an agency cannot be its own parent, directly or not: fix the parent of "
                        "one of them"))

    def check_codes(self, found: list[tuple[YScalar, YMap]]) -> None:
        """``E427``: an official code names one unit, so two agencies cannot share one."""
        first: dict[str, tuple[str, YScalar]] = {}
        for key, node in found:
            code = node.get("code")
            if not isinstance(code, YScalar):
                continue
            if code.text not in first:
                first[code.text] = (key.text, code)
                continue
            other, where = first[code.text]
            b = where.span.begin
            self.collector.error(
                "E427", _("the code '{code}' of '{key}' is already the code of '{other}'").format(
                            code=code.text, key=key.text, other=other), code.span,
                help=_("'{other}' has it at {file}:{line}; an official code names one unit: "
                        "check both against the official list of administrative units").format(
                         other=other, file=b.file, line=b.line))

    # -- groups --------------------------------------------------------------------------------
    def load_groups(self) -> None:
        defs = {k.text: (k, v) for k, v in self.collection("groups")}
        for gid, (key, _unused) in defs.items():
            if gid in self.agencies:
                self.collector.error(
                    "E423", _("the group '{gid}' has the id of an agency").format(gid=gid),
                        key.span,
                    help=_("rename the group: a scope names either a group or one agency, so "
                            "the two cannot share an id"))
        # Groups built from groups: report each cycle at the reference that closes it, then
        # resolve the others, each after the groups it is built from.
        refs: dict[str, dict[str, YScalar]] = {gid: {} for gid in defs}
        for gid, (_key, node) in defs.items():
            for part in ("union", "minus"):
                for ref in scalars(node.get(part)):
                    if ref.text in defs:
                        refs[gid].setdefault(ref.text, ref)
        cycles = cycle_paths(refs, list(defs))
        for cycle in cycles:
            self.collector.error(
                "E502", _("groups are defined in a cycle: ") + " -> ".join(cycle),
                refs[cycle[-2]][cycle[-1]].span,
                help=_("a group cannot contain itself, directly or through another group: "
                        "remove one of these references"))
        in_cycle = {gid for cycle in cycles for gid in cycle}
        acyclic = {gid: [r for r in targets if r not in in_cycle]
                   for gid, targets in refs.items() if gid not in in_cycle}
        members: dict[str, tuple[str, ...]] = {}
        for gid in dependency_order(acyclic, list(acyclic)) or []:
            members[gid] = self.members(gid, defs, members)
        for gid in [g for g in defs if g in in_cycle]:
            # still checked for unknown references; their members stay empty
            self.members(gid, defs, members)
            members[gid] = ()
        for gid, (key, node) in defs.items():
            self.groups[gid] = Group(
                gid, members[gid], key.span,
                kinds=tuple(k.text for k in scalars(node.get("kinds"))),
                agencies=tuple(k.text for k in scalars(node.get("agencies"))),
                union=tuple(k.text for k in scalars(node.get("union"))),
                minus=tuple(k.text for k in scalars(node.get("minus"))),
                notes=text_of(node.get("notes")))

    def members(self, gid: str, defs: dict[str, tuple[YScalar, YMap]],
                done: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The members of group ``gid``, the groups it is built from being ``done``."""
        node = defs[gid][1]
        kinds = {k.text for k in scalars(node.get("kinds"))}
        found = {a.id for a in self.agencies.values() if a.kind in kinds}
        for ref in scalars(node.get("agencies")):
            if ref.text in self.agencies:
                found.add(ref.text)
            elif ref.text in defs:
                self.collector.error("E420", _("'{ref}' is a group, not an agency").format(
                                                 ref=ref.text), ref.span,
                                     help=_("list groups under 'union': union: [{ref}]").format(
                                              ref=ref.text))
            else:
                self.unknown_ref("E420", N_("agency"), ref, self.agencies)
        for part in ("union", "minus"):
            for ref in scalars(node.get(part)):
                if ref.text in defs:
                    sub = set(done.get(ref.text, ()))
                elif ref.text in self.agencies:
                    sub = {ref.text}
                else:
                    self.unknown_ref("E421", N_("group"), ref, [*defs, *self.agencies],
                                     _(" (a group id or an agency id)"))
                    continue
                found = found | sub if part == "union" else found - sub
        return tuple(a for a in self.agencies if a in found)

    # -- periods -------------------------------------------------------------------------------
    def load_periods(self) -> None:
        for key, node in self.collection("periods"):
            start, end, due = (date(node.get(k), self.collector) for k in ("from", "until", "due"))
            if start is None or end is None or due is None:
                continue  # pragma: no cover - the schema requires the three dates
            until_node, due_node = node.get("until"), node.get("due")
            if start > end:
                self.collector.error(
                    "E430", _("period '{key}' ends ({end}) before it starts ({start})").format(
                                key=key.text, end=end, start=start),
                    until_node.span if until_node is not None else key.span,
                    help=_("'from' is the first day of the data window and 'until' its last "
                            "day: swap them, or fix the year"))
            elif end > due:
                self.collector.error(
                    "E430",
                        _("period '{key}' is due ({due}) before its data window ends "
                          "({end})").format(
                                key=key.text, due=due, end=end),
                                    due_node.span if due_node is not None else key.span,
                    help=_("'due' is the last day on which the report is on time; it comes on "
                            "or after 'until'"))
            self.periods[key.text] = Period(key.text, label(node.get("name")), start, end, due,
                                            key.span, text_of(node.get("notes")))

    # -- the fact catalogue --------------------------------------------------------------------
    def load_facts(self) -> None:
        wholes: dict[str, list[YScalar]] = {}
        for key, node in self.collection("facts"):
            if key.text in RESERVED_NAMES:
                self.collector.error("E425", _("'{key}' cannot be a fact id: formulas already "
                                                "use this name").format(key=key.text), key.span,
                                     help=_("choose another id, e.g. '{key}_reported'").format(
                                              key=key.text))
            ftype = text_of(node.get("type")) or "number"
            reported_by = self.scope_ref(node.get("reported_by"))
            periods: list[str] = []
            period_nodes = node.get("periods")
            for p in scalars(period_nodes):
                if p.text in self.periods:
                    periods.append(p.text)
                else:
                    self.unknown_ref("E422", N_("period"), p, self.periods)
            values = tuple(nfc(v.text) for v in scalars(node.get("values")))
            if ftype == "category" and not values:
                self.collector.error("E414", _("category fact '{key}' lists no values").format(
                                                 key=key.text),
                                     key.span, help=
                                         _("add 'values: [A, B, ...]' with the allowed "
                                            "categories"))
            if ftype != "category" and node.get("values") is not None:
                self.collector.error("E414", _("only category facts take 'values' ('{key}' is a "
                                                "{ftype})").format(key=key.text, ftype=str(ftype)),
                                                    node.key_span("values"),
                                     help=_("remove 'values', or make the fact type 'category'"))
            reporters = self.population(reported_by) if reported_by else ()
            at_most = node.get("at_most")
            wholes[key.text] = [at_most] if isinstance(at_most, YScalar) else scalars(at_most)
            self.facts[key.text] = FactDef(
                key.text, ftype, label(node.get("label")), reported_by or "",  # type: ignore[arg-type]
                reporters, tuple(periods) if period_nodes is not None else tuple(self.periods),
                text_of(node.get("unit")), values, text_of(node.get("notes")), key.span,
                at_most=tuple(dict.fromkeys(w.text for w in wholes[key.text])))
        for part, refs in wholes.items():
            for ref in refs:
                self.check_relation(self.facts[part], ref)

    def check_relation(self, part: FactDef, ref: YScalar) -> None:
        """Check ``at_most: <ref>`` of fact ``part``: the whole exists (``E426``), and the two
        can be compared for one agency in one period (``E435``)."""
        whole = self.facts.get(ref.text)
        if whole is None:
            self.unknown_ref("E426", N_("fact"), ref, self.facts,
                _(" in 'at_most' of '{part}'").format(part=part.id),
                             help=_("name a fact of the catalogue: the whole this fact is a "
                                     "part of"))
            return
        problem, help = None, None
        if whole.id == part.id:
            problem = _("'{part}' cannot be at most itself").format(part=part.id)
            help = _("name the whole this fact is a part of, or remove 'at_most'")
        elif part.type != whole.type or part.type not in ORDERED_TYPES:
            why = _("{type} facts have no order").format(
                type=part.type) if part.type == whole.type else \
                _("'{part}' is a {type} and '{whole}' a {type2}").format(
                    part=part.id, type=part.type, whole=whole.id, type2=whole.type)
            problem = _("'{part}' cannot be at most '{whole}': {why}").format(
                          part=part.id, whole=whole.id, why=why)
            help = (_("a part and its whole are facts of one type: both counts, numbers, shares "
                       "or dates"))
        elif part.unit is not None and whole.unit is not None and part.unit != whole.unit:
            problem = (_("'{part}' cannot be at most '{whole}': their units differ ({unit}, "
                          "{unit2})").format(
                           part=part.id, whole=whole.id, unit=part.unit, unit2=whole.unit))
            help = (_("a part and its whole are in the same unit: correct the unit of one, or "
                       "remove the relation"))
        elif part.reporters and whole.reporters and (
                not set(part.reporters) & set(whole.reporters)
                or not set(part.periods) & set(whole.periods)):
            problem = (_("'{part}' cannot be at most '{whole}': no agency reports both in the "
                          "same period").format(part=part.id, whole=whole.id))
            help = (_("a relation compares two facts of one agency in one period: check "
                       "'reported_by' and 'periods' of both facts, or remove the relation"))
        if problem is not None:
            self.collector.error("E435", problem, ref.span, help=help)

    # -- areas ---------------------------------------------------------------------------------
    def load_areas(self) -> None:
        for key, node in self.collection("areas"):
            if node.get("lead") is not None:
                self.agency_ref(node.get("lead"))
            for ikey, ind in entries(node.get("indicators")):
                self.agency_ref(ind.get("owner"))
                self.scope_ref(ind.get("scope"))
                self.indicators[f"{key.text}.{ikey.text}"] = (key.text, ikey, ind)
            self.areas[key.text] = (key, node)
