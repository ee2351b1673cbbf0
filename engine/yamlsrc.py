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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import yaml

from .diagnostics import Diagnostic
from .escape import visible
from .gcpause import gc_paused
from .i18n import _
from .source import Source, Span

#: Most nodes a document may expand to (aliases included).
MAX_NODES = 200_000
#: Deepest nesting of mappings and lists a document may have.
MAX_DEPTH = 64

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
            if _INT.match(self.text) and len(self.text) <= 20:
                # (a longer run of digits is no plan's number, and int() of over 4,300 digits
                # fails: it stays text, and the schema says what was expected)
                return int(self.text)
            if self.text in ("true", "false"):
                return self.text == "true"
            if self.text in ("", "~", "null"):
                return None
        return self.text


@dataclass(frozen=True, slots=True)
class YMap:
    """A mapping; ``items`` is read-only once built (give the constructor a finished dict)."""

    span: Span
    #: key text -> (key scalar, value node), in file order
    items: Mapping[str, tuple[YScalar, YNode]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", MappingProxyType(dict(self.items)))

    def get(self, key: str) -> YNode | None:
        item = self.items.get(key)
        return item[1] if item else None

    def key_span(self, key: str) -> Span | None:
        item = self.items.get(key)
        return item[0].span if item else None


@dataclass(frozen=True, slots=True)
class YSeq:
    """A list; ``items`` is a tuple, read-only once built."""

    span: Span
    items: tuple[YNode, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))


YNode = YScalar | YMap | YSeq


def to_data(node: YNode) -> Any:
    """JSON-like data of a node tree (for schema validation)."""
    if type(node) is YScalar:
        return node.data
    if type(node) is YSeq:
        return [to_data(n) for n in node.items]
    assert type(node) is YMap
    # A scalar of a mapping, most of a plan's nodes, is read here without a call for it.
    out: dict[str, Any] = {}
    for k, (_key, v) in node.items.items():
        if type(v) is YScalar:
            text = v.text
            if v.style is not None or not (
                    text in _UNTYPED or (text[0] in _DIGIT_START and _INT.match(text))):
                out[k] = text
                continue
        out[k] = to_data(v)
    return out


#: What a plain scalar may be that :attr:`YScalar.data` types: a whole number (it starts with
#: a digit or a minus), true, false or null.
_DIGIT_START = frozenset("-0123456789")
_UNTYPED = frozenset({"", "~", "null", "true", "false"})


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


_PLAIN_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with no implicit typing: we read every value ourselves, so YAML 1.1
    guessing (``NO``, ``1.10``, dates) is never even attempted."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if value == "<<" and kind is yaml.ScalarNode and implicit[0]:
            return "tag:yaml.org,2002:merge"  # refused later, with its own message
        return _PLAIN_TAGS[kind]


_FAST_LOADER = _FastLoader
#: the loader :func:`read_yaml` reads with (libyaml's, when installed), for readers of events
FAST_LOADER = _FAST_LOADER


def read_yaml(text: str, name: str, code_prefix: str = "E40") -> tuple[YNode | None,
                                                                        list[Diagnostic]]:
    """Compose and build one YAML document. Returns the tree (or None) and the diagnostics.

    Codes are ``code_prefix`` followed by 1 (syntax, empty document), 2 (duplicate key),
    3 (alias bomb or nesting too deep), 4 (tag) and 5 (a key that is not a text).
    """
    with gc_paused():  # a registry of 20,000 agencies is 200,000 nodes
        return _read_yaml(text, name, code_prefix)


