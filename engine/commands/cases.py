"""``cchc test``: run a plan's test cases (the facts of a case, the results it expects)."""

from __future__ import annotations

import sys

import click

from . import (
    PATH,
    PLAN,
    TEXT_OR_JSON,
    _lang,
    _limits,
    _load_plan,
    _out,
    _reads_files,
    _speaks_json,
    fmt,
)


@click.command("test")
@PLAN
@click.argument("case_paths", metavar="CASES...", nargs=-1, required=True, type=PATH)
@fmt(TEXT_OR_JSON, "text")
@_lang("Language of the explanations of failures.")
@_reads_files
@_speaks_json
def test(plan_path: str, case_paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """Run the test cases in CASES (files or folders) against PLAN; exit 1 if any fails."""
    from engine.cases import load_cases, run_cases
    from engine.render_cases import render_results, render_results_json

    plan = _load_plan(plan_path)
    cases = load_cases(list(case_paths), plan, **_limits())
    results = run_cases(cases)
    out = render_results_json(results) if fmt == "json" else render_results(results, lang)
    _out(out, nl=False)
    if not all(r.passed for r in results):
        sys.exit(1)
