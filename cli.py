"""The ``cchc`` command line: a thin shell over the ``engine`` library.

Each command parses its options, makes one library call, renders the result and returns an exit
code: 0 success, 1 when a ``--fail-on`` condition holds, 2 invalid input.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

import engine

# Only the engine's root module is imported here; each command imports what it uses, so
# `cchc --help` starts without loading the parser, YAML, jsonschema or networkx.

EXIT_INVALID = 2


def _fail(err: engine.EngineError, fmt: str = "text") -> NoReturn:
    if fmt == "json":
        click.echo(json.dumps({"diagnostics": [d.to_dict() for d in err.diagnostics]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(err.render(), err=True)
    sys.exit(EXIT_INVALID)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(engine.__version__, prog_name="cchc")
def main() -> None:
    """cchc: rules-as-code for administrative reform plans (kế hoạch cải cách hành chính)."""


_TYPE_NAMES = ("number", "bool", "date", "text")


def _is_name(text: str) -> bool:
    """Whether ``text`` is a name of the language (``received``, ``procedures.on_time``)."""
    from engine.nodes import Name

    try:
        node = engine.parse(text)
    except engine.EngineError:
        return False
    return isinstance(node, Name) and node.name == text


@main.command("expr")
@click.argument("expression")
@click.option("--set", "sets", multiple=True, metavar="NAME=LITERAL",
              help='Bind a name to a literal: --set received=1200 --set group=\'"B"\'.')
@click.option("--missing", "missing", multiple=True, metavar="NAME:TYPE",
              help="Declare a fact of type number, bool, date or text that was not reported.")
@click.option("--json", "as_json", is_flag=True, help="Print value, type and unknown reasons.")
def expr_cmd(expression: str, sets: tuple[str, ...], missing: tuple[str, ...],
             as_json: bool) -> None:
    """Evaluate EXPRESSION: the playground for trying a formula."""
    from engine.language import Type
    from engine.source import Source

    scalars: dict[str, Any] = {}
    types: dict[str, Type] = {}
    for item in sets:
        name, sep, literal = item.partition("=")
        if not sep or not _is_name(name.strip()):
            raise click.BadParameter(f"'{item}' is not NAME=LITERAL", param_hint="--set")
        src = Source(f"--set {name.strip()}", literal)
        try:
            value, typ = engine.parse_literal(literal, src)
        except engine.EngineError as err:
            _fail(err)
        scalars[name.strip()] = value
        types[name.strip()] = typ
    for item in missing:
        name, sep, tname = item.partition(":")
        if not sep or tname.strip() not in _TYPE_NAMES or not _is_name(name.strip()):
            raise click.BadParameter(
                f"'{item}' is not NAME:TYPE with TYPE one of number, bool, date, text",
                param_hint="--missing")
        if name.strip() in scalars:
            raise click.BadParameter(f"'{name.strip()}' is given by --set too",
                                     param_hint="--missing")
        types[name.strip()] = Type(tname.strip())
    try:
        formula = engine.compile_formula(expression, engine.Symbols(types, types))
    except engine.EngineError as err:
        _fail(err)
    from engine.evaluator import Context, Row
    from engine.messages import describe_reason

    ctx = Context(scalars, (Row("", "", scalars),))
    value = formula.evaluate(ctx)
    if as_json:
        reasons = value.sorted_reasons() if isinstance(value, engine.Unknown) else []
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # an exact whole number may have any number of digits
        try:
            click.echo(json.dumps({
                "value": engine.json_value(value),
                "type": formula.type.value,
                "unknown": [describe_reason(r) for r in reasons],
            }, ensure_ascii=False))
        finally:
            sys.set_int_max_str_digits(limit)
    else:
        click.echo(engine.format_value(value))


def _load_plan(path: str) -> Any:
    return _load_plan_as(path, "text")


def _check_choice(value: str | None, options: Any, what: str, param: str) -> None:
    if value is not None and value not in options:
        from engine.diagnostics import did_you_mean

        hint = did_you_mean(value, list(options))
        raise click.BadParameter(
            f"unknown {what} '{value}'" + (f"; {hint}" if hint else "")
            + f" (one of: {', '.join(options)})", param_hint=param)


def _load_plan_as(path: str, fmt: str) -> Any:
    """Load a plan; on failure print its diagnostics as JSON when ``fmt`` is json, else text."""
    from engine.loader import load_plan

    try:
        return load_plan(path)
    except engine.EngineError as err:
        _fail(err, "json" if fmt == "json" else "text")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


_LANG = click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
                     help="Language of names (English falls back to Vietnamese).")


@main.command("validate")
@click.argument("plan_path", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the diagnostics (or the summary) on stdout.")
def validate_cmd(plan_path: str, fmt: str) -> None:
    """Check PLAN and its included files; print every problem (exit 2) or a summary (exit 0)."""
    from engine.render_plan import render_summary, summary_data

    plan = _load_plan_as(plan_path, fmt)
    if fmt == "json":
        _echo_json(summary_data(plan))
    else:
        click.echo(render_summary(plan))


@main.command("indicators")
@click.argument("plan_path", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@_LANG
def indicators_cmd(plan_path: str, fmt: str, lang: str) -> None:
    """List the indicators of PLAN: id, names, unit, owner, scope, target, deadline, source."""
    from engine.render_plan import indicators_data, render_indicators

    plan = _load_plan_as(plan_path, fmt)
    if fmt == "json":
        _echo_json(indicators_data(plan))
    else:
        click.echo(render_indicators(plan, lang))


@main.command("periods")
@click.argument("plan_path", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@_LANG
def periods_cmd(plan_path: str, fmt: str, lang: str) -> None:
    """List the reporting periods of PLAN: data window and report due date."""
    from engine.render_plan import periods_data, render_periods

    plan = _load_plan_as(plan_path, fmt)
    if fmt == "json":
        _echo_json(periods_data(plan))
    else:
        click.echo(render_periods(plan, lang))


@main.command("agencies")
@click.argument("plan_path", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree",
              show_default=True)
@_LANG
def agencies_cmd(plan_path: str, fmt: str, lang: str) -> None:
    """Show the agency hierarchy of PLAN as a tree, then its groups."""
    from engine.render_plan import agencies_data, render_agencies

    plan = _load_plan_as(plan_path, fmt)
    if fmt == "json":
        _echo_json(agencies_data(plan))
    else:
        click.echo(render_agencies(plan, lang))


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of plan files (for editors: see docs/plan-format.md)."""
    from engine.loader import plan_schema

    _echo_json(plan_schema())


