"""Fixtures for fact-file tests: a small hand-built plan, the real 2023 plan, and file writers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.diagnostics import Diagnostic, FactsError
from engine.facts import load_facts
from engine.loader import load_plan
from engine.model import Agency, FactDef, Group, Label, Period, Plan, frozen

ROOT = Path(__file__).resolve().parents[2]

AGENCIES = (
    Agency("tinh", Label("UBND tỉnh Thử Nghiệm"), "province"),
    Agency("snv", Label("Sở Nội vụ", "Department of Home Affairs"), "department", "tinh"),
    Agency("stp", Label("Sở Tư pháp", "Department of Justice"), "department", "tinh"),
    Agency("h_a", Label("UBND huyện Mường Ảng"), "district", "tinh"),
    Agency("x_a1", Label("UBND xã Chiềng Ân"), "commune", "h_a"),
)
RECEIVING = ("snv", "stp", "h_a", "x_a1")
DEPARTMENTS = ("snv", "stp")
#: Vietnamese category values, NFC (as the plan loader stores them).
RATINGS = ("Tốt", "Khá", "Trung bình", "Yếu")


def _fact(fid: str, ftype: str, vi: str, by: str, reporters: tuple[str, ...],
          periods: tuple[str, ...] = ("q1", "year"), unit: str | None = None,
          values: tuple[str, ...] = ()) -> FactDef:
    return FactDef(fid, ftype, Label(vi), by, reporters, periods, unit, values)  # type: ignore[arg-type]


FACTS = (
    _fact("received", "count", "Số hồ sơ tiếp nhận", "receiving", RECEIVING, unit="dossier"),
    _fact("on_time", "count", "Số hồ sơ giải quyết đúng hạn", "receiving", RECEIVING,
          unit="dossier"),
    _fact("satisfaction", "share", "Mức độ hài lòng", "snv", ("snv",), unit="percent"),
    _fact("score", "number", "Điểm chỉ số", "snv", ("snv",), periods=("year",), unit="point"),
    _fact("plan_issued", "bool", "Đã ban hành kế hoạch", "receiving", RECEIVING),
    _fact("issued_on", "date", "Ngày ban hành kế hoạch", "receiving", RECEIVING),
    _fact("rating", "category", "Xếp loại", "departments", DEPARTMENTS, values=RATINGS),
    _fact("group", "category", "Nhóm xếp hạng", "snv", ("snv",), periods=("year",),
          values=("A", "B", "C", "D")),
)


def make_plan() -> Plan:
    return Plan(
        id="test-plan",
        year=2023,
        title=Label("Kế hoạch thử nghiệm"),
        agencies=frozen({a.id: a for a in AGENCIES}),
        groups=frozen({"receiving": Group("receiving", RECEIVING),
                       "departments": Group("departments", DEPARTMENTS)}),
        periods=frozen({
            "q1": Period("q1", Label("Báo cáo Quý I"), dt.date(2022, 12, 15),
                         dt.date(2023, 3, 13), dt.date(2023, 3, 14)),
            "year": Period("year", Label("Báo cáo năm"), dt.date(2022, 12, 15),
                           dt.date(2023, 12, 13), dt.date(2023, 12, 14)),
        }),
        facts=frozen({f.id: f for f in FACTS}),
        areas=frozen({}),
        indicators=frozen({}),
    )


@pytest.fixture(scope="session")
def plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="session")
def plan2023() -> Plan:
    return load_plan(ROOT / "plans" / "2023.yaml")


Writer = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """``write(name, text)``: a UTF-8 file under a temporary folder."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    return _write


Fails = Callable[..., list[Diagnostic]]


def _errors_of(plan: Plan, paths: object, period: str | None = None) -> list[Diagnostic]:
    with pytest.raises(FactsError) as info:
        load_facts(plan, paths, period)  # type: ignore[arg-type]
    assert info.value.diagnostics, "a FactsError carries its diagnostics"
    return list(info.value.diagnostics)


@pytest.fixture
def fails() -> Fails:
    """``fails(plan, paths, period=None)``: the diagnostics of a load that must fail."""
    return _errors_of
