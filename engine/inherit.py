"""Plan inheritance: ``extends`` and ``include`` resolved on the YAML trees, before checking.

A plan may ``extends: <path>`` another (relative to its own file; no URLs) and then:

* override any entry by id (an agency, group, period, fact, area, indicator): the child's fields
  replace the parent's field by field (a group is replaced whole);
* add entries (a new id with all its required fields);
* ``remove:`` entries by id (``agencies``, ``groups``, ``periods``, ``facts``, ``areas``,
  ``indicators`` by full id) or agencies by kind (``agency_kinds``);
* ``merge_agencies: {absorbing: [absorbed, ...]}``: the absorbed agencies disappear and every
  reference to them (owner, scope, parent, group lists, lead, reported_by) points to the
  absorbing one.

Nodes keep their spans, so a diagnostic points into the file that holds the offending text,
the child or the parent. Removing something still in use is an error naming its users.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import messages
from .diagnostics import Collector, EngineError, did_you_mean
from .i18n import N_, _
from .schema import required_fields
from .yamlsrc import YMap, YNode, YScalar, YSeq

#: Top-level collections keyed by id, merged entry by entry.
COLLECTIONS = ("agencies", "groups", "periods", "facts", "areas")
#: Collections an included file may contribute to.
INCLUDABLE = ("agencies", "groups", "facts")
#: Required fields of a new entry (an entry of an id the parent lacks must be complete), as the
#: schema states them; a group has none.
REQUIRED = {coll: required_fields(definition) for coll, definition in (
    ("agencies", "agency"), ("periods", "period"), ("facts", "fact"), ("areas", "area"),
    ("indicators", "indicator"))}
REMOVABLE = ("agencies", "agency_kinds", "groups", "periods", "facts", "areas", "indicators")
#: Keys that only steer inheritance; they are not part of the merged plan.
DIRECTIVES = ("extends", "include", "remove", "merge_agencies")

def fold_includes(trees: Sequence[YMap], collector: Collector) -> YMap:
    """One tree: the plan's own (first) with the collections of its included files merged in,
    entries in the order of the files, without the ``include`` key. An id defined in two files
    is an error (``E406``) naming both."""
    out = trees[0]
    for inc in trees[1:]:
        for coll in INCLUDABLE:
            extra = inc.get(coll)
            if not isinstance(extra, YMap):
                continue
            base = out.get(coll)
            items = dict(base.items) if isinstance(base, YMap) else {}
            for eid, (k, v) in extra.items.items():
                if eid in items:
                    collector.add(messages.defined_twice(eid, coll, k.span, items[eid][0].span))
                    continue
                items[eid] = (k, v)
            out = _with(out, coll, YMap(base.span if isinstance(base, YMap) else extra.span,
                                        items))
    return _without(out, ("include",))


class Resolver:
    """Merges a child plan tree onto its parent's, reporting problems into ``collector``."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.error = collector.error

    # -- merging -------------------------------------------------------------------------------
    def merge(self, parent: YMap, child: YMap) -> YMap:
        items: dict[str, tuple[YScalar, YNode]] = {}
        for key, (k, v) in parent.items.items():
            if key not in DIRECTIVES:
                items[key] = (k, v)
        for key, (k, v) in child.items.items():
            if key in DIRECTIVES:
                continue
            base = items[key][1] if key in items else None
            if key in COLLECTIONS and isinstance(v, YMap) and isinstance(base, YMap):
                items[key] = (k, self.merge_collection(key, base, v))
            else:
                items[key] = (k, v)
        merged = YMap(child.span, items)
        merged = self.apply_merges(merged, child)
        return self.apply_removals(merged, child)

    def merge_collection(self, coll: str, base: YMap, over: YMap) -> YMap:
        out = dict(base.items)
        for eid, (k, v) in over.items.items():
            if eid not in out:
                missing = [f for f in REQUIRED.get(coll, ()) if not (isinstance(v, YMap)
                                                                     and f in v.items)]
                if missing and coll != "groups":
                    hint = did_you_mean(eid, out)
                    self.error("E440",
                        _("no {singular} '{eid}' in the parent plan to override").format(
                                           singular=_singular(coll), eid=eid), k.span,
                               help=(hint + " " if hint else "")
                               + _("a new {singular} needs {keys}").format(
                                   singular=_singular(coll), keys=", ".join(missing)))
                    continue
                out[eid] = (k, v)
                continue
            old = out[eid][1]
            if coll == "groups" or not (isinstance(old, YMap) and isinstance(v, YMap)):
                out[eid] = (k, v)
                continue
            fields = dict(old.items)
            for fkey, (fk, fv) in v.items.items():
                if coll == "areas" and fkey == "indicators" and isinstance(fv, YMap) and \
                        isinstance(fields.get(fkey, (fk, None))[1], YMap):
                    base_inds = fields[fkey][1]
                    assert isinstance(base_inds, YMap)
                    fields[fkey] = (fk, self.merge_collection("indicators", base_inds, fv))
                else:
                    fields[fkey] = (fk, fv)
            out[eid] = (out[eid][0], YMap(v.span, fields))
        return YMap(over.span, out)

    def apply_merges(self, tree: YMap, child: YMap) -> YMap:
        spec = child.get("merge_agencies")
        if not isinstance(spec, YMap):
            return tree
        agencies = tree.get("agencies")
        known = set(agencies.items) if isinstance(agencies, YMap) else set()
        rename: dict[str, str] = {}
        for target, (tk, absorbed) in spec.items.items():
            if target not in known:
                self.unknown(tk, N_("agency"), known)
                continue
            for item in (absorbed.items if isinstance(absorbed, YSeq) else []):
                if isinstance(item, YScalar):
                    if item.text not in known:
                        self.unknown(item, N_("agency"), known)
                    elif item.text != target:
                        rename[item.text] = target
        if not rename:
            return tree
        tree = _rename_refs(tree, rename)
        agencies = tree.get("agencies")
        assert isinstance(agencies, YMap)
        kept = {k: v for k, v in agencies.items.items() if k not in rename}
        return _with(tree, "agencies", YMap(agencies.span, kept))

    def unknown(self, node: YScalar, what: str, known: set[str] | dict[str, object]) -> None:
        hint = did_you_mean(node.text, list(known))
        self.error("E441", _("no {what} '{node}' in the plan").format(what=_(what),
                                                                      node=node.text), node.span,
                   help=hint or _("check the id against the parent plan"))

    def apply_removals(self, tree: YMap, child: YMap) -> YMap:
        spec = child.get("remove")
        if not isinstance(spec, YMap):
            return tree
        removed: dict[str, dict[str, YScalar]] = {}
        for coll, (ck, listed) in spec.items.items():
            if coll not in REMOVABLE:
                self.error("E410", _("unknown key '{coll}' in remove").format(coll=coll), ck.span,
                           help=_("remove takes: ") + ", ".join(REMOVABLE))
                continue
            for item in (listed.items if isinstance(listed, YSeq) else []):
                if isinstance(item, YScalar):
                    removed.setdefault(coll, {})[item.text] = item
        agencies = tree.get("agencies")
        if "agency_kinds" in removed and isinstance(agencies, YMap):
            # By kind, only what is inherited and not mentioned by the child: the child's own
            # agencies of that kind (new communes, a commune it re-parents) stay.
            kinds = removed.pop("agency_kinds")
            own = child.get("agencies")
            mentioned = set(own.items) if isinstance(own, YMap) else set()
            for aid, (_unused, a) in agencies.items.items():
                kind = a.get("kind") if isinstance(a, YMap) else None
                if isinstance(kind, YScalar) and kind.text in kinds and aid not in mentioned:
                    removed.setdefault("agencies", {})[aid] = kinds[kind.text]
        for coll, ids in removed.items():
            if coll == "indicators":
                tree = self.remove_indicators(tree, ids)
                continue
            coll_node = tree.get(coll)
            entries = coll_node.items if isinstance(coll_node, YMap) else {}
            for eid, item in ids.items():
                if eid not in entries:
                    self.unknown(item, _singular(coll), set(entries))
            if isinstance(coll_node, YMap):
                kept = {k: v for k, v in coll_node.items.items() if k not in ids}
                tree = _with(tree, coll, YMap(coll_node.span, kept))
        self.check_users(tree, removed)
        return tree

    def remove_indicators(self, tree: YMap, ids: dict[str, YScalar]) -> YMap:
        areas = tree.get("areas")
        if not isinstance(areas, YMap):
            return tree
        new_areas = dict(areas.items)
        found: set[str] = set()
        all_ids: list[str] = []
        for aid, (ak, area) in areas.items.items():
            if not isinstance(area, YMap):
                continue
            inds = area.get("indicators")
            if not isinstance(inds, YMap):
                continue
            all_ids += [f"{aid}.{k}" for k in inds.items]
            kept = {k: v for k, v in inds.items.items() if f"{aid}.{k}" not in ids}
            found |= {f"{aid}.{k}" for k in inds.items} & set(ids)
            new_areas[aid] = (ak, _with(area, "indicators", YMap(inds.span, kept)))
        for iid, item in ids.items():
            if iid not in found:
                self.unknown(item, N_("indicator"), set(all_ids))
        return _with(tree, "areas", YMap(areas.span, new_areas))

    def check_users(self, tree: YMap, removed: dict[str, dict[str, YScalar]]) -> None:
        """Removing something still referenced is an error that names every user."""
        gone = {eid: (coll, item) for coll, ids in removed.items() for eid, item in ids.items()}
        if not gone:
            return
        users: dict[str, list[str]] = {}
        for where, node in _references(tree):
            if node.text in gone:
                b = node.span.begin
                users.setdefault(node.text, []).append(_("{where}, at {file}:{line}").format(
                    where=where, file=b.file, line=b.line))
        for eid, places in users.items():
            item = gone[eid][1]
            notes = [_("used by {p}").format(p=p) for p in places[:10]]
            if len(places) > 10:
                notes.append(_("and {n} more").format(n=len(places) - 10))
            self.error("E442", _("'{eid}' is removed but {n} part(s) of the plan still use "
                                 "it").format(eid=eid, n=len(places)), item.span,
                       help=_("override or remove those parts too, or keep it"),
                       notes=notes)


