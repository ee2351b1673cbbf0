"""Input files: finding them, reading them, and naming them in messages.

Every file the engine is given (a plan and its includes and parents, fact files, test cases)
is found and read here, and only here: decoded as UTF-8 (an optional byte order mark, any line
endings), named relative to the working directory, and, for a folder, expanded into the files
of the kind it holds. Text is compared in Unicode NFC (:func:`nfc`), whatever form the file used.

Stages turn a file that cannot be read into their own code (a plan ``E407``/``E401``, a fact file
``E600``/``E606``, a case file ``E700``/``E706``); the words are those of
:func:`engine.messages.unreadable`.

Containment is decided here too, in one place (:func:`within`): a file that one input names (a
plan's ``include:`` and ``extends:``, a case's ``plan:``) is read only when it lies, links
followed, inside the *root* folder of the load; the caller reports the refusal (``E409``,
``E717``) without opening the file.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from .diagnostics import Collector
from .i18n import N_, _, current
from .source import Source, Span

PathArg: TypeAlias = str | os.PathLike[str]


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C: how every name and id is compared.

        >>> nfc("Sơn La") == nfc("So\\u031bn La")
        True
    """
    return unicodedata.normalize("NFC", text)


def display_name(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def resolved(path: Path) -> Path:
    """``path`` made absolute with links followed (as given, if that fails: a loop of links, a
    NUL character in the name)."""
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):  # (Python 3.11 says a loop with RuntimeError)
        return path


