"""Results of plan test cases, rendered: one line per case, each failure explained, or JSON.
A control or bidirectional character of a case name or a value is written out (``\\x1b``, see
:mod:`engine.escape`), escaped the JSON way in JSON.

    >>> render_results([])
    '0 passed, 0 failed\\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .cases import CaseResult
from .escape import json_safe, visible, visible_lines
from .model import Indicator
from .render import display_value
from .values import Unknown, Value, format_value

__all__ = ["render_results", "render_results_json", "results_to_dict"]


def _shown(value: Value, ind: Indicator) -> str:
    text = format_value(value)
    if ind.unit in ("percent", "rate") and not isinstance(value, Unknown | bool):
        shown = display_value(value, ind.unit)
        if shown != text:
            return f"{text} ({shown})"
    return text


def render_results(results: Iterable[CaseResult], lang: str = "vi") -> str:
    """One line per case (PASS/FAIL), each failure as expected versus actual with the
    explanation, and a summary line ``N passed, M failed``."""
    lines: list[str] = []
    passed = failed = 0
    for res in results:
        case = res.case
        if res.passed:
            passed += 1
            lines.append(visible(f"PASS {case.where}: {case.name}"))
            continue
        failed += 1
        lines.append(visible(f"FAIL {case.where}: {case.name}"))
        for check in res.failures:
            e = check.expectation
            ind = case.plan.indicators[e.indicator]
            want: list[str] = [e.status] if e.status is not None else []
            if e.value is not None:
                want.append(f"value {_shown(e.value, ind)}")
            lines.append(f"  {e.indicator}")
            lines.append(f"    expected: {', '.join(want)}")
            lines.append(f"    actual:   {check.status}, value {_shown(check.value, ind)}")
            lines.append("    why:")
            lines.extend("      " + line if line else ""
                         for line in res.explanation(e.indicator, lang).rstrip("\n").split("\n"))
    lines.append(f"{passed} passed, {failed} failed")
    return visible_lines("\n".join(lines) + "\n")


def results_to_dict(results: Iterable[CaseResult]) -> dict[str, Any]:
    items = [r.to_dict() for r in results]
    passed = sum(1 for r in items if r["passed"])
    return {"passed": passed, "failed": len(items) - passed, "cases": items}


def render_results_json(results: Iterable[CaseResult]) -> str:
    return json_safe(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2)) + "\n"
