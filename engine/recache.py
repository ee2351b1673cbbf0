"""The compiled code of regular expressions, kept between runs.

``re`` compiles a pattern's text into the code its matcher runs, and keeps that code only for
the process: every run of ``cchc`` compiled the same forty-odd patterns again, those of the
engine and of the libraries it imports, when their modules were imported. Some are costly:
PyYAML's ``Reader.NON_PRINTABLE``, a class of every printable character, took 4 ms of each
first run on its own (and the C loader the engine uses never matches it), the whole about
10 ms (issue 17, B6.first). The ``cchc`` program calls :func:`install` (from
:func:`engine.dccache.install`), and a pattern's code then comes from the file
``engine/__pycache__/regex.<cache tag>.marshal``, written when a pattern was new, beside the
engine's bytecode and under the same rules as :mod:`engine.dccache`'s file.

Nothing about a pattern changes: the code is the one ``re`` makes from the same text and
flags, by the same steps (``re._compiler.compile``, the same in Python 3.11 to 3.13), with
the file's header naming the Python and its ``_sre`` engine; ``_sre`` checks the code it is
given, and a file of another Python, damaged, or that someone other than its owner could
write is not used. ``CCHC_NO_CACHE`` turns it off. ``tests/cache/test_recache.py`` checks
that every pattern compiled from the file equals (code included) the one ``re`` compiles.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import sys
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["install"]

#: Most patterns kept (a bound, should a program make patterns from its data).
MAX_PATTERNS = 2000

_codes: dict[Any, Any] | None = None  # (type, text, flags) -> what _sre.compile takes
_new = False
_path: str | None = None
_original: Any = None  # re._compiler.compile


def _header() -> bytes:
    return f"cchc-regex 1 {sys.version} {_sre.MAGIC}\n".encode("utf-8", "surrogateescape")


def _file_codes(path: str | None) -> dict[Any, Any]:
    from .dccache import _read

    codes = _read(path, _header())
    if not isinstance(codes, dict):
        return {}
    return codes


def _compile(p: Any, flags: int = 0) -> Any:
    """``re._compiler.compile``: the same steps, the code of a text compiled before taken
    from the file."""
    global _codes, _new
    kind = type(p)
    if (kind is not str and kind is not bytes) or type(flags) is not int or (
            flags & _compiler.SRE_FLAG_DEBUG):
        return _original(p, flags)
    if _codes is None:
        _codes = _file_codes(_path)
    key = (kind is str, p, flags)
    kept = _codes.get(key)
    if kept is not None:
        try:
            return _sre.compile(p, *kept)
        except Exception:  # not this Python's code after all: compiled as always
            pass
    tree = _parser.parse(p, flags)
    code = _compiler._code(tree, flags)
    groupindex = tree.state.groupdict
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    final = flags | tree.state.flags
    # (the code's opcodes are ints of a subclass that marshal does not write)
    args = (final, list(map(int, code)), tree.state.groups - 1, dict(groupindex),
            tuple(indexgroup))
    pattern = _sre.compile(p, *args)
    if len(_codes) < MAX_PATTERNS:
        _codes[key] = args
        if not _new:
            _new = True
            import atexit

            atexit.register(_write)
    return pattern


def _write() -> None:
    """Write the patterns' code; unless Python writes no bytecode."""
    from .dccache import _write_file

    if _path is not None and _codes is not None and not sys.dont_write_bytecode:
        _write_file(_path, _header(), _codes)


def _file() -> str | None:
    """The file beside the engine's bytecode (``__pycache__``, or ``sys.pycache_prefix``)."""
    import os

    engine = sys.modules.get("engine")
    cached = getattr(engine, "__cached__", None)
    if not cached:
        return None
    return os.path.join(os.path.dirname(cached),
                        f"regex.{sys.implementation.cache_tag}.marshal")


def install() -> None:
    """Give ``re`` the kept code of patterns compiled on earlier runs (the module's text).
    The caller has checked ``CCHC_NO_CACHE``. Only for the Pythons whose ``re`` compiles as
    this module does (3.11 to 3.13)."""
    global _original, _path
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return
    if _compiler.compile is _compile:
        return
    _path = _file()
    _original = _compiler.compile
    _compiler.compile = _compile
