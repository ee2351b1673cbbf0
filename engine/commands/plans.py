"""What a plan says: ``cchc validate`` (is it valid), ``indicators``, ``periods`` and
``agencies`` (its lists), ``graph`` (what depends on what) and ``schema`` (the JSON Schema of
plan files)."""

from __future__ import annotations

import click

import engine

from . import (
    _OPTION_LABELS,
    PLAN,
    PLAN_ANY,
    TEXT_OR_JSON,
    _echo_json,
    _lang,
    _load_plan,
    _max_diagnostics,
    _out,
    _reads_files,
    _say,
    _speaks_json,
    fmt,
)


@click.command("validate")
@PLAN_ANY
@fmt(TEXT_OR_JSON, "text", "json: the diagnostics (or the summary) on stdout.")
@_reads_files
@click.option("--strict", is_flag=True,
              help="Treat warnings (W9xx: words of a name that disagree with its target or "
                   "the plan's year) as errors: exit 2.")
@_lang(expose=False)
@_speaks_json
def validate(plan_path: str, fmt: str, strict: bool) -> None:
    """Check PLAN and its included files; print every problem (exit 2) or a summary (exit 0).

    Warnings are printed like errors (on stderr, or in the JSON's diagnostics) and do not
    change the exit status unless --strict."""
    from engine.diagnostics import render_all
    from engine.messages import warning_as_error
    from engine.render_plan import render_summary, summary_data

    plan = _load_plan(plan_path)
    if strict and plan.warnings:
        raise engine.PlanError([warning_as_error(d) for d in plan.warnings])
    if fmt == "json":
        data = summary_data(plan)
        data["diagnostics"] = [d.to_dict() for d in plan.warnings]
        _echo_json(data)
        return
    count = len(plan.warnings)
    if count:
        _say(render_all(plan.warnings, _max_diagnostics()))
    _out(render_summary(plan, count))


#: ``--lang`` of the listings.
_LANG = _lang("Language of names (English falls back to Vietnamese).")


def _listing(name: str, text_format: str, help: str, data: str,
             render: str) -> click.Command:
    """A command that lists one part of a plan, as text (``text_format``) or JSON. ``data`` and
    ``render`` name functions of ``engine.render_plan`` (by name, so that building the command
    does not import it): the JSON data of a plan, and its text in a language."""

    @click.command(name, help=help)
    @PLAN_ANY
    @fmt(click.Choice([text_format, "json"]), text_format)
    @_LANG
    @_reads_files
    @_speaks_json
    def command(plan_path: str, fmt: str, lang: str) -> None:
        from engine import render_plan

        plan = _load_plan(plan_path)
        if fmt == "json":
            _echo_json(getattr(render_plan, data)(plan))
        else:
            _out(getattr(render_plan, render)(plan, lang))

    return command


indicators = _listing(
    "indicators", "table", "List the indicators of PLAN: id, names, unit, owner, scope, target, "
    "deadline, source.", "indicators_data", "render_indicators")
periods = _listing(
    "periods", "table", "List the reporting periods of PLAN: data window and report due date.",
    "periods_data", "render_periods")
agencies = _listing(
    "agencies", "tree", "Show the agency hierarchy of PLAN as a tree, then its groups.",
    "agencies_data", "render_agencies")


@click.command("schema")
@_lang(expose=False)
def schema() -> None:
    """Print the JSON Schema of plan files (for editors: see docs/plan-format.md)."""
    from engine.loader import plan_schema

    _echo_json(plan_schema())


@click.command("graph")
@PLAN
@fmt(click.Choice(["dot", "mermaid", "json"]), "dot")
@click.option("--indicator", help="Only this indicator and what it depends on.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def graph(plan_path: str, fmt: str, indicator: str | None) -> None:
    """Print the dependency graph: indicators, the facts they read, the indicators they use."""
    from engine import graph as dependencies
    from engine.report import check_arguments

    plan = _load_plan(plan_path)
    check_arguments(plan, indicator=indicator, labels=_OPTION_LABELS)
    render = {"dot": dependencies.to_dot, "mermaid": dependencies.to_mermaid,
              "json": dependencies.to_json}[fmt]
    text = render(plan, indicator)
    _out(text, nl=False)
