"""The words of every diagnostic that more than one stage can raise, and of the reasons a value
is unknown: one function (or one table row) per message, so that the same mistake reads the
same wherever it is found (a fact file, a plan test case, a command-line option, a library
call).

Stage-specific messages stay with their stage; anything said in two places is said here.

    >>> from engine.values import Reason
    >>> describe_reason(Reason("missing", "dossiers_received", "snv"), "vi")
    'snv chưa báo cáo dossiers_received'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from .diagnostics import Diagnostic, did_you_mean
from .escape import visible
from .files import FileKind, Skipped, Unreadable, nfc
from .i18n import _, ngettext
from .source import Span
from .values import Reason, ReasonKind, format_number

if TYPE_CHECKING:
    from .model import FactDef, Plan

Lang = Literal["vi", "en"]


def show(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut when long, invisible characters made visible.

        >>> show("snv\\u200b")
        "'snv\\\\u200b'"
    """
    text = visible(text)
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def no_files(kind: FileKind) -> Diagnostic:
    return Diagnostic(kind.cannot_read, _("no {noun} given").format(noun=_(kind.noun)),
                      file=kind.label, help=_("give {noun} or a directory of them").format(
                          noun=_(kind.noun)))


def empty_folder(kind: FileKind, name: str) -> Diagnostic:
    return Diagnostic(kind.cannot_read, _("this directory holds no {noun}").format(
                          noun=_(kind.noun)), file=name, help=_ends_in(kind))


def _ends_in(kind: FileKind) -> str:
    return _("{noun} end in {endings}").format(noun=_(kind.noun), endings=kind.endings)


def no_such_file(kind: FileKind, name: str) -> Diagnostic:
    return Diagnostic(kind.cannot_read, _("cannot read the file: there is no such file"),
                      file=name, help=_("check the path"))


def wrong_kind(kind: FileKind, name: str, suffix: str) -> Diagnostic:
    spreadsheet = ".xlsx" in kind.suffixes and suffix in (".xlsb", ".xlsm", ".numbers")
    return Diagnostic(kind.cannot_read, _("cannot read the file: it is not a {singular}").format(
                          singular=_(kind.singular)), file=name,
                      help=_("save the sheet as an Excel Workbook (.xlsx)") if spreadsheet
                      else _ends_in(kind))


def unreadable(text: Unreadable, name: str, kind: FileKind, at: Span | None = None
               ) -> Diagnostic:
    """A file that could not be read (``kind.cannot_read``), or is not UTF-8 (``kind.not_utf8``,
    located at the first byte that is not, whose value it names). ``at`` is where the file was
    named in another file, if it was."""
    if text.span is None:
        help = (_("if the file is right, raise the limit: --max-file-size SIZE on the command "
                  "line, max_file_bytes= in the library") if text.too_large else
                _("check the file name; a file named in a plan is looked up next to the plan "
                  "that names it") if at is not None else _("check the path and its permissions"))
        reason = text.reason
        if at is not None:
            return Diagnostic(kind.cannot_read, _("cannot read '{name}': {reason}").format(
                name=name, reason=reason), at, help=help)
        return Diagnostic(kind.cannot_read, _("cannot read the file: {reason}").format(
            reason=reason), file=name, help=help)
    return Diagnostic(kind.not_utf8, _("the file is not UTF-8 text (byte 0x{byte:02X})").format(
                          byte=text.byte), text.span,
                      help=_("save the file as UTF-8{hint}; Vietnamese legacy encodings such as "
                             "Windows-1258, TCVN3 or VNI are not read").format(
                          hint=_(kind.utf8_help) if kind.utf8_help else ""))


def outside_root(code: str, written: str, root: str, at: Span, *, default: str,
                 call: str) -> Diagnostic:
    """A path named in a file (a plan's ``include:`` or ``extends:``: ``E409``; a case's
    ``plan:``: ``E717``) that leads, links followed, outside the root folder of the load. The
    path is named as written; the file is never opened. ``default`` says which folder the root
    is when none is given, ``call`` the library call that takes ``root=``."""
    return Diagnostic(code, _("{written} is outside the root folder {root}").format(
                          written=show(written, 120), root=show(root, 120)), at,
                      help=_("only files inside the root folder are read ({default}); to allow "
                             "this one, give a folder that holds it: --root DIR on the command "
                             "line, root= in {call}").format(default=default, call=call))


