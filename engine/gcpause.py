"""Python's cycle collector paused while a large input is read.

Reading a fact file of 200,000 values or a registry of 20,000 agencies builds hundreds of
thousands of small objects that hold no reference cycles; each collection the allocations
trigger walks all of them again, so that reading took up to twice as long, and longer the
larger the input. :func:`gc_paused` turns the collector off for the duration and back on (when
it was on) afterwards; nothing is lost, since collection only reclaims cycles.

In the ``cchc`` program, what a load made lives until the program ends: :func:`settle`, called
by the caches once a plan or its facts are loaded, puts it out of the collector's reach.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused", "settle"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector off inside the block, as it was before after it (nested blocks
    leave it off until the outermost ends)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """In the ``cchc`` program (once :func:`engine.dccache.install` ran), move every object
    that exists now out of the cycle collector's reach (``gc.freeze``): the plan and facts
    just loaded, tens of thousands of objects that live until the program ends, which the next
    collection would otherwise walk once more (10-20 ms of a first run; issue 17, B6). It costs
    nothing, and the few cycles already garbage are freed when the program ends. A library
    caller is left alone: a process that goes on loading plans keeps its collector as it was
    (``tests/cache/test_settle.py``)."""
    dccache = sys.modules.get("engine.dccache")
    if dccache is not None and getattr(dccache, "_installed", False):
        gc.freeze()
