"""Output files are written atomically through a securely created temporary file: a link or a
file at a predictable temporary name is never touched, and a failed write leaves nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def plan(tmp_path: Path) -> Path:
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        shutil.copy(ROOT / "plans" / name, tmp_path / name)
    return tmp_path / "2023.yaml"


@pytest.mark.parametrize("command", [
    ["new-year", "{plan}", "--year", "2024", "-o", "{out}"],
    ["template", "{plan}", "--period", "q1", "--agency", "snv", "-o", "{out}"],
])
def test_a_file_or_link_at_the_old_temporary_name_is_left_alone(
        plan: Path, tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out.yaml"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    (tmp_path / "out.yaml.tmp").symlink_to(victim)
    args = [a.format(plan=plan, out=out) for a in command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "keep me"
    assert out.read_text("utf-8").startswith(("#", "cchc", "extends", "plan"))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.yaml.")]
    assert leftovers == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_folder_that_cannot_be_written_gives_exit_2_and_no_file(
        plan: Path, tmp_path: Path) -> None:  # pragma: no cover - CI runs as root
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    result = CliRunner().invoke(main, ["new-year", str(plan), "--year", "2024", "-o",
                                       str(folder / "2024.yaml")])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert list(folder.iterdir()) == []


def test_a_name_too_long_gives_exit_2_and_no_traceback(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / ("x" * 300 + ".yaml")
    result = CliRunner().invoke(main, ["new-year", "--lang", "en", str(plan), "--year", "2024",
        "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
