"""engine.i18n: the current language, its scope, and an unknown language."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from engine import i18n
from engine.diagnostics import ArgumentError
from engine.i18n import _, current, ngettext, use


def test_english_unless_told_and_only_inside_the_block() -> None:
    assert current() == "en"
    assert _("unknown language {lang}") == "unknown language {lang}"
    with use("vi") as lang:
        assert (lang, current()) == ("vi", "vi")
        assert _("unknown language {lang}").format(lang="'fr'") == "không có ngôn ngữ 'fr'"
        with use("en"):
            assert _("unknown language {lang}") == "unknown language {lang}"
        assert current() == "vi"
    assert current() == "en"


def test_a_message_without_a_translation_is_its_english() -> None:
    with use("vi"):
        assert _("no such message, surely") == "no such message, surely"


def test_ngettext_chooses_the_english_form_by_count_and_vietnamese_has_one() -> None:
    assert ngettext("{n} file", "{n} files", 1) == "{n} file"
    assert ngettext("{n} file", "{n} files", 2) == "{n} files"
    with use("vi"):  # untranslated: gettext's English rule
        assert ngettext("{n} file", "{n} files", 2) == "{n} files"


def test_the_language_is_per_thread() -> None:
    seen: list[str] = []
    with use("vi"):
        t = threading.Thread(target=lambda: seen.append(current()))
        t.start()
        t.join()
    assert seen == ["en"]


@pytest.mark.parametrize(("lang", "message", "help"), [
    ("fr", "unknown language 'fr'", "the languages are vi (Vietnamese) and en (English)"),
    ("VI", "unknown language 'VI'",
     "did you mean 'vi'?; the languages are vi (Vietnamese) and en (English)"),
])
def test_an_unknown_language_is_E805(lang: str, message: str, help: str) -> None:
    with pytest.raises(ArgumentError) as err, use(lang):
        pass
    (d,) = err.value.diagnostics
    assert (d.code, d.message, d.help, d.location[0]) == ("E805", message, help, "use(lang=)")
    assert current() == "en"


def test_importing_the_module_reads_no_catalogue() -> None:
    code = ("import engine.i18n as i, sys; print(i._catalogues == {}, "
            "'babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "False"]
    assert i18n.LANGS == ("vi", "en")


def test_a_table_of_words_is_translated_in_its_own_context() -> None:
    """The same English word in two tables keeps each table's Vietnamese: the status sheet's
    "Total" and the table of results' "Total" are two messages of the catalogue."""
    from engine import render, render_xlsx

    assert render.STATUS_WORDS["en"]["met"] == "met"
    assert render.STATUS_WORDS["vi"]["met"] == "Đạt"
    assert render_xlsx.KIND_WORDS["en"]["district"] == "district"
    assert render_xlsx.KIND_WORDS["vi"]["district"] == "Cấp huyện"
    vi = i18n.catalogue("vi")
    assert vi.pgettext("Excel report: kind of agency", "district") == "Cấp huyện"
    with use("vi"):
        assert _("district") != "Cấp huyện"  # the same word without that context
    table = i18n.Words("a context of no catalogue entry", {"a": "one word", "b": "another"})
    assert list(table) == ["vi", "en"] and len(table) == 2
    assert table["vi"] == {"a": "one word", "b": "another"}  # untranslated: the English
    assert table["vi"] is table["vi"]  # built once
    with pytest.raises(ArgumentError) as err:
        table["fr"]
    assert [d.code for d in err.value.diagnostics] == ["E805"]
