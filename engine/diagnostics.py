"""Diagnostics and the one exception hierarchy of the engine.

Every problem a user can cause is a :class:`Diagnostic` with a stable code:
``E1xx`` syntax, ``E2xx`` names, ``E3xx`` types, ``E4xx`` plan structure, ``E5xx`` graph,
``E6xx`` facts, ``E7xx`` plan test cases, ``E8xx`` arguments of a library call or a
command. Errors raised by the engine carry every diagnostic of the failing stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .escape import visible
from .i18n import _
from .source import Span, excerpt

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located by ``span`` (or by ``file`` alone when there is no text to point at)."""

    code: str
    message: str
    span: Span | None = None
    help: str | None = None
    severity: Severity = "error"
    notes: tuple[str, ...] = ()
    file: str | None = None

    @property
    def location(self) -> tuple[str, int, int, int, int]:
        """``(file, line, col, end_line, end_col)``, 1-based; zeros when unknown. In a sheet of a
        workbook, a cell's row and column number, and the end just after the cell."""
        if self.span is None:
            return (self.file or "<unknown>", 0, 0, 0, 0)
        b = self.span.begin
        if b.cell is not None:
            return (b.file, b.line, b.col, b.line, b.col + 1)
        e = self.span.finish
        return (b.file, b.line, b.col, e.line, e.col)

    def header(self) -> str:
        """``FILE:LINE:COL: error[CODE]: message`` (``FILE:SHEET!CELL`` in a workbook) on one
        line, control characters of the file name or of quoted text written out
        (:func:`engine.escape.visible`)."""
        where = self.span.begin.where if self.span is not None else self.location[0]
        return visible(f"{where}: {self.severity}[{self.code}]: {self.message}")

    def render(self) -> str:
        """The diagnostic as text for a terminal: header, source excerpt with carets, notes and
        help; no control character of a file, a name or a value reaches the terminal raw."""
        lines = [self.header()]
        if self.span is not None:
            lines.extend(excerpt(self.span))
        pad = " " * (len(str(self.location[1])) if self.span is not None else 1)
        lines.extend(f"{pad} = note: {visible(n)}" for n in self.notes)
        if self.help:
            lines.append(f"{pad} = help: {visible(self.help)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The diagnostic as JSON data. In a sheet of a workbook, ``line`` and ``col`` are the
        cell's row and column number, and two more keys name the ``sheet`` and the ``cell``
        (``"D7"``)."""
        file, line, col, end_line, end_col = self.location
        data = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": file,
            "line": line,
            "col": col,
            "end_line": end_line,
            "end_col": end_col,
            "help": self.help,
            "notes": list(self.notes),
        }
        begin = self.span.begin if self.span is not None else None
        if begin is not None and begin.cell is not None:
            data["sheet"], data["cell"] = begin.sheet, begin.cell
        return data


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    file, line, col, _end, _end2 = d.location
    return (file, line, col, d.code)


def render_all(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(d.render() for d in diagnostics)


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` without repeats (the same code and message at the same place), sorted by
    place: the same problem found twice (by two schema rules, say) is reported once."""
    seen: dict[tuple[object, ...], Diagnostic] = {}
    for d in diagnostics:
        seen.setdefault((d.code, d.message, d.location), d)
    return sorted(seen.values(), key=sort_key)


class EngineError(Exception):
    """Root of every error the engine raises on bad input. Carries all diagnostics of a stage."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        first = self.diagnostics[0].header() if self.diagnostics else "error"
        more = len(self.diagnostics) - 1
        super().__init__(first + (_(" (and {n} more)").format(n=more) if more > 0 else ""))

    def render(self) -> str:
        return render_all(self.diagnostics)


class Collector:
    """The diagnostics of one stage, collected as it goes: every problem is reported, then the
    stage stops with :meth:`raise_if_any` before the next one runs.

        >>> c = Collector()
        >>> c.error("E630", "unknown agency 'snv2'", file="facts.yaml", help="did you mean 'snv'?")
        >>> c.has_errors
        True
        >>> c.raise_if_any(FactsError)
        Traceback (most recent call last):
        ...
        engine.diagnostics.FactsError: facts.yaml: error[E630]: unknown agency 'snv2'
    """

    __slots__ = ("diagnostics",)

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def error(self, code: str, message: str, span: Span | None = None, help: str | None = None,
              notes: Iterable[str] = (), file: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, notes=tuple(notes),
                                           file=file))

    def warning(self, code: str, message: str, span: Span | None = None,
                help: str | None = None, notes: Iterable[str] = (),
                file: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, "warning", tuple(notes),
                                           file))

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def errors(self) -> list[Diagnostic]:
        """The errors, each once, sorted by place."""
        return unique(d for d in self.diagnostics if d.severity == "error")

    def warnings(self) -> list[Diagnostic]:
        """The warnings, each once, sorted by place."""
        return unique(d for d in self.diagnostics if d.severity == "warning")

    def raise_if_any(self, error: type[EngineError]) -> None:
        """Raise ``error`` carrying every error collected so far, if there is one."""
        errors = self.errors()
        if errors:
            raise error(errors)


class ExpressionError(EngineError):
    """A formula has a syntax, name or type error."""


class PlanError(EngineError):
    """A plan file is invalid."""


class FactsError(EngineError):
    """A fact file is invalid or does not match the plan."""


class ArgumentError(EngineError):
    """An argument of a library call or an option of a command names nothing in the plan (an
    unknown period, area, agency or indicator) or is not of its type (``as_of`` not a date).
    Each diagnostic is located by the argument, such as ``evaluate(period=)`` or ``--period``."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A ``did you mean 'x'?`` hint for the closest candidate, or None."""
    import difflib

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return _("did you mean '{name}'?").format(name=found[0]) if found else None