def _read_yaml(text: str, name: str, code_prefix: str) -> tuple[YNode | None,
                                                                 list[Diagnostic]]:
    source = Source(name, text)
    try:
        try:
            # libyaml when available (about ten times faster); its node marks are character
            # offsets like PyYAML's. On an error, PyYAML's own parser gives the message, so
            # diagnostics read the same on every machine.
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        offset = mark.index if mark is not None else 0
        problem = e.problem or _("invalid YAML")
        notes: tuple[str, ...] = ()
        if e.context and e.context_mark is not None and e.problem_mark is not None:
            c = e.context_mark
            notes = (_("{context} at line {value}, column {value2}").format(
                         context=e.context, value=c.line + 1, value2=c.column + 1),)
        elif e.context:
            notes = (str(e.context),)
        return None, [Diagnostic(
            f"{code_prefix}1", _("YAML syntax error: {problem}").format(problem=problem),
            Span(source, offset, min(len(text), offset + 1)),
            help=_yaml_help(problem), notes=notes,
        )]
    except yaml.reader.ReaderError as e:
        # A control character (or a non-character such as U+FFFE) anywhere in the file: PyYAML
        # says where, as an offset into the text.
        at = max(0, min(e.position, len(text)))
        char = text[at : at + 1] or chr(e.character if isinstance(e.character, int) else 0)
        return None, [Diagnostic(
            f"{code_prefix}1",
                _("the character '{char}' (U+{ord:04X}) is not allowed in YAML").format(
                                   char=visible(char), ord=ord(char)), Span(source, at,
                                       min(len(text), at + 1)),
            help=_("delete it: control characters are invisible in most editors, and usually "
                    "come from text pasted from another program"))]
    except yaml.YAMLError as e:  # pragma: no cover - every error PyYAML raises is one of the above
        return None, [Diagnostic(f"{code_prefix}1",
            _("YAML error: {e}").format(e=e), Span(source, 0, 0),
                                 help=_("save the file as UTF-8 text without control characters"))]
    except RecursionError:
        # The composer recurses once per level: find the first node that is too deep with the
        # parser's flat stream of events instead.
        return None, [_too_deep_at(text, source, code_prefix)]
    if root is None:
        return None, [Diagnostic(f"{code_prefix}1",
            _("the file is empty"), Span(source, 0, 0),
                                 help=_("write the document's top-level keys"))]
    # Without an anchor (&) there is no alias, so nothing can expand: only the depth needs
    # checking, and _build does that as it goes.
    if "&" in text:
        too_big = _check_size(root, source, code_prefix)
        if too_big is not None:
            return None, [too_big]
    errors: list[Diagnostic] = []
    try:
        tree = _build(root, source, errors, code_prefix)
    except _TooDeep as deep:
        return None, [Diagnostic(f"{code_prefix}3", _TOO_DEEP, _span(deep.node, source),
                                 help=_TOO_DEEP_HELP)]
    return tree, errors


_TOO_DEEP = f"the document is nested more than {MAX_DEPTH} levels deep"
_TOO_DEEP_HELP = "flatten the structure: a plan needs only a few levels of nesting"


def _too_deep_at(text: str, source: Source, prefix: str) -> Diagnostic:
    """The diagnostic of a document nested deeper than the composer can recurse, at its first
    node deeper than :data:`MAX_DEPTH` (the node :func:`_build` would refuse), found by walking
    the parser's events, which needs no recursion."""
    open_: list[list[int]] = []  # per open collection: [is a mapping, children seen]
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            parent = open_[-1] if open_ else None
            is_key = parent is not None and parent[0] == 1 and parent[1] % 2 == 0
            if parent is not None:
                parent[1] += 1
            if not is_key and len(open_) + 1 > MAX_DEPTH:  # keys are not nodes of a level
                start = event.start_mark.index if event.start_mark is not None else 0
                end = event.end_mark.index if event.end_mark is not None else start
                return Diagnostic(f"{prefix}3", _TOO_DEEP, Span(source, start, max(end, start)),
                                  help=_TOO_DEEP_HELP)
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append([int(isinstance(event, yaml.MappingStartEvent)), 0])
    except yaml.YAMLError:  # pragma: no cover - the composer got this far without one
        pass
    return Diagnostic(f"{prefix}3", _TOO_DEEP,  # pragma: no cover - as above
                      Span(source, 0, min(1, len(text))), help=_TOO_DEEP_HELP)


