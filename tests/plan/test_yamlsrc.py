"""The defensive YAML reader: no type guessing, no tags, bounded aliases, exact spans."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.yamlsrc import (
    MAX_NODES,
    YMap,
    YScalar,
    YSeq,
    _aligned_source,
    read_yaml,
    scalar_source,
    to_data,
)


def tree(text: str) -> YMap:
    node, diags = read_yaml(text, "t.yaml")
    assert diags == [], [d.render() for d in diags]
    assert isinstance(node, YMap)
    return node


def codes(text: str) -> list[str]:
    _, diags = read_yaml(text, "t.yaml")
    return [d.code for d in diags]


def test_yaml_1_1_words_stay_text() -> None:
    data = to_data(tree("a: NO\nb: yes\nc: 1.10\nd: 2023-01-10\ne: on\nf: 0o17\ng: 1e3\n"
                        "h: ~\ni: true\nj: 12\nk: '12'\nl: .inf\nm: 1_000\n"))
    assert data == {"a": "NO", "b": "yes", "c": "1.10", "d": "2023-01-10", "e": "on",
                    "f": "0o17", "g": "1e3", "h": None, "i": True, "j": 12, "k": "12",
                    "l": ".inf", "m": "1_000"}


def test_keys_are_never_typed() -> None:
    assert list(tree("on: 1\nNO: 2\n1.10: 3\n").items) == ["on", "NO", "1.10"]


def test_duplicate_keys_are_refused_at_the_second_key() -> None:
    _, diags = read_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "t.yaml")
    assert [d.code for d in diags] == ["E402"]
    assert diags[0].location[1:3] == (4, 3)
    assert "line 3" in (diags[0].help or "")


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo']\n",
    "a: !!python/name:os.system ''\n",
    "a: !custom x\n",
    "a: !!binary aGVsbG8=\n",
])
def test_tags_are_refused(text: str) -> None:
    _, diags = read_yaml(text, "t.yaml")
    assert [d.code for d in diags] == ["E404"]
    assert diags[0].span is not None and diags[0].span.text.startswith("!")


def test_merge_keys_are_refused() -> None:
    assert codes("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n") == ["E404"]


def test_non_text_keys_are_refused() -> None:
    assert codes("? [a, b]\n: 1\n") == ["E405"]


def test_billion_laughs_fails_fast_at_the_exploding_anchor() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    began = time.perf_counter()
    node, diags = read_yaml(text, "t.yaml")
    assert time.perf_counter() - began < 0.5
    assert node is None and [d.code for d in diags] == ["E403"]
    # f is the first value that is too big by itself (9**6 nodes and more)
    assert diags[0].location[1] == 6
    assert f"{MAX_NODES:,}" in diags[0].message


def test_shared_aliases_under_the_limit_are_fine() -> None:
    data = to_data(tree("a: &a [1, 2]\nb: *a\nc: *a\n"))
    assert data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_recursive_alias_is_refused() -> None:
    assert codes("a: &a [1, *a]\n") == ["E403"]


def test_deep_nesting_is_refused_without_crashing() -> None:
    assert codes("a: " + "[" * 100 + "]" * 100 + "\n") == ["E403"]
    assert codes("a: " + "[" * 5000 + "]" * 5000 + "\n") == ["E403"]


def test_syntax_error_points_at_the_problem() -> None:
    _, diags = read_yaml("a: b: c\n", "t.yaml")
    assert [d.code for d in diags] == ["E401"]
    assert diags[0].location[1:3] == (1, 5)
    assert diags[0].help


def test_empty_document() -> None:
    assert codes("# nothing\n") == ["E401"]


def test_code_prefix_is_kept_for_other_file_kinds() -> None:
    _, diags = read_yaml("a: 1\na: 2\n", "f.yaml", "E60")
    assert [d.code for d in diags] == ["E602"]


def formula_of(text: str) -> tuple[str, list[int]]:
    """The value of key ``f`` and, per character, the file offset it maps to."""
    node = tree(text).get("f")
    assert isinstance(node, YScalar)
    src = scalar_source(node, "t.yaml")
    return src.text, list(src.origin)


@pytest.mark.parametrize(("text", "value"), [
    ("f: a / b)\n", "a / b)"),
    ('f: "a \\u003e= 99%% and \\"x\\""\n', 'a >= 99%% and "x"'),
    ("f: 'a >= ''99'' x'\n", "a >= '99' x"),
    ("f: |\n  a\n    / b\n", "a\n  / b\n"),
    ("f: >-\n  a\n  and b\n\n  c\n", "a and b\nc"),
    ("f: a\n  and\n   b\n", "a and b"),
    ('f: "a\\\n    b"\n', "ab"),
    ("f: |2\n   a\n  b\n", " a\nb\n"),
    ("f: |+\n  a\n\n\ny: 1\n", "a\n\n\n"),
])
def test_every_character_maps_to_its_place(text: str, value: str) -> None:
    got, origin = formula_of(text)
    assert got == value
    assert origin == sorted(origin)
    for ch, off in zip(got, origin, strict=False):
        if ch not in " \n" and text[off] != "\\" and text[off:off + 2] != "''":
            assert text[off] == ch


# Formulas as an officer may write them: letters, operators, quotes, Vietnamese text.
formula_text = st.text(
    alphabet=st.sampled_from(list("abcxyz_ 019%.()<>=!+-*/\"'\\:#,[]\n\tếơĐ")), max_size=40)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(formula_text, st.sampled_from([None, '"', "'", "|", ">"]), st.integers(2, 6))
def test_mapping_survives_any_style_pyyaml_writes(value: str, style: str | None,
                                                  indent: int) -> None:
    try:
        dumped = yaml.safe_dump({"x": {"f": value}}, default_style=style, allow_unicode=True,
                                indent=indent, width=20)
    except yaml.YAMLError:  # pragma: no cover
        return
    if yaml.safe_load(dumped) != {"x": {"f": value}}:
        return  # PyYAML does not read back what it wrote (a folded line that starts with a
        # space keeps its line break): the reader follows the text, as PyYAML's loader does
    node, diags = read_yaml(dumped, "t.yaml")
    if diags:  # e.g. the key got a tag from default_style: not the point here
        return
    assert isinstance(node, YMap)
    inner = node.get("x")
    assert isinstance(inner, YMap)
    f = inner.get("f")
    assert isinstance(f, YScalar) and f.text == value
    src = scalar_source(f, "t.yaml")
    origin = list(src.origin)
    aligned = _aligned_source(f, "t.yaml")  # the shortcut of a plain text says the same
    assert (src.text, src.origin, src.parent) == (aligned.text, aligned.origin, aligned.parent)
    assert len(origin) == len(value) + 1
    assert origin == sorted(origin)
    assert all(f.span.start <= o <= f.span.end for o in origin)
    for ch, off in zip(value, origin, strict=False):
        if ch.isalnum() or ch in "%()<>=+*/#,[]":
            assert dumped[off] == ch, (value, dumped, off)


def test_escapes_and_doubled_quotes_span_their_whole_spelling() -> None:
    text = 'f: "a \\u003e b"\n'
    got, origin = formula_of(text)
    assert got == "a > b"
    assert text[origin[2]:origin[3]] == "\\u003e"
    text = "f: 'it''s'\n"
    got, origin = formula_of(text)
    assert got == "it's"
    assert text[origin[2]:origin[3]] == "''"


def test_sequences_and_spans() -> None:
    t = tree("a:\n  - x\n  - {k: v}\n")
    seq = t.get("a")
    assert isinstance(seq, YSeq)
    assert [type(n) for n in seq.items] == [YScalar, YMap]
    assert t.key_span("a") is not None and t.key_span("a").begin.line == 1  # type: ignore[union-attr]


def test_a_tree_cannot_be_changed_once_built() -> None:
    t = tree("a:\n  - x\nb: {k: v}\n")
    with pytest.raises(TypeError):
        t.items["c"] = t.items["a"]  # type: ignore[index]
    seq = t.get("a")
    assert isinstance(seq, YSeq) and isinstance(seq.items, tuple)
    # A tree built from a dict does not see later changes of that dict.
    items = dict(t.items)
    copy = YMap(t.span, items)
    items.clear()
    assert list(copy.items) == ["a", "b"]


@pytest.mark.parametrize("value", [
    "", "~", "null", "Null", "true", "false", "True", "-5", "007", "1.5", "'-'", "12a", "-x",
    "1" * 21, '"5"', "'true'", "\"\"", "snv", "0", "[1, x]", "{a: 1}",
])
def test_data_of_a_mapping_reads_each_scalar_as_the_scalar_does(value: str) -> None:
    t = tree(f"k: {value}\n")
    node = t.get("k")
    assert node is not None
    expected = node.data if isinstance(node, YScalar) else to_data(node)
    got = to_data(t)["k"]
    assert got == expected and type(got) is type(expected)
