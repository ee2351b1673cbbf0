"""The Vietnamese catalogue is complete, consistent with the code, and compiled."""

from __future__ import annotations

import string

import pytest
from babel.messages.catalog import Catalog, Message

from tests.i18n import catalogue
from tests.i18n.scan import scan


def _placeholders(text: str) -> set[str]:
    return {f"{{{name}{':' + spec if spec else ''}}}"
            for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def _forms(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value or ()) \
        if isinstance(value, tuple | list) else ()


@pytest.fixture(scope="module")
def po() -> Catalog:
    return catalogue.read()


def test_every_message_of_the_engine_has_a_vietnamese_translation(po: Catalog
                                                                  ) -> None:
    extracted = [m for m in catalogue.extract() if m.id]
    absent = [_shown(m) for m in extracted if po.get(m.id, context=m.context) is None]
    assert not absent, (f"{len(absent)} messages are not in the catalogue: run `python -m "
                        "tests.i18n.catalogue --update`, then translate them:\n"
                        + "\n".join(absent))
    missing = [_shown(m) for m in extracted
               if _untranslated(po.get(m.id, context=m.context))]
    assert not missing, (f"{len(missing)} messages have no Vietnamese translation (or a fuzzy "
                         f"one) in {catalogue.PO.relative_to(catalogue.ROOT)}:\n"
                         + "\n".join(missing))


def _shown(m: Message) -> str:
    text = repr(m.id if isinstance(m.id, str) else m.id[0])
    return f"{text} (context {m.context!r})" if m.context else text


def _untranslated(m: Message | None) -> bool:
    return m is not None and (m.fuzzy or not all(_forms(m.string)) or not _forms(m.string))


def test_the_tables_of_words_are_read_from_the_code() -> None:
    """Every ``Words`` table of the engine is in the catalogue under its context, word for
    word; a table that cannot be read without running the code is refused, with its line."""
    from engine import render, render_status

    found = catalogue.word_tables(
        'X = Words("a context", {"met": "met", "other": "other words"})\n')
    assert found == [("a context", "met", 1), ("a context", "other words", 1)]
    with pytest.raises(ValueError, match="line 2: write a table of words"):
        catalogue.word_tables("WORDS = {}\nX = Words('c', WORDS)\n")
    keys = {(m.context, m.id) for m in catalogue.extract() if m.context}
    for table in (render.STATUS_WORDS, render_status.WORDS):
        assert {(table.context, text) for text in table.english.values()} <= keys


def test_each_translation_has_the_placeholders_of_its_message(po: Catalog) -> None:
    wrong = []
    for m in po:
        if not m.id:
            continue
        ids, strings = _forms(m.id), _forms(m.string)
        want = set().union(*(_placeholders(i) for i in ids))
        for s in strings:
            if s and _placeholders(s) != want:
                wrong.append(f"{ids[0]!r}: {sorted(want)} but {s!r}: {sorted(_placeholders(s))}")
    assert not wrong, "\n".join(wrong)


def test_the_committed_mo_is_the_compiled_po(po: Catalog) -> None:
    assert catalogue.MO.read_bytes() == catalogue.mo_bytes(po), (
        "cchc.mo is not the compiled cchc.po: run `python -m tests.i18n.catalogue --compile`")


def test_the_po_is_written_as_the_tool_writes_it(po: Catalog) -> None:
    """Sorted, without line numbers: the form that merges cleanly."""
    assert catalogue.PO.read_bytes() == catalogue.po_bytes(po), (
        "cchc.po is not in its canonical form: run `python -m tests.i18n.catalogue --update`")


#: Modules whose diagnostics are not translated yet; shrinks to nothing.
NOT_YET: set[str] = set()


def test_every_diagnostic_text_is_marked_for_translation() -> None:
    findings = [f for f in scan() if f.file not in NOT_YET]
    assert not findings, (
        "these texts of diagnostics are not translated; write them as "
        "_(\"... {name} ...\").format(name=...) (engine.i18n), then run `python -m "
        "tests.i18n.catalogue --update` and translate them:\n" + "\n".join(map(str, findings)))


def test_no_module_hides_the_translation_function() -> None:
    from tests.i18n.scan import rebinds_marker

    found = rebinds_marker()
    assert not found, "\n".join(map(str, found))


def test_every_placeholder_of_a_marked_text_is_filled() -> None:
    from tests.i18n.scan import unfilled

    found = unfilled()
    assert not found, "\n".join(map(str, found))
