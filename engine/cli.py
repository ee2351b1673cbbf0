"""The ``cchc`` command line (``cchc``, ``python -m engine``): :data:`main`, a thin shell over
the library.

:data:`main` is the click group the ``cchc`` program runs (:func:`engine.launcher.group`): it
lists the commands from :data:`engine.launcher.COMMANDS` and imports a command's module of
:mod:`engine.commands` only when that command runs, so that a run builds the options of its
own command and imports what that command needs, and ``cchc --help`` imports no command. The
tests drive the whole command line through it (``CliRunner().invoke(main, [...])``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.launcher import group

if TYPE_CHECKING:
    import click

__all__ = ["main"]

#: The command line: every command of :mod:`engine.commands`.
main: click.Group = group()
