"""The language of every message: English (the message ids) or Vietnamese, from a gettext
catalogue.

Every text the engine writes for a person is written in English in the code, marked with
:func:`_` (or :func:`ngettext` when it depends on a count), and looked up in the Vietnamese
catalogue ``engine/locale/vi/LC_MESSAGES/cchc.mo`` when the current language is ``"vi"``.
The current language is a context variable, English unless a caller says otherwise::

    >>> from engine.i18n import _, use
    >>> _("unknown language {lang}").format(lang="'fr'")
    "unknown language 'fr'"
    >>> with use("vi"):
    ...     _("unknown language {lang}").format(lang="'fr'")
    "không có ngôn ngữ 'fr'"

A text with values has brace placeholders filled in after the lookup
(``_("no {noun} given").format(noun=...)``), so that the catalogue holds one entry per
message, and a translator can move the values where Vietnamese puts them. Words put into
another message (``"fact files"``) are translated too; :func:`N_` marks such a word where it
is defined, for the catalogue, and it is looked up with :func:`_` where it is used.

A renderer's table of words (the headings of a sheet, the names of statuses) is a :class:`Words`:
English in the code under a context that says where the words stand, each word a message of
the catalogue (``msgctxt``), so that one place words each of them in each language.

A language other than ``"vi"`` and ``"en"`` is refused with ``E805`` (:func:`check`).
Importing this module loads nothing: the catalogue is read on the first lookup in Vietnamese.
Maintainers update the catalogue with ``python -m tests.i18n.catalogue --update``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from gettext import NullTranslations

Lang = Literal["vi", "en"]

#: The languages the engine writes, in the order they are offered.
LANGS: tuple[Lang, ...] = ("vi", "en")

#: The gettext domain: the name of the catalogue files.
DOMAIN = "cchc"

#: Where the compiled catalogues are: ``LOCALE_DIR/vi/LC_MESSAGES/cchc.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[Lang] = ContextVar("cchc_lang", default="en")
_catalogues: dict[str, NullTranslations] = {}


def current() -> Lang:
    """The language messages are written in now: ``"en"`` unless inside :func:`use`."""
    return _current.get()


def check(lang: object, where: str = "lang") -> Lang:
    """``lang`` when it is a language of :data:`LANGS`; otherwise an
    :class:`~engine.diagnostics.ArgumentError` ``E805`` located at ``where`` (the option or
    argument that gave it: ``--lang``, ``use(lang=)``).

        >>> check("fr", "--lang")
        Traceback (most recent call last):
        ...
        engine.diagnostics.ArgumentError: --lang: error[E805]: unknown language 'fr'
    """
    if isinstance(lang, str) and lang in LANGS:
        return lang
    from .diagnostics import ArgumentError, Diagnostic, did_you_mean
    from .escape import visible

    def show(text: str) -> str:
        return "'" + visible(text)[:40] + "'"

    hint = did_you_mean(lang.strip().lower(), LANGS) if isinstance(lang, str) else None
    help = _("the languages are vi (Vietnamese) and en (English)")
    raise ArgumentError([Diagnostic(
        "E805", _("unknown language {lang}").format(
            lang=show(lang if isinstance(lang, str) else repr(lang))),
        file=where, help=f"{hint}; {help}" if hint else help)])


@contextmanager
def use(lang: str) -> Iterator[Lang]:
    """Write messages in ``lang`` (``"vi"`` or ``"en"``) inside the ``with`` block, in this
    thread or task only; an unknown language is ``E805`` (:func:`check`).

        >>> from engine.i18n import current
        >>> with use("vi") as lang:
        ...     (lang, current())
        ('vi', 'vi')
        >>> current()
        'en'
    """
    checked = check(lang, "use(lang=)")
    token = _current.set(checked)
    try:
        yield checked
    finally:
        _current.reset(token)


def catalogue(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang``, read on first use (English has none: its texts are
    the message ids)."""
    found = _catalogues.get(lang)
    if found is None:
        import gettext

        if lang == "en":
            found = gettext.NullTranslations()
        else:
            with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
                found = gettext.GNUTranslations(f)
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """``message`` (English, the message id) in the current language."""
    lang = _current.get()
    if lang == "en":
        return message
    return catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` (``singular`` or ``plural`` in English) in
    the current language; ``n`` is put in with ``.format(n=...)`` by the caller."""
    lang = _current.get()
    if lang == "en":
        return singular if n == 1 else plural
    return catalogue(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """``message`` unchanged: marks a text defined before a language is chosen (a word kept in
    a table) for the catalogue; it is translated with :func:`_` where it is used."""
    return message


class Words(Mapping[str, Mapping[str, str]]):
    """A table of words, by language: ``WORDS["vi"]["total"]``.

    The words are written in English in the code, with a context that says where they stand;
    each is a message of the catalogue under that context (the maintainers' catalogue
    command finds them in the code, like the texts marked with :func:`_`)::

        STATUS = Words("status of an indicator", {"met": "met", "not_met": "not met"})
        STATUS["vi"]["met"]   # "Đạt", as the catalogue words it in that context

    A table in one language is built on first use and kept; its keys are those of the English
    table in every language, and a language other than ``"vi"`` and ``"en"`` is ``E805``.
    """

    __slots__ = ("_by_lang", "context", "english")

    def __init__(self, context: str, english: Mapping[str, str]) -> None:
        self.context = context
        self.english: Mapping[str, str] = dict(english)
        self._by_lang: dict[str, Mapping[str, str]] = {"en": self.english}

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        found = self._by_lang.get(lang)
        if found is None:
            checked = check(lang)
            found = {key: catalogue(checked).pgettext(self.context, text)
                     for key, text in self.english.items()}
            self._by_lang[checked] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)
