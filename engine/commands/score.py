"""``cchc score`` (issue 16): score and rank the units of a plan by a scorecard."""

from __future__ import annotations

import click

import engine
from engine.i18n import _

from . import (
    _OPTION_LABELS,
    FACTS,
    FILE,
    PLAN,
    _facts_warnings,
    _json_text,
    _lang,
    _limits,
    _load_plan,
    _needs_file,
    _out,
    _reads_facts,
    _reads_files,
    _refuse_existing,
    _speaks_json,
    _write_file,
    fmt,
    force,
    output,
    period,
)


@click.command("score")
@_reads_facts
@PLAN
@click.argument("scorecard_path", metavar="SCORECARD", type=FILE)
@FACTS
@period("Period id, e.g. year.")
@fmt(click.Choice(["table", "markdown", "csv", "json", "html", "xlsx"]), "table",
     "xlsx: an Excel workbook (one sheet per block, and the criteria), to a file given with -o.")
@click.option("--unit", help="Explain one unit: every criterion, its input, rule and points.")
@click.option("--stages", is_flag=True,
              help="List the criteria where appraisal changed the self-assessment.")
@_lang("Language of the scorecard's labels, names and explanations.")
@output("Write to FILE instead of standard output (needed for xlsx).")
@force()
@_reads_files
@_speaks_json
def score(plan_path: str, scorecard_path: str, facts_paths: tuple[str, ...], period: str,
          fmt: str, unit: str | None, stages: bool, lang: str, output: str | None,
          force: bool) -> None:
    """Score and rank the units of PLAN by SCORECARD from FACTS (files or folders)."""
    from dataclasses import replace

    from engine import render_score as rs
    from engine.diagnostics import ArgumentError
    from engine.report import check_arguments
    from engine.scorecard import load_scorecard
    from engine.scoring import score as scored

    if (unit is not None or stages) and fmt in ("csv", "html", "xlsx"):
        raise click.BadParameter(_("--unit and --stages write text or JSON, not {fmt}: use "
                                   "--format table (or markdown) or json").format(fmt=fmt),
                                 param_hint="--format")
    _needs_file(fmt, output)
    if output is not None and not force:
        _refuse_existing(output)
    plan = _load_plan(plan_path)
    check_arguments(plan, period=period, labels=_OPTION_LABELS)
    limits = _limits()
    card = load_scorecard(scorecard_path, plan=plan, root=limits["root"],
                          max_file_bytes=limits["max_file_bytes"])
    from engine.facts import load_facts

    facts = load_facts(card.fact_plan, list(facts_paths), period=period,
                       max_file_bytes=limits["max_file_bytes"])
    _facts_warnings(facts.warnings)
    report = scored(plan, card, facts, period=period)
    out: str | bytes
    if unit is not None:
        try:
            found = report.unit(unit)
        except engine.EngineError as err:
            raise ArgumentError([replace(d, file="--unit")
                                        for d in err.diagnostics]) from None
        out = rs.render_unit_json(found) if fmt == "json" else rs.render_unit(report, unit,
                                                                              lang)
    elif stages:
        changes = {"stage_changes": [c.to_dict() for c in report.stage_changes()]}
        out = _json_text(changes) + "\n" if fmt == "json" else rs.render_stage_changes(report,
                                                                                      lang)
    elif fmt == "xlsx":
        out = rs.render_score_xlsx(report, lang)
    elif fmt == "html":
        out = rs.render_score_html(report, lang)
    elif fmt == "json":
        out = rs.render_score_json(report)
    elif fmt == "markdown":
        out = rs.render_score_markdown(report, lang)
    elif fmt == "csv":
        out = rs.render_score_csv(report, bom=output is not None)
    else:
        out = rs.render_score_table(report, lang)
    if output is None:
        assert isinstance(out, str)
        _out(out, nl=False)
    else:
        _write_file(output, out)