def _evaluate(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
              area: str | None = None, agency: str | None = None) -> tuple[Any, Any]:
    import datetime as dt

    from engine.report import evaluate

    plan = _load_plan(plan_path)
    _check_choice(period, plan.periods, "period", "--period")
    _check_choice(area, plan.areas, "area", "--area")
    _check_choice(agency, plan.agencies, "agency", "--agency")
    when = None
    if as_of is not None:
        try:
            when = dt.date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(f"'{as_of}' is not a date YYYY-MM-DD",
                                     param_hint="--as-of") from None
    from engine.facts import load_facts

    try:
        facts = load_facts(plan, list(facts_paths), period=period)
    except engine.EngineError as err:
        _fail(err)
    return facts, evaluate(plan, facts, period=period, as_of=when, area=area, agency=agency)


@main.command("evaluate")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("facts_paths", metavar="FACTS...", nargs=-1, required=True,
                type=click.Path())
@click.option("--period", required=True, help="Period id, e.g. q1, h1, q3, year.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date the report is made on (default: the period's due date).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "csv"]),
              default="table", show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--area", help="Only the indicators of this area.")
@click.option("--agency", help="Only the indicators measured over this agency.")
@click.option("--fail-on", "fail_on", metavar="STATUSES",
              help="Exit 1 when any indicator has one of these statuses, e.g. not_met,unknown.")
def evaluate_cmd(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
                 fmt: str, lang: str, area: str | None, agency: str | None,
                 fail_on: str | None) -> None:
    """Evaluate PLAN against FACTS (files or folders) for one period."""
    from engine.render import render_csv, render_json, render_markdown, render_table
    from engine.report import STATUSES

    wanted: set[str] = set()
    if fail_on:
        wanted = {s.strip() for s in fail_on.split(",") if s.strip()}
        bad = sorted(wanted - set(STATUSES))
        if bad:
            raise click.BadParameter(f"unknown status {', '.join(bad)} (one of: "
                                     f"{', '.join(STATUSES)})", param_hint="--fail-on")
    _, report = _evaluate(plan_path, facts_paths, period, as_of, area, agency)
    if fmt == "json":
        out = render_json(report)
    elif fmt == "markdown":
        out = render_markdown(report, lang)
    elif fmt == "csv":
        out = render_csv(report)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in __import__("os").environ
        out = render_table(report, lang, colour)
    click.echo(out, nl=False)
    if wanted and any(r.status in wanted for r in report.results):
        sys.exit(1)


@main.command("explain")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("facts_path", metavar="FACTS", type=click.Path())
@click.argument("indicator")
@click.option("--period", required=True, help="Period id, e.g. q1.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Default: the period's due date.")
@click.option("--agency", help="Explain the result of one agency (with the agencies below it).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def explain_cmd(plan_path: str, facts_path: str, indicator: str, period: str,
                as_of: str | None, agency: str | None, lang: str) -> None:
    """Show how INDICATOR's result was derived: formula, values, agencies."""
    from engine.render import render_explain

    facts, report = _evaluate(plan_path, (facts_path,), period, as_of)
    _check_choice(indicator, [r.id for r in report.results], "indicator", "INDICATOR")
    result = report.result(indicator)
    if agency is not None and agency not in result.indicator.population:
        raise click.BadParameter(f"'{agency}' is not in the scope of {indicator}",
                                 param_hint="--agency")
    click.echo(render_explain(result, lang, agency, facts.where), nl=False)


@main.command("graph")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid", "json"]), default="dot",
              show_default=True)
