"""The shipped scorecards load cleanly, and the 2023 example ranks its units as pinned.

The ranking of every block, from plans/scorecards/*.yaml and the invented facts of
examples/2023/scoring/, is pinned by small goldens (tests/golden/scoring_data/). A few units'
totals are also computed here by hand, from the fact files read as plain YAML and the rules of
the scorecards written out as arithmetic, so that a change to the engine or to the data that
moves a result is caught by something that does not share the engine's code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import engine
from engine.scorecard import Scorecard, load_scorecard
from engine.scoring import ScoreReport, UnitScore
from engine.values import Unknown
from engine.yamlsrc import read_yaml, to_data
from tests.conftest import Golden

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plans" / "2023.yaml"
CARDS = ROOT / "plans" / "scorecards"
EXAMPLE = ROOT / "examples" / "2023"
QD766 = CARDS / "qd766.yaml"
ILLUSTRATION = CARDS / "sonla-cchc-2023-illustration.yaml"
FACTS = {QD766: [EXAMPLE / "year", EXAMPLE / "scoring" / "qd766"],
         ILLUSTRATION: [EXAMPLE / "year", EXAMPLE / "scoring" / "chi-so-cchc"]}


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(PLAN)


@pytest.fixture(scope="module")
def reports(plan: engine.Plan) -> dict[Path, ScoreReport]:
    return {path: engine.score(plan, load_scorecard(path, plan=plan), FACTS[path], period="year")
            for path in (QD766, ILLUSTRATION)}


# --- the scorecards are valid ------------------------------------------------------------------


@pytest.mark.parametrize("path", [QD766, ILLUSTRATION], ids=lambda p: p.name)
def test_scorecard_loads_without_a_diagnostic(plan: engine.Plan, path: Path) -> None:
    card = load_scorecard(path, plan=plan)  # raises ScorecardError on any error
    assert card.scale == 100
    assert sum(a.max for a in card.areas.values()) == 100


@pytest.mark.parametrize("path", [QD766, ILLUSTRATION], ids=lambda p: p.name)
def test_scorecard_is_valid_against_the_published_schema(path: Path) -> None:
    schema = json.loads((ROOT / "engine" / "scorecard.schema.json").read_text("utf-8"))
    # Read as the engine reads YAML (1.2, no type guessing: `yes:` is a key, `0.25` is text).
    tree, diagnostics = read_yaml(path.read_text("utf-8"), path.name)
    assert diagnostics == [] and tree is not None
    errors = [f"{list(e.path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(to_data(tree))]
    assert errors == []


def test_qd766_has_the_five_groups_of_the_decision(plan: engine.Plan) -> None:
    card = load_scorecard(QD766, plan=plan)
    assert [(a.name.vi, a.max) for a in card.areas.values()] == [
        ("Nhóm chỉ số về công khai, minh bạch", Fraction(18)),
        ("Nhóm chỉ số về tiến độ, kết quả giải quyết", Fraction(20)),
        ("Nhóm chỉ số về cung cấp dịch vụ trực tuyến", Fraction(22)),
        ("Nhóm chỉ số về số hóa hồ sơ", Fraction(22)),
        ("Nhóm chỉ số về mức độ hài lòng", Fraction(18))]
    # The three published "đạt từ X% trở lên" thresholds of the formula document, and 5.4's.
    full_at = {c.id: c.rule.full_at for c in card.leaves
               if c.rule is not None and c.rule.kind == "proportional"}
    assert {k: v for k, v in full_at.items() if v != 1} == {
        "3.5": Fraction(4, 5), "4.2": Fraction(4, 5), "4.3": Fraction(4, 5),
        "5.4": Fraction(9, 10)}


def test_every_shipped_criterion_names_its_source(plan: engine.Plan) -> None:
    for path in (QD766, ILLUSTRATION):
        card = load_scorecard(path, plan=plan)
        assert [c.id for c in card.criteria.values() if not c.ref] == [], path.name
        assert [c.id for c in card.criteria.values() if not c.name.en] == [], path.name


def test_the_illustration_says_it_is_one(plan: engine.Plan) -> None:
    card = load_scorecard(ILLUSTRATION, plan=plan)
    assert "minh họa" in card.title.vi and "not the official index" in (card.title.en or "")
    assert ILLUSTRATION.read_text("utf-8").startswith(
        "# MINH HỌA ĐỊNH DẠNG — KHÔNG PHẢI BỘ CHỈ SỐ CHÍNH THỨC CỦA TỈNH SƠN LA.\n"
        "# ILLUSTRATION OF THE FORMAT — NOT SƠN LA'S OFFICIAL INDEX.\n")


def test_the_blocks_cover_the_plans_scored_units(plan: engine.Plan) -> None:
    kinds = {k: [a.id for a in plan.agencies.values() if a.kind == k]
             for k in ("province", "department", "district", "commune")}
    card = load_scorecard(QD766, plan=plan)
    assert {b: sorted(card.blocks[b].units) for b in card.blocks} == {
        "province": kinds["province"], "departments": sorted(kinds["department"]),
        "districts": sorted(kinds["district"]), "communes": sorted(kinds["commune"])}
    assert [len(b.units) for b in card.blocks.values()] == [1, 20, 12, 204]
    # The plan registers 243 agencies: 237 are scored by QĐ 766; the service centre (counted
    # under the departments) and the five sector agencies (scored by their ministries) are not.
    assert len(plan.agencies) == 243
    unscored = sorted(set(plan.agencies) - {u for b in card.blocks.values() for u in b.units})
    assert unscored == ["bhxh", "cong_an", "cuc_thue", "dien_luc", "kbnn", "tt_phvhc"]


# --- the example facts are what the generator writes ------------------------------------------


def test_example_facts_are_what_the_generator_writes(tmp_path: Path) -> None:
    folder = EXAMPLE / "scoring"
    committed = {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}
    copy = tmp_path / "repo"
    (copy / "examples" / "2023" / "scoring").mkdir(parents=True)
    (copy / "examples" / "2023" / "scoring" / "generate.py").write_bytes(
        (folder / "generate.py").read_bytes())
    (copy / "examples" / "2023" / "year").symlink_to(EXAMPLE / "year")
    for name in ("plans", "engine", "grammar"):
        (copy / name).symlink_to(ROOT / name)
    subprocess.run([sys.executable, "examples/2023/scoring/generate.py"], cwd=copy, check=True,
                   capture_output=True)
    out = copy / "examples" / "2023" / "scoring"
    written = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.yaml"))}
    assert written == committed


def test_example_facts_say_they_are_invented() -> None:
    for path in sorted((EXAMPLE / "scoring").rglob("*.yaml")):
        assert path.read_text("utf-8").startswith(
            "# Ví dụ minh họa: số liệu GIẢ ĐỊNH, không phải số liệu báo cáo thật.\n"
            "# Illustrative example: INVENTED figures, not reported data.\n"), path


# --- the pinned ranking ------------------------------------------------------------------------


def _fixed(x: Any, scale: int = 1) -> str:
    """An exact number times ``scale``, rounded half up to 2 places, written with 2 places."""
    if x is None or isinstance(x, Unknown):
        return "?"
    hundredths = int(Fraction(x) * scale * 100 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _line(u: UnitScore) -> str:
    index = "?" if u.status == "unknown" else _fixed(u.index, 100) + "%"
    return (f"{u.rank if u.rank is not None else '-':>3}  {u.unit:<30} {_fixed(u.total):>6} / "
            f"{u.applicable_max!s:>3}  {index:>7}  {u.group or '-'}")


def ranking_text(report: ScoreReport, *, long_blocks: Iterable[str] = ()) -> str:
    """Every block's ranking; a long block shows its first ten and last five units."""
    out = [f"# {report.scorecard.id}, period {report.period}: rank, unit, points / applicable "
           "maximum, index, group"]
    for block in report.blocks:
        out.append(f"[{block.id}] {len(block.units)} units, average index "
                   f"{_fixed(block.average_index, 100)}%")
        units = list(block.units)
        if block.id in long_blocks:
            out += [_line(u) for u in units[:10]] + ["  ..."] + [_line(u) for u in units[-5:]]
        else:
            out += [_line(u) for u in units]
    return "\n".join(out) + "\n"


