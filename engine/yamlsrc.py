"""YAML read defensively, keeping the exact place of every node.

PyYAML composes the node tree (with marks); we build our own values from it, so that:

* duplicate keys are refused (PyYAML would silently keep the last);
* nothing is type-guessed the YAML 1.1 way (``NO`` stays text, ``1.10`` stays ``"1.10"``, dates
  stay text): only plain whole numbers, ``true``/``false`` and ``null``/``~``/empty are typed;
* tags other than the standard ones are refused (no ``!!python/...``);
* alias expansion is bounded, so a "billion laughs" file fails fast.

Every node carries a :class:`Span` into the file. A formula inside a scalar (plain, quoted, or a
``|`` block) becomes a :class:`Source` whose offsets map back into the file, character by
character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic
from .source import Source, Span

#: Most nodes a document may expand to (aliases included).
MAX_NODES = 200_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_INT = re.compile(r"^-?[0-9]+$")


@dataclass(frozen=True, slots=True)
class YScalar:
    text: str
    style: str | None
    span: Span

    @property
    def data(self) -> Any:
        """The scalar as JSON-like data: only plain ints, true/false, null are typed."""
        if self.style is None:
            if _INT.match(self.text):
                return int(self.text)
            if self.text in ("true", "false"):
                return self.text == "true"
            if self.text in ("", "~", "null"):
                return None
        return self.text


@dataclass(frozen=True, slots=True)
class YMap:
    span: Span
    #: key text -> (key scalar, value node), in file order
    items: dict[str, tuple[YScalar, YNode]] = field(default_factory=dict)

    def get(self, key: str) -> YNode | None:
        item = self.items.get(key)
        return item[1] if item else None

    def key_span(self, key: str) -> Span | None:
        item = self.items.get(key)
        return item[0].span if item else None


@dataclass(frozen=True, slots=True)
class YSeq:
    span: Span
    items: list[YNode] = field(default_factory=list)


YNode = YScalar | YMap | YSeq


def to_data(node: YNode) -> Any:
    """JSON-like data of a node tree (for schema validation)."""
    if isinstance(node, YScalar):
        return node.data
    if isinstance(node, YSeq):
        return [to_data(n) for n in node.items]
    return {k: to_data(v) for k, (_, v) in node.items.items()}


def find(node: YNode, path: list[str | int]) -> tuple[YNode, Span | None]:
    """The node at a JSON path, and the span of its key when it is a mapping value."""
    key_span: Span | None = None
    for step in path:
        if isinstance(node, YMap) and isinstance(step, str) and step in node.items:
            key, node = node.items[step]
            key_span = key.span
        elif isinstance(node, YSeq) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
            key_span = None
        else:
            break
    return node, key_span


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_NODES


def read_yaml(text: str, name: str, code_prefix: str = "E40") -> tuple[YNode | None,
                                                                        list[Diagnostic]]:
    """Compose and build one YAML document. Returns the tree (or None) and the diagnostics."""
    source = Source(name, text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        offset = mark.index if mark is not None else 0
        problem = e.problem or "invalid YAML"
        return None, [Diagnostic(
            f"{code_prefix}1", f"YAML syntax error: {problem}",
            Span(source, offset, min(len(text), offset + 1)),
            help=_yaml_help(problem),
            notes=(str(e.context),) if e.context else (),
        )]
    except yaml.YAMLError as e:  # pragma: no cover - reader errors (bad bytes) are rare
        return None, [Diagnostic(f"{code_prefix}1", f"YAML error: {e}", Span(source, 0, 0))]
    if root is None:
        return None, [Diagnostic(f"{code_prefix}1", "the file is empty", Span(source, 0, 0),
                                 help="write the document's top-level keys")]
    errors: list[Diagnostic] = []
    budget = _Budget()
    try:
        tree = _build(root, source, errors, budget, code_prefix)
    except _TooBig:
        return None, [Diagnostic(
            f"{code_prefix}3", f"the document expands to more than {MAX_NODES} nodes "
            "(aliases repeated too many times)", Span(source, 0, 0),
            help="write the content out instead of nesting anchors and aliases")]
    return tree, errors


class _TooBig(Exception):
    pass


def _yaml_help(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. \"a: b\""
    if "found character '\\t'" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs 'key: value'"
    return None


def _span(node: yaml.Node, source: Source) -> Span:
    return Span(source, node.start_mark.index, node.end_mark.index)


def _build(node: yaml.Node, source: Source, errors: list[Diagnostic], budget: _Budget,
           prefix: str) -> YNode:
    budget.left -= 1
    if budget.left < 0:
        raise _TooBig
    span = _span(node, source)
    if node.tag not in _STANDARD_TAGS and not (isinstance(node, yaml.ScalarNode)
                                               and node.tag == "!"):
        errors.append(Diagnostic(
            f"{prefix}4", f"tag '{node.tag}' is not allowed", span,
            help="remove the tag: plain values are read by the engine itself"))
    if isinstance(node, yaml.ScalarNode):
        return YScalar(str(node.value), node.style, span)
    if isinstance(node, yaml.SequenceNode):
        return YSeq(span, [_build(n, source, errors, budget, prefix) for n in node.value])
    assert isinstance(node, yaml.MappingNode)
    out = YMap(span)
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            errors.append(Diagnostic(f"{prefix}4", "merge keys ('<<') are not allowed",
                                     _span(key_node, source),
                                     help="write the keys out in full"))
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            errors.append(Diagnostic(f"{prefix}5", "a key must be a plain text",
                                     _span(key_node, source)))
            continue
        key = YScalar(str(key_node.value), key_node.style, _span(key_node, source))
        if key.text in out.items:
            first = out.items[key.text][0].span.begin
            errors.append(Diagnostic(
                f"{prefix}2", f"duplicate key '{key.text}'", key.span,
                help=f"it is already defined at line {first.line}; keep one of the two",
            ))
            continue
        out.items[key.text] = (key, _build(value_node, source, errors, budget, prefix))
    return out


def scalar_source(node: YScalar, name: str) -> Source:
    """The scalar's text as its own :class:`Source`, mapped back into the file.

    Each character of the value is aligned with the file text it came from: quotes, escapes,
    block indentation and folded line breaks are skipped, so a diagnostic at column 18 of a
    formula lands on the right line and column of the YAML file.
    """
    file = node.span.source
    raw = file.text
    value = node.text
    pos = node.span.start
    end = node.span.end
    if node.style in ("|", ">"):
        nl = raw.find("\n", pos)
        pos = nl + 1 if 0 <= nl < end else pos
    elif node.style in ('"', "'"):
        pos += 1
    origin: list[int] = []
    for ch in value:
        found = _advance(raw, pos, end, ch)
        origin.append(found)
        pos = found + 1 if found < end else pos
    origin.append(min(pos, end))
    return Source(name, value, parent=file, origin=tuple(origin))


def _advance(raw: str, pos: int, end: int, ch: str) -> int:
    """The offset at or after ``pos`` where the value character ``ch`` comes from."""
    limit = min(end, pos + 200)
    for i in range(pos, limit):
        r = raw[i]
        if r == ch or (ch == " " and r == "\n"):
            return i
        if ch == "\n" and r == "\\" and i + 1 < limit and raw[i + 1] == "n":
            return i
    return min(pos, end)
