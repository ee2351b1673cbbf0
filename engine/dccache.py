"""The generated methods of the engine's dataclasses, kept with its bytecode.

``dataclasses`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` and compiles it with ``exec`` when the class
is defined: about six compilations per class, for some fifty classes on the way to a report,
which was most of the cost of importing the model and the formula trees. The ``cchc`` program
(:mod:`engine.launcher`) calls :func:`install` first, and ``dataclasses`` then gets, for a
class of the engine, the code compiled from the very same source text on an earlier run,
instead of compiling it again: the way Python keeps a module's bytecode in ``__pycache__``,
and kept beside it (``engine/__pycache__/dataclasses.<cache tag>.marshal``), written when a
text was new, unless Python writes no bytecode (``PYTHONDONTWRITEBYTECODE``).

Nothing about a class changes: the code is that of ``compile(text, "<string>", "exec")`` of
the text ``dataclasses`` wrote, as its own ``exec`` would compile it (no inherited
``__future__`` flags), looked up by that whole text; a file of another Python, damaged or
unreadable is not used, nor one that someone other than its owner (the user, or the
administrator who installed the engine) could have written; ``CCHC_NO_CACHE`` turns this off
as it turns off every cache
(``tests/cache/test_dccache.py`` checks that every method's code is the same either way).
"""

import builtins
import contextlib
import marshal
import os
import stat
import sys
from typing import Any

__all__ = ["install"]

#: The first bytes of the file: the format, and the Python whose code it holds.
HEADER = f"cchc-dataclasses 1 {sys.version}\n".encode("utf-8", "surrogateescape")
#: Most texts kept (a bound, should some class be made anew with new texts on every run).
MAX_TEXTS = 4000

_codes: dict[str, Any] | None = None  # the texts and their code, read on first use
_new = False  # whether a text was compiled that the file does not hold
_path: str | None = None


def _file() -> str | None:
    """The file beside the engine's bytecode (``__pycache__``, or ``sys.pycache_prefix``)."""
    engine = sys.modules.get("engine")
    cached = getattr(engine, "__cached__", None)
    if not cached:
        return None
    tag = sys.implementation.cache_tag
    return os.path.join(os.path.dirname(cached), f"dataclasses.{tag}.marshal")


def _read(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            getuid = getattr(os, "getuid", None)
            # Code, as a .pyc is: read only from a regular file that no one but its owner can
            # write, the user or the administrator who installed the engine.
            if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022 or (
                    getuid is not None and st.st_uid not in (getuid(), 0)):
                return {}
            data = f.read()
        if not data.startswith(HEADER):
            return {}
        codes = marshal.loads(data[len(HEADER):])
    except Exception:  # missing, unreadable or damaged: compiled again, and written again
        return {}
    if not isinstance(codes, dict):
        return {}
    code_type = type(_read.__code__)
    return {k: v for k, v in codes.items() if isinstance(k, str) and type(v) is code_type}


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """``exec`` as ``dataclasses`` calls it: the code of a text of the engine's classes from
    the file, or compiled as ``exec`` compiles it."""
    global _codes, _new
    name = globals.get("__name__", "") if isinstance(globals, dict) else ""
    if kwargs or not isinstance(source, str) or not (
            name == "engine" or str(name).startswith("engine.")):
        builtins.exec(compile(source, "<string>", "exec", dont_inherit=True)
                      if isinstance(source, str) else source, globals, locals, **kwargs)
        return
    if _codes is None:
        _codes = _read(_path)
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        if len(_codes) < MAX_TEXTS:
            _codes[source] = code
            if not _new:
                _new = True
                import atexit

                atexit.register(_write)
    builtins.exec(code, globals, locals)


def _write() -> None:
    """Write the texts and their code (a temporary file renamed over the file); any failure
    leaves it as it was, as a ``.pyc`` that cannot be written."""
    if _path is None or _codes is None or sys.dont_write_bytecode:
        return
    tmp = f"{_path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(_path), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(HEADER + marshal.dumps(_codes))
        os.replace(tmp, _path)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def install() -> None:
    """Give ``dataclasses`` the kept code of the engine's classes (see the module's text),
    unless ``CCHC_NO_CACHE`` is set. Classes of other modules are compiled as always."""
    global _path
    if os.environ.get("CCHC_NO_CACHE", "").strip() not in ("", "0"):
        return
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec:
        return
    _path = _file()
    dataclasses.exec = _exec  # type: ignore[attr-defined]
