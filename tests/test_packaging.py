"""The built wheel works outside the checkout: grammar shipped, console script installed, and
nothing but the ``engine`` package added to site-packages (no top-level ``cli`` module)."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(wheels), "--no-deps", "-q"],
        check=True, cwd=tmp_path,
    )
    (wheel,) = wheels.glob("cchc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"engine"}
    with zipfile.ZipFile(wheel) as archive:  # the HTML report's templates are package data
        assert {"engine/templates/report.html.j2", "engine/templates/macros.html.j2",
                "engine/templates/report.css"} <= set(archive.namelist())
        assert "engine/locale/vi/LC_MESSAGES/cchc.mo" in archive.namelist()  # engine.i18n
    env_dir = tmp_path / "venv"
    # A fresh environment: the package comes only from the wheel, its dependencies from the
    # package index, and the checkout is not on its path.
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, cwd=tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    help_out = subprocess.run([str(bindir / "cchc"), "--help"], check=True, cwd=outside,
                              capture_output=True, text=True, env=clean_env)
    assert "expr" in help_out.stdout
    module_help = subprocess.run([str(bindir / "python"), "-m", "engine", "--help"], check=True,
                                 cwd=outside, capture_output=True, text=True, env=clean_env)
    assert module_help.stdout.replace("python -m engine", "cchc") == help_out.stdout
    no_cli = subprocess.run([str(bindir / "python"), "-c", "import cli"], cwd=outside,
                            capture_output=True, text=True, env=clean_env)
    assert no_cli.returncode != 0 and "No module named 'cli'" in no_cli.stderr
    # The grammar is package data: parsing works from the installed wheel.
    result = subprocess.run([str(bindir / "cchc"), "expr", "29 / 100 * 100 == 29"], check=True,
                            cwd=outside, capture_output=True, text=True, env=clean_env)
    assert result.stdout.strip() == "true"
    # The templates load from the installed package: the HTML report renders.
    small = ROOT / "tests" / "data" / "report"
    page = subprocess.run([str(bindir / "cchc"), "evaluate", str(small / "plan.yaml"),
                           str(small / "q1.yaml"), "--period", "q1", "--format", "html"],
                          check=True, cwd=outside, capture_output=True, text=True, env=clean_env)
    assert page.stdout.startswith("<!DOCTYPE html>") and "</html>" in page.stdout
    where = subprocess.run([str(bindir / "python"), "-c", "import engine; print(engine.__file__)"],
                           check=True, cwd=outside, capture_output=True, text=True, env=clean_env)
    assert str(ROOT) not in where.stdout


def test_python_dash_m_engine_runs_the_command_line() -> None:
    """``python -m engine`` and the repository's ``cli.py`` shim run the same commands."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    args = ["periods", "plans/2023.yaml", "--lang", "en"]
    module = subprocess.run([sys.executable, "-m", "engine", *args],
                            cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    shim = subprocess.run([sys.executable, "cli.py", *args],
                          cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    assert module.stdout == shim.stdout and module.stdout.startswith("ID")
    failed = subprocess.run([sys.executable, "-m", "engine", "periods", "no/such.yaml",
                             "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                            env=env)
    assert (failed.returncode, failed.stderr) == (2, "")
    assert '"code": "E407"' in failed.stdout