@click.option("--indicator", help="Only this indicator and what it depends on.")
def graph_cmd(plan_path: str, fmt: str, indicator: str | None) -> None:
    """Print the dependency graph: indicators, the facts they read, the indicators they use."""
    from engine import graph

    plan = _load_plan(plan_path)
    _check_choice(indicator, plan.indicators, "indicator", "--indicator")
    render = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "json": graph.to_json}[fmt]
    click.echo(render(plan, indicator), nl=False)


@main.command("template")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--period", required=True, help="The period id (q1, h1, q3, year).")
@click.option("--agency", default=None, help="One agency id (default: every reporting agency).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), default="yaml",
              show_default=True, help="YAML with labels as comments, or CSV with a label column.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def template_cmd(plan_path: str, period: str, agency: str | None, fmt: str,
                 output: str | None, force: bool) -> None:
    """Write the fact template an agency fills in for a period."""
    import os
    import tempfile
    from pathlib import Path

    from engine.template import template

    if output is not None and os.path.exists(output) and not force:
        click.echo(f"error: '{output}' already exists; use --force to overwrite it", err=True)
        sys.exit(EXIT_INVALID)
    plan = _load_plan(plan_path)
    try:
        text = template(plan, period, agency, "csv" if fmt == "csv" else "yaml")
    except engine.EngineError as err:
        _fail(err)
    if output is None:
        click.echo(text, nl=False)
        return
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as e:
        click.echo(f"error: cannot write '{output}': {e.strerror or e}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


@main.command("diff")
@click.argument("old_path", metavar="OLD", type=click.Path(dir_okay=False))
@click.argument("new_path", metavar="NEW", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="Markdown is the table an officer attaches to the draft decision.")
def diff_cmd(old_path: str, new_path: str, fmt: str) -> None:
    """Show what changed in meaning from plan OLD to plan NEW (exit 0 even when they differ)."""
    from engine.diff import diff_plans
    from engine.loader import load_plan
    from engine.render_diff import render_diff_json, render_diff_markdown, render_diff_text

    plans = []
    problems: list[engine.Diagnostic] = []
    for path in (old_path, new_path):
        try:
            plans.append(load_plan(path))
        except engine.EngineError as err:
            problems.extend(err.diagnostics)
    if problems:
        _fail(engine.PlanError(problems))
    diff = diff_plans(plans[0], plans[1])
    render = {"text": render_diff_text, "markdown": render_diff_markdown,
              "json": render_diff_json}[fmt]
    click.echo(render(diff), nl=False)


@main.command("test")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("case_paths", metavar="CASES...", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the explanations of failures.")
def test_cmd(plan_path: str, case_paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """Run the test cases in CASES (files or folders) against PLAN; exit 1 if any fails."""
    from engine.cases import load_cases, run_cases
    from engine.render_cases import render_results, render_results_json

    plan = _load_plan(plan_path)
    try:
        cases = load_cases(list(case_paths), plan)
    except engine.EngineError as err:
        _fail(err)
    results = run_cases(cases)
    out = render_results_json(results) if fmt == "json" else render_results(results, lang)
    click.echo(out, nl=False)
    if not all(r.passed for r in results):
        sys.exit(1)


@main.command("new-year")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--year", required=True, type=click.IntRange(1990, 2200),
              help="The year of the new plan.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the new plan here (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def new_year_cmd(plan_path: str, year: int, output: str | None, force: bool) -> None:
    """Scaffold next year's plan: a plan that extends PLAN, with dates moved to YEAR."""
    import os
    from pathlib import Path

    from engine.newyear import new_year

    plan = _load_plan(plan_path)
    if year <= plan.year:
        raise click.BadParameter(f"{year} is not after the plan's year {plan.year}",
                                 param_hint="--year")
    target = Path(output) if output else None
    base = target.parent if target is not None else Path.cwd()
    parent_ref = os.path.relpath(Path(plan_path).resolve(), base.resolve()).replace(os.sep, "/")
    text = new_year(plan, parent_ref, year)
    if target is None:
        click.echo(text, nl=False)
        return
    if target.exists() and not force:
        raise click.BadParameter(f"{target} exists; add --force to overwrite it",
                                 param_hint="-o")
    if not target.parent.is_dir():
        raise click.BadParameter(f"folder {target.parent} does not exist", param_hint="-o")
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    click.echo(f"wrote {target}: the {year} plan, extending {plan_path}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
