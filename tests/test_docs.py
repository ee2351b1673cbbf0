"""Every example in the documentation runs, and says what it really prints.

Conventions for ``docs/*.md`` (fences start at the beginning of a line):

* a ```` ```console ```` block holds commands and their output. A line ``$ cchc ARGS`` is run
  through click's ``CliRunner`` (``cli.main``, arguments split like a POSIX shell, working
  directory the repository root; a quote left open continues the command on the next lines, as
  in a shell); the lines after it, up to the next ``$`` line or the end of
  the block, are its expected output (stdout and stderr as a terminal shows them). A last line
  ``[exit N]`` says the command exits with status N; without it the status must be 0. Output is
  compared exactly, line by line, except for spaces at the ends of lines. ``$`` lines that do not
  run ``cchc`` (``$ pip install ...``) are shown to readers but not run.
* ```` ```python ```` blocks of a page run in order, in one namespace per page, from the
  repository root; they must not raise (use ``assert`` to pin values).
* ```` ```yaml ```` blocks are checked by the plan tests, not here; other blocks are prose.

The docstring examples of the library (``engine.*`` and ``cli``) run here too, as doctests.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_FENCE = re.compile(r"^```(\S*)\s*$")
_EXIT = re.compile(r"^\[exit (\d+)\]$")


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # 1-based line of the first line inside the fence
    lang: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    page: str
    line: int
    args: tuple[str, ...]
    output: tuple[str, ...]
    exit_code: int

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown page."""
    out: list[Block] = []
    lang: str | None = None
    start = 0
    body: list[str] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = _FENCE.match(text)
        if lang is None:
            if fence:
                lang, start, body = fence.group(1), number + 1, []
        elif text.rstrip() == "```":
            out.append(Block(path.name, start, lang, tuple(body)))
            lang = None
        else:
            body.append(text)
    if lang is not None:
        raise AssertionError(f"{path.name}:{start - 1}: code block is never closed")
    return out


def commands(block: Block) -> list[Command]:
    """The ``$ cchc`` commands of a console block, each with its expected output and status."""
    out: list[Command] = []
    current: tuple[int, list[str]] | None = None
    output: list[str] = []

    def finish() -> None:
        if current is None:
            return
        lines = list(output)
        while lines and not lines[-1].strip():
            lines.pop()
        code = 0
        if lines and (m := _EXIT.match(lines[-1].strip())):
            code = int(m.group(1))
            lines.pop()
            while lines and not lines[-1].strip():
                lines.pop()
        line, args = current
        out.append(Command(block.page, line, tuple(args), tuple(t.rstrip() for t in lines), code))

    skipping = False
    pending: tuple[int, str] | None = None  # a command whose quote is still open
    for offset, text in enumerate(block.lines):
        if pending is not None:
            pending = (pending[0], pending[1] + "\n" + text)
        elif text.startswith("$"):
            finish()
            current, output = None, []
            skipping = not text.startswith("$ cchc ")
            if not skipping:
                pending = (block.line + offset, text[len("$ cchc "):])
        elif not skipping:
            output.append(text)
        if pending is not None:
            try:
                current = (pending[0], shlex.split(pending[1]))
                pending = None
            except ValueError:  # "No closing quotation": the command goes on, as in a shell
                continue
    if pending is not None:
        raise AssertionError(f"{block.page}:{pending[0]}: a quote of this command is never closed")
    finish()
    return out


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def _all_commands() -> list[Command]:
    return [c for page in _pages() for b in blocks(page) if b.lang == "console"
            for c in commands(b)]


def _python_pages() -> list[Path]:
    return [p for p in _pages() if any(b.lang == "python" for b in blocks(p))]


def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _rewrite_output(command: Command, output: list[str], exit_code: int) -> None:
    """Replace the expected output of ``command`` in its page (``--update-goldens``)."""
    page = DOCS / command.page
    lines = page.read_text(encoding="utf-8").split("\n")
    # The command may have moved if an earlier rewrite changed the length of the page.
    starts = [i for i, text in enumerate(lines) if text.startswith("$ cchc ")
              and shlex.split(text[len("$ cchc "):], posix=True) == list(command.args)]
    if not starts:
        return
    at = min(starts, key=lambda i: abs(i + 1 - command.line))
    end = at + 1
    while end < len(lines) and not lines[end].startswith("$") and lines[end].rstrip() != "```":
        end += 1
    new = [*output, *([f"[exit {exit_code}]"] if exit_code else [])]
    lines[at + 1:end] = new
    page.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("command", _all_commands(), ids=str)
def test_console_example(command: Command, monkeypatch: pytest.MonkeyPatch,
                         request: pytest.FixtureRequest) -> None:
    from cli import main

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, list(command.args), env={"COLUMNS": "80", "NO_COLOR": "1"},
                                catch_exceptions=False)
    if request.config.getoption("--update-goldens") and (
            _normalise(result.output) != list(command.output)
            or result.exit_code != command.exit_code):
        _rewrite_output(command, _normalise(result.output), result.exit_code)
        return
    shown = "$ cchc " + shlex.join(command.args)
    assert _normalise(result.output) == list(command.output), (
        f"{command}: `{shown}` printed:\n{result.output}")
    assert result.exit_code == command.exit_code, (
        f"{command}: `{shown}` exited with {result.exit_code}, the page says {command.exit_code}")


@pytest.mark.parametrize("page", _python_pages(), ids=lambda p: p.name)
def test_python_examples(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        if block.lang == "python":
            code = compile("\n" * (block.line - 1) + "\n".join(block.lines), str(page), "exec")
            exec(code, namespace)


def _modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
    return ["engine", *sorted(names), "cli"]


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (above)"


def test_runner_reads_console_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("text\n```console\n$ cchc expr '1 + 1'\n2\n$ pip install cchc\nignored\n"
                    "$ cchc expr x\nerror\n\n[exit 2]\n$ cchc expr '1 # one\n+ 2'\n3\n```\n"
                    "```python\nx = 1\n```\n",
                    encoding="utf-8")
    found = blocks(page)
    assert [(b.lang, b.line) for b in found] == [("console", 3), ("python", 16)]
    assert commands(found[0]) == [
        Command("page.md", 3, ("expr", "1 + 1"), ("2",), 0),
        Command("page.md", 7, ("expr", "x"), ("error",), 2),
        Command("page.md", 11, ("expr", "1 # one\n+ 2"), ("3",), 0),
    ]
