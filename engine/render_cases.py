"""Results of plan test cases, rendered: one line per case, each failure explained, or JSON.
A control or bidirectional character of a case name or a value is written out (``\\x1b``, see
:mod:`engine.escape`), escaped the JSON way in JSON.

    >>> render_results([], "en"), render_results([], "vi")
    ('0 passed, 0 failed\\n', '0 đạt, 0 không đạt\\n')
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .cases import CaseResult
from .escape import json_safe, visible, visible_lines
from .i18n import _, use
from .model import Indicator
from .numbers import format_number_local
from .render import STATUS_WORDS, display_value, explained_value
from .values import Unknown, Value

__all__ = ["render_results", "render_results_json", "results_to_dict"]


def _shown(value: Value, ind: Indicator, lang: str) -> str:
    """A value of a case in ``lang`` (:func:`engine.render.explained_value`), a share with its
    percentage: ``0,995 (99,5%)``."""
    text = explained_value(value, lang)
    if ind.unit in ("percent", "rate") and not isinstance(value, Unknown | bool):
        shown = display_value(value, ind.unit, lang)
        if shown != text:
            return f"{text} ({shown})"
    return text


def render_results(results: Iterable[CaseResult], lang: str = "vi") -> str:
    """One line per case (PASS/FAIL), each failure as expected versus actual with the
    explanation, and a summary line ``N passed, M failed``; every word in ``lang``, numbers
    written its way."""
    with use(lang):
        return _render_results(results, lang)


def _render_results(results: Iterable[CaseResult], lang: str) -> str:
    lines: list[str] = []
    passed = failed = 0
    words = STATUS_WORDS[lang]
    for res in results:
        case = res.case
        if res.passed:
            passed += 1
            lines.append(visible(_("PASS {where}: {name}").format(where=case.where,
                                                                 name=case.name)))
            continue
        failed += 1
        lines.append(visible(_("FAIL {where}: {name}").format(where=case.where, name=case.name)))
        for check in res.failures:
            e = check.expectation
            ind = case.plan.indicators[e.indicator]
            want: list[str] = [words[e.status]] if e.status is not None else []
            if e.value is not None:
                want.append(_("value {value}").format(value=_shown(e.value, ind, lang)))
            lines.append(f"  {e.indicator}")
            lines.append("    " + _("expected: {expected}").format(expected=", ".join(want)))
            lines.append("    " + _("actual:   {status}, value {value}").format(
                status=words[check.status], value=_shown(check.value, ind, lang)))
            lines.append("    " + _("why:"))
            lines.extend("      " + line if line else ""
                         for line in res.explanation(e.indicator, lang).rstrip("\n").split("\n"))
    lines.append(_("{passed} passed, {failed} failed").format(
        passed=format_number_local(passed, lang), failed=format_number_local(failed, lang)))
    return visible_lines("\n".join(lines) + "\n")


def results_to_dict(results: Iterable[CaseResult]) -> dict[str, Any]:
    items = [r.to_dict() for r in results]
    passed = sum(1 for r in items if r["passed"])
    return {"passed": passed, "failed": len(items) - passed, "cases": items}


def render_results_json(results: Iterable[CaseResult]) -> str:
    return json_safe(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2)) + "\n"
