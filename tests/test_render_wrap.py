"""``engine.render.wrap`` counts a word that fits as a whole (issue 17, B6: the table of the
main job wrapped every first word of a line character by character): the same lines as the
character-by-character reference below, for any text, width and indent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.escape import visible
from engine.render import width, wrap


def reference(text: str, size: int, indent: str = "") -> list[str]:
    """``wrap`` as it was written before (each first word of a line char by char)."""
    size = max(size, 2 + width(indent))
    lines: list[str] = []
    line, used = "", 0

    def new_line() -> None:
        nonlocal line, used
        lines.append(line)
        line, used = indent, width(indent)

    for word in visible(text).split(" "):
        if not word:
            continue
        need = width(word)
        if line.strip() and used + 1 + need <= size:
            line, used = f"{line} {word}", used + 1 + need
            continue
        if line.strip():
            new_line()
        for ch in word:
            n = width(ch)
            if used + n > size and line.strip():
                new_line()
            line, used = line + ch, used + n
    if line.strip() or not lines:
        lines.append(line)
    return lines


#: Letters, tone marks typed apart, wide characters, Hangul jamo that compose, spaces of other
#: widths, controls and invisible characters.
ALPHABET = st.sampled_from([*"aăâbcdđeêoôơuưy ỹỷỳịĩ.,-_/%",
    "\u0301", "\u0309", "\u031b", "\u0323", "\u4e2d", "\u1100", "\u1161", "\u11a8",
    "\u00a0", "\u3000", "\u2003", "\t", "\n", "\x1b", "\u202e", "\u200b", "\ufeff",
    "\U0001f600", "\u0378"])


@settings(max_examples=400, deadline=None)
@given(st.text(ALPHABET, max_size=60), st.integers(0, 30),
       st.sampled_from(["", "  ", "    ", "→ ", "\u00a0\u00a0", "\u3000"]))
def test_wrap_is_the_reference(text: str, size: int, indent: str) -> None:
    assert wrap(text, size, indent) == reference(text, size, indent)


def test_wrap_examples() -> None:
    assert wrap("Cải cách thủ tục hành chính", 12) == ["Cải cách thủ", "tục hành", "chính"]
    assert wrap("\u00a0 \u00a0x", 2) == reference("\u00a0 \u00a0x", 2)
    assert wrap("", 5) == [""] and wrap("   ", 5, "  ") == [""]
