"""A plan diff rendered for people: plain text for the terminal, Markdown for the decision
file, JSON for tools. The diff itself (what changed) is :mod:`engine.diff`. Text and Markdown are
in the current language (:func:`engine.i18n.current`, which ``cchc diff --lang`` sets) and name
agencies (owners, leads, parents, members) by their names; JSON keeps ids. A control or
bidirectional character of a name or a formula is written out (``\\x1b``, see
:mod:`engine.escape`) in text and Markdown, escaped the JSON way in JSON.

    >>> from engine.diff import diff_plans
    >>> from engine.loader import load_plan
    >>> plan = load_plan("tests/data/plans/minimal.yaml")
    >>> print(render_diff_text(diff_plans(plan, plan)), end="")
    old: mini-2023 2023 (tests/data/plans/minimal.yaml)
    new: mini-2023 2023 (tests/data/plans/minimal.yaml)
    no differences
"""

from __future__ import annotations

import json

from .diff import SUMMARY, Entry, FieldChange, PlanDiff, PlanRef, Scalar
from .escape import json_safe, visible, visible_lines
from .i18n import N_, _, current, ngettext
from .numbers import format_number_local

__all__ = ["MEMBERS_SHOWN", "render_diff_json", "render_diff_markdown", "render_diff_text"]


#: Most members listed in text and Markdown (JSON lists them all, by id).
MEMBERS_SHOWN = 8

#: Each section and field by its name for people (English; translated where shown).
_SECTION_TITLES = {
    "areas": N_("Areas"),
    "indicators": N_("Indicators"),
    "agencies": N_("Agencies"),
    "groups": N_("Groups"),
    "periods": N_("Reporting periods"),
    "facts": N_("Reported facts"),
}
_FIELD_TITLES = {
    "id": N_("Plan id"),
    "year": N_("Year"),
    "title.vi": N_("Title (Vietnamese)"),
    "title.en": N_("Title (English)"),
    "decision.number": N_("Decision number"),
    "decision.date": N_("Decision date"),
    "decision.signer": N_("Signer"),
    "source": N_("Source"),
    "name.vi": N_("Name (Vietnamese)"),
    "name.en": N_("Name (English)"),
    "label.vi": N_("Label (Vietnamese)"),
    "label.en": N_("Label (English)"),
    "lead": N_("Lead agency"),
    "unit": N_("Unit"),
    "owner": N_("Owner"),
    "scope": N_("Scope"),
    "value": N_("Value formula"),
    "target": N_("Target"),
    "deadline": N_("Deadline"),
    "applicable": N_("Applicable when"),
    "baseline": N_("Baseline"),
    "kind": N_("Kind"),
    "parent": N_("Parent agency"),
    "code": N_("Official code"),
    "members": N_("Members"),
    "from": N_("From"),
    "until": N_("Until"),
    "due": N_("Report due"),
    "type": N_("Type"),
    "values": N_("Allowed values"),
    "reported_by": N_("Reported by"),
    "periods": N_("Periods"),
    "at_most": N_("At most"),
}
_KINDS = {"added": N_("Added"), "removed": N_("Removed"), "changed": N_("Changed")}
#: Fields whose value is an agency id: shown by the agency's name.
_AGENCY_FIELDS = {"owner", "lead", "parent"}


def _lang() -> str:
    return current()


def _count(n: int) -> str:
    return format_number_local(n, _lang())


def _show(value: Scalar) -> str:
    return _("(none)") if value is None else visible(str(value))


def _section_title(name: str) -> str:
    return _(_SECTION_TITLES[name])


def _field_title(name: str) -> str:
    title = _FIELD_TITLES.get(name)
    return _(title) if title is not None else name


def _lower(title: str) -> str:
    """A title inside a line: its first letter small (``tên kế hoạch tiếng Anh``)."""
    return title[:1].lower() + title[1:]


def _name(diff: PlanDiff, agency: str) -> str:
    return diff.agency_name(agency, _lang())


