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
from engine.language import BOOL, DATE, NUMBER, TEXT, Type
from engine.source import Source

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


_TYPES: dict[str, Type] = {"number": NUMBER, "bool": BOOL, "date": DATE, "text": TEXT}


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
    scalars: dict[str, Any] = {}
    types: dict[str, Type] = {}
    for item in sets:
        name, sep, literal = item.partition("=")
        if not sep or not name.strip():
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
        if not sep or tname.strip() not in _TYPES:
            raise click.BadParameter(
                f"'{item}' is not NAME:TYPE with TYPE one of number, bool, date, text",
                param_hint="--missing")
        types[name.strip()] = _TYPES[tname.strip()]
    try:
        formula = engine.compile_formula(expression, engine.Symbols(types, types))
    except engine.EngineError as err:
        _fail(err)
    from engine.evaluator import Context, Row

    ctx = Context(scalars, (Row("", "", scalars),))
    value = formula.evaluate(ctx)
    if as_json:
        reasons = value.sorted_reasons() if isinstance(value, engine.Unknown) else []
        click.echo(json.dumps({
            "value": engine.json_value(value),
            "type": formula.type.value,
            "unknown": [r.describe() for r in reasons],
        }, ensure_ascii=False))
    else:
        click.echo(engine.format_value(value))


if __name__ == "__main__":  # pragma: no cover
    main()
