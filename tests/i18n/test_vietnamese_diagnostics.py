"""Every diagnostic of the broken-file corpora, rendered in Vietnamese and pinned by golden files.

The English renderings are pinned beside each corpus (``tests/golden/plan``, ``facts``,
``warnings``); the same files, loaded inside ``engine.i18n.use("vi")``, are pinned here under
``tests/golden/vi/``: one golden per broken plan (one per plan code), per bad fact file and per
warning plan. The codes, files, lines and columns are the same in both languages; only the words
change. A few renderings are also checked end to end, word for word, through the library and
through the command line (whose default language is Vietnamese).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from cli import main
from engine.diagnostics import EngineError, FactsError, PlanError
from engine.facts import load_facts
from engine.i18n import use
from engine.loader import load_plan
from engine.model import Plan
from engine.report import check_arguments
from tests.facts.test_facts_golden import CASES as FACT_CASES
from tests.facts.test_facts_golden import INVALID as INVALID_FACTS
from tests.plan.test_invalid_plans import INVALID as INVALID_PLANS
from tests.plan.test_invalid_plans import PLANS as BROKEN_PLANS
from tests.plan.test_wording import PLANS as WARNING_PLANS
from tests.plan.test_wording import WARNINGS

ROOT = Path(__file__).resolve().parents[2]
_HEADER = re.compile(r"^(\S.*?): (error|warning)\[([EW]\d{3})\]: ", re.MULTILINE)


@pytest.fixture(scope="module")
def plan2023() -> Plan:
    return load_plan(ROOT / "plans" / "2023.yaml")


def _places(text: str) -> list[tuple[str, str, str]]:
    """Where and which code each diagnostic of a rendering is: the same in both languages."""
    return _HEADER.findall(text)


@pytest.mark.parametrize("name", BROKEN_PLANS)
def test_broken_plan_in_vietnamese(name: str, monkeypatch: pytest.MonkeyPatch,
                                   golden: object) -> None:
    monkeypatch.chdir(INVALID_PLANS)
    with pytest.raises(PlanError) as english:
        load_plan(f"{name}.yaml")
    with use("vi"), pytest.raises(PlanError) as vietnamese:
        load_plan(f"{name}.yaml")
    text = vietnamese.value.render()
    assert _places(text) == _places(english.value.render())
    golden(f"vi/plan/{name}.txt", text + "\n")  # type: ignore[operator]


@pytest.mark.parametrize("name", sorted(FACT_CASES))
def test_bad_fact_file_in_vietnamese(name: str, plan2023: Plan, monkeypatch: pytest.MonkeyPatch,
                                     golden: object) -> None:
    monkeypatch.chdir(ROOT)
    files, period = FACT_CASES[name]
    paths = [f"{INVALID_FACTS}/{f}" for f in files]
    with pytest.raises(FactsError) as english:
        load_facts(plan2023, paths, period)
    with use("vi"), pytest.raises(FactsError) as vietnamese:
        load_facts(plan2023, paths, period)
    text = vietnamese.value.render()
    assert _places(text) == _places(english.value.render())
    golden(f"vi/facts/{name}.txt", text + "\n")  # type: ignore[operator]


@pytest.mark.parametrize("name", WARNING_PLANS)
def test_warnings_in_vietnamese(name: str, monkeypatch: pytest.MonkeyPatch,
                                golden: object) -> None:
    monkeypatch.chdir(WARNINGS)
    english = "\n".join(d.render() for d in load_plan(f"{name}.yaml").warnings)
    with use("vi"):
        text = "\n".join(d.render() for d in load_plan(f"{name}.yaml").warnings)
    assert _places(text) == _places(english)
    golden(f"vi/warnings/{name}.txt", text + "\n")  # type: ignore[operator]


def test_a_diagnostic_word_for_word_through_the_library() -> None:
    with use("vi"), pytest.raises(EngineError) as err:
        engine.compile_formula("received >= 90% and", engine.Symbols({}, {}))
    (d,) = err.value.diagnostics
    assert (d.code, d.message, d.help) == (
        "E101", "công thức kết thúc quá sớm",
        "cần một giá trị (số, tên, ngày, văn bản, true hoặc false)")
    with pytest.raises(EngineError) as err:  # outside the block: English again
        engine.compile_formula("received >= 90% and", engine.Symbols({}, {}))
    assert err.value.diagnostics[0].message == "the formula ends too early"


def test_an_unknown_period_word_for_word_through_the_library(plan2023: Plan) -> None:
    with use("vi"), pytest.raises(engine.ArgumentError) as err:
        check_arguments(plan2023, period="q5")
    (d,) = err.value.diagnostics
    assert d.code == "E620"
    assert d.message == "không có kỳ báo cáo 'q5'"
    assert d.help == "các kỳ báo cáo của kế hoạch 'son-la-cchc-2023' là q1, h1, q3, year"


def test_the_command_line_speaks_vietnamese_by_default_and_english_when_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CCHC_LANG", raising=False)
    runner = CliRunner()
    vi = runner.invoke(main, ["expr", "received >= 90% and", "--set", "received=1"])
    en = runner.invoke(main, ["expr", "received >= 90% and", "--set", "received=1",
                              "--lang", "en"])
    env = runner.invoke(main, ["expr", "received >= 90% and", "--set", "received=1"],
                        env={"CCHC_LANG": "en"})
    assert (vi.exit_code, en.exit_code, env.exit_code) == (2, 2, 2)
    assert vi.output == (
        "<input>:1:20: error[E101]: công thức kết thúc quá sớm\n"
        "  |\n"
        "1 | received >= 90% and\n"
        "  |                    ^\n"
        "  = help: cần một giá trị (số, tên, ngày, văn bản, true hoặc false)\n")
    assert en.output == env.output == vi.output.replace(
        "công thức kết thúc quá sớm", "the formula ends too early").replace(
        "cần một giá trị (số, tên, ngày, văn bản, true hoặc false)",
        "expected a value (a number, a name, a date, a text, true or false)")


def test_every_command_takes_lang() -> None:
    for name, command in main.commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", ())}
        assert "--lang" in options, f"cchc {name} has no --lang"


def test_a_json_diagnostic_keeps_its_code_and_place_in_vietnamese(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["periods", "no/such.yaml", "--format", "json"])
    assert result.exit_code == 2
    assert '"code": "E407"' in result.output
    assert "không đọc được tệp: không có tệp hoặc thư mục này" in result.output