# ---------------------------------------------------------------------------------------------
# Names of a plan: periods, agencies, facts
# ---------------------------------------------------------------------------------------------


def unknown_period(plan: Plan, text: str, span: Span | None = None, *,
                   file: str | None = None) -> Diagnostic:
    """``E620``: ``text`` names no period of ``plan`` (in a file at ``span``, or an option or
    argument named by ``file``, such as ``--period``)."""
    return Diagnostic("E620", _("unknown period {text}").format(text=show(text)), span,
                      file=file, help=did_you_mean(text, plan.periods)
                      or _("the periods of plan '{plan}' are {periods}").format(
                          plan=plan.id, periods=", ".join(plan.periods)))

def unknown_agency(plan: Plan, text: str, span: Span | None = None, *,
                   file: str | None = None) -> Diagnostic:
    """``E630``: ``text`` names no agency of ``plan``; its name written out is recognised."""
    by_name = {nfc(a.name.vi).casefold(): a.id for a in plan.agencies.values()}
    found = by_name.get(nfc(text).casefold())
    if found:
        help = _("write the agency id '{found}' ({name})").format(
            found=found, name=plan.agencies[found].name.vi)
    else:
        help = did_you_mean(text, plan.agencies) or _(
            "agency ids are listed in the plan's agencies")
    return Diagnostic("E630", _("unknown agency {text}").format(text=show(text)), span, help,
                      file=file)

def unknown_fact(plan: Plan, text: str, span: Span | None = None, *,
                 file: str | None = None) -> Diagnostic:
    """``E631``: ``text`` names no fact of ``plan``'s catalogue."""
    return Diagnostic("E631", _("unknown fact {text}").format(text=show(text)), span,
                      did_you_mean(text, plan.facts) or _("fact ids are listed in the plan's "
                                                           "facts"), file=file)

def not_reporter(plan: Plan, agency: str, fact: FactDef, span: Span | None = None, *,
                 file: str | None = None) -> Diagnostic:
    """``E632``: ``agency`` does not report ``fact``; the help says who does."""
    if not fact.reporters:
        help = _("no agency reports '{fact}'").format(fact=fact.id)
    elif len(fact.reporters) == 1:
        rid = fact.reporters[0]
        name = plan.agencies[rid].name.vi if rid in plan.agencies else rid
        help = _("'{fact}' is reported only by '{rid}' ({name})").format(
            fact=fact.id, rid=rid, name=name)
    else:
        help = ngettext("'{fact}' is reported by the agencies of '{group}' ({n} agency)",
                        "'{fact}' is reported by the agencies of '{group}' ({n} agencies)",
                        len(fact.reporters)).format(fact=fact.id, group=fact.reported_by,
                                                    n=len(fact.reporters))
    return Diagnostic("E632", _("'{agency}' does not report '{fact}'").format(
        agency=agency, fact=fact.id), span, help, file=file)

def not_in_period(fact: FactDef, period: str, span: Span | None = None, *,
                  file: str | None = None) -> Diagnostic:
    """``E633``: ``fact`` is not reported in ``period``."""
    return Diagnostic("E633", _("'{fact}' is not reported in period '{period}'").format(
                          fact=fact.id, period=period), span,
                      _("'{fact}' is reported in: {periods}").format(
                          fact=fact.id, periods=", ".join(fact.periods)) if fact.periods
                      else _("'{fact}' is not reported in any period").format(fact=fact.id),
                      file=file)

def defined_twice(id: str, collection: str, span: Span, first: Span) -> Diagnostic:
    """``E406``: ``id`` is defined twice in ``collection`` (in one file or across files;
    marked with ``N_`` by the caller, translated here)."""
    b = first.begin
    return Diagnostic("E406", _("'{id}' is defined twice in {collection}").format(
                          id=id, collection=_(collection)), span,
                      help=_("it is already defined at {file}:{line}; keep one of the two, or "
                             "give this one another id").format(file=b.file, line=b.line))