class _TooDeep(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


def _check_size(root: yaml.Node, source: Source, prefix: str) -> Diagnostic | None:
    """Refuse, before building anything, a document whose aliases expand it beyond
    :data:`MAX_NODES` nodes (a "billion laughs"), that refers to itself, or that nests deeper
    than :data:`MAX_DEPTH`. Sizes are computed once per distinct node, so this is fast."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    # Iterative post-order walk: the document can be deeply nested.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _kids(node)
            sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
            depths[key] = 1 + max((depths[id(k)] for k in kids), default=0)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return Diagnostic(f"{prefix}3", _("an alias refers to the node that contains it"),
                              _span(node, source),
                              help=_("write the content out instead of using a recursive alias"))
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _kids(node) if id(k) not in sizes)
    if depths[id(root)] > MAX_DEPTH:
        deep = root
        while _kids(deep):
            deep = max(_kids(deep), key=lambda k: depths[id(k)])
        return Diagnostic(f"{prefix}3", _TOO_DEEP, _span(deep, source), help=_TOO_DEEP_HELP)
    if sizes[id(root)] <= MAX_NODES:
        return None
    # Point at the innermost node that is too big by itself: the anchor that explodes.
    node = root
    while True:
        bigger = [k for k in _kids(node) if sizes[id(k)] > MAX_NODES]
        if not bigger:
            break
        node = bigger[0]
    return Diagnostic(
        f"{prefix}3", _("this value expands to {sizes:,} nodes through aliases (the limit is "
                         "{MAX_NODES:,}): the file looks like a \"billion laughs\" attack").format(
                          sizes=sizes[id(node)], MAX_NODES=MAX_NODES),
        _span(node, source),
        help=_("write the content out instead of nesting anchors (&) and aliases (*)"))


def _kids(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _yaml_help(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return _("a value containing ': ' must be quoted, e.g. \"a: b\"")
    if "found character '\\t'" in problem or "found character\t" in problem:
        return _("indent with spaces, not tabs")
    if "could not find expected ':'" in problem:
        return _("each line of a mapping needs 'key: value'")
    if "did not find expected key" in problem:
        return _("check the indentation: keys of one mapping start in the same column")
    if "found undefined alias" in problem:
        return _("an alias (*name) needs an anchor (&name) earlier in the file")
    if "found unexpected end of stream" in problem:
        return _("a quote or a bracket is not closed")
    if "expected a single document" in problem:
        return _("a plan file holds one document: remove the '---' separator")
    if "did not find expected" in problem:
        return _("a quote or a bracket is not closed, or the indentation is off")
    return _("check the quoting and the indentation around this place")


def _span(node: yaml.Node, source: Source) -> Span:
    return Span(source, node.start_mark.index, node.end_mark.index)


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


# A document's nodes are made without the dataclasses' ``__init__`` (three
# ``object.__setattr__`` calls for each frozen field, and a copy of every mapping's dict): the
# slots are filled through their descriptors, so each node is the one the constructor makes,
# at half the cost, for the 3,800 nodes of a plan on every first run (issue 17, B6.first).
_new = object.__new__


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """What fills the slot ``name`` of an instance of ``cls``, frozen or not."""
    setter: Callable[[Any, Any], None] = vars(cls)[name].__set__
    return setter


_SPAN_SOURCE, _SPAN_START, _SPAN_END = (_setter(Span, "source"), _setter(Span, "start"),
                                        _setter(Span, "end"))
_SCALAR_TEXT, _SCALAR_STYLE, _SCALAR_SPAN = (_setter(YScalar, "text"), _setter(YScalar, "style"),
                                             _setter(YScalar, "span"))
_MAP_SPAN, _MAP_ITEMS = _setter(YMap, "span"), _setter(YMap, "items")
_SEQ_SPAN, _SEQ_ITEMS = _setter(YSeq, "span"), _setter(YSeq, "items")


def _make_span(source: Source, start: int, end: int) -> Span:
    span: Span = _new(Span)
    _SPAN_SOURCE(span, source)
    _SPAN_START(span, start)
    _SPAN_END(span, end)
    return span


def _make_scalar(node: yaml.ScalarNode, source: Source) -> YScalar:
    span: Span = _new(Span)
    _SPAN_SOURCE(span, source)
    _SPAN_START(span, node.start_mark.index)
    _SPAN_END(span, node.end_mark.index)
    scalar: YScalar = _new(YScalar)
    _SCALAR_TEXT(scalar, str(node.value))
    _SCALAR_STYLE(scalar, node.style or None)
    _SCALAR_SPAN(scalar, span)
    return scalar


def _build(node: yaml.Node, source: Source, errors: list[Diagnostic], prefix: str,
           depth: int = 1) -> YNode:
    if depth > MAX_DEPTH:
        raise _TooDeep(node)
    if node.tag not in _STANDARD_TAGS and not (type(node) is yaml.ScalarNode
                                               and node.tag == "!"):
        _bad_tag(node, source, errors, prefix)
    if type(node) is yaml.ScalarNode:
        return _make_scalar(node, source)
    span = _make_span(source, node.start_mark.index, node.end_mark.index)
    if type(node) is yaml.SequenceNode:
        seq: YSeq = _new(YSeq)
        _SEQ_SPAN(seq, span)
        _SEQ_ITEMS(seq, tuple([_make_scalar(n, source)
                               if type(n) is yaml.ScalarNode and n.tag in _STANDARD_TAGS
                               and depth < MAX_DEPTH
                               else _build(n, source, errors, prefix, depth + 1)
                               for n in node.value]))
        return seq
    assert type(node) is yaml.MappingNode
    items: dict[str, tuple[YScalar, YNode]] = {}
    deeper = depth + 1
    scalar_node, tags, make_scalar = yaml.ScalarNode, _STANDARD_TAGS, _make_scalar
    for key_node, value_node in node.value:
        if type(key_node) is scalar_node and key_node.tag in tags:
            text = str(key_node.value)
            if text not in items:  # the usual key: a plain text, said once
                items[text] = (make_scalar(key_node, source),
                               make_scalar(value_node, source)
                               if type(value_node) is scalar_node and value_node.tag in tags
                               and deeper <= MAX_DEPTH
                               else _build(value_node, source, errors, prefix, deeper))
                continue
        _odd_key(key_node, value_node, items, source, errors, prefix, deeper)
    ymap: YMap = _new(YMap)
    _MAP_SPAN(ymap, span)
    _MAP_ITEMS(ymap, MappingProxyType(items))
    return ymap


def _bad_tag(node: yaml.Node, source: Source, errors: list[Diagnostic], prefix: str) -> None:
    span = _span(node, source)
    tag = _show_tag(node.tag)
    tag_span = span
    if source.text.startswith("!", span.start):  # point at the tag as written
        written = source.text[span.start:].split(maxsplit=1)[0]
        tag_span = Span(source, span.start, span.start + len(written))
    errors.append(Diagnostic(
        f"{prefix}4", _("the tag '{tag}' is not allowed").format(tag=tag), tag_span,
        help=_("remove the tag: values are read as plain text by the engine, never as "
                "Python objects")))


def _odd_key(key_node: yaml.Node, value_node: yaml.Node,
             items: dict[str, tuple[YScalar, YNode]], source: Source,
             errors: list[Diagnostic], prefix: str, depth: int) -> None:
    """A key that is not a plain text said once in its mapping: a merge key, a list or a
    mapping, a duplicate (each reported), or a scalar with another tag (kept, as any key's
    tag is)."""
    if key_node.tag == "tag:yaml.org,2002:merge":
        errors.append(Diagnostic(f"{prefix}4",
            _("merge keys ('<<') are not allowed"),
                                 _span(key_node, source),
                                 help=_("write the keys out in full")))
        return
    if not isinstance(key_node, yaml.ScalarNode):
        errors.append(Diagnostic(
            f"{prefix}5", _("a key must be a plain text, not a list or a mapping"),
            _span(key_node, source),
            help=_("write one key per entry, e.g. 'snv:' followed by its fields")))
        return
    key = _make_scalar(key_node, source)
    if key.text in items:
        first = items[key.text][0].span.begin
        errors.append(Diagnostic(
            f"{prefix}2", _("duplicate key '{key}'").format(key=key.text), key.span,
            help=_("it is already defined at line {line}; keep one of the two (YAML would "
                    "silently keep the last)").format(line=first.line),
        ))
        return
    items[key.text] = (key, _build(value_node, source, errors, prefix, depth))


# -- formulas inside scalars: map every character of the value back into the file ------------

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
#: (character of the value, start and end offset of the text it came from in the file)
_Piece = tuple[str, int, int]


def scalar_source(node: YScalar, name: str) -> Source:
    """The scalar's text as its own :class:`Source`, mapped back into the file.

    Each character of the value is aligned with the file text it came from: quotes, escapes
    (``\\"``, ``\\u00e9``, ``''``), block indentation and folded line breaks are skipped, so a
    diagnostic at column 18 of a formula lands on the right line and column of the YAML file.
    The alignment replays YAML's own rules and is checked against the value PyYAML read; should
    they ever disagree, a character-matching fallback is used.
    """
    file = node.span.source
    value = node.text
    style = node.style
    if style is None or style in ('"', "'"):
        # The usual formula: on one line, with no escape and no doubled quote, it is its text
        # in the file character for character (what the pieces below would say, at a tenth of
        # the cost).
        quoted = style is not None
        start = node.span.start + quoted
        end = start + len(value)
        if end + quoted == node.span.end and "\n" not in value and not (
                style is not None and (style in value or "\\" in value)) \
                and file.text.startswith(value, start):
            return Source(name, value, parent=file, origin=tuple(range(start, end + 1)))
    return _aligned_source(node, name)


def _aligned_source(node: YScalar, name: str) -> Source:
    """:func:`scalar_source` by the alignment of every character (the shortcut for a text
    written as it is gives the same source: tests/plan/test_yamlsrc.py)."""
    file = node.span.source
    value = node.text
    pieces = _pieces(file.text, node)
    if pieces is not None and len(pieces) >= len(value) \
            and "".join(p[0] for p in pieces[: len(value)]) == value:
        pieces = pieces[: len(value)]
        origin = [p[1] for p in pieces]
        last_end = pieces[-1][2] if pieces else _content_start(file.text, node)
        origin.append(last_end)
        return Source(name, value, parent=file, origin=tuple(origin))
    return _fallback_source(node, name)


def _content_start(raw: str, node: YScalar) -> int:
    pos = node.span.start
    if node.style in ("|", ">"):
        nl = raw.find("\n", pos)
        return nl + 1 if 0 <= nl < node.span.end else pos
    if node.style in ('"', "'"):
        return pos + 1
    return pos


def _pieces(raw: str, node: YScalar) -> list[_Piece] | None:
    try:
        if node.style in ("|", ">"):
            return _block_pieces(raw, node)
        if node.style in ('"', "'"):
            return _flow_pieces(raw, node.span.start + 1, node.span.end - 1, node.style)
        return _flow_pieces(raw, node.span.start, node.span.end, None)
    except (IndexError, ValueError):  # pragma: no cover - guarded by the check in the caller
        return None


def _flow_pieces(raw: str, i: int, end: int, style: str | None) -> list[_Piece]:
    """Plain, single- and double-quoted scalars: escapes, ``''`` and line folding."""
    out: list[_Piece] = []
    while i < end:
        c = raw[i]
        if style == '"' and c == "\\":
            n = raw[i + 1]
            if n == "\n":  # an escaped line break joins the lines without a space
                i += 2
                while i < end and raw[i] in " \t":
                    i += 1
                continue
            if n in _HEX_ESCAPES:
                width = _HEX_ESCAPES[n]
                out.append((chr(int(raw[i + 2 : i + 2 + width], 16)), i, i + 2 + width))
                i += 2 + width
                continue
            out.append((_ESCAPES[n], i, i + 2))
            i += 2
            continue
        if style == "'" and c == "'" and raw[i + 1 : i + 2] == "'":
            out.append(("'", i, i + 2))
            i += 2
            continue
        if c in " \t":
            j = i
            while j < end and raw[j] in " \t":
                j += 1
            if j < end and raw[j] == "\n":  # spaces before a line break are dropped
                i = j
                continue
            out.extend((raw[k], k, k + 1) for k in range(i, j))
            i = j
            continue
        if c == "\n":  # line folding: one break is a space, n blank lines are n breaks
            breaks = []
            j = i
            while True:
                breaks.append(j)
                j += 1
                while j < end and raw[j] in " \t":
                    j += 1
                if j < end and raw[j] == "\n":
                    continue
                break
            if len(breaks) == 1:
                out.append((" ", i, i + 1))
            else:
                out.extend(("\n", b, b + 1) for b in breaks[1:])
            i = j
            continue
        out.append((c, i, i + 1))
        i += 1
    return out


def _block_pieces(raw: str, node: YScalar) -> list[_Piece] | None:
    """Literal (``|``) and folded (``>``) block scalars, replaying PyYAML's scanner."""
    start, end = node.span.start, node.span.end
    nl = raw.find("\n", start)
    if nl < 0 or nl >= end:
        return []
    header = raw[start + 1 : nl].split("#", 1)[0].strip()
    explicit = any(ch.isdigit() for ch in header)
    lines: list[tuple[int, int]] = []  # (start, end) of each line of the body, without "\n"
    pos = nl + 1
    while pos < end:
        eol = raw.find("\n", pos)
        eol = end if eol < 0 or eol > end else eol
        lines.append((pos, eol))
        pos = eol + 1
    first = next((raw[a:b] for a, b in lines if raw[a:b].strip(" ")), "")
    auto = len(first) - len(first.lstrip(" "))
    leading = [b - a for a, b in lines[: next((i for i, (a, b) in enumerate(lines)
                                               if raw[a:b].strip(" ")), len(lines))]]
    auto = max([auto, *leading]) if not explicit else auto
    candidates = list(range(auto, -1, -1)) if explicit else [auto]
    for indent in candidates:
        pieces = _block_body(raw, lines, indent, node.style == ">")
        text = "".join(p[0] for p in pieces)
        if text.startswith(node.text) or (text.rstrip("\n") == node.text.rstrip("\n")
                                           and len(text) >= len(node.text)):
            return pieces
    return None


def _block_body(raw: str, lines: list[tuple[int, int]], indent: int,
                folded: bool) -> list[_Piece]:
    out: list[_Piece] = []
    breaks: list[_Piece] = []
    line_break: _Piece | None = None
    prev_leading_non_space = False
    have_content = False
    for a, b in lines:
        text = raw[a:b]
        if len(text) <= indent and not text.strip(" "):
            breaks.append(("\n", b, b + 1))  # an empty line
            continue
        if len(text) - len(text.lstrip(" ")) < indent:
            break  # less indented: the scalar has ended
        content = a + indent
        leading_non_space = raw[content : content + 1] not in (" ", "\t")
        if have_content and line_break is not None:
            if folded and prev_leading_non_space and leading_non_space:
                if not breaks:
                    out.append((" ", line_break[1], line_break[2]))
            else:
                out.append(line_break)
        out.extend(breaks)
        breaks = []
        out.extend((raw[k], k, k + 1) for k in range(content, b))
        line_break = ("\n", b, b + 1)
        prev_leading_non_space = leading_non_space
        have_content = True
    if line_break is not None:
        out.append(line_break)
    out.extend(breaks)
    return out


def _fallback_source(node: YScalar, name: str) -> Source:
    file = node.span.source
    raw = file.text
    value = node.text
    pos = _content_start(raw, node)
    end = node.span.end
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
