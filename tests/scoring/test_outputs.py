"""What `cchc score` prints, pinned by golden files under tests/golden/scoring/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from engine.cli import main
from tests.conftest import Golden

DATA = "tests/scoring/data"
ARGS = ["score", f"{DATA}/plan.yaml", f"{DATA}/demo.yaml", f"{DATA}/facts", "--period", "year"]


def run(*extra: str) -> str:
    result = CliRunner().invoke(main, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("name", "extra"), [
    ("table.txt", ()),
    ("table-en.txt", ("--lang", "en")),
    ("ranking.md", ("--format", "markdown")),
    ("ranking.csv", ("--format", "csv")),
    ("ranking.json", ("--format", "json")),
    ("unit-stp.txt", ("--unit", "stp")),
    ("unit-vp-en.txt", ("--unit", "vp", "--lang", "en")),
    ("unit-sct.txt", ("--unit", "sct")),  # not appraised yet: the self-assessment is final
    ("stages.txt", ("--stages",)),
    ("stages.json", ("--stages", "--format", "json")),
    ("ranking.html", ("--format", "html")),
])
def test_output(name: str, extra: tuple[str, ...], golden: Golden) -> None:
    golden(f"scoring/{name}", run(*extra))


def test_xlsx_holds_the_ranking(tmp_path: Path) -> None:
    out = tmp_path / "score.xlsx"
    run("--format", "xlsx", "-o", str(out))
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    ws = wb.worksheets[0]
    assert ws.title == "Khối sở, ban, ngành"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=9)]
    assert rows[0] == ["Hạng", "Đơn vị", "Điểm", "Điểm tối đa", "Chỉ số", "Nhóm"]
    assert rows[1] == [1, "Sở Công Thương", 10.0, 10.0, 1.0, "A"]
    assert rows[3] == [3, "Sở Tư pháp", 8.04, 10.0, 0.804, "B"]
    assert rows[5][1] == "Bình quân"
    assert [w.title for w in wb.worksheets] == ["Khối sở, ban, ngành", "Khối UBND cấp huyện",
                                                 "Tiêu chí"]


def test_xlsx_needs_a_file() -> None:
    result = CliRunner().invoke(main, [*ARGS, "--format", "xlsx", "--lang", "en"])
    assert result.exit_code == 2
    assert "name the file with -o FILE.xlsx" in result.output
    result = CliRunner().invoke(main, [*ARGS, "--format", "xlsx"])
    assert result.exit_code == 2
    assert "hãy đặt tên tệp bằng -o FILE.xlsx" in result.output


def test_an_invalid_scorecard_exits_2_with_json_diagnostics() -> None:
    result = CliRunner().invoke(main, ["score", f"{DATA}/plan.yaml", f"{DATA}/invalid/e451.yaml",
                                       f"{DATA}/facts", "--period", "year", "--format", "json"])
    assert result.exit_code == 2
    assert '"code": "E451"' in result.output and '"line": 15' in result.output


def test_unit_and_stages_are_text_or_json() -> None:
    result = CliRunner().invoke(main, [*ARGS, "--unit", "snv", "--format", "csv", "--lang", "en"])
    assert result.exit_code == 2
    assert "--unit and --stages write text or JSON, not csv" in result.output
    result = CliRunner().invoke(main, [*ARGS, "--unit", "snv", "--format", "csv"])
    assert result.exit_code == 2
    assert "--unit và --stages ghi văn bản hoặc JSON, không ghi csv" in result.output


def test_scorecard_diagnostics_speak_vietnamese_by_default() -> None:
    args = ["score", f"{DATA}/plan.yaml", f"{DATA}/invalid/e451.yaml", f"{DATA}/facts",
            "--period", "year"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert ("e451.yaml:15:10: error[E451]: điểm tối đa của lĩnh vực 'a' là 3 nhưng tổng điểm "
            "tối đa các tiêu chí là 4") in result.output
    assert "help: sửa điểm tối đa, hoặc điểm tối đa của các tiêu chí: c1: 1 + c2: 3" \
        in result.output
    english = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert ("e451.yaml:15:10: error[E451]: the maximum of area 'a' is 3 but its criteria add "
            "up to 4") in english.output
