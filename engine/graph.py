"""Graphs of the plan: every check and order on a graph, and the exports of `cchc graph`.

* :func:`dependency_order` and :func:`cycle_paths` work on any graph given as edges by name;
  the loader uses them for the agency hierarchy (``E501``), groups built from groups (``E502``)
  and indicators that use each other (``E503``), so the three read a cycle the same way: as a
  path ``a -> b -> a`` that starts at the node written first.
* :func:`dependency_graph` is the plan as a graph: indicators, the facts they read and the
  indicators they use, exported as Graphviz DOT, Mermaid or JSON (:func:`to_dot`,
  :func:`to_mermaid`, :func:`to_json`).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .escape import json_safe, visible
from .model import Plan

#: A graph as edges by name: ``{node: the nodes it points to}`` (a dependency, a parent).
Edges = Mapping[str, Iterable[str]]


def _adjacency(edges: Edges, order: Sequence[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Positions of the nodes (``order`` first, then any other node named by an edge) and the
    edges without repeats, each list in that order."""
    position: dict[str, int] = {}
    for node in [*order, *edges, *(t for ts in edges.values() for t in ts)]:
        position.setdefault(node, len(position))
    targets = {n: sorted(set(edges.get(n, ())), key=position.__getitem__) for n in position}
    return position, targets


def dependency_order(edges: Edges, order: Sequence[str]) -> list[str] | None:
    """Every node after the nodes it points to, otherwise in ``order`` (nodes not in ``order``
    come after it); None when there is a cycle.

        >>> dependency_order({"a": ["b"], "b": []}, ["a", "b"])
        ['b', 'a']
        >>> dependency_order({"a": ["b"], "b": ["a"]}, ["a", "b"]) is None
        True
    """
    position, targets = _adjacency(edges, order)
    names = list(position)
    waiting = {n: len(ts) for n, ts in targets.items()}
    users: dict[str, list[str]] = {n: [] for n in position}
    for node, ts in targets.items():
        for t in ts:
            users[t].append(node)
    ready = [position[n] for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        node = names[heapq.heappop(ready)]
        out.append(node)
        for user in users[node]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, position[user])
    return out if len(out) == len(names) else None


def cycle_paths(edges: Edges, order: Sequence[str]) -> list[list[str]]:
    """Every cycle of the graph (each elementary cycle once), as the path that starts and ends at
    its node first in ``order``, the cycles sorted by the positions of their nodes.

        >>> cycle_paths({"a": ["b"], "b": ["a"], "c": ["c"]}, ["a", "b", "c"])
        [['a', 'b', 'a'], ['c', 'c']]
        >>> cycle_paths({"a": ["b"], "b": []}, ["a", "b"])
        []
    """
    if dependency_order(edges, order) is not None:
        return []
    # There is a cycle: networkx (imported only now) names every one of them.
    import networkx as nx

    position, targets = _adjacency(edges, order)
    graph = nx.DiGraph()
    graph.add_nodes_from(position)
    graph.add_edges_from((n, t) for n, ts in targets.items() for t in ts)
    paths = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle, key=position.__getitem__))
        paths.append([*cycle[start:], *cycle[:start], cycle[start]])
    return sorted(paths, key=lambda p: (sorted(position[n] for n in p[:-1]), p))


def dependency_graph(plan: Plan, indicator: str | None = None) -> Any:
    """A networkx DiGraph with an edge from each indicator to what it reads.

    Nodes carry ``kind`` (``indicator`` or ``fact``) and ``label``. With ``indicator``, only
    that indicator and everything it depends on, transitively.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for ind in plan.indicators.values():
        graph.add_node(ind.id, kind="indicator", label=ind.name.vi, area=ind.area)
        for fact in ind.facts:
            fdef = plan.facts[fact]
            graph.add_node(fact, kind="fact", label=fdef.label.vi, type=fdef.type)
            graph.add_edge(ind.id, fact)
        for dep in ind.depends_on:
            graph.add_edge(ind.id, dep)
    if indicator is not None:
        keep = {indicator} | nx.descendants(graph, indicator)
        graph = graph.subgraph(keep).copy()
    return graph


def _quote(text: str) -> str:
    """``text`` as a DOT string: one line (a line break becomes DOT's ``\\n``), other control
    and invisible characters written out (:func:`engine.escape.visible`)."""
    lines = [visible(line).replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n")]
    return '"' + "\\n".join(lines) + '"'


def _mermaid_text(text: str) -> str:
    """``text`` inside a Mermaid node: a quote as Mermaid's ``#quot;``, a line break as
    ``<br/>``, other control and invisible characters written out."""
    return "<br/>".join(visible(line).replace('"', "#quot;") for line in text.split("\n"))


def to_dot(plan: Plan, indicator: str | None = None) -> str:
    graph = dependency_graph(plan, indicator)
    lines = ["digraph cchc {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
    for node, data in sorted(graph.nodes(data=True)):
        shape = "box" if data["kind"] == "indicator" else "ellipse"
        label = _quote(node)[:-1] + "\\n" + _quote(data["label"])[1:]
        lines.append(f"  {_quote(node)} [shape={shape}, label={label}];")
    for a, b in sorted(graph.edges()):
        lines.append(f"  {_quote(a)} -> {_quote(b)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(plan: Plan, indicator: str | None = None) -> str:
    graph = dependency_graph(plan, indicator)
    ids = {n: f"n{i}" for i, n in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]
    for node, data in sorted(graph.nodes(data=True)):
        text = f"{_mermaid_text(node)}<br/>{_mermaid_text(data['label'])}"
        if data["kind"] == "indicator":
            lines.append(f'  {ids[node]}["{text}"]')
        else:
            lines.append(f'  {ids[node]}(["{text}"])')
    for a, b in sorted(graph.edges()):
        lines.append(f"  {ids[a]} --> {ids[b]}")
    return "\n".join(lines) + "\n"


def to_json(plan: Plan, indicator: str | None = None) -> str:
    graph = dependency_graph(plan, indicator)
    data = {
        "nodes": [{"id": n, **d} for n, d in sorted(graph.nodes(data=True))],
        "edges": [{"from": a, "to": b} for a, b in sorted(graph.edges())],
    }
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
