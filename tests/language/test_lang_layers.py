"""The language's modules import only the stages below them (no back-edge, no hidden cycle).

Every import counts, at the top of a module or inside a function: a local import is still an
edge of the graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"

#: What each module of the expression language may import from the engine, and nothing more.
ALLOWED: dict[str, set[str]] = {
    "values": set(),
    "escape": set(),  # how text is shown to people: a leaf, like values
    "source": {"escape"},
    "builtins": set(),
    "nodes": {"source"},
    "diagnostics": {"escape", "i18n", "source"},
    # the words of every message: a leaf but for the diagnostic of an unknown language (E805),
    # imported only when one is given
    "i18n": {"diagnostics", "escape"},
    "printer": {"nodes", "values"},
    # (grammar: the package of the grammar's files; parse_tables: its generated LALR tables)
    "parser": {"builtins", "diagnostics", "grammar", "i18n", "nodes", "parse_tables", "source",
               "values"},
    "parse_tables": set(),
    "checker": {"builtins", "diagnostics", "i18n", "nodes", "source"},
    "codegen": {"builtins", "nodes", "values"},
    "evaluator": {"builtins", "codegen", "nodes", "values"},
}


def engine_imports(module: str) -> set[str]:
    """The engine modules that ``engine/<module>.py`` imports, anywhere in its text."""
    return imports_in((ENGINE / f"{module}.py").read_text(encoding="utf-8"))


def imports_in(text: str) -> set[str]:
    """The engine modules a module of the engine package with this text imports."""
    tree = ast.parse(text)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .values import x
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import codegen
                found |= {alias.name for alias in node.names}
            elif node.module and node.module.split(".")[0] == "engine":
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("engine.")}
    return found


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_no_back_edges(module: str) -> None:
    extra = engine_imports(module) - ALLOWED[module]
    assert not extra, f"engine/{module}.py imports {sorted(extra)}: a stage above it"


def test_the_reader_of_imports_sees_every_form_of_import() -> None:
    text = ("from .values import Unknown\nfrom . import codegen, nodes\n"
            "import engine.printer\nfrom engine.checker import check\n"
            "def f():\n    from .evaluator import Row\n    import os\n")
    assert imports_in(text) == {"values", "codegen", "nodes", "printer", "checker", "evaluator"}
    assert engine_imports("language") >= {"checker", "evaluator", "parser"}
