"""The generated LALR tables (engine/parse_tables.py) match the grammar and Lark's parser.

They let a first run parse formulas without importing Lark (issue 17, B6.first). Regenerate
them after editing grammar/cchc.lark with
``pytest tests/language/test_parse_tables.py --update-goldens``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import parse_tables, parser
from engine.diagnostics import ExpressionError
from engine.source import Source

MODULE = Path(parser.__file__).with_name("parse_tables.py")
SAMPLES = ["a + 1 > 2", "sum(x where kind == \"commune\") / sum(y) > 99%",
           "if a then 1 else 2", "value in [\"A\", \"B\"]", "not a and b or c <= 2023-01-10",
           "-x * (y - 2) / 3 >= 1.5", "count(z) == 0 # a comment", "a.b.c != \"Nhóm B\""]


def test_the_tables_are_generated_from_the_current_grammar(
        request: pytest.FixtureRequest) -> None:
    grammar = parser._grammar_text()
    want = parser.tables_module(grammar, parser._lark())
    if request.config.getoption("--update-goldens") and MODULE.read_text("utf-8") != want:
        MODULE.write_text(want, "utf-8")
    assert parser.grammar_digest(grammar) == parse_tables.GRAMMAR_SHA256, \
        "grammar/cchc.lark changed: regenerate engine/parse_tables.py with " \
        "`pytest tests/language/test_parse_tables.py --update-goldens`"
    if not parser._grammar_file(parser.CACHE_NAME).startswith(parser.cache_key(grammar)):
        pytest.skip("the parser cache is for another Lark: its states may be numbered otherwise")
    assert MODULE.read_text("utf-8") == want, \
        "engine/parse_tables.py is not what engine.parser.tables_module writes: regenerate it " \
        "with `pytest tests/language/test_parse_tables.py --update-goldens`"


def test_the_fast_path_uses_the_generated_tables() -> None:
    tables = parser._tables()
    assert tables is not None and tables.actions is parse_tables.TABLES["actions"]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_generated_tables_parse_as_lark_does(text: str) -> None:
    assert parser._fast_parse(text, Source("<t>", text)) == parser.parse_reference(text)


def test_a_formula_is_parsed_without_importing_lark() -> None:
    code = ("import sys\nfrom engine.parser import parse\n"
            f"parse({SAMPLES[1]!r})\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lark'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(parser.__file__).parents[1])
    assert out.stdout.strip() == "[]"


def test_a_syntax_error_still_imports_lark_and_is_worded_by_it() -> None:
    with pytest.raises(ExpressionError) as err:
        parser.parse("a +")
    assert [(d.code, d.span.start if d.span else None) for d in err.value.diagnostics] == \
        [("E101", 3)]
