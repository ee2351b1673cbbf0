"""cchc: a rules-as-code engine for Vietnamese public administration reform plans.

The library surface: load a plan once, check fact files against it, evaluate many times.

    >>> import engine
    >>> engine.compile_formula("1 / 3 * 3 == 1", engine.Symbols({})).evaluate()
    True
"""

from __future__ import annotations

from .checker import Symbols, Type
from .diagnostics import Diagnostic, EngineError, ExpressionError, FactsError, PlanError
from .evaluate import IndicatorResult, Report, SimpleFacts, evaluate
from .facts import Facts, load_facts
from .language import Formula, compile_formula, format_value, json_value, parse_literal
from .loader import load_plan
from .model import Plan
from .parser import MAX_DEPTH, MAX_LENGTH, parse
from .printer import to_text
from .values import Reason, Unknown

__version__ = "0.1.0"

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Diagnostic",
    "EngineError",
    "ExpressionError",
    "Facts",
    "FactsError",
    "Formula",
    "IndicatorResult",
    "Plan",
    "PlanError",
    "Reason",
    "Report",
    "SimpleFacts",
    "Symbols",
    "Type",
    "Unknown",
    "__version__",
    "compile_formula",
    "evaluate",
    "format_value",
    "json_value",
    "load_facts",
    "load_plan",
    "parse",
    "parse_literal",
    "to_text",
]
