"""The compiled-plan cache: a plan loaded once is loaded again from one file, without YAML,
JSON Schema, the formula parser or the dependency graph.

Like Jinja's bytecode cache and mypy's cache, an entry is valid only for what it was built
from: every file the load read (the plan, the files it includes, the plans it extends, any data
file), each by the BLAKE2b hash of its bytes and the path its links lead to, and the engine
itself (:func:`engine_version`: its version, the Python version, and every module, the grammar
and the plan schema).

Telling a file unchanged without reading it (the rule of git's index, of ``.pyc`` files and of
mypy's cache): a file is known by its size, its modification and change times (``st_mtime_ns``,
``st_ctime_ns``), its inode and its device. Every write to a file moves its change time (which
no program can set back), and a file put in another's place has another inode, so a file whose
stat is the one recorded has not been written since, with one exception, the "racy" one: a write
within the same tick of the file system's clock as the recorded one. A stat is therefore trusted
only for a file last changed at least :data:`RACY_NS` before it was recorded (before its bytes
were read); a file changed more recently than that is read and hashed each time, as is any file
whose stat differs. So a file edited to the same size within the same second, or its times put
back with ``touch``, is still told apart (``tests/cache/test_stat_rule.py``).

Which load an entry is for (the plan's path as given, the working directory, which names
every file in diagnostics, the root folder and the size limit) names its file, so that
editing a plan replaces its entry rather than adding one.

An entry that does not hold (another engine, an edited file, a file gone, a truncated or
corrupt entry, a file that is not ours) is a miss: the plan is loaded from its files as if there
were no cache, and the entry is written again. Nothing here ever changes a result or prints:
a cache that cannot be read or written is simply not used.

Security (docs/security.md): entries are pickles, and loading a pickle runs code that the file
names. An entry is therefore read only from a file owned by the user running the engine and
writable by no one else; the folder is created ``0700`` and each entry ``0600``. A cache folder
shared with others (``CCHC_CACHE_DIR=/tmp``) is safe in this sense: their files are ignored.

The checked facts of a plan (:func:`cached_facts`, what ``cchc evaluate`` and ``cchc explain``
load) are kept the same way, beside it: an entry for the facts of one plan entry (its digest,
which names the engine, the plan's files and the compiled plan), the fact files as given, the
period, the size limit, the working folder and the language, valid while the folders list the
same files with the same warnings and every file read has the same bytes.

Where: ``cache=True`` uses ``$CCHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/cchc``, else
``~/.cache/cchc``; a path uses that folder; ``CCHC_NO_CACHE=1`` turns every cache off.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import gc
import io
import itertools
import operator
import os
import stat
import struct
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from . import __version__, files
from .gcpause import settle

try:  # BLAKE2b from its own module: hashlib imports OpenSSL (3 ms of every warm run)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _blake2b

try:  # the C pickler alone: the pickle module, a Python pickler too, took 1.5 ms to import
    from _pickle import Pickler as _Pickler
    from _pickle import dumps as _pickle_dumps
    from _pickle import loads as _unpickle
except ImportError:  # pragma: no cover - a Python without the C accelerator
    from pickle import Pickler as _Pickler
    from pickle import dumps as _pickle_dumps
    from pickle import loads as _unpickle

if TYPE_CHECKING:
    from hashlib import blake2b

    from .diagnostics import Diagnostic
    from .evaluator import Program
    from .facts import Facts, _Rows
    from .model import Plan
    from .nodes import Expr
    from .source import Source, Span

__all__ = ["CacheArg", "cached_facts", "cached_plan", "directory", "engine_version"]

#: What ``load_plan(cache=...)`` takes: True (the default folder), False or None (no cache), or
#: the folder to use.
CacheArg: TypeAlias = bool | str | os.PathLike[str] | None

ENV_DIR = "CCHC_CACHE_DIR"
ENV_OFF = "CCHC_NO_CACHE"

#: The first bytes of every entry; the format's version is part of it.
MAGIC = b"cchc-plan-cache 2\n"
#: The first bytes of an entry of checked facts (:func:`cached_facts`).
FACTS_MAGIC = b"cchc-facts-cache 2\n"
#: Facts are kept only when the files read hold at most this many bytes in all: a quarter's
#: files of a province are a few hundred kilobytes, and the entry of a file of 200,000 values
#: would cost its first run more than reading it saves the next.
FACTS_MAX_BYTES = 2_000_000
#: A file's stat is trusted to say it is unchanged only when the file was last changed at least
#: this long (in nanoseconds) before the stat was recorded: more than the tick of any file
#: system's times (2 s on FAT) and than a clock a little behind another's (a network share).
RACY_NS = 3_000_000_000
_DIGEST = 32
#: The time now, in nanoseconds since the epoch, as file times are given.
_now = time.time_ns
_LENGTH = struct.Struct(">Q")
#: The pickle protocol of entries (pickle.HIGHEST_PROTOCOL of Python 3.8 and later).
_PROTOCOL = 5
#: How an object is pickled by default: what the pickler calls when its class has no reducer.
_REDUCE_EX = operator.methodcaller("__reduce_ex__", _PROTOCOL)


def disabled() -> bool:
    """Whether ``CCHC_NO_CACHE`` turns caching off (any value but empty and ``0``)."""
    return os.environ.get(ENV_OFF, "").strip() not in ("", "0")


def default_directory() -> Path:
    """``$CCHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/cchc``, else ``~/.cache/cchc``."""
    given = os.environ.get(ENV_DIR, "")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg) / "cchc"
    return Path.home() / ".cache" / "cchc"


def directory(cache: CacheArg) -> Path | None:
    """The folder of the cache a load uses, or None when it uses none (``False``, ``None``, an
    empty path, or ``CCHC_NO_CACHE`` set)."""
    if cache is None or cache is False or cache == "" or disabled():
        return None
    if cache is True:
        try:
            return default_directory()
        except RuntimeError:  # no home folder to find
            return None
    return Path(cache)


def _hash(data: bytes = b"") -> blake2b:
    """A BLAKE2b hash of ``data`` (32 bytes), to be updated with more."""
    return _blake2b(data, digest_size=_DIGEST)


#: What a file's stat says of it (see the module's text): its size, modification and change
#: times in nanoseconds, inode and device.
Stamp: TypeAlias = tuple[int, int, int, int, int]


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _settled(st: os.stat_result, before: int) -> bool:
    """Whether the file of ``st`` was last changed at least :data:`RACY_NS` before ``before``
    (nanoseconds since the epoch): only then does its stat tell that it is unchanged."""
    return max(st.st_mtime_ns, st.st_ctime_ns) <= before - RACY_NS


@functools.cache
def engine_version() -> str:
    """The hash of what a compiled plan depends on in the engine: its version, Python's, and
    every module, the grammar and the plan schema, each known by its name and stat and, when
    it changed less than :data:`RACY_NS` ago, by its bytes too (the module's text says why
    that tells every change). A changed engine (an upgrade, an edited checkout, a file edited
    to the same size within the same second) never reads the entries of another; an engine
    whose files were written again with the same bytes reads none of its former entries either
    (a miss, rebuilt once), as Python compiles again a module whose time changed."""
    package = os.path.dirname(os.path.abspath(__file__))
    grammar = os.path.join(package, "grammar")
    if not os.path.isdir(grammar):  # an editable install maps engine.grammar to ./grammar
        from . import grammar as grammar_package

        grammar = os.path.dirname(os.path.abspath(grammar_package.__file__ or grammar))
    return _files_version(f"cchc {__version__} {sys.version} {MAGIC!r}",
                          ((package, (".py", ".json")), (grammar, (".lark",))), _now())


def _files_version(what: str, folders: Iterable[tuple[str, tuple[str, ...]]], now: int) -> str:
    """The hash of ``what`` and of the files of each folder whose names end with one of its
    suffixes: each by its name and stat and, when changed less than :data:`RACY_NS` before
    ``now``, by its bytes too (:func:`engine_version`)."""
    h = _hash(what.encode("utf-8", "surrogateescape"))
    for folder, suffixes in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        h.update(b"\0" + folder.encode("utf-8", "surrogateescape") + b"\0")
        for name in names:
            if not name.endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
            try:
                st = os.stat(path)
            except OSError:
                h.update(b"gone\0")
                continue
            h.update(repr(_stamp(st)).encode() + b"\0")
            if not _settled(st, now):  # changed just now: its bytes tell, not its stat
                with contextlib.suppress(OSError), open(path, "rb") as f:
                    h.update(b"bytes " + _hash(f.read()).digest())
            h.update(b"\0")
    return h.hexdigest()


# --- what a load read ---------------------------------------------------------------------

@contextlib.contextmanager
def recording() -> Iterator[list[tuple[Path, bytes | None]]]:
    """Record every file :func:`engine.files.read_bytes` reads inside the ``with`` block (a
    recording around this one gets them too)."""
    log: list[tuple[Path, bytes | None]] = []
    outer = files.READS.get()
    token = files.READS.set(log)
    try:
        yield log
    finally:
        files.READS.reset(token)
        if outer is not None:
            outer.extend(log)


#: One file a plan was built from: the path as the loader read it, where its links lead, the
#: BLAKE2b hash of its bytes (None: it could not be read), and its stat when that tells it is
#: unchanged (None: the file changed too shortly before it was read, see :data:`RACY_NS`).
Dependency: TypeAlias = tuple[str, str, "bytes | None", "Stamp | None"]


def _resolver() -> Callable[[Path], str]:
    """:func:`engine.files.resolved` of paths, as a string, each folder resolved once (the
    thirteen fact files of a folder): a file that is not a link is where its folder, links
    followed, leads, with its name. For one pass over the files of an entry, never kept."""
    folders: dict[str, str] = {}

    def resolve(path: Path) -> str:
        head, tail = os.path.split(path)
        if tail in ("", ".", ".."):
            return str(files.resolved(path))
        folder = folders.get(head)
        if folder is None:
            folder = folders[head] = str(files.resolved(Path(head or os.curdir)))
        full = os.path.join(folder, tail)
        try:
            if stat.S_ISLNK(os.lstat(full).st_mode):
                return str(files.resolved(path))
        except (OSError, ValueError):
            pass
        return full

    return resolve


def _dependency(path: Path, data: bytes | None, began: int,
                resolve: Callable[[Path], str] | None = None) -> Dependency:
    """The dependency on ``path``, read as ``data`` by a build that began at ``began``
    (nanoseconds since the epoch): its stat is kept when the file was last changed long enough
    before the build began that its bytes, read since, are those the stat stands for."""
    stamp: Stamp | None = None
    if data is not None:
        with contextlib.suppress(OSError, ValueError):
            st = os.stat(path)
            if stat.S_ISREG(st.st_mode) and st.st_size == len(data) and _settled(st, began):
                stamp = _stamp(st)
    return (str(path), (resolve or _resolver())(path),
            None if data is None else _hash(data).digest(), stamp)


def _holds(dep: Dependency, limit: int, resolve: Callable[[Path], str] | None = None) -> bool:
    """Whether a file is still what the plan was built from: the same stat when one was kept,
    else the same bytes; and its links lead to the same file."""
    path = Path(dep[0])
    stamp = dep[3]
    same = False
    if stamp is not None:
        with contextlib.suppress(OSError, ValueError):
            same = _stamp(os.stat(path)) == stamp and stamp[0] <= limit
    if not same:
        data = files.read_bytes(path, limit)
        digest = None if isinstance(data, files.Unreadable) else _hash(data).digest()
        same = digest == dep[2]
    return same and (resolve or _resolver())(path) == dep[1]


# --- pickling a plan ----------------------------------------------------------------------

def _mapping(items: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(items)


def _program(expr: Expr, per_agency: frozenset[str], fast: bool) -> Program:
    """A formula's program from its checked tree (closures cannot be pickled): its closures
    (``fn``, the reference the generated code hands over to) compiled when first called, since
    most evaluations never call them (2 ms of every warm run for the plan's 165 formulas), and
    then kept in its place; the generated code is made on first evaluation, as after a load
    from files."""
    from .evaluator import Program, compile_expr

    made: list[Callable[[Any, Any], Any]] = []  # (a copy of the program shares it)

    def fn(context: Any, row: Any) -> Any:
        if not made:
            made.append(compile_expr(expr, per_agency, fast).fn)
            object.__setattr__(program, "fn", made[0])  # (frozen: as its __init__ does)
        return made[0](context, row)

    program = Program(expr, fn, per_agency, fast)
    return program


class _Reducers(dict[type, Callable[[Any], Any]]):
    """The pickler's ``dispatch_table`` (how each class is reduced), filled the first time a
    class is met (``__missing__``, which the C pickler's look-up calls): a slotted dataclass is
    pickled as its class and its field values (:func:`_slotted` makes it again); with
    ``views``, a mapping of the engine's own (where each value of a fact set was written,
    worked out when first asked for) as the spans it maps to (:class:`_Places`); anything else
    as the pickler does it (``__reduce_ex__``). The pickler looks each object's class up in C:
    an object that is not a slotted dataclass (a mapping, a number, a date) costs no call of
    Python, where ``reducer_override`` was called for every object."""

    def __init__(self, views: bool) -> None:
        from .evaluator import Program

        super().__init__(copyreg.dispatch_table)
        self[MappingProxyType] = lambda m: (_mapping, (dict(m),))
        self[Program] = lambda p: (_program, (p.expr, p.per_agency, p.use_fast))
        self.views = views

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        if issubclass(cls, type):  # a class of a metaclass: the pickler saves it by name
            raise KeyError(cls)
        names = _slotted_fields(cls)
        reduce: Callable[[Any], Any]
        if names is not None:
            get = _GETTERS.get(cls)
            if get is None:
                get = _GETTERS[cls] = _getter(names)

            def reduce(obj: Any, _cls: type = cls, _get: Callable[[Any], Any] = get,
                       _make: Callable[..., Any] = _slotted) -> Any:
                return _make, (_cls, _get(obj))
        elif self.views and issubclass(cls, Mapping) and cls.__module__.startswith("engine."):
            reduce = _Places.reduce
        else:
            reduce = _REDUCE_EX
        self[cls] = reduce
        return reduce


#: For each class pickled, the names of its fields when it is a slotted dataclass whose slots
#: are its fields (None otherwise); such an object is pickled as its class and field values.
_FIELDS: dict[type, tuple[str, ...] | None] = {}
#: For each such class pickled before, its field values as a tuple (:class:`_Reducers`).
_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
#: For each such class, the setters of its slots (member descriptors), in field order.
_SETTERS: dict[type, tuple[Callable[[Any, Any], None], ...]] = {}


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives the tuple of an object's values of ``names``."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def _slotted_fields(cls: type) -> tuple[str, ...] | None:
    if cls not in _FIELDS:
        names = None
        if "__slots__" in cls.__dict__ and dataclasses.is_dataclass(cls):
            names = tuple(f.name for f in dataclasses.fields(cls))
            slots = {s for c in cls.__mro__ for s in c.__dict__.get("__slots__", ())}
            if not set(names) <= slots or slots - set(names) - {"__weakref__"}:
                names = None
        _FIELDS[cls] = names
    return _FIELDS[cls]


def _slotted(cls: type, values: tuple[Any, ...],
             _setters: Callable[[type], Any] = _SETTERS.get,
             _new: Callable[[type], Any] = object.__new__,
             _call: Callable[..., Any] = operator.call, _any: Callable[..., bool] = any,
             _repeat: Callable[[Any], Iterator[Any]] = itertools.repeat) -> Any:
    """An object of a slotted dataclass from its field values (the inverse of its reducer in
    :class:`_Reducers`): its slots set directly, as the ``__setstate__`` of
    dataclasses does, without looking up the fields for each object (which made a plan with
    20,000 agencies take seconds to load), and each slot set in C (``map`` of ``call``: the
    setters return None, so ``any`` runs them all) rather than by a Python loop."""
    setters = _setters(cls)
    if setters is None:
        names = _slotted_fields(cls) or ()
        setters = _SETTERS[cls] = tuple(getattr(cls, n).__set__ for n in names)
    if len(values) != len(setters):
        raise ValueError(f"{cls.__name__}: {len(values)} values for {len(setters)} fields")
    obj = _new(cls)
    _any(map(_call, setters, _repeat(obj), values))
    return obj


class _Places(Mapping[Any, "Span"]):
    """Where each value of checked facts read from the cache was written (``Facts.origins``):
    the same keys and spans as the mapping it was kept from, each span made when asked for, the
    mapping itself when first used (most reports never look at one)."""

    __slots__ = ("_keys", "_made", "_offsets", "_rows", "_sources")

    def __init__(self, sources: tuple[Source, ...],
                 keys: list[Any] | Mapping[Any, Mapping[Any, object]],
                 offsets: list[int], rows: tuple[_Rows, ...] = ()) -> None:
        """``keys``: a list, or a mapping of mappings whose keys in turn make the keys
        (``values`` of the facts: each agency with each of its facts), in order. ``rows``: when
        not empty, the rows of the files read as columns, where the offsets of each key are
        found when first needed (``engine.facts._Kept``)."""
        self._sources, self._keys, self._offsets, self._rows = sources, keys, offsets, rows
        self._made: dict[Any, Span | int] | None = None

    @staticmethod
    def reduce(mapping: Mapping[Any, Span]) -> tuple[Callable[..., _Places], tuple[Any, ...]]:
        kept = getattr(mapping, "kept", None)  # (facts' origins: the same, no span made)
        if kept is not None:
            return _Places, kept()
        sources: dict[int, tuple[int, Source]] = {}
        keys: list[Any] = []
        offsets: list[int] = []
        for key, span in mapping.items():
            number = sources.setdefault(id(span.source), (len(sources), span.source))[0]
            keys.append(key)
            offsets.extend((number, span.start, span.end))
        return _Places, (tuple(s for _n, s in sources.values()), keys, offsets)

    def offsets(self) -> list[int]:
        """For each key, in order, its span's source's number, start and end."""
        rows = self._rows
        if rows:
            keys = self._keys
            assert not isinstance(keys, list)  # (rows come with the keys as a mapping)
            found: dict[tuple[Any, Any], tuple[int, int, int]] = {}
            from .facts import unpacked

            for number, agencies, agency_of, facts, fact_of, starts, ends in rows:
                begin = unpacked(starts)
                found.update(zip(
                    zip(map(agencies.__getitem__, unpacked(agency_of)),
                        map(facts.__getitem__, unpacked(fact_of)), strict=True),
                    zip(itertools.repeat(number, len(begin)), begin, unpacked(ends),
                        strict=True), strict=True))
            offsets: list[int] = []
            for agency, got in keys.items():
                for fact in got:
                    offsets += found[(agency, fact)]
            self._offsets, self._rows = offsets, ()
        return self._offsets

    def _all(self) -> dict[Any, Span | int]:
        if self._made is None:
            keys = self._keys
            if not isinstance(keys, list):
                keys = [(outer, inner) for outer, got in keys.items() for inner in got]
            self._made = dict(zip(keys, range(0, len(self.offsets()), 3), strict=True))
        return self._made

    def __getitem__(self, key: Any) -> Span:
        made = self._all()
        got = made[key]
        if isinstance(got, int):
            number, start, end = self._offsets[got:got + 3]
            from .source import Span

            got = made[key] = Span(self._sources[number], start, end)
        return got

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self.offsets()) // 3

    def __contains__(self, key: object) -> bool:
        return key in self._all()

    def __repr__(self) -> str:
        return f"<origins of {len(self)} values>"

    def __reduce__(self) -> tuple[Any, ...]:
        return _Places.reduce(self)


def dumps(plan: Plan | Facts) -> bytes:
    """The pickle of a compiled plan (its formulas as checked trees), or of checked facts
    (where their values were written as a read-only mapping of the same spans)."""
    buf = io.BytesIO()
    pickler = _Pickler(buf, _PROTOCOL)
    pickler.dispatch_table = _Reducers(views=not isinstance(plan, _plan_class()))
    pickler.dump(plan)
    return buf.getvalue()


def _plan_class() -> type[Plan]:
    from .model import Plan

    return Plan


def _loads(data: bytes) -> Any:
    # Tens of thousands of objects are made at once, none of them garbage: the cyclic
    # collector, run again and again as they are made, would take most of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _unpickle(data)
    finally:
        if enabled:
            gc.enable()


# --- entries ------------------------------------------------------------------------------

def _entry_name(load: tuple[str, ...]) -> str:
    return _hash("\0".join(load).encode("utf-8", "surrogateescape")).hexdigest()[:40]


def _read_entry(path: Path) -> bytes | None:
    """The bytes of an entry, or None when there is none or it is not safe to load: not a
    regular file, not owned by this user, writable by the group or others."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022:
            return None
        getuid = getattr(os, "getuid", None)
        if getuid is not None and st.st_uid != getuid():
            return None
        try:
            return f.read()
        except OSError:
            return None


def _open_entry(data: bytes, magic: bytes) -> tuple[bytes, Any, bytes] | None:
    """The digest, the header and the pickled body of an entry, or None when it is not one of
    ``magic``'s or is truncated or changed."""
    if not data.startswith(magic):
        return None
    body_at = len(magic) + _DIGEST
    digest, body = data[len(magic):body_at], data[body_at:]
    if len(body) < _LENGTH.size or _hash(body).digest() != digest:
        return None  # truncated or changed
    (size,) = _LENGTH.unpack_from(body)
    header = _unpickle(body[_LENGTH.size:_LENGTH.size + size])
    return digest, header, body[_LENGTH.size + size:]


def _load_entry(data: bytes, version: str, limit: int) -> tuple[Plan, bytes] | None:
    """The plan an entry holds and the entry's digest, or None when it is corrupt, of another
    engine or stale."""
    opened = _open_entry(data, MAGIC)
    if opened is None:
        return None
    digest, (stored_version, deps), pickled = opened
    resolve = _resolver()
    if stored_version != version or not all(_holds(d, limit, resolve) for d in deps):
        return None
    from .model import Plan

    plan = _loads(pickled)
    return (plan, digest) if isinstance(plan, Plan) else None


def _write_entry(folder: Path, name: str, version: str, deps: list[Dependency],
                 plan: Plan | Facts, *, header: tuple[Any, ...] = (), magic: bytes = MAGIC,
                 suffix: str = ".plan") -> bytes:
    """Write an entry atomically (a temporary file renamed over it), ``0600`` in a folder
    created ``0700``; any failure leaves the cache as it was. Returns the entry's digest."""
    head = _pickle_dumps((version, deps, *header), protocol=_PROTOCOL)
    body = _LENGTH.pack(len(head)) + head + dumps(plan)
    digest = _hash(body).digest()
    data = magic + digest + body
    from .dccache import temporary

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = temporary(folder, f".{name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / f"{name}{suffix}")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return digest


#: The plans this process loaded through a cache, by ``id``: the plan (weakly), the folder of
#: the cache and the digest of its entry, which names everything the plan was built from.
_PLAN_KEYS: dict[int, tuple[weakref.ref[Plan], Path, bytes]] = {}


def _remember(plan: Plan, folder: Path, digest: bytes) -> None:
    key = id(plan)
    with contextlib.suppress(TypeError):  # (a plan that cannot be referred to weakly)
        _PLAN_KEYS[key] = (weakref.ref(plan, lambda _ref: _PLAN_KEYS.pop(key, None)),
                           folder, digest)


def _plan_key(plan: Plan) -> tuple[Path, bytes] | None:
    """The cache folder and the entry digest of ``plan`` when it was loaded through a cache."""
    got = _PLAN_KEYS.get(id(plan))
    if got is None or got[0]() is not plan:
        return None
    return got[1], got[2]


def cached_plan(folder: Path, load: tuple[str, ...], limit: int,
                build: Callable[[], Plan]) -> Plan:
    """The plan of ``load`` from the cache in ``folder`` when its entry holds; else
    ``build()``'s, written to the cache. ``load`` names the load (what else than the files
    read decides its result); ``limit`` is the size limit of each file."""
    version = engine_version()
    name = _entry_name(load)
    entry = folder / f"{name}.plan"
    data = _read_entry(entry)
    if data is not None:
        try:
            got = _load_entry(data, version, limit)
        except Exception:  # a corrupt entry is a miss, whatever it raises
            got = None
        if got is not None:
            _remember(got[0], folder, got[1])
            settle()
            return got[0]
    began = _now()  # (before any file is read: see _dependency)
    with recording() as log:
        plan = build()  # a plan with errors raises here, and nothing is written
    # The same file read twice (a plan and its parent's include) counts once.
    resolve = _resolver()
    deps = [_dependency(path, content, began, resolve) for path, content in dict.fromkeys(log)]
    with contextlib.suppress(Exception):  # an unwritable cache is no cache, silently
        _remember(plan, folder, _write_entry(folder, name, version, deps, plan))
    settle()
    return plan


# --- checked facts ------------------------------------------------------------------------

def _listing(paths: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """The fact files ``paths`` name (folders expanded) and what the expansion warns about,
    as :func:`engine.facts.load_facts` finds them."""
    from .diagnostics import Collector

    collector = Collector()
    found = files.expand(paths, files.FACT_FILES, collector)
    said: list[Diagnostic] = [*collector.errors(), *collector.warnings()]
    return [str(p) for p in found], [d.to_dict() for d in said]


def cached_facts(plan: Plan, paths: list[str], period: str | None, limit: int,
                 build: Callable[[], Facts]) -> Facts:
    """The checked facts of ``paths`` for ``plan`` and ``period`` (``build()``'s, which is
    :func:`engine.facts.load_facts` of them), from the cache the plan was loaded through.

    Used only when ``plan`` came through a cache (:func:`cached_plan`) and ``CCHC_NO_CACHE`` is
    not set; else, or when the files read exceed :data:`FACTS_MAX_BYTES`, ``build()``'s facts
    are returned and nothing is kept. An entry holds while the plan's entry is the one it was
    made for (its digest: the engine, the plan's files and the compiled plan), the paths, the
    period, the limit, the working folder and the language are the same, the folders list the
    same fact files with the same warnings, and each file read has the bytes it had. Facts
    with errors raise from ``build()`` every time, as without a cache."""
    key = None if disabled() else _plan_key(plan)
    if key is None:
        return build()
    folder, plan_digest = key
    from .i18n import current

    version = engine_version()
    name = _entry_name(("load_facts", plan_digest.hex(), *paths, "", period or "", str(limit),
                        os.getcwd(), current()))
    data = _read_entry(folder / f"{name}.facts")
    listing = _listing(paths)
    if data is not None:
        try:
            facts = _load_facts_entry(data, version, limit, listing)
        except Exception:  # a corrupt entry is a miss, whatever it raises
            facts = None
        if facts is not None:
            settle()
            return facts
    began = _now()
    with recording() as log:
        facts = build()
    if sum(len(content or b"") for _path, content in log) <= FACTS_MAX_BYTES:
        resolve = _resolver()
        deps = [_dependency(path, content, began, resolve)
                for path, content in dict.fromkeys(log)]
        with contextlib.suppress(Exception):
            _write_entry(folder, name, version, deps, facts, header=listing,
                         magic=FACTS_MAGIC, suffix=".facts")
    settle()
    return facts


def _load_facts_entry(data: bytes, version: str, limit: int,
                      listing: tuple[list[str], list[dict[str, Any]]]) -> Facts | None:
    opened = _open_entry(data, FACTS_MAGIC)
    if opened is None:
        return None
    _digest, (stored_version, deps, found, said), pickled = opened
    resolve = _resolver()
    if stored_version != version or (found, said) != listing or \
            not all(_holds(d, limit, resolve) for d in deps):
        return None
    from .facts import Facts

    facts = _loads(pickled)
    return facts if isinstance(facts, Facts) else None