def unknown_name(code: str, what: str, text: str, candidates: Iterable[str],
                 span: Span | None = None, *, file: str | None = None) -> Diagnostic:
    """An unknown id of some kind (``what``: "indicator", "area", marked with ``N_`` by the
    caller, translated here), with a did-you-mean, or the known ids when there are few."""
    names = list(candidates)
    help = did_you_mean(text, names)
    if help is None:
        help = (_("known {what} ids: {ids}").format(what=_(what), ids=", ".join(names))
                if len(names) <= 8 else
                _("the {what} ids are listed by 'cchc indicators'").format(what=_(what))
                if what == "indicator" else
                _("check the spelling of the {what} id").format(what=_(what)))
    return Diagnostic(code, _("unknown {what} {text}").format(what=_(what), text=show(text)),
                      span, help, file=file)

# ---------------------------------------------------------------------------------------------
# Why a value is unknown
# ---------------------------------------------------------------------------------------------

#: How each kind of reason is said, by language. ``{fact}``, ``{agency}`` (with ``{of_agency}``:
#: " of snv" or nothing) and ``{detail}`` (with ``{paren_detail}``: " (…)" or nothing) are
#: filled in. A test checks that every kind has a row in every language.
REASON_WORDS: Mapping[ReasonKind, Mapping[Lang, str]] = {
    "missing": {"en": "{fact}{of_agency} was not reported",
                "vi": "{agency_or_nobody} chưa báo cáo {fact}"},
    "division_by_zero": {"en": "division by zero{paren_detail}",
                         "vi": "chia cho 0{paren_detail}"},
    "empty": {"en": "nothing to measure{paren_detail}",
              "vi": "không có gì để đo{paren_detail}"},
    "not_measured": {"en": "{fact} is not reported in this period",
                     "vi": "{fact} không báo cáo trong kỳ này"},
    "invalid": {"en": "{detail_or_invalid}",
                "vi": "giá trị không hợp lệ{paren_detail}"},
}


def share_out_of_range(share: int | Fraction, part: object = None, whole: object = None,
                       formula: str = "") -> str:
    """The detail of an ``invalid`` reason: an indicator whose unit is a share of a population
    (``percent``) came out below 0% or above 100%; ``part`` and ``whole`` are the two sides of
    its division, when it is one (``formula``: how they were computed).

        >>> share_out_of_range(2, 10, 5, "sum(on_time) / sum(received)")
        'the share is 200%, above 100%: 10 of 5 (sum(on_time) / sum(received))'
    """
    def percent(places: int) -> str:
        return format_number(Fraction(share) * 100, places=places) + "%"

    shown = percent(2)
    if shown in ("0%", "100%"):  # rounding would hide how far out of range it is
        shown = percent(10)
    side = "above 100%" if share > 1 else "below 0%"
    text = f"the share is {shown}, {side}"
    if isinstance(part, int | Fraction) and isinstance(whole, int | Fraction):
        text += f": {format_number(part)} of {format_number(whole)}"
        text += f" ({formula})" if formula else ""
    return text


def describe_reason(reason: Reason, lang: Lang | str = "en") -> str:
    """Why a value is unknown, in ``lang`` ("vi" or "en").

        >>> describe_reason(Reason("invalid", detail="1/2 is not a whole number of days"), "en")
        '1/2 is not a whole number of days'
        >>> describe_reason(Reason("division_by_zero"), "vi")
        'chia cho 0'
    """
    words = REASON_WORDS[reason.kind]["vi" if lang == "vi" else "en"]
    return words.format(
        fact=reason.fact, agency=reason.agency,
        of_agency=f" of {reason.agency}" if reason.agency else "",
        agency_or_nobody=reason.agency or "cơ quan",
        detail=reason.detail, paren_detail=f" ({reason.detail})" if reason.detail else "",
        detail_or_invalid=reason.detail or "no valid value")


# ---------------------------------------------------------------------------------------------
# The words of a plan against its formulas (warnings W9xx, found by engine.wording)
# ---------------------------------------------------------------------------------------------


def _override(help: str, from_file: str | None, plan_file: str) -> str:
    """``help``, and where to correct a text that the plan inherits from another file."""
    if from_file is None:
        return help
    return _("{help}; this text is inherited from {file}: override it in {plan_file}").format(
        help=help, file=from_file, plan_file=plan_file)