def _singular(coll: str) -> str:
    """The noun of one entry of ``coll``, in the current language."""
    return _({"agencies": N_("agency"), "groups": N_("group"), "periods": N_("period"),
              "facts": N_("fact"), "areas": N_("area"),
              "indicators": N_("indicator")}.get(coll, coll))


def _with(tree: YMap, key: str, value: YNode) -> YMap:
    items = dict(tree.items)
    k = items[key][0] if key in items else YScalar(key, None, value.span)
    items[key] = (k, value)
    return YMap(tree.span, items)


def _without(tree: YMap, keys: tuple[str, ...]) -> YMap:
    return YMap(tree.span, {k: v for k, v in tree.items.items() if k not in keys})


def _entries(tree: YMap, coll: str) -> list[tuple[str, YMap]]:
    node = tree.get(coll)
    if not isinstance(node, YMap):
        return []
    return [(k, v) for k, (_, v) in node.items.items() if isinstance(v, YMap)]


def _references(tree: YMap) -> list[tuple[str, YScalar]]:
    """Every id reference in a plan tree, with a description of where it is."""
    from .nodes import free_names
    from .parser import parse

    out: list[tuple[str, YScalar]] = []

    def scalar(where: str, node: YNode | None) -> None:
        if isinstance(node, YScalar):
            out.append((where, node))

    def seq(where: str, node: YNode | None) -> None:
        if isinstance(node, YSeq):
            for n in node.items:
                scalar(where, n)

    for aid, a in _entries(tree, "agencies"):
        scalar(_("agency {id} (parent)").format(id=aid), a.get("parent"))
    for gid, g in _entries(tree, "groups"):
        for part in ("agencies", "union", "minus"):
            seq(_("group {id}").format(id=gid), g.get(part))
    for fid, f in _entries(tree, "facts"):
        scalar(_("fact {id} ({key})").format(id=fid, key="reported_by"), f.get("reported_by"))
        seq(_("fact {id} ({key})").format(id=fid, key="periods"), f.get("periods"))
        scalar(_("fact {id} ({key})").format(id=fid, key="at_most"), f.get("at_most"))
        seq(_("fact {id} ({key})").format(id=fid, key="at_most"), f.get("at_most"))
    for area_id, area in _entries(tree, "areas"):
        scalar(_("area {id} ({key})").format(id=area_id, key="lead"), area.get("lead"))
        for key, ind in _entries(area, "indicators"):
            iid = f"{area_id}.{key}"
            for fld in ("owner", "scope"):
                scalar(_("indicator {id} ({key})").format(id=iid, key=fld), ind.get(fld))
            for fld in ("value", "target", "applicable", "deadline"):
                node = ind.get(fld)
                if not isinstance(node, YScalar):
                    continue
                try:
                    names = free_names(parse(node.text))
                except EngineError:
                    continue  # a syntax error, reported when the merged plan is compiled
                for name in sorted(names):
                    out.append((_("indicator {id} ({key})").format(id=iid, key=fld),
                                YScalar(name, None, node.span)))
    return out


