"""Every test of tests/hostile runs under a time and a memory cap.

An input that made the engine read without end, build an enormous number or recurse without a
bound would otherwise hang CI or take the machine down with it; here it fails one test instead:
after :data:`SECONDS` seconds (pytest-timeout, by a signal) or when the process asks for more
than :data:`HEADROOM` bytes of address space above what it used when the test began
(``RLIMIT_AS``, so a ``MemoryError`` or a failed allocation; a subprocess a test starts inherits
the cap).
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Wall-clock seconds each hostile test may take (the slowest takes about two on CI's 2 cores).
SECONDS = 60
#: Address space each hostile test may add, in bytes: far more than any real plan or fact file
#: needs, far less than the machine has.
HEADROOM = 1024 * 1024 * 1024

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.timeout(SECONDS, method="signal"))


def _address_space() -> int:
    """The process's virtual memory size in bytes (Linux: /proc/self/statm, in pages)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[0])
    return pages * resource.getpagesize()


@pytest.fixture(autouse=True)
def memory_cap() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