def _day(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _fix_target_or_name(canonical: str, suggest: str) -> str:
    return _("if the target is right, write '{canonical}' in the name; if the name is right, "
             "make the target `{suggest}`").format(canonical=canonical, suggest=suggest)


def number_in_name(iid: str, number: str, phrase: str, target: str, threshold: str,
                   canonical: str, suggest: str, span: Span, from_file: str | None = None,
                   plan_file: str = "") -> Diagnostic:
    """``W901``: the name of indicator ``iid`` says ``number`` (in ``phrase``) where its
    target sets ``threshold``."""
    said = f"'{phrase}'" if phrase == number else f"{number} ('{phrase}')"
    return Diagnostic(
        "W901", _("the name of '{iid}' says {said}, but its target `{target}` sets "
                  "{threshold}").format(iid=iid, said=said, target=target, threshold=threshold),
        span, _override(_fix_target_or_name(canonical, suggest), from_file, plan_file),
        "warning")


def comparator_in_name(iid: str, phrase: str, meaning: str, target: str, target_meaning: str,
                       boundary: tuple[str, bool, bool] | None, canonical: str, suggest: str,
                       span: Span, from_file: str | None = None, plan_file: str = ""
                       ) -> Diagnostic:
    """``W902``: the comparator words of ``phrase`` (``meaning``) are not the comparison of
    the target; ``boundary``: the threshold, and whether the name and the target are met
    there, when they differ."""
    notes: tuple[str, ...] = ()
    if boundary is not None:
        n, name_met, target_met = boundary
        notes = (_("at exactly {n}, the name reads as {name_met} and the target is "
                   "{target_met}").format(
            n=n, name_met=_("met") if name_met else _("not met"),
            target_met=_("met") if target_met else _("not met")),)
    return Diagnostic(
        "W902", _("the name of '{iid}' says '{phrase}' ({meaning}), but its target `{target}` "
                  "means {target_meaning}").format(iid=iid, phrase=phrase, meaning=meaning,
                                                   target=target, target_meaning=target_meaning),
        span, _override(_fix_target_or_name(canonical, suggest), from_file, plan_file),
        "warning", notes)


def year_in_name(what: str, phrase: str, year: int, plan_year: int, id_years: list[int],
                 span: Span, from_file: str | None = None, plan_file: str = "") -> Diagnostic:
    """``W903``: ``what`` ("the name of 'x'") says the year ``year`` (in ``phrase``), which
    is neither the plan's year nor, for a fact whose id holds years, one of those."""
    if id_years:
        holds = _(" and ").join(str(y) for y in id_years)
        return Diagnostic(
            "W903", _("{what} says '{phrase}', but its id holds {years}").format(
                what=what, phrase=phrase, years=holds), span,
            _override(_("write '{phrase}' if the fact is the figure of {year}; otherwise give "
                        "the fact an id with the year it holds").format(
                phrase=phrase.replace(str(year), str(id_years[0])), year=id_years[0]),
                from_file, plan_file), "warning")
    help = _("write '{phrase}' (cchc new-year does this for next year's plan)").format(
        phrase=phrase.replace(str(year), str(plan_year)))
    if phrase[:3].lower() == "năm":
        help = _("{help}, or, for a year the text compares with, 'so với {phrase}'").format(
            help=help, phrase=phrase)
    return Diagnostic("W903", _("{what} says '{phrase}', but the plan is for {year}").format(
                          what=what, phrase=phrase, year=plan_year), span,
                      _override(help, from_file, plan_file), "warning")


def date_in_name(what: str, written: str, day: dt.date | None, formula_days: list[dt.date],
                 iid: str, span: Span, from_file: str | None = None, plan_file: str = ""
                 ) -> Diagnostic:
    """``W904``: ``what`` says the date ``written``, which no formula (of indicator ``iid``,
    when given) or period of the plan has, or which is no date of the calendar."""
    if day is None:
        return Diagnostic("W904", _("{what} says '{written}', which is not a date of the "
                                    "calendar").format(what=what, written=written), span,
                          _override(_("write a date of the calendar, day first: dd/mm/yyyy"),
                                    from_file, plan_file), "warning")
    whose = _("its formulas") if iid else _("the formulas")
    if formula_days:
        help = _("{whose} have {dates}: write the date meant, or correct the formula").format(
            whose=whose, dates=", ".join(_day(d) for d in formula_days))
    else:
        help = _("{whose} have no date: write the date of the deadline (and give 'deadline:' "
                 "that date), or of a period").format(whose=whose)
    return Diagnostic("W904", _("{what} says '{written}', but neither {whose} nor a period of "
                                "the plan has the date {date}").format(
                          what=what, written=written, whose=whose, date=day.isoformat()), span,
                      _override(help, from_file, plan_file), "warning")

def warning_as_error(diagnostic: Diagnostic) -> Diagnostic:
    """A warning made an error (``cchc validate --strict``)."""
    return dataclasses.replace(diagnostic, severity="error", notes=(
        *diagnostic.notes, _("a warning, made an error by --strict")))


def year_left(what: str, phrases: tuple[str, ...]) -> str:
    """What ``cchc new-year`` says of the years and dates of a text that it did not move."""
    return _("{what} keeps {phrases}: check the year (a year compared with, or a date the "
             "formulas do not have)").format(what=what, phrases=", ".join(phrases))

# ---------------------------------------------------------------------------------------------
# Files of a folder that are not read (warnings W680-W684, found by engine.files.expand)
# ---------------------------------------------------------------------------------------------


def skipped_file(skipped: Skipped, name: str, kind: FileKind) -> Diagnostic:
    """A warning naming an entry ``name`` of a folder of ``kind`` that is not read, and why:
    ``W680`` not a file of the kind (or no regular file), ``W681`` the lock file of an open
    document, ``W682`` a hidden file, ``W683`` a folder, ``W684`` a spreadsheet format that is
    not read. ``--strict`` (:func:`warning_as_error`) makes it an error."""
    singular, noun = _(kind.singular), _(kind.noun)
    suffix = skipped.path.suffix.lower()
    match skipped.reason:
        case "lock":
            locks = show(skipped.locks, 60)
            return Diagnostic(
                "W681", _("not read: the lock file an office program keeps while {locks} is "
                          "open").format(locks=locks), file=name, severity="warning",
                notes=(_("while {locks} is open, what is read from it is what was last saved, "
                         "not what is on the screen").format(locks=locks),),
                help=_("save and close {locks} (the lock file goes with it); if it stays after "
                       "the program is closed, delete it").format(locks=locks))
        case "hidden":
            return Diagnostic(
                "W682", _("not read: a hidden file (its name starts with a dot)"), file=name,
                severity="warning",
                help=_("if it is a {singular}, rename it without the dot; otherwise move it out "
                       "of the folder").format(singular=singular))
        case "folder":
            return Diagnostic(
                "W683", _("not read: a folder inside a folder of {noun} (a folder is read one "
                          "level deep)").format(noun=noun), file=name, severity="warning",
                help=_("to read the files in it too, name it as well: cchc evaluate PLAN FOLDER "
                       "{name}").format(name=visible(name)))
        case "spreadsheet":
            save_as = (_("'Excel Workbook (.xlsx)'") if ".xlsx" in kind.suffixes else
                       _("'CSV UTF-8 (.csv)'"))
            return Diagnostic(
                "W684", _("not read: a {suffix} spreadsheet, a format cchc does not read").format(
                    suffix=suffix or _("spreadsheet")), file=name, severity="warning",
                help=_("open it and save it as {save_as}, in this folder").format(save_as=save_as))
        case "special":
            return Diagnostic(
                "W680", _("not read: not a regular file (a link to nothing, a device or a pipe)"),
                file=name, severity="warning", help=_("replace it with the file itself"))
    what = (_("a '{suffix}' file").format(suffix=visible(suffix)) if suffix
            else _("a file without an ending"))
    return Diagnostic(
        "W680", _("not read: {what} is not a {singular} ({noun} end in {endings})").format(
            what=what, singular=singular, noun=noun, endings=kind.endings),
        file=name, severity="warning",
        help=_("if it holds facts, save it as one of those; otherwise move it out of the folder "
               "or leave it: it is not read"))
