"""Regular expressions compiled when first used.

A module that compiles its patterns on import makes every run pay for all of them, and ``re``
keeps none between runs: the fifteen of :mod:`engine.fact_values` took a first run 2 ms, and a
run needs few (issue 17, B6). :func:`lazy` stands in for a pattern of a module until an
attribute of it is first asked for; it then compiles the pattern and puts it in its place in
the module, so every later use (a function reads the module's global each time) is the
compiled pattern itself, at no cost.

    >>> import types
    >>> m = sys.modules["example"] = types.ModuleType("example")
    >>> m.WORD = lazy("example", "WORD", r"[a-z]+")
    >>> m.WORD.fullmatch("abc").group()
    'abc'
    >>> type(m.WORD).__name__
    'Pattern'
    >>> del sys.modules["example"]
"""

from __future__ import annotations

import re
import sys
from typing import cast

__all__ = ["Lazy", "lazy"]


class Lazy:
    """A pattern of ``module`` (its global ``name``), compiled from ``text`` when first used."""

    __slots__ = ("module", "name", "text")

    def __init__(self, module: str, name: str, text: str) -> None:
        self.module, self.name, self.text = module, name, text

    def __getattr__(self, attr: str) -> object:
        compiled = re.compile(self.text)
        setattr(sys.modules[self.module], self.name, compiled)
        return getattr(compiled, attr)

    def __repr__(self) -> str:
        return f"<{self.module}.{self.name}: {self.text!r}, compiled when first used>"


def lazy(module: str, name: str, text: str) -> re.Pattern[str]:
    """``re.compile(text)``, made when first used and then kept as ``module``'s ``name``."""
    return cast("re.Pattern[str]", Lazy(module, name, text))
