"""The semantic diff of two plans: what changed in meaning, not in text.

    diff = diff_plans(load_plan("plans/2023.yaml"), load_plan("plans/2024.yaml"))
    diff.is_empty                # False
    diff.to_dict()               # what `cchc diff --format json` prints

Rendering a diff (text, Markdown, JSON) is :mod:`engine.render_diff`.

Both plans are compared as loaded: formulas by their canonical text (so spacing, line breaks and
parentheses that change nothing give no difference), groups and scopes by the set of agencies they
resolve to, lists by their content. Comments, key order, quoting and layout of the YAML never
show. Free-text ``notes`` are not compared: they explain a plan, they do not change what it asks.

Every section (areas, indicators, agencies, groups, periods, facts) lists the ids added, the ids
removed and, for each id in both plans, the fields that changed, old and new. Entries are listed
by id (periods by due date), so the diff does not depend on the order of the files either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .language import Formula
from .model import Agency, Area, FactDef, Group, Indicator, Period, Plan
from .printer import to_text
from .values import format_value

#: A field's value as shown in a diff: text, a whole number (the year, a member count) or absent.
Scalar: TypeAlias = str | int | None

SECTIONS = ("areas", "indicators", "agencies", "groups", "periods", "facts")

#: Fields compared for each section, in display order. Fields with members (a scope, the
#: reporters of a fact, a group) also list the agencies that came in and went out.
FIELDS: dict[str, tuple[str, ...]] = {
    "metadata": ("id", "year", "title.vi", "title.en", "decision.number", "decision.date",
                 "decision.signer", "source"),
    "areas": ("name.vi", "name.en", "lead"),
    "indicators": ("name.vi", "name.en", "unit", "owner", "scope", "value", "target",
                   "deadline", "applicable", "baseline", "source"),
    "agencies": ("name.vi", "name.en", "kind", "parent", "code"),
    "groups": ("members",),
    "periods": ("name.vi", "name.en", "from", "until", "due"),
    "facts": ("label.vi", "label.en", "type", "unit", "values", "reported_by", "periods",
              "at_most"),
}
#: Fields shown for an added or removed entry (the whole record is in ``Entry.fields``).
SUMMARY: dict[str, tuple[str, ...]] = {
    "areas": ("name.vi", "lead"),
    "indicators": ("name.vi", "owner", "scope", "target", "deadline"),
    "agencies": ("name.vi", "kind", "parent"),
    "groups": ("members",),
    "periods": ("from", "until", "due"),
    "facts": ("label.vi", "type", "reported_by", "periods"),
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one entry, old and new. ``added`` and ``removed`` list the agencies that
    came into and went out of a scope, a fact's reporters or a group (sorted ids); the field
    may change its members while its own value (the group id) stays the same."""

    field: str
    old: Scalar
    new: Scalar
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "old": self.old, "new": self.new}
        if self.added or self.removed:
            out["members_added"] = list(self.added)
            out["members_removed"] = list(self.removed)
        return out


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry present in only one of the plans, with its fields (absent ones left out) and,
    for a group, its members (sorted ids)."""

    id: str
    fields: tuple[tuple[str, Scalar], ...]
    members: tuple[str, ...] = ()

    def get(self, field: str) -> Scalar:
        return dict(self.fields).get(field)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, **{f: v for f, v in self.fields}}
        if self.members:
            out["member_ids"] = list(self.members)
        return out


@dataclass(frozen=True, slots=True)
class Changed:
    """An entry present in both plans whose fields differ."""

    id: str
    changes: tuple[FieldChange, ...]

    def get(self, field: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == field), None)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True, slots=True)
class SectionDiff:
    """Added, removed and changed entries of one section, each in id order."""

    name: str
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    changed: tuple[Changed, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def changed_entry(self, id: str) -> Changed | None:
        return next((c for c in self.changed if c.id == id), None)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed)}

    def to_dict(self) -> dict[str, Any]:
        return {"added": [e.to_dict() for e in self.added],
                "removed": [e.to_dict() for e in self.removed],
                "changed": [c.to_dict() for c in self.changed]}


@dataclass(frozen=True, slots=True)
class PlanRef:
    """Which plan a side of the diff is: its id, year and the file it was loaded from."""

    id: str
    year: int
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "year": self.year, "path": self.path}


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans. Immutable; ``is_empty`` for identical plans."""

    old: PlanRef
    new: PlanRef
    metadata: tuple[FieldChange, ...]
    areas: SectionDiff
    indicators: SectionDiff
    agencies: SectionDiff
    groups: SectionDiff
    periods: SectionDiff
    facts: SectionDiff
    #: Every agency of either plan by its name for people, in each language
    #: (``{"snv": {"vi": "Sở Nội vụ", "en": "Department of Home Affairs"}}``; a commune with its
    #: district, the new plan's name when both plans have it): what the text and Markdown show
    #: for an agency, where the JSON keeps ids.
    agency_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False,
                                                          repr=False)

    def agency_name(self, agency: str, lang: str) -> str:
        """``agency`` by its name in ``lang`` (its id when neither plan has it)."""
        return self.agency_names.get(agency, {}).get(lang, agency)

    @property
    def sections(self) -> tuple[SectionDiff, ...]:
        return (self.areas, self.indicators, self.agencies, self.groups, self.periods,
                self.facts)

    @property
    def is_empty(self) -> bool:
        return not self.metadata and all(s.is_empty for s in self.sections)

    def section(self, name: str) -> SectionDiff:
        if name not in SECTIONS:
            raise KeyError(name)
        result: SectionDiff = getattr(self, name)
        return result

    @property
    def moved_agencies(self) -> tuple[Changed, ...]:
        """Agencies whose parent changed (re-parented communes, merged districts)."""
        return tuple(c for c in self.agencies.changed if c.get("parent") is not None)

    @property
    def renamed_agencies(self) -> tuple[Changed, ...]:
        return tuple(c for c in self.agencies.changed
                     if c.get("name.vi") is not None or c.get("name.en") is not None)

    def summary(self) -> dict[str, dict[str, int]]:
        return {s.name: s.counts() for s in self.sections}

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "empty": self.is_empty,
            "summary": self.summary(),
            "metadata": [c.to_dict() for c in self.metadata],
            **{s.name: s.to_dict() for s in self.sections},
        }


