"""Write plans/agencies-2023-communes.yaml from the official list (run from anywhere).

    python plans/data/generate.py

The list is plans/data/communes-2023.csv (the 204 commune-level units of Sơn La in 2023 with
their GSO codes) and plans/data/districts-2023.csv (the 12 district-level units); their sources
are in plans/data/README.md. A test checks that the committed YAML is exactly what this script
writes, so edit the CSV and run the script, not the YAML.

Each unit becomes an agency of kind ``commune``: its id and Vietnamese name as in the CSV, an
English gloss ("Chiềng Lề Ward (Sơn La city)"), its district as parent and its official code.
Districts come in the order of their first commune code (the order of the GSO list before Vân
Hồ was split from Mộc Châu, and the order of the plan), units by code within a district.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.yamlout import scalar  # noqa: E402

DATA = ROOT / "plans" / "data"
COMMUNES = DATA / "communes-2023.csv"
DISTRICTS = DATA / "districts-2023.csv"
OUT = ROOT / "plans" / "agencies-2023-communes.yaml"

#: The types of commune-level unit, in the order counts are written, with their English gloss.
UNIT_TYPES = {"Phường": "Ward", "Thị trấn": "Township", "Xã": "Commune"}
#: The types of district-level unit, with the English gloss of a district's name.
DISTRICT_TYPES = {"Thành phố": "{} city", "Huyện": "{} district"}


@dataclass(frozen=True)
class Unit:
    id: str
    code: str
    type: str
    name_vi: str
    district: str

    @property
    def bare_name(self) -> str:
        """The name without its type: "Chiềng Lề" for "Phường Chiềng Lề"."""
        return self.name_vi.removeprefix(self.type + " ")


@dataclass(frozen=True)
class District:
    id: str
    code: str
    type: str
    name_vi: str

    @property
    def gloss(self) -> str:
        """"Sơn La city", "Bắc Yên district"."""
        return DISTRICT_TYPES[self.type].format(self.name_vi.removeprefix(self.type + " "))


def _rows(text: str, header: list[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != header:
        raise ValueError(f"expected the columns {','.join(header)}, found {reader.fieldnames}")
    return list(reader)


def read_units(text: str) -> list[Unit]:
    """The units of communes-2023.csv, checked: known types, names that start with their type,
    5-digit codes, unique codes and ids."""
    units = [Unit(r["id"], r["code"], r["type"], r["name_vi"], r["district_id"])
             for r in _rows(text, ["district_id", "code", "type", "name_vi", "id"])]
    for u in units:
        if u.type not in UNIT_TYPES or not u.name_vi.startswith(u.type + " "):
            raise ValueError(f"{u.id}: type {u.type!r} and name {u.name_vi!r} do not agree")
        if not (len(u.code) == 5 and u.code.isascii() and u.code.isdigit()):
            raise ValueError(f"{u.id}: {u.code!r} is not a 5-digit code")
    for what, values in (("code", [u.code for u in units]), ("id", [u.id for u in units])):
        twice = [v for v, n in Counter(values).items() if n > 1]
        if twice:
            raise ValueError(f"the {what} {twice[0]} is given twice")
    return units


def read_districts(text: str) -> dict[str, District]:
    """The districts of districts-2023.csv, by id."""
    rows = _rows(text, ["district_id", "code", "type", "name_vi"])
    return {r["district_id"]: District(r["district_id"], r["code"], r["type"], r["name_vi"])
            for r in rows}


def by_district(units: list[Unit], districts: dict[str, District]
                ) -> list[tuple[District, list[Unit]]]:
    """The units of each district, in the order of the plan."""
    groups: dict[str, list[Unit]] = {}
    for u in units:
        if u.district not in districts:
            raise ValueError(f"{u.id}: unknown district {u.district!r}")
        groups.setdefault(u.district, []).append(u)
    order = sorted(groups, key=lambda d: min(u.code for u in groups[d]))
    return [(districts[d], sorted(groups[d], key=lambda u: u.code)) for d in order]


def counts(units: list[Unit]) -> str:
    """ "12 (7 phường, 5 xã)", as the headings of communes-2023.md count."""
    n = Counter(u.type for u in units)
    parts = [f"{n[t]} {t.lower()}" for t in UNIT_TYPES if n[t]]
    return f"{len(units)} ({', '.join(parts)})"


def communes_yaml(communes_csv: str, districts_csv: str) -> str:
    """The text of plans/agencies-2023-communes.yaml."""
    units = read_units(communes_csv)
    groups = by_district(units, read_districts(districts_csv))
    lines = [
        "# Commune-level units of Sơn La province in 2023 (xã, phường, thị trấn), included by",
        "# 2023.yaml. Written by plans/data/generate.py from plans/data/communes-2023.csv (the",
        "# official list of the General Statistics Office, with its 5-digit codes; sources in",
        "# plans/data/README.md): edit the CSV and run the script, not this file.",
        "#",
        "# Each unit stands for its People's Committee (UBND cấp xã), the body that reports facts.",
        "#",
        "# Per district:",
    ]
    width = max(len(f"{d.name_vi} ({d.code})") for d, _ in groups)
    for d, members in groups:
        lines.append(f"#   {f'{d.name_vi} ({d.code})'.ljust(width)}  {counts(members)}")
    lines.append(f"#   {'total'.ljust(width)}  {counts(units)}")
    lines += ["", "agencies:"]
    for d, members in groups:
        lines.append(f"  # {d.name_vi} ({d.code}): {counts(members)}")
        for u in members:
            en = f"{u.bare_name} {UNIT_TYPES[u.type]} ({d.gloss})"
            lines += [
                f"  {u.id}:",
                f"    name: {{vi: {scalar(u.name_vi, flow=True)}, en: {scalar(en, flow=True)}}}",
                "    kind: commune",
                f"    parent: {d.id}",
                f"    code: {scalar(u.code)}",
            ]
    return "\n".join(lines) + "\n"


def main() -> None:
    text = communes_yaml(COMMUNES.read_text(encoding="utf-8"),
                         DISTRICTS.read_text(encoding="utf-8"))
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(OUT.relative_to(ROOT))


if __name__ == "__main__":
    main()
