"""The ``cchc`` command line, run from a checkout: ``python cli.py ARGS``.

``main`` here is :data:`engine.cli.main`, the click group of the commands of
:mod:`engine.commands` (imported on first use); run as a program, this file starts them as the
``cchc`` program does (:mod:`engine.launcher`), so ``--help`` loads no command. This file only
keeps the repository's layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["main"]

if TYPE_CHECKING:
    from engine.cli import main


def __getattr__(name: str) -> Any:
    if name == "main":
        from engine.cli import main

        return main
    raise AttributeError(f"module 'cli' has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    from engine.launcher import main as run

    run()