# ---------------------------------------------------------------------------------------------
# Records: each entry as a flat mapping of comparable fields
# ---------------------------------------------------------------------------------------------


def _formula(f: Formula | None) -> str | None:
    return to_text(f.expr) if f is not None else None


def _list(items: Iterable[str]) -> str:
    return ", ".join(items)


def _metadata(plan: Plan) -> dict[str, Scalar]:
    d = plan.decision
    return {
        "id": plan.id, "year": plan.year, "title.vi": plan.title.vi, "title.en": plan.title.en,
        "decision.number": d.number if d else None,
        "decision.date": d.date.isoformat() if d and d.date else None,
        "decision.signer": d.signer if d else None,
        "source": plan.source,
    }


def _area(a: Area, plan: Plan) -> dict[str, Scalar]:
    return {"name.vi": a.name.vi, "name.en": a.name.en, "lead": a.lead}


def _indicator(i: Indicator, plan: Plan) -> dict[str, Scalar]:
    return {
        "name.vi": i.name.vi, "name.en": i.name.en, "unit": i.unit, "owner": i.owner,
        "scope": i.scope, "value": _formula(i.value), "target": _formula(i.target),
        "deadline": _formula(i.deadline), "applicable": _formula(i.applicable),
        "baseline": format_value(i.baseline) if i.baseline is not None else None,
        "source": i.source,
    }


def _agency(a: Agency, plan: Plan) -> dict[str, Scalar]:
    return {"name.vi": a.name.vi, "name.en": a.name.en, "kind": a.kind, "parent": a.parent,
            "code": a.code}


def _group(g: Group, plan: Plan) -> dict[str, Scalar]:
    return {"members": len(g.members)}


def _period(p: Period, plan: Plan) -> dict[str, Scalar]:
    return {"name.vi": p.name.vi, "name.en": p.name.en, "from": p.start.isoformat(),
            "until": p.end.isoformat(), "due": p.due.isoformat()}