def _members_text(diff: PlanDiff, ids: tuple[str, ...]) -> str:
    shown = ", ".join(_name(diff, a) for a in ids[:MEMBERS_SHOWN])
    more = len(ids) - MEMBERS_SHOWN
    return shown + (ngettext(" and {n} more agency", " and {n} more agencies", more).format(
        n=_count(more)) if more > 0 else "")


def _agencies(n: int) -> str:
    return ngettext("{n} agency", "{n} agencies", n).format(n=_count(n))


def _member_note(diff: PlanDiff, c: FieldChange) -> str:
    """``+1 agency: Chi cục Hải quan; -2 agencies: A, B``: who came into and went out of the
    members, by name."""
    parts = []
    if c.added:
        parts.append(f"+{_agencies(len(c.added))}: {_members_text(diff, c.added)}")
    if c.removed:
        parts.append(f"-{_agencies(len(c.removed))}: {_members_text(diff, c.removed)}")
    return "; ".join(parts)


def _value(diff: PlanDiff, field: str, value: Scalar) -> str:
    """A field's value as shown: an agency by its name, anything else as the plan writes it."""
    if field in _AGENCY_FIELDS and isinstance(value, str):
        return visible(_name(diff, value))
    return _show(value)


def _change_text(diff: PlanDiff, c: FieldChange) -> str:
    """``old -> new``, with the members that came and went for a scope or a group."""
    note = _member_note(diff, c)
    if c.field == "members":
        head = f"{_agencies(int(c.old or 0))} -> {_agencies(int(c.new or 0))}"
        return head + (f" ({note})" if note else "")
    old, new = _value(diff, c.field, c.old), _value(diff, c.field, c.new)
    head = new if c.old == c.new else f"{old} -> {new}"
    return head + (" (" + _("members {change}").format(change=note) + ")" if note else "")


def _entry_text(diff: PlanDiff, e: Entry, section: str) -> str:
    parts = []
    for f in SUMMARY[section]:
        v = e.get(f)
        if v is None:
            continue
        if f in ("name.vi", "label.vi"):
            parts.append(f'"{visible(str(v))}"')
        elif f == "members":
            parts.append(_agencies(int(v)))
        else:
            parts.append(f"{_lower(_field_title(f))}: {_value(diff, f, v)}")
    return "; ".join(parts)


def _plan_line(ref: PlanRef) -> str:
    where = f" ({ref.path})" if ref.path else ""
    return visible(f"{ref.id} {ref.year}{where}")


def render_diff_text(diff: PlanDiff) -> str:
    """The diff for a terminal, in the current language (:func:`engine.i18n.current`): ``+``
    added, ``-`` removed, ``~`` changed, ``old -> new``; agencies by name."""
    lines = [_("old: {plan}").format(plan=_plan_line(diff.old)),
             _("new: {plan}").format(plan=_plan_line(diff.new))]
    if diff.is_empty:
        lines.append(_("no differences"))
        return "\n".join(lines) + "\n"
    if diff.metadata:
        lines.append("")
        lines.append(_("metadata:"))
        lines.extend(f"  {_lower(_field_title(c.field))}: {_change_text(diff, c)}"
                     for c in diff.metadata)
    for s in diff.sections:
        if s.is_empty:
            continue
        counts = ", ".join(_(_COUNTS[k]).format(n=_count(n)) for k, n in s.counts().items() if n)
        lines.append("")
        lines.append(f"{_lower(_section_title(s.name))}: {counts}")
        lines.extend(f"  + {e.id}: {_entry_text(diff, e, s.name)}" for e in s.added)
        lines.extend(f"  - {e.id}: {_entry_text(diff, e, s.name)}" for e in s.removed)
        for c in s.changed:
            lines.append(f"  ~ {c.id}")
            lines.extend(f"      {_lower(_field_title(f.field))}: {_change_text(diff, f)}"
                         for f in c.changes)
    return visible_lines("\n".join(lines) + "\n")


_COUNTS = {"added": N_("{n} added"), "removed": N_("{n} removed"), "changed": N_("{n} changed")}


