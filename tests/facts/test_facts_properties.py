"""Laws of fact loading, as hypothesis properties.

* Order independence: the same facts split across files of any format, in any order, with keys
  and rows shuffled, load to equal :class:`Facts`.
* Template round trip: filling a template's blanks and loading it gives back exactly the values
  written; blanks stay not reported.
* Not reported never becomes zero (or false, or anything): a blank is absent.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import tempfile
import unicodedata
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.fact_values import format_fact_value
from engine.facts import Facts, load_facts
from engine.model import FactDef, Plan
from engine.template import TemplateFormat, template

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

Value = int | Fraction | bool | dt.date | str


def pairs(plan: Plan, period: str) -> list[tuple[str, str]]:
    """Every (agency, fact) the plan expects in ``period``."""
    return [(a, f.id) for f in plan.facts.values() if period in f.periods for a in f.reporters]


def values_of(fdef: FactDef) -> st.SearchStrategy[Value]:
    decimals = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(-10**9, 10**9),
                         st.integers(0, 4))
    match fdef.type:
        case "count":
            return st.integers(0, 10**12)
        case "number":
            return decimals
        case "share":
            return st.builds(lambda n, k: Fraction(n, 100 * 10**k), st.integers(0, 100),
                             st.just(0)) | st.builds(Fraction, st.integers(0, 1000),
                                                     st.just(1000))
        case "bool":
            return st.booleans()
        case "date":
            return st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
        case _:
            return st.sampled_from(fdef.values)


@st.composite
def texts_of(draw: st.DrawFn, fdef: FactDef, value: Value) -> str:
    """One of the accepted ways of writing ``value`` for ``fdef``."""
    if isinstance(value, bool):
        words = ["true", "TRUE", "có", "Có"] if value else ["false", "False", "không", "KHÔNG"]
        return draw(st.sampled_from(words))
    if isinstance(value, dt.date):
        return draw(st.sampled_from([value.isoformat(), value.strftime("%d/%m/%Y"),
                                     f"{value.day}/{value.month}/{value.year}"]))
    if isinstance(value, str):
        return draw(st.sampled_from([value, unicodedata.normalize("NFD", value)]))
    if fdef.type == "share":
        percent = format_fact_value(fdef, value)
        fraction = format_fact_value(dataclasses.replace(fdef, type="number"), value)
        return draw(st.sampled_from([percent, percent.replace("%", " %"), fraction]))
    text = format_fact_value(fdef, value)
    if "." in text and not re.fullmatch(r"-?[1-9][0-9]{0,2}\.[0-9]{2}", text):
        text = draw(st.sampled_from([text, text + "0"]))
    return text


@st.composite
def fact_sets(draw: st.DrawFn, plan: Plan) -> tuple[str, dict[tuple[str, str], str | None],
                                                  dict[tuple[str, str], Value]]:
    """A period, the texts to write (None: blank) and the values they mean."""
    period = draw(st.sampled_from(list(plan.periods)))
    chosen = draw(st.lists(st.sampled_from(pairs(plan, period)), unique=True, max_size=12))
    texts: dict[tuple[str, str], str | None] = {}
    values: dict[tuple[str, str], Value] = {}
    for agency, fact in chosen:
        fdef = plan.facts[fact]
        if draw(st.integers(0, 4)) == 0:
            texts[(agency, fact)] = None
            continue
        value = draw(values_of(fdef))
        texts[(agency, fact)] = draw(texts_of(fdef, value))
        values[(agency, fact)] = value
    return period, texts, values


def within_wholes(plan: Plan, values: dict[tuple[str, str], Value]
                  ) -> dict[tuple[str, str], Value]:
    """``values`` with every part lowered to its smallest whole (the plan's ``at_most``), so
    that the fact set is valid (``E650`` otherwise)."""
    out = dict(values)
    changed = True
    while changed:
        changed = False
        for (agency, fact), value in out.items():
            wholes = [out[(agency, w)] for w in plan.facts[fact].at_most if (agency, w) in out]
            low = min(wholes, default=value)
            if low < value:  # type: ignore[operator]
                out[(agency, fact)] = low
                changed = True
    return out


def nested(values: dict[tuple[str, str], Value]) -> dict[str, dict[str, Value]]:
    out: dict[str, dict[str, Value]] = {}
    for (agency, fact), value in values.items():
        out.setdefault(agency, {})[fact] = value
    return out


def write_file(folder: Path, name: str, fmt: str, plan: Plan, period: str,
               items: list[tuple[tuple[str, str], str | None]]) -> Path:
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["value", "fact", "agency", "period"])
        for (agency, fact), text in items:
            writer.writerow([text or "", fact, agency, period])
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path
    agencies: dict[str, dict[str, str | None]] = {}
    for (agency, fact), text in items:
        agencies.setdefault(agency, {})[fact] = text
    if fmt == "json":
        path.write_text(json.dumps({"plan": plan.id, "period": period, "agencies": agencies},
                                   ensure_ascii=False, indent="\t"), encoding="utf-8")
        return path
    lines = [f"plan: {plan.id}", f"period: {period}", "agencies:"]
    for agency, facts in agencies.items():
        lines.append(f"  {agency}:")
        lines.extend(f"    {fact}: {json.dumps(text, ensure_ascii=False) if text else ''}"
                     for fact, text in facts.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@SETTINGS
@given(data=st.data())
def test_order_of_files_rows_and_keys_does_not_matter(plan: Plan, data: st.DataObject) -> None:
    period, texts, values = data.draw(fact_sets(plan))
    items = list(texts.items())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        whole = load_facts(plan, write_file(folder, "whole", "yaml", plan, period, items))
        assert whole.values == nested(values)
        n = data.draw(st.integers(1, 4))
        shuffled = data.draw(st.permutations(items))
        parts: list[list[tuple[tuple[str, str], str | None]]] = [[] for _ in range(n)]
        for item in shuffled:
            parts[data.draw(st.integers(0, n - 1))].append(item)
        paths = [write_file(folder, f"part{i}", data.draw(st.sampled_from(["yaml", "json",
                                                                             "csv"])),
                            plan, period, part) for i, part in enumerate(parts)]
        # an empty CSV cannot say its period: then it must be given
        needs = any(p.suffix == ".csv" and not part for p, part in zip(paths, parts, strict=True))
        given_period = period if needs or data.draw(st.booleans()) else None
        split = load_facts(plan, data.draw(st.permutations(paths)), given_period)
        assert split == whole
        assert list(split.values) == list(whole.values)
        for agency in split.values:
            assert list(split.values[agency]) == list(whole.values[agency])


def fill_yaml(text: str, fills: dict[tuple[str, str], str | None], quote: bool = False) -> str:
    out: list[str] = []
    agency = ""
    for line in text.splitlines():
        if m := re.match(r"^  ([a-z_0-9]+):", line):
            agency = m.group(1)
        elif m := re.match(r"^    ([a-z_0-9]+):( *)(#.*)$", line):
            written = fills.get((agency, m.group(1)))
            if written is not None:
                value = json.dumps(written, ensure_ascii=False) if quote else written
                line = f"    {m.group(1)}: {value}  {m.group(3)}"
        out.append(line)
    return "\n".join(out) + "\n"


def fill_csv(text: str, fills: dict[tuple[str, str], str | None]) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    a, f, v = header.index("agency"), header.index("fact"), header.index("value")
    for row in rows[1:]:
        row[v] = fills.get((row[a], row[f])) or ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@SETTINGS
@given(data=st.data())
def test_template_filled_and_loaded_round_trips(plan: Plan, data: st.DataObject) -> None:
    period = data.draw(st.sampled_from(list(plan.periods)))
    agency = data.draw(st.sampled_from([None, *plan.agencies]))
    fmt: TemplateFormat = data.draw(st.sampled_from(["yaml", "csv"]))
    text = template(plan, period, agency, fmt)
    expected_pairs = [(a, f) for a, f in pairs(plan, period) if agency in (None, a)]
    fills: dict[tuple[str, str], str | None] = {}
    values: dict[tuple[str, str], Value] = {}
    for key in expected_pairs:
        if data.draw(st.booleans()):
            fdef = plan.facts[key[1]]
            value = data.draw(values_of(fdef))
            fills[key] = data.draw(texts_of(fdef, value))
            values[key] = value
    filled = (fill_yaml(text, fills, data.draw(st.booleans())) if fmt == "yaml"
              else fill_csv(text, fills))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"filled.{fmt}"
        path.write_text(filled, encoding="utf-8")
        facts = load_facts(plan, path)
    assert facts.period == period
    assert facts.values == nested(values)
    # the blank template itself is valid and reports nothing
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"blank.{fmt}"
        path.write_text(text, encoding="utf-8")
        blank = load_facts(plan, path)
    assert blank.values == {}
    assert set(blank.missing(plan)) >= set(expected_pairs)


def test_template_lists_exactly_the_expected_facts(plan: Plan) -> None:
    for period in plan.periods:
        for agency in [None, *plan.agencies]:
            text = template(plan, period, agency, "csv")
            rows = list(csv.DictReader(io.StringIO(text)))
            listed = [(r["agency"], r["fact"]) for r in rows if r["fact"]]
            expected = [(a, f) for a in plan.agencies for f in plan.facts
                        if (a, f) in pairs(plan, period) and agency in (None, a)]
            assert listed == expected


@SETTINGS
@given(data=st.data())
def test_not_reported_never_becomes_zero(plan: Plan, data: st.DataObject) -> None:
    period, texts, values = data.draw(fact_sets(plan))
    fmt = data.draw(st.sampled_from(["yaml", "json", "csv"]))
    with tempfile.TemporaryDirectory() as tmp:
        facts = load_facts(plan, write_file(Path(tmp), "f", fmt, plan, period,
                                            list(texts.items())), period)
    assert isinstance(facts, Facts)
    for (agency, fact), text in texts.items():
        if text is None:
            assert not facts.is_reported(agency, fact)
            assert facts.get(agency, fact) is None
            assert fact not in facts.for_agency(agency)
            assert (agency, fact) in facts.missing(plan)
        else:
            assert facts.get(agency, fact) == values[(agency, fact)]
            assert (agency, fact) not in facts.missing(plan)
    assert facts.count == len(values)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_template_round_trip_on_the_2023_plan(plan2023: Plan, data: st.DataObject) -> None:
    period = data.draw(st.sampled_from(list(plan2023.periods)))
    agency = data.draw(st.sampled_from(list(plan2023.agencies)))
    fmt: TemplateFormat = data.draw(st.sampled_from(["yaml", "csv"]))
    text = template(plan2023, period, agency, fmt)
    fills: dict[tuple[str, str], str | None] = {}
    values: dict[tuple[str, str], Value] = {}
    for key in pairs(plan2023, period):
        if key[0] == agency and data.draw(st.booleans()):
            values[key] = data.draw(values_of(plan2023.facts[key[1]]))
    values = within_wholes(plan2023, values)
    for key, value in values.items():
        fills[key] = data.draw(texts_of(plan2023.facts[key[1]], value))
    filled = fill_yaml(text, fills) if fmt == "yaml" else fill_csv(text, fills)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{agency}.{fmt}"
        path.write_text(filled, encoding="utf-8")
        facts = load_facts(plan2023, path)
    assert facts.values == nested(values)