def _period_key(plan: Plan) -> Callable[[str], tuple[str, str]]:
    """Periods in calendar order (by due date), whatever their order in the file."""
    def key(pid: str) -> tuple[str, str]:
        p = plan.periods.get(pid)
        return (p.due.isoformat() if p else "", pid)
    return key


def _fact(f: FactDef, plan: Plan) -> dict[str, Scalar]:
    return {"label.vi": f.label.vi, "label.en": f.label.en, "type": f.type, "unit": f.unit,
            # allowed values and periods are sets: their order in the file says nothing
            "values": _list(sorted(f.values)) or None, "reported_by": f.reported_by or None,
            "periods": _list(sorted(f.periods, key=_period_key(plan))),
            "at_most": _list(sorted(f.at_most)) or None}


def _members(section: str, item: Any) -> frozenset[str] | None:
    """The agencies behind a field with members, or None for sections without one."""
    if section == "groups":
        return frozenset(item.members)
    if section == "indicators":
        return frozenset(item.population)
    if section == "facts":
        return frozenset(item.reporters)
    return None


_MEMBER_FIELD = {"groups": "members", "indicators": "scope", "facts": "reported_by"}

_RECORDS: dict[str, Callable[[Any, Plan], dict[str, Scalar]]] = {
    "areas": _area, "indicators": _indicator, "agencies": _agency, "groups": _group,
    "periods": _period, "facts": _fact,
}


def _compare(old: Mapping[str, Scalar], new: Mapping[str, Scalar],
             fields: Iterable[str]) -> list[FieldChange]:
    return [FieldChange(f, old.get(f), new.get(f)) for f in fields if old.get(f) != new.get(f)]


def _section(name: str, old_plan: Plan, new_plan: Plan) -> SectionDiff:
    old: Mapping[str, Any] = getattr(old_plan, name)
    new: Mapping[str, Any] = getattr(new_plan, name)
    record = _RECORDS[name]
    fields = FIELDS[name]

    def entry(id: str, item: Any, plan: Plan) -> Entry:
        rec = record(item, plan)
        members = tuple(sorted(item.members)) if isinstance(item, Group) else ()
        return Entry(id, tuple((f, rec[f]) for f in fields if rec.get(f) is not None), members)

    def order(ids: Iterable[str], plan: Plan) -> list[str]:
        return sorted(ids, key=_period_key(plan)) if name == "periods" else sorted(ids)

    added = tuple(entry(i, new[i], new_plan) for i in order(set(new) - set(old), new_plan))
    removed = tuple(entry(i, old[i], old_plan) for i in order(set(old) - set(new), old_plan))
    changed: list[Changed] = []
    for id in order(set(old) & set(new), new_plan):
        before, after = record(old[id], old_plan), record(new[id], new_plan)
        changes = _compare(before, after, fields)
        was, now = _members(name, old[id]), _members(name, new[id])
        if was is not None and now is not None and was != now:
            field = _MEMBER_FIELD[name]
            changes = [c for c in changes if c.field != field]
            change = FieldChange(field, before.get(field), after.get(field),
                                 tuple(sorted(now - was)), tuple(sorted(was - now)))
            changes.append(change)
            changes.sort(key=lambda c: fields.index(c.field))
        if changes:
            changed.append(Changed(id, tuple(changes)))
    return SectionDiff(name, added, removed, tuple(changed))


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """What changed from ``old`` to ``new``. Pure: reads nothing, prints nothing."""
    return PlanDiff(
        old=PlanRef(old.id, old.year, old.path),
        new=PlanRef(new.id, new.year, new.path),
        metadata=tuple(_compare(_metadata(old), _metadata(new), FIELDS["metadata"])),
        areas=_section("areas", old, new),
        indicators=_section("indicators", old, new),
        agencies=_section("agencies", old, new),
        groups=_section("groups", old, new),
        periods=_section("periods", old, new),
        facts=_section("facts", old, new),
        agency_names=_agency_names(old, new),
    )


def _agency_names(old: Plan, new: Plan) -> dict[str, dict[str, str]]:
    from .render import agency_name

    return {a: {lang: agency_name(plan, a, lang) for lang in ("vi", "en")}
            for plan in (old, new) for a in plan.agencies}