def _cell(value: Scalar | str) -> str:
    text = _show(value) if not isinstance(value, str) else value
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return visible(text) or "—"


def _code(value: Scalar) -> str:
    return "—" if value is None else f"`{_cell(value)}`"


_CODE_FIELDS = {"value", "target", "deadline", "applicable", "scope", "id", "kind", "type",
                "unit", "baseline"}


def _md_value(diff: PlanDiff, field: str, value: Scalar) -> str:
    if field == "members":
        return _agencies(int(value or 0))
    if field in _AGENCY_FIELDS and isinstance(value, str):
        return _cell(_name(diff, value))
    return _code(value) if field in _CODE_FIELDS else _cell(value)


def _md_change(diff: PlanDiff, c: FieldChange) -> tuple[str, str]:
    old, new = _md_value(diff, c.field, c.old), _md_value(diff, c.field, c.new)
    note = _member_note(diff, c)
    if note:
        new += " (" + (_cell(note) if c.field == "members"
                       else _("members {change}").format(change=_cell(note))) + ")"
    return old, new


def render_diff_markdown(diff: PlanDiff) -> str:
    """The diff as Markdown tables, to attach to the draft decision, in the current language
    (:func:`engine.i18n.current`); agencies by name."""
    def plan(ref: PlanRef) -> str:
        return visible(f"`{ref.id}` ({ref.year})" + (f", `{ref.path}`" if ref.path else ""))

    out = ["# " + _("Plan comparison"), "",
           "- " + _("Old plan: {plan}").format(plan=plan(diff.old)),
           "- " + _("New plan: {plan}").format(plan=plan(diff.new)), ""]
    if diff.is_empty:
        out.append(_("No differences."))
        return "\n".join(out) + "\n"
    summary = [(s, s.counts()) for s in diff.sections if not s.is_empty]
    kinds = [_(_KINDS[k]) for k in ("added", "removed", "changed")]
    section, metadata = _("Section"), _("Metadata")
    out += ["## " + _("Summary"), "",
            f"| {section} | {kinds[0]} | {kinds[1]} | {kinds[2]} |", "|---|---:|---:|---:|"]
    if diff.metadata:
        out.append(f"| {metadata} | 0 | 0 | {_count(len(diff.metadata))} |")
    out += [f"| {_section_title(s.name)} | {_count(c['added'])} | {_count(c['removed'])} | "
            f"{_count(c['changed'])} |" for s, c in summary]
    out.append("")
    field, old_word, new_word, id_word = _("Field"), _("Old"), _("New"), _("Id")
    if diff.metadata:
        out += ["## " + metadata, "",
                f"| {field} | {old_word} | {new_word} |", "|---|---|---|"]
        for c in diff.metadata:
            old, new = _md_change(diff, c)
            out.append(f"| {_field_title(c.field)} | {old} | {new} |")
        out.append("")
    for s, _counts in summary:
        out += [f"## {_section_title(s.name)}", ""]
        for kind, entries in (("added", s.added), ("removed", s.removed)):
            if not entries:
                continue
            cols = SUMMARY[s.name]
            out += [f"### {_(_KINDS[kind])}", "",
                    f"| {id_word} | " + " | ".join(_field_title(f) for f in cols) + " |",
                    "|---" * (len(cols) + 1) + "|"]
            out += [f"| `{e.id}` | " + " | ".join(_md_value(diff, f, e.get(f)) for f in cols)
                    + " |" for e in entries]
            out.append("")
        if s.changed:
            out += [f"### {_(_KINDS['changed'])}", "",
                    f"| {id_word} | {field} | {old_word} | {new_word} |", "|---|---|---|---|"]
            for ch in s.changed:
                for c in ch.changes:
                    old, new = _md_change(diff, c)
                    out.append(f"| `{ch.id}` | {_field_title(c.field)} | {old} | {new} |")
            out.append("")
    return visible_lines("\n".join(out))


def render_diff_json(diff: PlanDiff) -> str:
    return json_safe(json.dumps(diff.to_dict(), ensure_ascii=False, indent=2)) + "\n"
