"""The ``cchc`` command line, run from a checkout: ``python cli.py ARGS``.

The commands live in :mod:`engine.cli`, started by :mod:`engine.launcher` (installed as the
``cchc`` console script, and run by ``python -m engine``), which imports them only to run one;
this file only keeps the repository's layout.
"""

from engine.launcher import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