def _rename_refs(tree: YMap, rename: dict[str, str]) -> YMap:
    """The tree with every agency reference in ``rename`` pointing to its new id."""

    def fix(node: YNode | None) -> YNode | None:
        if isinstance(node, YScalar) and node.text in rename:
            return YScalar(rename[node.text], node.style, node.span)
        if isinstance(node, YSeq):
            seen: set[str] = set()
            items = []
            for n in node.items:
                fixed = fix(n)
                assert fixed is not None
                if isinstance(fixed, YScalar):
                    if fixed.text in seen:
                        continue
                    seen.add(fixed.text)
                items.append(fixed)
            return YSeq(node.span, tuple(items))
        return node

    def fix_fields(entry: YMap, fields: tuple[str, ...]) -> YMap:
        items = dict(entry.items)
        for f in fields:
            if f in items:
                k, v = items[f]
                fixed = fix(v)
                assert fixed is not None
                items[f] = (k, fixed)
        return YMap(entry.span, items)

    def fix_coll(tree: YMap, coll: str, fields: tuple[str, ...]) -> YMap:
        node = tree.get(coll)
        if not isinstance(node, YMap):
            return tree
        items = {k: (kk, fix_fields(v, fields) if isinstance(v, YMap) else v)
                 for k, (kk, v) in node.items.items()}
        return _with(tree, coll, YMap(node.span, items))

    tree = fix_coll(tree, "agencies", ("parent",))
    tree = fix_coll(tree, "groups", ("agencies", "union", "minus"))
    tree = fix_coll(tree, "facts", ("reported_by",))
    areas = tree.get("areas")
    if isinstance(areas, YMap):
        new_areas = {}
        for aid, (ak, area) in areas.items.items():
            if isinstance(area, YMap):
                area = fix_fields(area, ("lead",))
                inds = area.get("indicators")
                if isinstance(inds, YMap):
                    area = _with(area, "indicators", YMap(inds.span, {
                        k: (kk, fix_fields(v, ("owner", "scope")) if isinstance(v, YMap) else v)
                        for k, (kk, v) in inds.items.items()}))
            new_areas[aid] = (ak, area)
        tree = _with(tree, "areas", YMap(areas.span, new_areas))
    return tree
