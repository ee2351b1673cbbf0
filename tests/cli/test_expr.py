"""`cchc expr`: the playground. Values, --set, --missing, --json, and every diagnostic."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from engine.cli import main
from engine.parser import MAX_DEPTH, MAX_LENGTH


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["expr", *args], catch_exceptions=False)


def value_of(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def json_of(*args: str) -> dict[str, object]:
    out = json.loads(value_of(*args, "--json"))
    assert isinstance(out, dict) and list(out) == ["value", "type", "unknown"]
    return out


@pytest.mark.parametrize(("args", "printed"), [
    (["29 / 100 * 100 == 29"], "true"),
    (["0.1 + 0.2 == 0.3"], "true"),
    (["1 / 0"], "unknown"),
    (["99%"], "0.99"),
    (["8.5% * 1000"], "85"),
    (["2.9 * 10"], "29"),
    (["1 / 3"], "0.3333333333"),
    (["10000000000000000000000000 * 1000"], "10000000000000000000000000000"),
    (["1 / 100000000000000000000"], "0.00000000000000000001"),
    (["--", "-1.50"], "-1.5"),
    (["2023-01-10 + 21"], "2023-01-31"),
    (['"Sở Nội vụ"'], '"Sở Nội vụ"'),
    (['"a \\"b\\""'], '"a \\"b\\""'),
    (["received * 2", "--set", "received=1200"], "2400"),
    (["x", "--set", "x=-3"], "-3"),
    (["x", "--set", "x=95%"], "0.95"),
    (["x + 1", "--set", "x=2023-01-09"], "2023-01-10"),
    (["x", "--set", 'x="B"'], '"B"'),
    (["x and y", "--set", "x=true", "--set", "y=false"], "false"),
    (["procedures.on_time >= 99%", "--set", "procedures.on_time=99.5%"], "true"),
    (["x", "--set", "x= 12 "], "12"),
    (["x > 0", "--missing", "x:number"], "unknown"),
    (["x or true", "--missing", "x:bool"], "true"),
    (["x and false", "--missing", "x:bool"], "false"),
    (["x - 2023-01-01", "--missing", "x:date"], "unknown"),
    (['x == "B"', "--missing", "x:text"], "unknown"),
    (["coalesce(x, 0)", "--missing", "x:number"], "0"),
    (["sum(x)", "--set", "x=5"], "5"),
    (["avg(x)", "--missing", "x:number"], "unknown"),
])
def test_values(args: list[str], printed: str) -> None:
    assert value_of(*args) == printed + "\n"


def test_json_shape() -> None:
    assert json_of("29 / 100") == {"value": 0.29, "type": "number", "unknown": []}
    assert json_of("1 / 3") == {"value": 0.3333333333, "type": "number", "unknown": []}
    assert json_of("10000000000000000000000000 * 1000") == {
        "value": 10**28, "type": "number", "unknown": []}
    assert json_of("x > 1", "--set", "x=2") == {"value": True, "type": "bool", "unknown": []}
    assert json_of("2023-01-09 + 1") == {"value": "2023-01-10", "type": "date", "unknown": []}
    assert json_of('"B"') == {"value": "B", "type": "text", "unknown": []}
    assert json_of("received / 0", "--set", "received=3") == {
        "value": None, "type": "number", "unknown": ["division by zero"]}
    assert json_of("a + b / 0", "--missing", "a:number", "--set", "b=1") == {
        "value": None, "type": "number",
        "unknown": ["division by zero", "a was not reported"]}
    assert json_of("avg(a where false)", "--set", "a=1") == {
        "value": None, "type": "number", "unknown": ["nothing to measure (avg() over no agencies)"]}


def test_numbers_never_use_an_exponent() -> None:
    out = value_of("1 / 1024 / 1024 / 1024 / 1024")
    assert out == "0.0000000000009094947017729282379150390625\n"
    raw = run("1 / 100000000000000000000", "--json").stdout
    assert "e" not in value_of("100000000000000000000 * 100000000000000000000").lower()
    assert json.loads(raw)["value"] == 1e-20


def test_whole_numbers_up_to_the_bound_are_printed_in_full() -> None:
    big = "9" * 333
    power = int(big) ** 3  # 999 digits: within the bound of exact numbers (1000 digits)
    printed = value_of("x * x * x", "--set", f"x={big}")
    assert printed == str(power) + "\n"
    raw = run("x * x * x", "--set", f"x={big}", "--json").stdout
    assert raw == '{"value": ' + printed.strip() + ', "type": "number", "unknown": []}\n'
    # Beyond the bound the value is unknown, and says which operator made the number
    # (more in tests/hostile/test_cost.py).
    assert json_of("x * x * x * x", "--set", f"x={big}")["unknown"] == [
        "'*' at <input>:1:11 makes a number beyond the limit of exact arithmetic (1000 digits)"]


@pytest.mark.parametrize(("args", "message"), [
    (["1", "--set", "x"], "Invalid value for --set: 'x' is not NAME=LITERAL"),
    (["1", "--set", "=1"], "Invalid value for --set: '=1' is not NAME=LITERAL"),
    (["1", "--set", "in=1"], "Invalid value for --set: 'in=1' is not NAME=LITERAL"),
    (["1", "--set", "số=1"], "Invalid value for --set: 'số=1' is not NAME=LITERAL"),
    (["1", "--missing", "x"], "Invalid value for --missing: 'x' is not NAME:TYPE with TYPE one "
                              "of number, bool, date, text"),
    (["1", "--missing", "x:integer"], "Invalid value for --missing: 'x:integer' is not NAME:TYPE "
                                      "with TYPE one of number, bool, date, text"),
    (["x", "--set", "x=1", "--missing", "x:number"],
     "Invalid value for --missing: 'x' is given by --set too"),
])
def test_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


def test_an_unknown_result_still_exits_0() -> None:
    result = run("x", "--missing", "x:bool")
    assert (result.exit_code, result.stdout) == (0, "unknown\n")


# -- every diagnostic, rendered ---------------------------------------------------------------

DIAGNOSTICS: dict[str, list[str]] = {
    "E101": ["received >= 90% and", "--set", "received=1"],
    "E102": ["1 +" + " 1 +" * (MAX_LENGTH // 4) + " 1"],
    "E103": ["(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)],
    "E104": ["plan_issued_on <= 2023-02-30", "--set", "plan_issued_on=2023-01-09"],
    "E105": ['group == "A\\B"', "--set", 'group="A"'],
    "E106": ["  # nothing but a comment"],
    "E107": ["x * 2", "--set", "x=1200 + 1"],
    "E108": ["x * 1" + "0" * 1001, "--set", "x=1"],
    "E201": ["recieved > 0", "--set", "received=1200"],
    "E202": ["sqrt(received)", "--set", "received=1200"],
    "E203": ['kind == "commune"'],
    "E301": ["received and issued", "--set", "received=1200", "--set", "issued=true"],
    "E302": ["round(received)", "--set", "received=1200"],
    "E303": ["plan_issued_on < 5", "--set", "plan_issued_on=2023-01-09"],
    "E304": ["sum(issued)", "--set", "issued=true"],
    "E305": ["sum(late) / sum(sum(received))", "--set", "late=2", "--set", "received=10"],
    "E306": ["round(rate, 13)", "--set", "rate=99.5%"],
}

HEADER = re.compile(r"^(<input>|--set \w+):\d+:\d+: error\[(E\d{3})\]: .+$")


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("code", sorted(DIAGNOSTICS))
def test_diagnostics(code: str, lang: str, golden: Callable[[str, str], None]) -> None:
    """One golden per code and language: English in ``expr/``, Vietnamese in ``vi/expr/``."""
    result = run(*DIAGNOSTICS[code], "--lang", lang)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    header = HEADER.match(lines[0])
    assert header and header.group(2) == code, lines[0]
    # The caret line points under the span.
    assert lines[1].endswith(" |") and lines[2].startswith("1 | ") and "^" in lines[3]
    golden(f"{'vi/' if lang == 'vi' else ''}expr/{code}.txt", result.stderr)


def test_every_error_of_a_formula_is_shown() -> None:
    result = run("recieved + ontime > 0 and sum(true)", "--set", "received=1")
    assert result.exit_code == 2
    headers = [line for line in result.stderr.splitlines() if line.startswith("<input>")]
    assert [h.split(": ")[1] for h in headers] == ["error[E201]", "error[E201]", "error[E304]"]
