"""``cchc explain``: how one result of a period's report was derived (formula, values,
agencies)."""

from __future__ import annotations

import click

from engine.i18n import _

from . import (
    PATH,
    PLAN,
    _evaluate,
    _lang,
    _out,
    _reads_facts,
    _reads_files,
    _speaks_json,
    as_of,
    period,
)


@click.command("explain")
@_reads_facts
@PLAN
@click.argument("facts_path", metavar="FACTS", type=PATH)
@click.argument("indicator")
@period("Period id, e.g. q1.")
@as_of("Default: the period's due date.")
@click.option("--agency", help="Explain the result of one agency (with the agencies below it).")
@_lang("Language of the explanation.")
@_reads_files
@_speaks_json
def explain(plan_path: str, facts_path: str, indicator: str, period: str,
            as_of: str | None, agency: str | None, lang: str) -> None:
    """Show how INDICATOR's result was derived: formula, values, agencies."""
    from engine.render import render_explain

    facts, report = _evaluate(plan_path, (facts_path,), period, as_of, agency=agency,
                              indicator=indicator, narrow=False)
    result = report.result(indicator)
    if agency is not None and agency not in result.indicator.population:
        raise click.BadParameter(_("'{agency}' is not in the scope of {indicator}").format(
            agency=agency, indicator=indicator), param_hint="--agency")
    _out(render_explain(result, lang, agency, facts.where), nl=False)

