"""Python's cycle collector paused while a large input is read.

Reading a fact file of 200,000 values or a registry of 20,000 agencies builds hundreds of
thousands of small objects that hold no reference cycles; each collection the allocations
trigger walks all of them again, so that reading took up to twice as long, and longer the
larger the input. :func:`gc_paused` turns the collector off for the duration and back on (when
it was on) afterwards; nothing is lost, since collection only reclaims cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


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
