"""cchc: a rules-as-code engine for Vietnamese public administration reform plans.

The library surface: load a plan once, check fact files against it, evaluate many times.

    >>> import engine
    >>> engine.compile_formula("1 / 3 * 3 == 1", engine.Symbols({})).evaluate()
    True

Names are imported on first use (PEP 562), so ``import engine`` and ``cchc --help`` stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "Symbols": "checker", "Type": "builtins",
    "Diagnostic": "diagnostics", "EngineError": "diagnostics", "ExpressionError": "diagnostics",
    "FactsError": "diagnostics", "PlanError": "diagnostics",
    "IndicatorResult": "report", "Report": "report", "SimpleFacts": "report",
    "evaluate": "report",
    "Facts": "facts", "load_facts": "facts",
    "Formula": "language", "compile_formula": "language", "parse_literal": "language",
    "format_value": "values", "json_value": "values",
    "load_plan": "loader", "loads_plan": "loader",
    "Plan": "model",
    "MAX_DEPTH": "parser", "MAX_LENGTH": "parser", "parse": "parser",
    "to_text": "printer",
    "diff_plans": "diff",
    "load_cases": "cases", "run_cases": "cases",
    "Reason": "values", "Unknown": "values",
}

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
    "diff_plans",
    "evaluate",
    "format_value",
    "json_value",
    "load_cases",
    "load_facts",
    "load_plan",
    "loads_plan",
    "parse",
    "parse_literal",
    "run_cases",
    "to_text",
]

if TYPE_CHECKING:
    from .builtins import Type
    from .cases import load_cases, run_cases
    from .checker import Symbols
    from .diagnostics import Diagnostic, EngineError, ExpressionError, FactsError, PlanError
    from .diff import diff_plans
    from .facts import Facts, load_facts
    from .language import Formula, compile_formula, parse_literal
    from .loader import load_plan, loads_plan
    from .model import Plan
    from .parser import MAX_DEPTH, MAX_LENGTH, parse
    from .printer import to_text
    from .report import IndicatorResult, Report, SimpleFacts, evaluate
    from .values import Reason, Unknown, format_value, json_value


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