def within(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or inside it, once both are made absolute with ``..`` and
    every link followed: ``../x``, an absolute path elsewhere, or a link inside ``root`` that
    points out of it are all outside.

        >>> within(Path("plans/2023.yaml"), Path("plans"))
        True
        >>> within(Path("plans/../README.md"), Path("plans"))
        False

    A path that cannot be resolved (a NUL character in it) names no file inside ``root``.
    """
    try:
        target, top = path.resolve(), resolved(root)
    except (OSError, ValueError):
        return False
    return target == top or top in target.parents


def common_folder(paths: Iterable[PathArg]) -> Path | None:
    """The deepest folder that holds every one of ``paths`` (a folder holds itself; a file is
    held by the folder it is in), links followed; None when there are none."""
    def folder(path: Path) -> str:
        try:
            is_dir = path.is_dir()
        except OSError:  # a name too long to look at: it is not a folder
            is_dir = False
        return str(resolved(path) if is_dir else resolved(path).parent)

    folders = [folder(Path(item)) for item in paths]
    return Path(os.path.commonpath(folders)) if folders else None


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False when it cannot even be looked at (a name too long)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; True when only reading it can tell why not (a name too long
    for the file system), so that the reader names the reason."""
    try:
        return path.exists()
    except OSError:
        return True


#: The reasons the system gives most often for a file it cannot open, for the catalogue: a
#: reason is looked up in the current language (:func:`_os_reason`), and said as the system
#: says it when it is not one of these.
_OS_REASONS = (N_("no such file or directory"), N_("permission denied"), N_("is a directory"),
               N_("not a directory"), N_("file name too long"),
               N_("too many levels of symbolic links"), N_("input/output error"))


def _os_reason(e: OSError) -> str:
    return _(str(e.strerror or e).lower())


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why the text of a file could not be read: ``reason`` when the file itself cannot be
    read (``too_large`` when it is larger than the limit); otherwise the file is not UTF-8, and
    ``byte`` (its value) at ``offset`` (its index) is the first that is not, located by ``span``
    in the text decoded with replacements."""

    reason: str = ""
    byte: int = 0
    offset: int = 0
    span: Span | None = None
    too_large: bool = False


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: The largest input file read, in bytes, unless a load is given another limit
#: (``max_file_bytes=`` in the library, ``--max-file-size`` on the command line). Real plans are
#: under 1 MiB and a fact file for every commune of the country a few MiB; anything larger is
#: refused before it fills memory.
MAX_FILE_BYTES = 64 * 1024 * 1024

_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}


def parse_size(text: str) -> int:
    """A file size written as a whole number of bytes, optionally followed by ``K``, ``M`` or
    ``G`` (KiB, MiB, GiB; either case, with an optional ``B`` or ``iB``); ValueError otherwise.

        >>> parse_size("65536"), parse_size("64M"), parse_size("1 GiB")
        (65536, 67108864, 1073741824)
    """
    m = re.fullmatch(r"\s*([0-9]{1,15})\s*(?:([KMGkmg])(?:i?[Bb])?|[Bb])?\s*", text)
    if m is None:
        raise ValueError(f"'{text}' is not a size: write bytes, or a number with K, M or G "
                         "(64M is 64 MiB)")
    return int(m.group(1)) * _SIZE_UNITS[(m.group(2) or "").upper()]


#: While a list is set here (by :func:`engine.cache.recording`, around a plan it compiles), each
#: file :func:`read_bytes` reads is added to it with its bytes, or None when it could not be
#: read: the files the compiled plan was built from.
READS: ContextVar[list[tuple[Path, bytes | None]] | None] = ContextVar("cchc_reads",
                                                                        default=None)


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes | Unreadable:
    """The bytes of a regular file of at most ``limit`` bytes, or why not (see
    :func:`_read_bytes`); recorded in :data:`READS` when a list is set there."""
    data = _read_bytes(path, limit)
    log = READS.get()
    if log is not None:
        log.append((path, None if isinstance(data, Unreadable) else data))
    return data


def _read_bytes(path: Path, limit: int) -> bytes | Unreadable:
    """The bytes of a regular file of at most ``limit`` bytes, or why not.

    The file is opened without blocking and checked once open (so a FIFO, a device such as
    ``/dev/zero``, or a link to one, is refused, never waited on or read without end), and
    reading stops one byte past ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        return Unreadable(_("it is a folder") if _is_dir(path) else _os_reason(e))
    except ValueError:  # a NUL character in the name
        return Unreadable(_("its name is not a valid file name"))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return Unreadable(_("it is a folder") if stat.S_ISDIR(mode) else
                          _("it is not a regular file (a device, a pipe or a socket)"))
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as e:  # pragma: no cover - a regular file that fails while read
            return Unreadable(_os_reason(e))
    if len(data) > limit:
        from .numbers import format_number_local

        shown = format_number_local(limit) if current() == "vi" else f"{limit:,}".replace(",", " ")
        return Unreadable(_("it is larger than the limit of {limit} bytes").format(limit=shown),
                          too_large=True)
    return data


def read_text(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> str | Unreadable:
    """The UTF-8 text of a file (an optional byte order mark, any line endings), or why not."""
    data = read_bytes(path, limit)
    if isinstance(data, Unreadable):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return normalize_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        good = normalize_newlines(data[:e.start].decode("utf-8"))
        shown = normalize_newlines(data.decode("utf-8", errors="replace"))
        return Unreadable(byte=data[e.start], offset=e.start,
                          span=Span(Source(name, shown), len(good), len(good) + 1))


@dataclass(frozen=True, slots=True)
class FileKind:
    """A kind of input file: how a folder of them is expanded and how problems are coded.

    ``cannot_read`` is the code of a path that is missing, a folder without such files, or not
    of the kind; ``not_utf8`` the code of a file that is not UTF-8."""

    #: plural noun, for messages: "fact files" (translated where it is used)
    noun: str
    #: how a problem with no file of its own is located: "<facts>"
    label: str
    suffixes: tuple[str, ...]
    cannot_read: str
    not_utf8: str
    #: whether a folder is searched below its first level
    recursive: bool = False
    #: whether a file named on its own must have one of ``suffixes`` too
    named_by_suffix: bool = True
    #: a hint added to the 'save as UTF-8' help (how a spreadsheet does it)
    utf8_help: str = ""

    def accepts(self, path: Path) -> bool:
        return path.name.lower().endswith(self.suffixes)

    @property
    def singular(self) -> str:
        """The noun of one file: "fact file" (translated where it is used)."""
        return self.noun.removesuffix("s")

    @property
    def endings(self) -> str:
        names = list(self.suffixes)
        return _("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1]) \
            if len(names) > 1 else names[0]


#: What a folder read one level deep may hold besides files of its kind, and why each is not
#: read (:func:`skip_reason`): the lock file of a document open in an office suite, a hidden file
#: (its name starts with a dot), a folder, an entry that is no regular file (a link to nothing, a
#: device, a pipe), a spreadsheet format that is not read, any other type of file.
SkipReason: TypeAlias = Literal["lock", "hidden", "folder", "special", "spreadsheet", "other"]

#: Files that operating systems and version control keep in folders by themselves, never data:
#: left out of a folder without a word (``._NAME`` files, the resource forks macOS writes on USB
#: drives and into zip files, are too). Compared in lower case.
SYSTEM_FILES = frozenset({
    ".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".localized",
    ".directory", "__macosx", ".git", ".gitignore", ".gitkeep", ".gitattributes", ".svn", ".hg",
})

#: Spreadsheets by their ending: a folder that holds one the engine does not read says how to
#: save it in a format that it reads (WPS Spreadsheets, common in Vietnamese offices, writes .et).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".xltx", ".ods", ".fods", ".numbers",
                        ".et", ".ett")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of a folder that :func:`expand` did not take, and why (:data:`SkipReason`).
    ``locks`` is, for a lock file, the name of the document it stands for."""

    path: Path
    reason: SkipReason
    locks: str = ""


def is_system_file(name: str) -> bool:
    """Whether ``name`` is one of :data:`SYSTEM_FILES` (or a macOS ``._NAME`` file).

        >>> is_system_file(".DS_Store"), is_system_file("._snv.xlsx"), is_system_file("snv.csv")
        (True, True, False)
    """
    low = name.lower()
    return low in SYSTEM_FILES or low.startswith("._")


def skip_reason(path: Path, kind: FileKind) -> Skipped | None:
    """Why the entry ``path`` of a folder of ``kind`` is not read, or None when it is a file of
    the kind (a regular file, links followed, whose name ends in one of ``kind.suffixes``).

    A lock file is told by its name: ``~$snv.xlsx`` (Microsoft Office, LibreOffice and WPS
    while ``snv.xlsx`` is open) and ``.~lock.snv.ods#`` (LibreOffice).

        >>> skip_reason(Path("~$snv.xlsx"), FACT_FILES)
        Skipped(path=PosixPath('~$snv.xlsx'), reason='lock', locks='snv.xlsx')
    """
    name = path.name
    if name.startswith("~$"):
        return Skipped(path, "lock", name[2:])
    if name.startswith(".~lock.") and name.endswith("#"):
        return Skipped(path, "lock", name[len(".~lock."):-1])
    if name.startswith("."):
        return Skipped(path, "hidden")
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return Skipped(path, "special")
    if stat.S_ISDIR(mode):
        return Skipped(path, "folder")
    if not stat.S_ISREG(mode):
        return Skipped(path, "special")
    if kind.accepts(path):
        return None
    if name.lower().endswith(SPREADSHEET_SUFFIXES):
        return Skipped(path, "spreadsheet")
    return Skipped(path, "other")


def _listing(path: Path, kind: FileKind, collector: Collector) -> list[Path]:
    """The files of ``kind`` directly in the folder ``path``, in name order. Every other entry
    is named in ``collector`` with why it is not read (a warning, ``W680``-``W684``), except
    :data:`SYSTEM_FILES`: nothing in a folder of facts is skipped in silence."""
    from . import messages

    try:
        entries = sorted(path.iterdir())
    except OSError as e:
        collector.add(messages.unreadable(Unreadable(_os_reason(e)),
                                          display_name(path), kind))
        return []
    found: list[Path] = []
    for p in entries:
        if is_system_file(p.name):
            continue
        skipped = skip_reason(p, kind)
        if skipped is None:
            found.append(p)
        else:
            name = str(Path(display_name(path)) / p.name)  # the entry, not where it leads
            collector.add(messages.skipped_file(skipped, name, kind))
    return found


def expand(paths: PathArg | Iterable[PathArg], kind: FileKind,
           collector: Collector) -> list[Path]:
    """The files named by ``paths`` (one path or several; a folder stands for the files of
    ``kind`` in it, in name order), each once. Problems go to ``collector`` with
    ``kind.cannot_read``. A folder searched below its first level (``kind.recursive``) leaves
    hidden files out; one read one level deep names every entry it does not read in a warning
    (:func:`skip_reason`), but for the files of :data:`SYSTEM_FILES`."""
    from . import messages

    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not given:
        collector.add(messages.no_files(kind))
    files: list[Path] = []
    for item in given:
        path = Path(item)
        if _is_dir(path):
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and kind.accepts(p)
                           and not any(part.startswith(".")
                                       for part in p.relative_to(path).parts)) \
                if kind.recursive else _listing(path, kind, collector)
            if not found:
                collector.add(messages.empty_folder(kind, display_name(path)))
            files.extend(found)
        elif not _exists(path):
            collector.add(messages.no_such_file(kind, display_name(path)))
        elif kind.named_by_suffix and not kind.accepts(path):
            collector.add(messages.wrong_kind(kind, display_name(path), path.suffix.lower()))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(resolved(f), f)
    return list(unique.values())


def read(path: Path, kind: FileKind, collector: Collector, name: str | None = None,
         at: Span | None = None, *, limit: int = MAX_FILE_BYTES) -> str | None:
    """The text of ``path`` (at most ``limit`` bytes), or None with the reason in
    ``collector``. ``at`` is where the file was named (an ``include:`` line), when it was
    named in another file."""
    from . import messages

    name = display_name(path) if name is None else name
    text = read_text(path, name, limit)
    if isinstance(text, Unreadable):
        collector.add(messages.unreadable(text, name, kind, at))
        return None
    return text


#: The kinds of input file the engine reads.
PLAN_FILES = FileKind(N_("plan files"), "<plan>", (".yaml", ".yml"), "E407", "E401")
#: Fact files: ``.xls`` and ``.ods`` are among them so that a folder's old spreadsheets are
#: refused with the way to save them as ``.xlsx`` (``E660``), never passed over.
FACT_FILES = FileKind(N_("fact files"), "<facts>",
                      (".yaml", ".yml", ".json", ".csv", ".xlsx", ".xls", ".ods"), "E600", "E606",
                      utf8_help=N_(" (in a spreadsheet: 'CSV UTF-8')"))
CASE_FILES = FileKind(N_("case files"), "<cases>", (".yaml", ".yml"), "E700", "E706",
                      recursive=True, named_by_suffix=False)
#: The singular nouns of the kinds (:attr:`FileKind.singular`), for the catalogue.
_SINGULARS = (N_("plan file"), N_("fact file"), N_("case file"))
