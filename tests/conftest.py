"""Shared test helpers: golden files.

Everything a human reads (diagnostics, CLI output, reports) is pinned by a golden file under
``tests/golden/``. A test calls the ``golden`` fixture with a path relative to that folder and the
text it produced::

    def test_unknown_name(golden):
        golden("expr/E201.txt", render_something())

The text must equal the file exactly. After an intended change of output, regenerate the files
with ``pytest --update-goldens`` and review the diff; without the flag, files are never written.

The suite runs the evaluator in strict mode: an error of the generated fast path that is not
one of its planned hand-overs fails the test instead of falling back (:mod:`engine.codegen`).

The suite runs on every core (pytest-xdist, ``-n auto`` in ``pyproject.toml``); ``-n 0`` runs it
in one process, for a debugger.

The command line keeps compiled plans in a cache (:mod:`engine.cache`); the suite points it at a
folder of its own, removed at the end, never at the user's ``~/.cache/cchc``.
"""

from __future__ import annotations

import atexit
import difflib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from engine import codegen

# The suite runs as the command line does with no terminal: pytest-xdist's workers are given
# COLUMNS=80 and LINES=24, which would lay tables out narrower under `-n` than without it; a test
# about the width sets COLUMNS itself.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)
os.environ["CCHC_STRICT_FAST_PATH"] = "1"  # for the command line run as a child process
codegen.STRICT = True

_CACHE = tempfile.mkdtemp(prefix="cchc-test-cache-")
os.environ["CCHC_CACHE_DIR"] = _CACHE  # the command line's, in this process and its children
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", default=False,
        help="rewrite the golden files under tests/golden/ with the output of this run",
    )


class Golden:
    """Compares text with ``tests/golden/<name>``; rewrites the file only when ``update``."""

    def __init__(self, update: bool, root: Path = GOLDEN_DIR) -> None:
        self.update = update
        self.root = root

    def __call__(self, name: str, text: str) -> None:
        path = self.root / name
        old = path.read_bytes().decode("utf-8") if path.exists() else None
        if self.update:
            if old != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text.encode("utf-8"))
            return
        if old is None:
            pytest.fail(f"golden file tests/golden/{name} does not exist; "
                        "create it with `pytest --update-goldens`", pytrace=False)
        if old != text:
            diff = "".join(difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True),
                fromfile=f"tests/golden/{name}", tofile="this run"))
            pytest.fail(f"output differs from tests/golden/{name} "
                        f"(if intended, run `pytest --update-goldens`):\n{diff}", pytrace=False)


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """``golden(name, text)``: assert ``text`` equals ``tests/golden/<name>``."""
    return Golden(bool(request.config.getoption("--update-goldens")))
