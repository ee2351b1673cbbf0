"""The languages of the outputs for people (Vietnamese first, English), and the one check of a
``lang`` argument of a library call: an unknown language is an argument error (``E805``), as
an unknown period or area is, never a bare ``KeyError`` or ``ValueError``.
"""

from __future__ import annotations

from .diagnostics import ArgumentError, Diagnostic, did_you_mean
from .messages import show

__all__ = ["LANGS", "check_lang"]

#: The languages every output for people is written in.
LANGS = ("vi", "en")


def check_lang(lang: object, call: str) -> str:
    """``lang`` when it is one of :data:`LANGS`; else :class:`~engine.diagnostics.ArgumentError`
    ``E805``, located at the argument of ``call`` (``render_html(lang=)``), as every bad argument
    of a library call is.

        >>> try:
        ...     check_lang("fr", "render_html")
        ... except ArgumentError as err:
        ...     print(err.render())
        render_html(lang=): error[E805]: unknown language 'fr'
          = help: use vi (Vietnamese) or en (English)
    """
    if isinstance(lang, str) and lang in LANGS:
        return lang
    hint = did_you_mean(lang.strip().lower(), LANGS) if isinstance(lang, str) else None
    raise ArgumentError([Diagnostic(
        "E805", f"unknown language {show(lang if isinstance(lang, str) else repr(lang))}",
        file=f"{call}(lang=)",
        help=hint or "use vi (Vietnamese) or en (English)")])
