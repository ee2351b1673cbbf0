"""From one plan to the next: ``cchc diff`` (what changed in meaning) and ``cchc new-year``
(next year's plan, scaffolded)."""

from __future__ import annotations

import click

import engine
from engine.i18n import _

from . import (
    FILE,
    PLAN,
    _lang,
    _load_plan,
    _out,
    _reads_files,
    _refuse_existing,
    _say,
    _speaks_json,
    _write_file,
    fmt,
    force,
    output,
)


@click.command("diff")
@click.argument("old_path", metavar="OLD", type=FILE)
@click.argument("new_path", metavar="NEW", type=FILE)
@fmt(click.Choice(["text", "markdown", "json"]), "text",
     "Markdown is the table an officer attaches to the draft decision.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def diff(old_path: str, new_path: str, fmt: str) -> None:
    """Show what changed in meaning from plan OLD to plan NEW (exit 0 even when they differ)."""
    from engine.diff import diff_plans
    from engine.render_diff import render_diff_json, render_diff_markdown, render_diff_text

    plans = []
    problems: list[engine.Diagnostic] = []
    for path in (old_path, new_path):
        try:
            plans.append(_load_plan(path))
        except engine.EngineError as err:
            problems.extend(err.diagnostics)
    if problems:
        raise engine.PlanError(problems)
    changes = diff_plans(plans[0], plans[1])
    render = {"text": render_diff_text, "markdown": render_diff_markdown,
              "json": render_diff_json}[fmt]
    _out(render(changes), nl=False)


@click.command("new-year")
@PLAN
@click.option("--year", required=True, type=click.IntRange(1990, 2200),
              help="The year of the new plan.")
@output("Write the new plan here (default: print it).")
@force("Overwrite the output file if it exists.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def new_year(plan_path: str, year: int, output: str | None, force: bool) -> None:
    """Scaffold next year's plan: a plan that extends PLAN, with dates moved to YEAR."""
    import os
    from pathlib import Path

    from engine.escape import visible
    from engine.newyear import new_year as scaffold

    plan = _load_plan(plan_path)
    if year <= plan.year:
        raise click.BadParameter(_("{year} is not after the plan's year {plan_year}").format(
            year=year, plan_year=plan.year), param_hint="--year")
    target = Path(output) if output else None
    base = target.parent if target is not None else Path.cwd()
    parent_ref = os.path.relpath(Path(plan_path).resolve(), base.resolve()).replace(os.sep, "/")
    text = scaffold(plan, parent_ref, year)
    if target is None:
        _out(text, nl=False)
        return
    if not force:
        _refuse_existing(str(target))
    if not target.parent.is_dir():
        raise click.BadParameter(visible(_("folder {folder} does not exist").format(
            folder=target.parent)), param_hint="-o")
    _write_file(str(target), text)
    _say(visible(_("wrote {target}: the {year} plan, extending {parent}").format(
        target=target, year=year, parent=plan_path)))
