"""engine.render_plan: listings of a loaded plan (summary, indicators, periods, agencies).

The small plan of ``tests/data/report`` is listed whole in the goldens
``tests/golden/render_plan/small-*``; the 2023 plan checks that tables keep to their width.
The CLI commands that print these listings are pinned in ``tests/cli/test_plan_commands.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.render_plan import (
    WIDTH,
    agencies_data,
    fit,
    formula_text,
    indicator_data,
    indicators_data,
    periods_data,
    render_agencies,
    render_indicators,
    render_periods,
    render_summary,
    summary_data,
)

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "report" / "plan.yaml"


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(SMALL)


@pytest.fixture(scope="module")
def plan_2023() -> engine.Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


# -- fit and formula_text -----------------------------------------------------------------------

def test_fit_cuts_with_an_ellipsis_and_flattens_whitespace() -> None:
    assert fit("Sở Nội vụ", 20) == "Sở Nội vụ"
    assert fit("Sở  Nội\nvụ", 20) == "Sở Nội vụ"
    assert fit("Sở Nội vụ", 5) == "Sở N…"
    assert fit("Sở Nội vụ", 4) == "Sở…"  # no space left before the ellipsis
    assert fit("anything", 0) == ""


@given(st.text(alphabet="ab \nđổ", max_size=50), st.integers(min_value=1, max_value=60))
def test_fit_never_exceeds_its_width(text: str, width: int) -> None:
    out = fit(text, width)
    assert len(out) <= width and "\n" not in out
    flat = " ".join(text.split())
    assert out == flat or (out.endswith("…") and flat.startswith(out[:-1]))


def test_formula_text_is_one_line(plan: engine.Plan) -> None:
    assert formula_text(None) == ""
    ind = plan.indicators["procedures.on_time"]
    assert formula_text(ind.value) == "sum(on_time) / sum(received)"
    block = engine.compile_formula("1 +\n  2", engine.Symbols({}))
    assert formula_text(block) == "1 + 2"


# -- summary ------------------------------------------------------------------------------------

def test_summary_line_and_data(plan: engine.Plan) -> None:
    assert render_summary(plan).endswith(
        "plan.yaml: valid plan 'small-report' (2023): 2 areas, 4 indicators, 5 agencies, "
        "2 periods, 7 facts")
    data = summary_data(plan)
    assert data["valid"] is True and data["diagnostics"] == []
    assert data["plan"] == {"id": "small-report", "year": 2023,
                            "title": {"vi": "Kế hoạch CCHC nhỏ năm 2023",
                                      "en": "Small reform plan 2023"}}
    assert data["summary"] == {"areas": 2, "indicators": 4, "agencies": 5, "periods": 2,
                               "facts": 7}
    assert [Path(f).name for f in data["files"]] == ["plan.yaml"]
    json.dumps(data)  # plain data


# -- indicators ---------------------------------------------------------------------------------

def test_indicator_data_keeps_formulas_as_written(plan: engine.Plan) -> None:
    data = indicator_data(plan.indicators["procedures.apologies"])
    assert data == {
        "id": "procedures.apologies", "area": "procedures",
        "name": {"vi": "Xin lỗi khi trễ hạn", "en": "Apologies for late dossiers"},
        "unit": "percent", "owner": "snv", "scope": "receiving", "agencies": 4,
        "value": "sum(apologised) / sum(late)", "target": "value == 100%", "deadline": None,
        "applicable": "sum(coalesce(late, 0)) > 0", "baseline": None, "source": "II.3.b",
        "notes": None, "facts": ["apologised", "late"], "depends_on": [],
    }
    assert indicator_data(plan.indicators["implementation.plans"])["deadline"] == "2023-01-10"


def test_indicators_data_follows_the_file_order(plan: engine.Plan) -> None:
    data = indicators_data(plan)
    assert [a["id"] for a in data["areas"]] == ["procedures", "implementation"]
    assert data["areas"][0]["lead"] == "snv" and data["areas"][1]["lead"] is None
    ids = [i["id"] for i in data["indicators"]]
    assert ids == [i for a in data["areas"] for i in a["indicators"]] == [
        "procedures.on_time", "procedures.apologies", "procedures.feedback",
        "implementation.plans"]
    json.dumps(data)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_indicators_table(golden: object, plan: engine.Plan, lang: str) -> None:
    text = render_indicators(plan, lang)
    assert not text.endswith("\n")  # the CLI adds the line break
    assert text.splitlines()[-1] == {"vi": "4 chỉ tiêu thuộc 2 lĩnh vực",
                                     "en": "4 indicators in 2 areas"}[lang]
    golden(f"render_plan/small-indicators-{lang}.txt", text + "\n")  # type: ignore[operator]


def test_indicators_table_cuts_long_targets_and_names(tmp_path: Path) -> None:
    text = SMALL.read_text("utf-8").replace(
        "target: value > 99%", "target: value > 99% and value < 100% and value != 99.5%"
    ).replace("Trên 99% hồ sơ đúng hạn", "Tên rất dài " * 20)
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    lines = render_indicators(engine.load_plan(tmp_path / "plan.yaml")).splitlines()
    second = lines[next(i for i, line in enumerate(lines) if line.startswith("  on_time")) + 1]
    assert len(second) == WIDTH and second.endswith("…")
    assert second.startswith("    value > 99% and value < 100…  Tên rất dài")  # 28 characters


@pytest.mark.parametrize("width", [100, 120])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_indicators_table_keeps_to_its_width(plan_2023: engine.Plan, width: int,
                                              lang: str) -> None:
    lines = render_indicators(plan_2023, lang, width).splitlines()
    assert max(len(line) for line in lines) <= width
    assert sum(1 for line in lines if line.endswith("…")) > 0  # the 2023 names do get cut


# -- periods ------------------------------------------------------------------------------------

def test_periods(plan: engine.Plan) -> None:
    assert render_periods(plan).splitlines() == [  # Vietnamese: dates day first
        "MÃ    TÊN       TỪ NGÀY     ĐẾN NGÀY    HẠN BÁO CÁO  SỐ NGÀY",
        "q1    Quý I     15/12/2022  13/03/2023  14/03/2023        89",
        "year  Năm 2023  15/12/2022  13/12/2023  14/12/2023       364",
    ]
    assert render_periods(plan, "en").splitlines() == [
        "ID    NAME       FROM        UNTIL       DUE         DAYS",
        "q1    Q1         2022-12-15  2023-03-13  2023-03-14    89",
        "year  Year 2023  2022-12-15  2023-12-13  2023-12-14   364",
    ]
    data = periods_data(plan)
    assert data["periods"][0] == {"id": "q1", "name": {"vi": "Quý I", "en": "Q1"},
                                  "from": "2022-12-15", "until": "2023-03-13",
                                  "due": "2023-03-14", "days": 89, "notes": None}
    # DAYS counts both ends of the data window
    assert [p["days"] for p in data["periods"]] == [89, 364]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_periods_and_agencies_keep_to_their_width(plan_2023: engine.Plan, width: int) -> None:
    for text in (render_periods(plan_2023, "vi", width), render_agencies(plan_2023, "vi", width)):
        assert max(len(line) for line in text.splitlines()) <= width


def test_a_narrow_period_table_cuts_names_not_dates(plan: engine.Plan) -> None:
    lines = render_periods(plan, "vi", 52).splitlines()
    assert lines[1].split() == ["q1", "Quý…", "15/12/2022", "13/03/2023", "14/03/2023", "89"]


# -- agencies -----------------------------------------------------------------------------------

def test_agencies_tree(golden: object, plan: engine.Plan) -> None:
    text = render_agencies(plan)
    lines = text.splitlines()
    assert lines[:5] == [
        "tinh  UBND tỉnh  [province]",
        "├── snv  Sở Nội vụ  [department]",
        "├── stp  Sở Tư pháp  [department]",
        "└── huyen_a  Huyện A  [district]",
        "    └── xa_a1  Xã A1  [commune]",
    ]
    golden("render_plan/small-agencies-vi.txt", text + "\n")  # type: ignore[operator]


def test_agencies_tree_cuts_names_and_keeps_ids(plan: engine.Plan) -> None:
    lines = render_agencies(plan, "en", 30).splitlines()
    assert lines[1] == "├── snv  Home A…  [department]"
    assert all(len(line) <= 30 for line in lines)


def test_codes_make_a_column_and_communes_are_counted_by_the_type_their_name_says() -> None:
    from engine.loader import loads_plan

    plan = loads_plan("""\