def test_qd766_ranking_is_pinned(reports: dict[Path, ScoreReport], golden: Golden) -> None:
    golden("scoring_data/qd766-2023.txt", ranking_text(reports[QD766], long_blocks=["communes"]))


def test_illustration_ranking_is_pinned(reports: dict[Path, ScoreReport],
                                        golden: Golden) -> None:
    golden("scoring_data/sonla-cchc-2023-illustration.txt", ranking_text(reports[ILLUSTRATION]))


def test_the_ranking_story_of_the_example(reports: dict[Path, ScoreReport]) -> None:
    report = reports[ILLUSTRATION]
    districts = report.block("districts")
    # Mộc Châu did not send its officials' ratings (examples/2023/year): it is not ranked.
    assert [(u.unit, u.rank) for u in districts.units][-1] == ("moc_chau", None)
    assert report.unit("moc_chau").missing == (("moc_chau", "officials_rated"),)
    # Where the council changed a self-assessment (cchc score --stages).
    changed = {(c.unit, c.criterion) for c in report.stage_changes()}
    assert {("sldtbxh", "1.1.4"), ("song_ma", "1.1.4"), ("song_ma", "1.2.2"),
            ("bac_yen", "3.1.1"), ("bac_yen", "3.3.2")} <= changed
    # Bắc Yên's one-stop desk: no points and 0,25 taken off.
    assert report.unit("bac_yen").criterion("3.3.2").points == Fraction(-1, 4)


