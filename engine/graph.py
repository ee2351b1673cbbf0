"""The plan as a graph: indicators, the facts they read and the indicators they use.

Exported as Graphviz DOT, Mermaid or JSON for `cchc graph`.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Plan


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
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        text = f"{node}<br/>{data['label']}".replace('"', "'")
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
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
