"""The structure of an HTML page as an indented outline, for golden files a person can review:
sections, headings (with their text), ids and classes, table shapes, lists and charts; not
the styles, not the words of every cell.

    html[lang=vi]
      body
        header#top
          h1: Kế hoạch CCHC nhỏ năm 2023
          ...
          table.counts
            thead
              tr: th "Kết quả" | th.num "Số chỉ tiêu" | th.num "Tỷ lệ"
            tbody
              tr.status-met: td | td.num | td.num
"""

from __future__ import annotations

from html.parser import HTMLParser

#: Elements shown in the outline (any other element is shown when it has an id).
SHOWN = frozenset({
    "html", "head", "title", "style", "body", "header", "nav", "main", "section", "footer",
    "article", "figure", "h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tfoot", "tr",
    "details", "summary", "dl", "ul", "ol", "svg", "div"})
#: Elements whose text the outline shows.
WITH_TEXT = frozenset({"title", "h1", "h2", "h3", "h4", "summary"})
#: Elements counted, not shown one by one, inside the element that holds them.
COUNTED = frozenset({"li", "dt", "rect", "line", "text"})
VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "wbr", "col", "source"})


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node] = []
        self.text: list[str] = []

    def label(self) -> str:
        out = self.tag
        if "id" in self.attrs:
            out += "#" + self.attrs["id"]
        for c in (self.attrs.get("class") or "").split():
            out += "." + c
        for key in ("lang", "role", "data-status", "colspan"):
            if key in self.attrs:
                out += f"[{key}={self.attrs[key]}]"
        return out

    def all_text(self) -> str:
        return " ".join(" ".join([*self.text, *(c.all_text() for c in self.children)]).split())


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def _counts(node: _Node) -> str:
    found: dict[str, int] = {}

    def walk(n: _Node) -> None:
        for c in n.children:
            if c.tag in COUNTED:
                found[c.tag] = found.get(c.tag, 0) + 1
            if c.tag not in SHOWN and "id" not in c.attrs:
                walk(c)

    walk(node)
    return ", ".join(f"{tag}×{n}" for tag, n in sorted(found.items()))


def _cell(node: _Node) -> str:
    label = node.label()
    if node.tag == "th":
        label += f' "{node.all_text()}"'
    return label


def outline(html: str) -> str:
    """The outline of ``html``, one element a line, indented by nesting."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    lines: list[str] = []

    def show(node: _Node, depth: int) -> None:
        shown = node.tag in SHOWN or "id" in node.attrs
        inner = depth
        if shown:
            line = "  " * depth + node.label()
            if node.tag == "tr":
                line += ": " + " | ".join(_cell(c) for c in node.children
                                          if c.tag in ("td", "th"))
            elif node.tag in WITH_TEXT:
                line += ": " + node.all_text()
            elif node.tag != "style":
                counted = _counts(node)
                line += f" ({counted})" if counted else ""
            lines.append(line)
            inner = depth + 1
            if node.tag in ("style", "svg"):
                return
        for child in node.children:
            show(child, inner)

    for child in tree.root.children:
        show(child, 0)
    return "\n".join(lines) + "\n"
