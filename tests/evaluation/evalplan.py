"""A small plan for evaluation tests: a province, two departments, two districts with two
communes each; ratio, boolean, deadline, single-agency and category indicators."""

from __future__ import annotations

from pathlib import Path

SMALL_PLAN = """\
cchc: 1
id: test-plan
year: 2023
title: {vi: Kế hoạch thử, en: Test plan}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
  stp: {name: {vi: Sở Tư pháp}, kind: department, parent: tinh}
  h1: {name: {vi: Huyện Một}, kind: district, parent: tinh}
  h2: {name: {vi: Huyện Hai}, kind: district, parent: tinh}
  h1_x1: {name: {vi: Xã 1 huyện Một}, kind: commune, parent: h1}
  h1_x2: {name: {vi: Xã 2 huyện Một}, kind: commune, parent: h1}
  h2_x1: {name: {vi: Xã 1 huyện Hai}, kind: commune, parent: h2}
  h2_x2: {name: {vi: Xã 2 huyện Hai}, kind: commune, parent: h2}
groups:
  departments: {kinds: [department]}
  receiving: {kinds: [department, district, commune]}
  reporting: {union: [departments], agencies: [h1, h2]}
periods:
  q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}
  year: {name: {vi: Năm}, from: 2022-12-15, until: 2023-12-13, due: 2023-12-14}
facts:
  received: {type: count, label: {vi: Hồ sơ tiếp nhận}, reported_by: receiving}
  on_time: {type: count, label: {vi: Hồ sơ đúng hạn}, reported_by: receiving}
  late: {type: count, label: {vi: Hồ sơ trễ hạn}, reported_by: receiving}
  apologised: {type: count, label: {vi: Hồ sơ trễ đã xin lỗi}, reported_by: receiving}
  issued: {type: bool, label: {vi: Đã ban hành kế hoạch}, reported_by: reporting}
  issued_on: {type: date, label: {vi: Ngày ban hành}, reported_by: reporting}
  sipas: {type: share, label: {vi: Chỉ số SIPAS}, reported_by: snv, periods: [year]}
  group: {type: category, values: [A, B, C], label: {vi: Nhóm}, reported_by: snv}
areas:
  procedures:
    name: {vi: Thủ tục hành chính}
    indicators:
      on_time:
        name: {vi: Tỷ lệ hồ sơ đúng hạn}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(on_time) / sum(received)
        target: value > 99%
        applicable: sum(received) > 0
      on_time_count:
        name: {vi: Số hồ sơ đúng hạn}
        unit: count
        owner: snv
        scope: receiving
        value: sum(on_time)
        target: value >= 0
      apologies:
        name: {vi: Hồ sơ trễ được xin lỗi}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(apologised) / sum(late)
        target: value == 100%
        applicable: sum(late) > 0
  implementation:
    name: {vi: Tổ chức thực hiện}
    indicators:
      plans_issued:
        name: {vi: Ban hành kế hoạch đúng hạn}
        unit: bool
        owner: snv
        scope: reporting
        value: all(issued and issued_on <= 2023-01-10)
        target: value
        deadline: 2023-01-10
      sipas:
        name: {vi: SIPAS}
        unit: percent
        owner: snv
        scope: snv
        value: sipas
        target: value >= 85%
      group:
        name: {vi: Nhóm}
        unit: category
        owner: snv
        scope: snv
        value: group
        target: value in ["A", "B"]
      on_time_doubled:
        name: {vi: Tham chiếu}
        unit: percent
        owner: snv
        scope: snv
        value: procedures.on_time
        target: value >= 95%
"""

RECEIVING = ["snv", "stp", "h1", "h2", "h1_x1", "h1_x2", "h2_x1", "h2_x2"]
REPORTING = ["snv", "stp", "h1", "h2"]


def write_plan(folder: Path, text: str = SMALL_PLAN) -> Path:
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def full_facts() -> dict[str, dict[str, object]]:
    """Every fact of every agency, all targets met."""
    import datetime as dt
    from fractions import Fraction

    values: dict[str, dict[str, object]] = {a: {} for a in RECEIVING}
    for a in RECEIVING:
        values[a].update(received=1000, on_time=1000, late=0, apologised=0)
    for a in REPORTING:
        values[a].update(issued=True, issued_on=dt.date(2023, 1, 9))
    values["snv"].update(sipas=Fraction(87, 100), group="B")
    return values