# --- a few totals computed by hand -------------------------------------------------------------


def _read_facts(folders: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Every agency's facts, read as plain YAML (not by the engine)."""
    out: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            for agency, facts in yaml.safe_load(path.read_text("utf-8"))["agencies"].items():
                out.setdefault(agency, {}).update(facts)
    return out


def _parents() -> dict[str, str]:
    """agency -> parent, read as plain YAML from the plan and its included communes."""
    out: dict[str, str] = {}
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        data = yaml.safe_load((ROOT / "plans" / name).read_text("utf-8"))
        out.update({a: d["parent"] for a, d in data["agencies"].items() if "parent" in d})
    return out


def _kinds() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        data = yaml.safe_load((ROOT / "plans" / name).read_text("utf-8"))
        out.update({a: d["kind"] for a, d in data["agencies"].items()})
    return out


def _below(unit: str) -> list[str]:
    """The unit and every agency below it."""
    parents = _parents()
    out = [unit]
    changed = True
    while changed:
        changed = False
        for a, p in parents.items():
            if p in out and a not in out:
                out.append(a)
                changed = True
    return out


def _share(text: str) -> Fraction:
    return Fraction(text.rstrip("%")) / 100


def _r2(x: Fraction) -> Fraction:
    """Round to 2 decimal places, half up (x >= 0)."""
    return Fraction(int(x * 100 + Fraction(1, 2)), 100)


def _linear(ratio: Fraction, top: int | Fraction) -> Fraction:
    return min(ratio, Fraction(1)) * top


def _full_at(ratio: Fraction, top: int | Fraction, threshold: Fraction) -> Fraction:
    return Fraction(top) if ratio >= threshold else ratio * top / threshold


def qd766_by_hand(unit: str) -> tuple[Fraction, int]:
    """(points, applicable maximum) of ``unit`` under plans/scorecards/qd766.yaml."""
    facts = _read_facts(FACTS[QD766])
    kinds = _kinds()
    scope = [a for a in _below(unit) if kinds[a] in ("department", "district", "commune")]

    def total(fact: str, where: Callable[[str], bool] = lambda a: True) -> int:
        return sum(int(facts[a][fact]) for a in scope if where(a))

    kind = kinds[unit]
    criteria: list[tuple[Fraction, int]] = []  # (points before rounding, max), applicable only
    if kind in ("province", "department"):
        published = total("procedures_published", lambda a: kinds[a] == "department")
        if published:
            criteria.append((_linear(Fraction(total("procedures_published_on_time",
                                                       lambda a: kinds[a] == "department"),
                                                 published), 6), 6))
    if kind == "province":
        f = facts[unit]
        criteria.append((_linear(Fraction(f["procedures_made_public_on_time"],
                                          f["procedures_to_make_public"]), 4), 4))
        criteria.append((_linear(Fraction(f["procedures_public_complete"],
                                          f["procedures_public"]), 2), 2))
    new, received = total("dossiers_received_new"), total("dossiers_received")
    criteria.append((_linear(Fraction(total("dossiers_synced_national"), new), 6), 6))
    on_time = (total("dossiers_settled_early") + total("dossiers_on_time")
               + total("dossiers_in_process_within_limit"))
    criteria.append((_linear(Fraction(on_time, received), 20), 20))
    criteria.append((_linear(Fraction(total("dossiers_full_online"),
                                      total("dossiers_full_online_eligible")), 12), 12))
    if total("fee_procedures"):
        criteria.append((_full_at(Fraction(total("fee_procedures_integrated"),
                                           total("fee_procedures")), 2, Fraction(8, 10)), 2))
        criteria.append((_linear(Fraction(total("fee_procedures_paid_online"),
                                          total("fee_procedures")), 2), 2))
    if total("fee_dossiers"):
        criteria.append((_linear(Fraction(total("dossiers_paid_online"),
                                          total("fee_dossiers")), 6), 6))
    criteria.append((_linear(Fraction(total("dossiers_e_result"),
                                      total("dossiers_paper_result")), 6), 6))
    criteria.append((_full_at(Fraction(total("dossiers_digitised"), new), 4,
                              Fraction(8, 10)), 4))
    if kind in ("district", "commune"):
        criteria.append((Fraction(2 if facts[unit]["e_certified_copies"] else 0), 2))
    criteria.append((_full_at(Fraction(total("dossiers_data_reused"), new), 2,
                              Fraction(8, 10)), 2))
    criteria.append((_linear(Fraction(total("dossiers_personal_store"), new), 4), 4))
    criteria.append((_linear(Fraction(total("citizen_procedures_population_data"),
                                      total("citizen_procedures")), 2), 2))
    criteria.append((_linear(Fraction(total("dossiers_population_data"), new), 2), 2))
    if total("pakn_total"):
        criteria.append((_linear(Fraction(total("pakn_on_time"), total("pakn_total")), 6), 6))
        criteria.append((_linear(Fraction(total("pakn_total") - total("pakn_unsatisfied"),
                                          total("pakn_total")), 6), 6))
    satisfied = 1 - Fraction(total("late_dossiers") + total("dossiers_pakn_dislike"), received)
    criteria.append((_full_at(satisfied, 6, Fraction(9, 10)), 6))
    # rounding.criteria: 2 places, half up, on every criterion's points
    return sum((_r2(p) for p, _ in criteria), Fraction(0)), sum(m for _, m in criteria)


@pytest.mark.parametrize("unit", ["ubnd_tinh", "sgtvt", "thanh_tra", "quynh_nhai",
                                  "muong_la_chieng_lao", "tp_son_la_chieng_sinh"])
def test_qd766_totals_by_hand(reports: dict[Path, ScoreReport], unit: str) -> None:
    points, maximum = qd766_by_hand(unit)
    got = reports[QD766].unit(unit)
    assert (got.total, got.applicable_max) == (points, Fraction(maximum))
    assert got.index == _r2(points / maximum * 100) / 100


def illustration_by_hand(unit: str) -> tuple[Fraction, int]:
    """(total, applicable maximum) of ``unit`` under the illustration scorecard."""
    facts = _read_facts(FACTS[ILLUSTRATION])
    kinds = _kinds()
    f = facts[unit]
    below = _below(unit)

    def total(fact: str, kinds_in: tuple[str, ...]) -> int:
        return sum(int(facts[a][fact]) for a in below if kinds[a] in kinds_in)

    receiving = ("department", "district", "commune")
    direct = ("department", "district")
    parts: list[tuple[Fraction, Fraction]] = []

    def add(points: Fraction | int, top: int | Fraction) -> None:
        parts.append((Fraction(points), Fraction(top)))

    # 1 Direction
    issued_on = f["cchc_plan_issued_on"]
    add(0 if not f["cchc_plan_issued"] else 1 if str(issued_on) <= "2023-01-10" else
        Fraction(1, 2), 1)
    add(1 if f["cchc_plan_covers_six_areas"] else 0, 1)
    add(1 if f["cchc_plan_objectives_quantified"] and f["cchc_plan_tasks_specified"] else 0, 1)
    done = f.get("plan_tasks_done_reappraised", f.get("plan_tasks_done",
                                                      f["plan_tasks_done_self"]))
    ratio = Fraction(done, f["plan_tasks_total"])
    add(2 if ratio > Fraction(9, 10) else 1 if ratio >= Fraction(7, 10) else 0, 2)
    add(1 if str(f["report_submitted_on"]) <= "2023-12-14" else 0, 1)
    add(1 if f["report_complete"] else 0, 1)
    ratio = Fraction(f["subordinate_units_inspected"], f["subordinate_units"])
    add(2 if ratio > Fraction(3, 10) else 1 if ratio >= Fraction(15, 100) else 0, 2)
    add(1 if f["inspection_issues_handled"] >= f["inspection_issues"] else 0, 1)
    add(1 if f["portal_cchc_column"] else 0, 1)
    add(1 if f["propaganda_done"] else 0, 1)
    # 2 Institutions
    if f["legal_docs_scheduled"]:
        add(Fraction(f["legal_docs_on_schedule"], f["legal_docs_scheduled"]) * 3, 3)
    add(1 if f["legal_review_done"] else 0, 1)
    add(Fraction(f["legal_docs_handled"], f["legal_docs_to_handle"]) * 2
        if f["legal_docs_to_handle"] else 2, 2)
    # 3 Procedures
    add(2 if f["procedures_public_ok"] else 0, 2)
    add(2 if f["procedures_review_done"] else 0, 2)
    on_time = Fraction(total("dossiers_settled_early", receiving)
                       + total("dossiers_on_time", receiving)
                       + total("dossiers_in_process_within_limit", receiving),
                       total("dossiers_received", receiving))
    add(6 if on_time > Fraction(99, 100) else 4 if on_time >= Fraction(95, 100) else
        2 if on_time >= Fraction(90, 100) else 0, 6)
    late = total("late_dossiers", receiving)
    add(2 if late == 0 or total("late_dossiers_apologised", receiving) >= late else 0, 2)
    new = total("dossiers_received_new", receiving)
    tracked = min(Fraction(total("dossiers_tracked_online", receiving), new),
                  Fraction(total("dossiers_synced_national", receiving), new))
    add(_linear(tracked, 2), 2)
    moved = Fraction(total("dossiers_transferred_electronically", receiving),
                     total("dossiers_transferred", receiving))
    add(_full_at(moved, 2, Fraction(8, 10)), 2)
    add(Fraction(f["tthc_feedback_handled"], f["tthc_feedback"]) * 2
        if f["tthc_feedback"] else 2, 2)
    add(2 if f["one_stop_ok"] else Fraction(-1, 4), 2)
    # 4 Apparatus
    add(2 if total("structured_orgs_compliant", direct) >= total("structured_orgs", direct)
        else 0, 2)
    add(2 if f["deputy_count"] <= f["deputy_quota"] else 0, 2)
    add(3 if f["staffing_plan_done"] else 0, 3)
    # 5 Civil service
    add(2 if f["job_position_structure_in_place"] else 0, 2)
    for done_fact, all_fact in (("units_recruiting_compliant", "units_recruiting"),
                                ("staff_appointed_compliant", "staff_appointed")):
        add(Fraction(3, 2) if total(done_fact, direct) >= total(all_fact, direct) else 0,
            Fraction(3, 2))
    add(_full_at(Fraction(total("officials_rated_good", receiving),
                          total("officials_rated", receiving)), Fraction(3, 2),
                 Fraction(9, 10)), Fraction(3, 2))
    add(_full_at(Fraction(total("employees_rated_good", direct),
                          total("employees_rated", direct)), Fraction(3, 2),
                 Fraction(9, 10)), Fraction(3, 2))
    # 6 Public finance
    add(1 if f["budget_disclosed"] else 0, 1)
    add(2 if total("budget_units_disclosed", direct) >= total("budget_units", direct) else 0, 2)
    audits = f["audit_recommendations"]
    ratio = Fraction(f["audit_recommendations_done"], audits) if audits else Fraction(1)
    add(2 if ratio > Fraction(8, 10) else 1 if ratio >= Fraction(1, 2) else 0, 2)
    # 7 Digital government
    add(_linear(Fraction(total("outgoing_docs_e_signed", receiving),
                         total("outgoing_docs", receiving)), 3), 3)
    add(2 if f["four_level_connected"] else 0, 2)
    add(_full_at(Fraction(f["online_dossiers"], f["dossiers_received_new"]), 4,
                 Fraction(1, 2)), 4)
    add(_full_at(Fraction(f["digitised_dossiers"], f["dossiers_received_new"]), 3,
                 Fraction(8, 10)), 3)
    # 8 Survey
    add(_share(f["officials_survey_score"]) * 10, 10)
    add(_share(f["sipas_unit"]) * 20, 20)
    bonus = min(Fraction(f["initiatives_recognised"], 2), Fraction(2))
    penalty = min(Fraction(f["reprimands"]), Fraction(3))
    maximum = sum((m for _, m in parts), Fraction(0))
    points = sum((p for p, _ in parts), Fraction(0)) + bonus - penalty
    return _r2(min(max(points, Fraction(0)), maximum)), int(maximum)


@pytest.mark.parametrize("unit", ["bac_yen", "sldtbxh", "song_ma", "tp_son_la", "sgtvt"])
def test_illustration_totals_by_hand(reports: dict[Path, ScoreReport], unit: str) -> None:
    points, maximum = illustration_by_hand(unit)
    got = reports[ILLUSTRATION].unit(unit)
    assert (got.total, got.applicable_max) == (points, Fraction(maximum))
    assert got.index == _r2(points / maximum * 100) / 100


def test_the_scorecards_are_the_shipped_ones(plan: engine.Plan) -> None:
    # The tests above read the rules of these files; a changed scorecard must change them too.
    card: Scorecard = load_scorecard(ILLUSTRATION, plan=plan)
    assert len(card.leaves) == 38 and len(load_scorecard(QD766, plan=plan).leaves) == 19


# --- an officer replaces the illustration by editing data ---------------------------------------

CHILD = """\
cchc_scorecard: 1
id: sonla-cchc-2024-example
title: {vi: Chỉ số CCHC năm 2024 (ví dụ), en: PAR index 2024 (example)}
extends: sonla-cchc-2023-illustration.yaml
scale: 100
blocks:
  districts:
    classify:                      # Nam Định's district bands (2020), for the example
      - {label: I, at_least: 80%}
      - {label: II, at_least: 70%, below: 80%}
      - {label: III, below: 70%}
areas:
  "3":
    criteria:
      "3.2":
        criteria:
          "3.2.1":
            points:
              steps:
                - {at_least: 99%, points: 6}
                - {below: 99%, points: 0}
            text: "Từ 99% trở lên: 6; dưới 99%: 0"
"""


def test_the_illustration_can_be_amended_by_a_later_file(plan: engine.Plan,
                                                         reports: dict[Path, ScoreReport]) -> None:
    child = engine.loads_scorecard(CHILD, "sonla-cchc-2024-example.yaml", plan=plan,
                                   base_dir=CARDS)
    assert len(child.leaves) == 38 and child.criteria["3.2.1"].name.vi.startswith("Tỷ lệ hồ sơ")
    report = engine.score(plan, child, FACTS[ILLUSTRATION], period="year")
    before = reports[ILLUSTRATION]
    # Sông Mã and its communes settled 5177 of 5232 dossiers on time or early (98.95%): 4 points
    # under the illustration's bands, none under the new rule; units above 99% keep their 6.
    assert report.unit("song_ma").criterion("3.2.1").stages[0].input == Fraction(5177, 5232)
    assert before.unit("song_ma").criterion("3.2.1").points == 4
    assert report.unit("song_ma").criterion("3.2.1").points == 0
    assert report.unit("sgtvt").criterion("3.2.1").points == 6
    assert {u.group for u in report.block("districts").units if u.group} == {"I"}


def test_the_order_of_the_fact_files_does_not_change_the_ranking(
        plan: engine.Plan, reports: dict[Path, ScoreReport]) -> None:
    card = load_scorecard(ILLUSTRATION, plan=plan)
    files = sorted(p for folder in FACTS[ILLUSTRATION] for p in folder.glob("*.yaml"))
    again = engine.score(plan, card, list(reversed(files)), period="year")
    assert ranking_text(again) == ranking_text(reports[ILLUSTRATION])