cchc: 1
id: codes
year: 2023
title: {vi: Kế hoạch}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  p1: {name: {vi: Phường Một}, kind: commune, parent: tinh, code: "00001"}
  x1: {name: {vi: Xã Hai}, kind: commune, parent: tinh}
  b1: {name: {vi: Bản Ba}, kind: commune, parent: tinh, code: "7"}
""", "codes.yaml")
    assert render_agencies(plan).splitlines()[:6] == [
        "       tinh  UBND tỉnh  [province]",
        "00001  ├── p1  Phường Một  [commune]",
        "       ├── x1  Xã Hai  [commune]",
        "7      └── b1  Bản Ba  [commune]",
        "",
        "4 cơ quan: tỉnh 1, xã 3",
    ]
    # communes under the province, not districts; a name that does not say its type is "other"
    assert render_agencies(plan).splitlines()[6:9] == [
        "", "xã, phường, thị trấn theo cơ quan cấp trên:",
        "  UBND tỉnh — 3 (1 phường, 1 xã, 1 khác)"]
    english = render_agencies(plan, "en").splitlines()
    assert "4 agencies: province 1, commune 3" in english
    assert english[-2:] == ["communes by parent agency:",
                            "  UBND tỉnh — 3 (1 ward, 1 commune, 1 other)"]
    assert [a["code"] for a in agencies_data(plan)["agencies"]] == [None, "00001", None, "7"]
    # names that say no type: the number alone
    unnamed = loads_plan("cchc: 1\nid: u\nyear: 2023\ntitle: {vi: K}\nagencies:\n"
                         "  h: {name: {vi: Huyện}, kind: district}\n"
                         "  a: {name: {vi: Bản A}, kind: commune, parent: h}\n", "u.yaml")
    for lang in ("vi", "en"):
        assert "  Huyện — 1" in render_agencies(unnamed, lang).splitlines()


def test_agencies_data(plan: engine.Plan) -> None:
    data = agencies_data(plan)
    assert [(a["id"], a["parent"]) for a in data["agencies"]] == [
        ("tinh", None), ("snv", "tinh"), ("stp", "tinh"), ("huyen_a", "tinh"),
        ("xa_a1", "huyen_a")]
    receiving = next(g for g in data["groups"] if g["id"] == "receiving")
    assert receiving == {"id": "receiving", "members": ["snv", "stp", "huyen_a", "xa_a1"],
                         "kinds": [], "agencies": ["huyen_a", "xa_a1"],
                         "union": ["departments"], "minus": [], "notes": None}
    json.dumps(data)


def test_summary_says_one_of_each_in_the_singular() -> None:
    from engine.loader import loads_plan
    from engine.render_plan import render_summary

    plan = loads_plan("""\
cchc: 1
id: one
year: 2023
title: {vi: Một, en: One}
agencies:
  snv: {name: {vi: Sở Nội vụ}, kind: department}
periods:
  year: {name: {vi: Năm}, from: 2023-01-01, until: 2023-12-31, due: 2024-01-10}
facts:
  done: {type: bool, reported_by: snv, periods: [year], label: {vi: Đã làm}}
areas:
  a:
    name: {vi: Lĩnh vực}
    indicators:
      i:
        name: {vi: Chỉ tiêu}
        unit: bool
        owner: snv
        scope: snv
        value: all(done)
        target: value
""", "one.yaml")
    text = render_summary(plan)
    assert "1 agency," in text and "1 area," in text and "1 indicator," in text
    assert "agencie " not in text
