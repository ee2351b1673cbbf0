"""The shipped parser cache (engine/grammar/cchc.lark.cache) matches the grammar beside it.

Regenerate it after editing grammar/cchc.lark with ``pytest --update-goldens``.
"""

from __future__ import annotations

import io
from pathlib import Path

import lark
import pytest

from engine import parser

CACHE = Path(__file__).resolve().parents[2] / "grammar" / parser.CACHE_NAME
SAMPLES = ["a + 1 > 2", "sum(x where kind == \"commune\") / sum(y) > 99%",
           "if a then 1 else 2", "value in [\"A\", \"B\"]", "not a and b or c <= 2023-01-10"]


def test_cache_is_built_from_the_current_grammar(request: pytest.FixtureRequest) -> None:
    grammar = parser._grammar_text()
    if request.config.getoption("--update-goldens") and \
            not CACHE.read_bytes().startswith(parser.cache_key(grammar)):
        CACHE.write_bytes(parser.build_cache(grammar))
    data = CACHE.read_bytes()
    first = data.split(b"\n", 1)[0].decode("ascii")
    if f"lark={lark.__version__}" not in first:
        pytest.skip(f"the cache was built with another Lark ({first}); it is simply not used")
    assert data.startswith(parser.cache_key(grammar)), \
        "grammar/cchc.lark changed: regenerate the cache with `pytest --update-goldens`"


def test_cached_parser_parses_like_a_fresh_one() -> None:
    grammar = parser._grammar_text()
    data = CACHE.read_bytes()
    key = parser.cache_key(grammar)
    if not data.startswith(key):
        pytest.skip("cache not current for this Lark version")
    cached = lark.Lark.load(io.BytesIO(data[len(key):]))
    fresh = lark.Lark(grammar, **parser._LARK_OPTIONS)
    for text in SAMPLES:
        assert cached.parse(text) == fresh.parse(text)
