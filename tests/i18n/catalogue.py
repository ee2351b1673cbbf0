"""The Vietnamese message catalogue: extract, update, compile (a maintainer's command).

    python -m tests.i18n.catalogue --update    # extract from engine/, update the .po, compile
    python -m tests.i18n.catalogue --compile   # compile the .po into the .mo only (after a merge)

Every text marked with ``_``, ``ngettext`` or ``N_`` in ``engine/`` is extracted with Babel,
and every word of a table written ``Words("context", {"key": "English", ...})``
(:class:`engine.i18n.Words`) under its context (read from the code, not imported);
``engine/locale/vi/LC_MESSAGES/cchc.po`` is updated, keeping its translations (a message whose
English changed keeps its old translation marked fuzzy, which the tests refuse until a
translator checks it), and compiled to ``cchc.mo``, which is what the engine reads. The
``.po`` is sorted by message and names files without line numbers, so that edits of the code
and of the catalogue in two branches merge without conflicts; the ``.mo`` is compiled again
after a merge. Babel is needed only here and in the tests (a ``test`` dependency); the engine
reads the ``.mo`` with the standard library's :mod:`gettext`.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
LOCALE = ENGINE / "locale"
PO = LOCALE / "vi" / "LC_MESSAGES" / "cchc.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    """Every message marked in ``engine/``, as a template (no translations)."""
    template = Catalog(project="cchc", domain="cchc", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            ENGINE, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        template.add(message, None, [(f"engine/{filename}", lineno)],
                     auto_comments=comments, context=context)
    for path in sorted(ENGINE.rglob("*.py")):
        for context, message, lineno in word_tables(path.read_text(encoding="utf-8")):
            template.add(message, None, [(path.relative_to(ROOT).as_posix(), lineno)],
                         context=context)
    return template


def word_tables(source: str) -> list[tuple[str, str, int]]:
    """``(context, English, line)`` of every word in the ``Words("context", {...})`` tables of
    a module's source. A table is written with literal strings, so that it is read without
    running the code; any other ``Words(...)`` is refused, with its line."""
    out: list[tuple[str, str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "Words"):
            continue
        match node.args:
            case [ast.Constant(value=str(context)), ast.Dict(keys=keys, values=values)] if (
                    None not in keys and all(isinstance(v, ast.Constant)
                                             and isinstance(v.value, str) for v in values)):
                out += [(context, v.value, v.lineno) for v in values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            case _:
                raise ValueError(f"line {node.lineno}: write a table of words as "
                                 'Words("context", {"key": "English", ...}), literal strings')
    return out


def read() -> Catalog:
    """The Vietnamese catalogue as committed."""
    with PO.open("rb") as f:
        return read_po(f, locale="vi", domain="cchc")


def po_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalogue, width=100, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalogue: Catalog) -> bytes:
    """The compiled catalogue: what ``cchc.mo`` must hold (fuzzy translations left out)."""
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def update() -> Catalog:
    """Extract, merge into the ``.po`` (keeping translations), write it and the ``.mo``."""
    if PO.exists():
        catalogue = read()
    else:
        catalogue = Catalog(locale="vi", domain="cchc", project="cchc", fuzzy=False,
                            language_team="Tiếng Việt",
                            header_comment="# Vietnamese messages of cchc.\n#")
    catalogue.update(extract(), update_creation_date=False)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(po_bytes(catalogue))
    return compile_mo()


def compile_mo() -> Catalog:
    catalogue = read()
    MO.write_bytes(mo_bytes(catalogue))
    return catalogue


def untranslated(catalogue: Catalog) -> list[str]:
    """The message ids with no translation, or only a fuzzy one."""
    out = []
    for m in catalogue:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.i18n.catalogue",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--update", action="store_true",
                       help="extract from engine/, update the .po, compile the .mo")
    group.add_argument("--compile", action="store_true", help="compile the .po into the .mo")
    args = parser.parse_args(argv)
    catalogue = update() if args.update else compile_mo()
    missing = untranslated(catalogue)
    total = sum(1 for m in catalogue if m.id)
    print(f"{PO.relative_to(ROOT)}: {total} messages, {len(missing)} to translate")
    for m in missing:
        print(f"  {m!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
