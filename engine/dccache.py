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

__all__ = ["install", "keep_formulas"]

#: The first bytes of the file: the format, and the Python whose code it holds.
HEADER = f"cchc-dataclasses 1 {sys.version}\n".encode("utf-8", "surrogateescape")
#: Most texts kept (a bound, should some class be made anew with new texts on every run).
MAX_TEXTS = 4000

_codes: dict[str, Any] | None = None  # the texts and their code, read on first use
_new = False  # whether a text was compiled that the file does not hold
_path: str | None = None
_installed = False  # whether the program installed these (formulas are kept only then)


def _file() -> str | None:
    """The file beside the engine's bytecode (``__pycache__``, or ``sys.pycache_prefix``)."""
    engine = sys.modules.get("engine")
    cached = getattr(engine, "__cached__", None)
    if not cached:
        return None
    tag = sys.implementation.cache_tag
    return os.path.join(os.path.dirname(cached), f"dataclasses.{tag}.marshal")


def _read(path: str | None, header: bytes = HEADER) -> Any:
    """What the file at ``path`` holds after ``header``, or None."""
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            getuid = getattr(os, "getuid", None)
            # Code, as a .pyc is: read only from a regular file that no one but its owner can
            # write, the user or the administrator who installed the engine.
            if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022 or (
                    getuid is not None and st.st_uid not in (getuid(), 0)):
                return None
            data = f.read()
        if not data.startswith(header):
            return None
        return marshal.loads(data[len(header):])
    except Exception:  # missing, unreadable or damaged: made again, and written again
        return None


def _file_codes(path: str | None) -> dict[str, Any]:
    """The texts and their code in the file at ``path`` (none when it is not one)."""
    codes = _read(path)
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
        _codes = _file_codes(_path)
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
    """Write the texts and their code; unless Python writes no bytecode."""
    if _path is not None and _codes is not None and not sys.dont_write_bytecode:
        _write_file(_path, HEADER, _codes)


def _write_file(path: str, header: bytes, value: Any) -> None:
    """Write ``header`` and ``value`` (marshalled) to ``path`` (a temporary file renamed over
    it); any failure leaves it as it was, as a ``.pyc`` that cannot be written."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(header + marshal.dumps(value))
        os.replace(tmp, path)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def install() -> None:
    """Give ``dataclasses`` the kept code of the engine's classes (see the module's text),
    unless ``CCHC_NO_CACHE`` is set. Classes of other modules are compiled as always."""
    global _path, _installed
    if os.environ.get("CCHC_NO_CACHE", "").strip() not in ("", "0"):
        return
    _installed = True
    _keep_catalogues()
    from .recache import install as keep_patterns

    keep_patterns()  # and the compiled code of regular expressions (engine.recache)
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec:
        return
    _path = _file()
    dataclasses.exec = _exec  # type: ignore[attr-defined]


# --- the code generated for formulas ------------------------------------------------------

#: The flags of ``__future__`` features that ``compile`` takes from the code calling it (what
#: CPython calls ``PyCF_MASK``): all but ``nested_scopes`` and ``generators``, always on.
_FUTURE_FLAGS = 0x1FE0000
#: The first bytes of the file of formula code (``keep_formulas``).
FORMULAS_HEADER = f"cchc-formulas 1 {sys.version}\n".encode("utf-8", "surrogateescape")
MAX_FORMULAS = 5000

_formulas: dict[str, Any] | None = None
_formulas_new = False
_formulas_path: str | None = None
#: How many formula texts were compiled (not found in the file) in this process.
compiled_formulas = 0


def keep_formulas(folder: str | os.PathLike[str]) -> None:
    """In the ``cchc`` program (after :func:`install`), give :mod:`engine.codegen` the code of
    formulas compiled before, from
    ``formulas.<cache tag>.marshal`` in ``folder`` (the compiled-plan cache, read and written
    under the same rules: a file of this user only, written ``0600``); a text compiled for the
    first time is added to it when the program ends. The code is that of ``compile`` of the
    same text, with the same flags (``tests/cache/test_dccache.py``)."""
    global _formulas_path
    codegen = sys.modules.get("engine.codegen")
    if not _installed or codegen is None or getattr(codegen, "compile", None) is _compile_formula:
        return
    _formulas_path = os.path.join(os.fspath(folder),
                                  f"formulas.{sys.implementation.cache_tag}.marshal")
    codegen.compile = _compile_formula  # type: ignore[attr-defined]


def _read_formulas() -> dict[str, Any]:
    from pathlib import Path

    from .cache import _read_entry  # (owned by this user, writable by no one else)

    data = _read_entry(Path(_formulas_path)) if _formulas_path else None
    if data is None or not data.startswith(FORMULAS_HEADER):
        return {}
    try:
        codes = marshal.loads(data[len(FORMULAS_HEADER):])
    except Exception:
        return {}
    if not isinstance(codes, dict):
        return {}
    code_type = type(_read.__code__)
    return {k: v for k, v in codes.items() if isinstance(k, str) and type(v) is code_type}


def _compile_formula(source: Any, filename: Any, mode: Any, flags: int = 0,
                     dont_inherit: bool = False, optimize: int = -1, **kwargs: Any) -> Any:
    """``compile`` as :mod:`engine.codegen` calls it: the same code, from the file when the
    same text was compiled before with the same flags."""
    global _formulas, _formulas_new, compiled_formulas
    if not dont_inherit:  # the flags compile would take from its caller, codegen
        flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
    if kwargs or optimize != -1 or not isinstance(source, str) or not isinstance(filename, str):
        return compile(source, filename, mode, flags, True, optimize, **kwargs)
    key = f"{mode}\0{filename}\0{flags}\0{source}"
    if _formulas is None:
        _formulas = _read_formulas()
    code = _formulas.get(key)
    if code is None:
        code = compile(source, filename, mode, flags, True)
        compiled_formulas += 1
        if len(_formulas) < MAX_FORMULAS:
            _formulas[key] = code
            if not _formulas_new:
                _formulas_new = True
                import atexit

                atexit.register(_write_formulas)
    return code


def temporary(folder: str | os.PathLike[str], prefix: str) -> tuple[int, str]:
    """A new file in ``folder``, ``0600``, created exclusively and opened for writing, as
    ``tempfile.mkstemp`` makes one, without importing tempfile (and random, shutil...) on a
    first run: its descriptor and path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(8).hex()}.tmp")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover


def _write_formulas() -> None:
    if _formulas_path is None or _formulas is None:
        return
    folder = os.path.dirname(_formulas_path)
    try:
        fd, tmp = temporary(folder, ".formulas.")  # 0600
    except Exception:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(FORMULAS_HEADER + marshal.dumps(_formulas))
        os.replace(tmp, _formulas_path)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- the message catalogue ----------------------------------------------------------------

#: The first bytes of a kept catalogue.
CATALOGUE_HEADER = f"cchc-catalogue 2 {sys.version}\n".encode("utf-8", "surrogateescape")


def _keep_catalogues() -> None:
    """Give :mod:`engine.i18n` the messages of a compiled catalogue (``.mo``) as parsed on an
    earlier run, kept beside the engine's bytecode with the hash of the ``.mo`` they were
    parsed from: parsing the thousand messages again took a run some milliseconds. (The hash
    is BLAKE2b from its own module, as in :mod:`engine.cache`: hashlib would load OpenSSL.)"""
    from . import i18n

    if getattr(i18n.catalogue, "__wrapped__", None) is not None:
        return
    original = i18n.catalogue

    def catalogue(lang: str) -> Any:
        found = i18n._catalogues.get(lang)
        if found is None:
            found = _kept_catalogue(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo",
                                    lang) if lang != "en" else None
            if found is None:
                return original(lang)
            i18n._catalogues[lang] = found
        return found

    catalogue.__wrapped__ = original  # type: ignore[attr-defined]
    catalogue.__doc__ = original.__doc__
    i18n.catalogue = catalogue


def _kept_catalogue(mo: Any, lang: str) -> Any:
    """The catalogue of the ``.mo`` file ``mo``: from the kept messages when they were parsed
    from the same bytes, else parsed (and kept when the program ends); None when the file
    cannot be read (``engine.i18n`` then says why, as always)."""
    import gettext

    from .cache import _hash

    try:
        with open(mo, "rb") as f:
            data = f.read()
    except OSError:
        return None
    digest = _hash(data).digest()
    kept = os.path.join(os.path.dirname(_path), f"catalogue.{lang}.{sys.implementation.cache_tag}"
                        ".marshal") if _path else None
    stored = _read(kept, CATALOGUE_HEADER) if kept else None
    if isinstance(stored, tuple) and len(stored) == 4 and stored[0] == digest:
        _digest, catalog, info, charset = stored
        found = gettext.GNUTranslations()  # (nothing parsed) with what the parse would give
        found._catalog, found._info, found._charset = catalog, info, charset  # type: ignore[attr-defined]
        plural = info.get("plural-forms")
        if plural:  # as GNUTranslations._parse makes it
            found.plural = gettext.c2py(plural.split(";")[1].split("plural=")[1])  # type: ignore[attr-defined]
        return found
    import io

    found = gettext.GNUTranslations(io.BytesIO(data))
    if kept and not sys.dont_write_bytecode:
        import atexit

        atexit.register(_write_file, kept, CATALOGUE_HEADER, (
            digest, found._catalog, found._info, found._charset))  # type: ignore[attr-defined]
    return found
