"""A plan diff rendered for people: plain text for the terminal, Markdown for the decision
file, JSON for tools. The diff itself (what changed) is :mod:`engine.diff`. A control or
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

__all__ = ["MEMBERS_SHOWN", "render_diff_json", "render_diff_markdown", "render_diff_text"]


#: Most member ids listed in text and Markdown (JSON lists them all).
MEMBERS_SHOWN = 8


def _show(value: Scalar) -> str:
    return "(none)" if value is None else visible(str(value))


def _members_text(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:MEMBERS_SHOWN])
    more = len(ids) - MEMBERS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _agencies(n: int) -> str:
    return f"{n} agenc{'y' if n == 1 else 'ies'}"


def _member_note(c: FieldChange) -> str:
    """``+1 agency: hai_quan; -2 agencies: a, b``: who came into and went out of the members."""
    parts = []
    if c.added:
        parts.append(f"+{_agencies(len(c.added))}: {_members_text(c.added)}")
    if c.removed:
        parts.append(f"-{_agencies(len(c.removed))}: {_members_text(c.removed)}")
    return "; ".join(parts)


def _change_text(c: FieldChange) -> str:
    """``old -> new``, with the members that came and went for a scope or a group."""
    note = _member_note(c)
    if c.field == "members":
        head = f"{_agencies(int(c.old or 0))} -> {_agencies(int(c.new or 0))}"
        return head + (f" ({note})" if note else "")
    head = _show(c.new) if c.old == c.new else f"{_show(c.old)} -> {_show(c.new)}"
    return head + (f" (members {note})" if note else "")


def _entry_text(e: Entry, section: str) -> str:
    parts = []
    for f in SUMMARY[section]:
        v = e.get(f)
        if v is None:
            continue
        v = visible(str(v)) if not isinstance(v, int) else v
        parts.append(f'"{v}"' if f in ("name.vi", "label.vi") else
                     (_agencies(int(v)) if f == "members" else f"{f}: {v}"))
    return "; ".join(parts)


def _plan_line(ref: PlanRef) -> str:
    where = f" ({ref.path})" if ref.path else ""
    return visible(f"{ref.id} {ref.year}{where}")


def render_diff_text(diff: PlanDiff) -> str:
    """The diff for a terminal: ``+`` added, ``-`` removed, ``~`` changed, ``old -> new``."""
    lines = [f"old: {_plan_line(diff.old)}", f"new: {_plan_line(diff.new)}"]
    if diff.is_empty:
        lines.append("no differences")
        return "\n".join(lines) + "\n"
    if diff.metadata:
        lines.append("")
        lines.append("metadata:")
        lines.extend(f"  {c.field}: {_change_text(c)}" for c in diff.metadata)
    for s in diff.sections:
        if s.is_empty:
            continue
        counts = ", ".join(f"{n} {k}" for k, n in s.counts().items() if n)
        lines.append("")
        lines.append(f"{s.name}: {counts}")
        lines.extend(f"  + {e.id}: {_entry_text(e, s.name)}" for e in s.added)
        lines.extend(f"  - {e.id}: {_entry_text(e, s.name)}" for e in s.removed)
        for c in s.changed:
            lines.append(f"  ~ {c.id}")
            lines.extend(f"      {f.field}: {_change_text(f)}" for f in c.changes)
    return visible_lines("\n".join(lines) + "\n")


# Vietnamese headings with English in parentheses: the form an officer attaches to a decision.
_SECTION_TITLES = {
    "areas": "Lĩnh vực (Areas)",
    "indicators": "Chỉ tiêu (Indicators)",
    "agencies": "Cơ quan, đơn vị (Agencies)",
    "groups": "Nhóm cơ quan (Groups)",
    "periods": "Kỳ báo cáo (Reporting periods)",
    "facts": "Số liệu báo cáo (Reported facts)",
}
_FIELD_TITLES = {
    "id": "Mã kế hoạch (plan id)",
    "year": "Năm (year)",
    "title.vi": "Tên kế hoạch (title, vi)",
    "title.en": "Tên tiếng Anh (title, en)",
    "decision.number": "Số quyết định (decision number)",
    "decision.date": "Ngày quyết định (decision date)",
    "decision.signer": "Người ký (signer)",
    "source": "Căn cứ (source)",
    "name.vi": "Tên (name, vi)",
    "name.en": "Tên tiếng Anh (name, en)",
    "label.vi": "Tên (label, vi)",
    "label.en": "Tên tiếng Anh (label, en)",
    "lead": "Cơ quan chủ trì (lead)",
    "unit": "Đơn vị tính (unit)",
    "owner": "Cơ quan chủ trì (owner)",
    "scope": "Phạm vi (scope)",
    "value": "Công thức giá trị (value)",
    "target": "Mục tiêu (target)",
    "deadline": "Thời hạn (deadline)",
    "applicable": "Điều kiện áp dụng (applicable)",
    "baseline": "Giá trị cơ sở (baseline)",
    "kind": "Loại (kind)",
    "parent": "Cơ quan cấp trên (parent)",
    "code": "Mã số đơn vị hành chính (official code)",
    "members": "Thành viên (members)",
    "from": "Từ ngày (from)",
    "until": "Đến ngày (until)",
    "due": "Hạn báo cáo (due)",
    "type": "Kiểu (type)",
    "values": "Giá trị cho phép (values)",
    "reported_by": "Đơn vị báo cáo (reported by)",
    "periods": "Kỳ báo cáo (periods)",
}
_KINDS = {"added": "Thêm mới (added)", "removed": "Bãi bỏ (removed)",
          "changed": "Thay đổi (changed)"}


def _cell(value: Scalar | str) -> str:
    text = _show(value) if not isinstance(value, str) else value
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return visible(text) or "—"


def _code(value: Scalar) -> str:
    return "—" if value is None else f"`{_cell(value)}`"


_CODE_FIELDS = {"value", "target", "deadline", "applicable", "scope", "owner", "lead", "parent",
                "reported_by", "id", "kind", "type", "unit", "baseline"}


def _md_value(field: str, value: Scalar) -> str:
    if field == "members":
        return _agencies(int(value or 0))
    return _code(value) if field in _CODE_FIELDS else _cell(value)


def _md_change(c: FieldChange) -> tuple[str, str]:
    old, new = _md_value(c.field, c.old), _md_value(c.field, c.new)
    note = _member_note(c)
    if note:
        new = f"{new} ({'' if c.field == 'members' else 'members '}{_cell(note)})"
    return old, new


def render_diff_markdown(diff: PlanDiff) -> str:
    """The diff as Markdown tables (Vietnamese headings, English in parentheses)."""
    out = ["# So sánh kế hoạch (Plan comparison)", "",
           visible(f"- Kế hoạch cũ (old plan): `{diff.old.id}` ({diff.old.year})"
                   + (f", `{diff.old.path}`" if diff.old.path else "")),
           visible(f"- Kế hoạch mới (new plan): `{diff.new.id}` ({diff.new.year})"
                   + (f", `{diff.new.path}`" if diff.new.path else "")), ""]
    if diff.is_empty:
        out.append("Không có khác biệt (no differences).")
        return "\n".join(out) + "\n"
    summary = [(s, s.counts()) for s in diff.sections if not s.is_empty]
    out += ["## Tóm tắt (Summary)", "",
            "| Phần (section) | Thêm mới (added) | Bãi bỏ (removed) | Thay đổi (changed) |",
            "|---|---:|---:|---:|"]
    if diff.metadata:
        out.append(f"| Thông tin chung (metadata) | 0 | 0 | {len(diff.metadata)} |")
    out += [f"| {_SECTION_TITLES[s.name]} | {c['added']} | {c['removed']} | {c['changed']} |"
            for s, c in summary]
    out.append("")
    if diff.metadata:
        out += ["## Thông tin chung (Metadata)", "",
                "| Nội dung (field) | Cũ (old) | Mới (new) |", "|---|---|---|"]
        for c in diff.metadata:
            old, new = _md_change(c)
            out.append(f"| {_FIELD_TITLES[c.field]} | {old} | {new} |")
        out.append("")
    for s, _ in summary:
        out += [f"## {_SECTION_TITLES[s.name]}", ""]
        for kind, entries in (("added", s.added), ("removed", s.removed)):
            if not entries:
                continue
            cols = SUMMARY[s.name]
            out += [f"### {_KINDS[kind]}", "",
                    "| Mã (id) | " + " | ".join(_FIELD_TITLES[f] for f in cols) + " |",
                    "|---" * (len(cols) + 1) + "|"]
            out += [f"| `{e.id}` | " + " | ".join(_md_value(f, e.get(f)) for f in cols) + " |"
                    for e in entries]
            out.append("")
        if s.changed:
            out += [f"### {_KINDS['changed']}", "",
                    "| Mã (id) | Nội dung (field) | Cũ (old) | Mới (new) |", "|---|---|---|---|"]
            for ch in s.changed:
                for c in ch.changes:
                    old, new = _md_change(c)
                    out.append(f"| `{ch.id}` | {_FIELD_TITLES[c.field]} | {old} | {new} |")
            out.append("")
    return visible_lines("\n".join(out))


def render_diff_json(diff: PlanDiff) -> str:
    return json_safe(json.dumps(diff.to_dict(), ensure_ascii=False, indent=2)) + "\n"
