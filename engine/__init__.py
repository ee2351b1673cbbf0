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

#: public name -> the module that defines it. This is the whole public surface, listed in
#: docs/library.md (a test compares the two); every other name of every module is private.
_EXPORTS = {
    # plans
    "Plan": "model", "load_plan": "loader", "loads_plan": "loader",
    # facts
    "Facts": "facts", "load_facts": "facts", "facts_from_data": "facts",
    # reports
    "evaluate": "report", "Report": "report", "IndicatorResult": "report",
    "AgencyResult": "report", "Coverage": "report", "Treatment": "report",
    "render_docx": "report_docx",  # not render_docx.py: importing it would shadow the function
    # who has reported: the chase list
    "reporting_status": "status", "ReportingStatus": "status", "AgencyStatus": "status",
    "render_html": "report_html",
    # values
    "Reason": "values", "Unknown": "values", "format_value": "values", "json_value": "values",
    # formulas
    "Formula": "language", "compile_formula": "language", "Symbols": "checker",
    "Type": "builtins",
    # plan changes and plan test cases
    "diff_plans": "diff", "PlanDiff": "diff",
    "load_cases": "cases", "run_cases": "cases", "Case": "cases", "CaseResult": "cases",
    # errors
    "Diagnostic": "diagnostics", "EngineError": "diagnostics", "PlanError": "diagnostics",
    "FactsError": "diagnostics", "ExpressionError": "diagnostics",
    "ArgumentError": "diagnostics", "CaseError": "cases",
    # scoring units with a scorecard (docs/scoring.md)
    "load_scorecard": "scorecard", "loads_scorecard": "scorecard", "Scorecard": "scorecard",
    "ScorecardError": "scorecard", "score": "scoring", "ScoreReport": "scoring",
}

__all__ = [
    "AgencyResult",
    "AgencyStatus",
    "ArgumentError",
    "Case",
    "CaseError",
    "CaseResult",
    "Coverage",
    "Diagnostic",
    "EngineError",
    "ExpressionError",
    "Facts",
    "FactsError",
    "Formula",
    "IndicatorResult",
    "Plan",
    "PlanDiff",
    "PlanError",
    "Reason",
    "Report",
    "ReportingStatus",
    "ScoreReport",
    "Scorecard",
    "ScorecardError",
    "Symbols",
    "Treatment",
    "Type",
    "Unknown",
    "__version__",
    "compile_formula",
    "diff_plans",
    "evaluate",
    "facts_from_data",
    "format_value",
    "json_value",
    "load_cases",
    "load_facts",
    "load_plan",
    "load_scorecard",
    "loads_plan",
    "loads_scorecard",
    "render_docx",
    "render_html",
    "reporting_status",
    "run_cases",
    "score",
]

if TYPE_CHECKING:
    from .builtins import Type
    from .cases import Case, CaseError, CaseResult, load_cases, run_cases
    from .checker import Symbols
    from .diagnostics import (
        ArgumentError,
        Diagnostic,
        EngineError,
        ExpressionError,
        FactsError,
        PlanError,
    )
    from .diff import PlanDiff, diff_plans

    # Arrive with the facts and loader branches of issue 11: mypy flags the ignores as unused
    # once they exist, so the merge removes them.
    from .facts import Facts, facts_from_data, load_facts
    from .language import Formula, compile_formula
    from .loader import load_plan, loads_plan
    from .model import Plan
    from .report import AgencyResult, Coverage, IndicatorResult, Report, Treatment, evaluate
    from .report_docx import render_docx
    from .report_html import render_html
    from .scorecard import Scorecard, ScorecardError, load_scorecard, loads_scorecard
    from .scoring import ScoreReport, score
    from .status import AgencyStatus, ReportingStatus, reporting_status
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
