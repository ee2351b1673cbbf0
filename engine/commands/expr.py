"""``cchc expr``: the playground for trying a formula."""

from __future__ import annotations

import sys
from typing import Any

import click

import engine

from . import _lang, _out, _speaks_json

_TYPE_NAMES = ("number", "bool", "date", "text")


def _is_name(text: str) -> bool:
    """Whether ``text`` is a name of the language (``received``, ``procedures.on_time``)."""
    from engine.nodes import Name
    from engine.parser import parse

    try:
        node = parse(text)
    except engine.EngineError:
        return False
    return isinstance(node, Name) and node.name == text


@click.command("expr")
@click.argument("expression")
@click.option("--set", "sets", multiple=True, metavar="NAME=LITERAL",
              help='Bind a name to a literal: --set received=1200 --set group=\'"B"\'.')
@click.option("--missing", "missing", multiple=True, metavar="NAME:TYPE",
              help="Declare a fact of type number, bool, date or text that was not reported.")
@click.option("--json", "as_json", is_flag=True,
              help="Print value, type and unknown reasons (or the diagnostics) as JSON.")
@_lang(expose=False)
@_speaks_json
def expr(expression: str, sets: tuple[str, ...], missing: tuple[str, ...],
         as_json: bool) -> None:
    """Evaluate EXPRESSION: the playground for trying a formula."""
    from engine.builtins import Type
    from engine.escape import visible
    from engine.language import parse_literal
    from engine.source import Source

    scalars: dict[str, Any] = {}
    types: dict[str, Type] = {}
    for item in sets:
        name, sep, literal = item.partition("=")
        if not sep or not _is_name(name.strip()):
            raise click.BadParameter(f"'{visible(item)}' is not NAME=LITERAL",
                                     param_hint="--set")
        src = Source(f"--set {name.strip()}", literal)
        value, typ = parse_literal(literal, src)
        scalars[name.strip()] = value
        types[name.strip()] = typ
    for item in missing:
        name, sep, tname = item.partition(":")
        if not sep or tname.strip() not in _TYPE_NAMES or not _is_name(name.strip()):
            raise click.BadParameter(
                f"'{visible(item)}' is not NAME:TYPE with TYPE one of number, bool, date, text",
                param_hint="--missing")
        if name.strip() in scalars:
            raise click.BadParameter(f"'{name.strip()}' is given by --set too",
                                     param_hint="--missing")
        types[name.strip()] = Type(tname.strip())
    formula = engine.compile_formula(expression, engine.Symbols(types, types))
    from engine.evaluator import Context, Row
    from engine.messages import describe_reason

    ctx = Context(scalars, (Row("", "", scalars),))
    value = formula.evaluate(ctx)
    if as_json:
        import json

        from engine.escape import json_safe

        reasons = value.sorted_reasons() if isinstance(value, engine.Unknown) else []
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # an exact whole number may have any number of digits
        try:
            text = json.dumps({
                "value": engine.json_value(value),
                "type": formula.type.value,
                "unknown": [describe_reason(r) for r in reasons],
            }, ensure_ascii=False)
        finally:
            sys.set_int_max_str_digits(limit)
        _out(json_safe(text))
    else:
        _out(visible(engine.format_value(value)))
