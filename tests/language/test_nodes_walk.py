"""engine.nodes.children and walk find a node's sub-expressions by its class (a dict look-up,
issue 17): the same sub-expressions, in the same order, as matching the node's shape, for
every tree, and for nodes of a subclass too (which the look-up does not know)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given

from engine import nodes
from engine.nodes import Binary, Call, Expr, Name, Number, children, walk

from .lang_strategies import trees


def walked(node: Expr) -> list[Expr]:
    """walk as it was: pre-order by recursion over the shapes."""
    return [node, *(n for c in nodes._matched(node) for n in walked(c))]


@given(trees)
def test_children_and_walk_are_those_of_the_shapes(tree: Expr) -> None:
    every = walk(tree)
    assert [type(n) for n in every] == [type(n) for n in walked(tree)]
    assert all(a is b for a, b in zip(every, walked(tree), strict=True))
    for node in every:
        assert children(node) == nodes._matched(node)
        assert all(a is b for a, b in zip(children(node), nodes._matched(node), strict=True))


@dataclass(frozen=True, slots=True)
class Sum(Binary):
    """A subclass of a node class: found by its shape."""


def test_a_subclass_is_walked_by_its_shape() -> None:
    one, two = Number(1), Name("x")
    tree = Call("f", (Sum("+", one, two),))
    assert children(Sum("+", one, two)) == (one, two)
    assert [type(n).__name__ for n in walk(tree)] == ["Call", "Sum", "Number", "Name"]
    assert children(one) == () and children(two) == ()
