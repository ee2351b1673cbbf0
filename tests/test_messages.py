"""The shared wording of diagnostics and of reasons (engine.messages), and the collector."""

from __future__ import annotations

import typing

import pytest

from engine.diagnostics import Collector, Diagnostic, FactsError
from engine.messages import REASON_WORDS, describe_reason
from engine.source import Source, Span
from engine.values import Reason, ReasonKind


def test_every_reason_kind_is_worded_in_both_languages() -> None:
    kinds = set(typing.get_args(ReasonKind))
    assert set(REASON_WORDS) == kinds
    for kind in kinds:
        assert set(REASON_WORDS[kind]) == {"vi", "en"}, kind


@pytest.mark.parametrize("kind", typing.get_args(ReasonKind))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_reason_names_its_fact_agency_or_detail(kind: ReasonKind, lang: str) -> None:
    reason = Reason(kind, "dossiers_received", "snv", "the detail")
    text = describe_reason(reason, lang)
    assert "{" not in text
    if kind in ("missing", "not_measured"):
        assert "dossiers_received" in text
    if kind == "missing":
        assert "snv" in text
    if kind in ("invalid", "division_by_zero", "empty"):
        assert "the detail" in text


def test_an_invalid_value_is_not_worded_as_a_missing_fact() -> None:
    # The bug this table fixed: Vietnamese fell through to "… không báo cáo trong kỳ này".
    text = describe_reason(Reason("invalid", detail="ngày nằm ngoài lịch"), "vi")
    assert "không báo cáo" not in text and "ngày nằm ngoài lịch" in text


def test_collector_reports_each_problem_once_sorted_by_place() -> None:
    src = Source("f.yaml", "a: 1\nb: 2\n")
    later, earlier = Span(src, 5, 6), Span(src, 0, 1)
    c = Collector()
    c.error("E631", "unknown fact 'b'", later)
    c.error("E631", "unknown fact 'a'", earlier)
    c.error("E631", "unknown fact 'b'", later)
    c.warning("W001", "a warning", earlier)
    assert [d.message for d in c.errors()] == ["unknown fact 'a'", "unknown fact 'b'"]
    with pytest.raises(FactsError) as info:
        c.raise_if_any(FactsError)
    assert len(info.value.diagnostics) == 2
    assert all(isinstance(d, Diagnostic) and d.severity == "error"
               for d in info.value.diagnostics)


def test_collector_with_only_warnings_does_not_raise() -> None:
    c = Collector()
    c.warning("W001", "a warning", file="f.yaml")
    c.raise_if_any(FactsError)
    assert not c.has_errors and len(c.warnings()) == 1
