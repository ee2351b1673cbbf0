"""The 204 communes of the 2023 plan are the official list (plans/data/communes-2023.csv).

The included plans/agencies-2023-communes.yaml must be exactly what plans/data/generate.py
writes from the CSV files, so the plan and the list cannot drift. The counts are checked against
the headings of the official list (plans/data/communes-2023.md), copied here, not recomputed
from the CSV, so that a row lost or added in the CSV fails.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from engine.loader import load_plan
from engine.model import Plan
from engine.render_plan import commune_counts, commune_type, render_agencies

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "plans" / "data"

#: The headings of plans/data/communes-2023.md: district -> (code, phường, thị trấn, xã).
OFFICIAL = {
    "tp_son_la": ("116", 7, 0, 5),
    "quynh_nhai": ("118", 0, 0, 11),
    "thuan_chau": ("119", 0, 1, 28),
    "muong_la": ("120", 0, 1, 15),
    "bac_yen": ("121", 0, 1, 15),
    "phu_yen": ("122", 0, 1, 26),
    "moc_chau": ("123", 0, 2, 13),
    "yen_chau": ("124", 0, 1, 14),
    "mai_son": ("125", 0, 1, 21),
    "song_ma": ("126", 0, 1, 18),
    "sop_cop": ("127", 0, 0, 8),
    "van_ho": ("128", 0, 0, 14),
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(ROOT / "plans" / "2023.yaml")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("plans_data_generate", DATA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # for its dataclasses
    spec.loader.exec_module(module)
    return module


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def communes(plan: Plan) -> list[str]:
    return [a.id for a in plan.agencies.values() if a.kind == "commune"]


def test_the_included_file_is_what_the_generator_writes(generator: ModuleType) -> None:
    committed = (ROOT / "plans" / "agencies-2023-communes.yaml").read_text(encoding="utf-8")
    written = generator.communes_yaml((DATA / "communes-2023.csv").read_text(encoding="utf-8"),
                                      (DATA / "districts-2023.csv").read_text(encoding="utf-8"))
    assert written == committed, "run: python plans/data/generate.py"


def test_the_generator_refuses_a_broken_list(generator: ModuleType) -> None:
    good = (DATA / "communes-2023.csv").read_text(encoding="utf-8")
    districts = (DATA / "districts-2023.csv").read_text(encoding="utf-8")
    for broken, message in (
            (good.replace(",03649,", ",03646,"), "the code 03646 is given twice"),
            (good.replace(",03649,", ",3649,"), "'3649' is not a 5-digit code"),
            (good.replace("Phường,Phường Tô Hiệu", "Xã,Phường Tô Hiệu"), "do not agree"),
            (good.replace("tp_son_la,03649", "son_la,03649"), "unknown district 'son_la'"),
            (good.replace("district_id,code", "district,code"), "expected the columns")):
        with pytest.raises(ValueError, match=re.escape(message)):
            generator.communes_yaml(broken, districts)


def test_the_plan_has_the_204_communes_of_the_list(plan: Plan) -> None:
    listed = rows("communes-2023.csv")
    assert len(listed) == 204
    assert sorted(communes(plan)) == sorted(r["id"] for r in listed)
    for r in listed:
        a = plan.agencies[r["id"]]
        assert (a.name.vi, a.parent, a.code) == (r["name_vi"], r["district_id"], r["code"])
        assert commune_type(a.name) == r["type"]
    assert Counter(r["type"] for r in listed) == {"Xã": 188, "Phường": 7, "Thị trấn": 9}


def test_names_and_ids_follow_the_rule_of_the_list() -> None:
    for r in rows("communes-2023.csv"):
        name = r["name_vi"]
        assert name == unicodedata.normalize("NFC", name) and "  " not in name
        assert name.startswith(r["type"] + " ")
        bare = name.removeprefix(r["type"] + " ").replace("đ", "d").replace("Đ", "D")
        folded = "".join(c for c in unicodedata.normalize("NFD", bare)
                         if not unicodedata.combining(c)).lower().replace(" ", "_")
        expected = f"{r['district_id']}_{folded}"
        if r["code"] == "04135":  # Xã Hát Lót beside Thị trấn Hát Lót (mai_son_hat_lot)
            expected = "mai_son_xa_hat_lot"
        assert r["id"] == expected


def test_per_district_counts_are_those_of_the_official_list(plan: Plan) -> None:
    counts = commune_counts(plan)
    assert list(counts) == list(plan.groups["districts"].members)
    assert {d: (plan.agencies[d].code, n.get("Phường", 0), n.get("Thị trấn", 0), n.get("Xã", 0))
            for d, n in counts.items()} == OFFICIAL
    assert {d: (r["code"], r["name_vi"]) for d in OFFICIAL
            for r in rows("districts-2023.csv") if r["district_id"] == d} == {
        d: (plan.agencies[d].code, plan.agencies[d].name.vi) for d in OFFICIAL}


def test_every_code_is_official_and_unique(plan: Plan) -> None:
    codes = {a.id: a.code for a in plan.agencies.values() if a.code is not None}
    assert len(set(codes.values())) == len(codes) == 204 + 12
    for aid in communes(plan):
        assert re.fullmatch(r"[0-9]{5}", codes[aid] or "")
    for d in plan.groups["districts"].members:
        assert re.fullmatch(r"[0-9]{3}", codes[d] or "")
    # a commune's code lies in the GSO range of the province (Sơn La: 03646-04246)
    assert min(codes[a] or "" for a in communes(plan)) == "03646"
    assert max(codes[a] or "" for a in communes(plan)) == "04246"


def test_the_listing_shows_codes_and_the_official_counts(plan: Plan) -> None:
    lines = render_agencies(plan).splitlines()
    start = lines.index("xã, phường, thị trấn theo huyện:")
    assert lines[start + 1:start + 14] == [
        "  Thành phố Sơn La (mã 116) — 12 (7 phường, 5 xã)",
        "  Huyện Quỳnh Nhai (mã 118) — 11 (11 xã)",
        "  Huyện Thuận Châu (mã 119) — 29 (1 thị trấn, 28 xã)",
        "  Huyện Mường La (mã 120) — 16 (1 thị trấn, 15 xã)",
        "  Huyện Bắc Yên (mã 121) — 16 (1 thị trấn, 15 xã)",
        "  Huyện Phù Yên (mã 122) — 27 (1 thị trấn, 26 xã)",
        "  Huyện Mộc Châu (mã 123) — 15 (2 thị trấn, 13 xã)",
        "  Huyện Vân Hồ (mã 128) — 14 (14 xã)",
        "  Huyện Yên Châu (mã 124) — 15 (1 thị trấn, 14 xã)",
        "  Huyện Mai Sơn (mã 125) — 22 (1 thị trấn, 21 xã)",
        "  Huyện Sông Mã (mã 126) — 19 (1 thị trấn, 18 xã)",
        "  Huyện Sốp Cộp (mã 127) — 8 (8 xã)",
        "  tổng — 204 (7 phường, 9 thị trấn, 188 xã)",
    ]
    assert "04135  │   ├── mai_son_xa_hat_lot  Xã Hát Lót  [commune]" in lines
    english = render_agencies(plan, "en", 120).splitlines()
    assert "  Sơn La City (code 116) — 12 (7 wards, 5 communes)" in english
    assert "  Mộc Châu District (code 123) — 15 (2 townships, 13 communes)" in english
    assert "03982  │   ├── moc_chau_nong_truong_moc_chau  Nông trường Mộc Châu Township " \
           "(Mộc Châu district)  [commune]" in english
