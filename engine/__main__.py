"""``python -m engine ARGS``: the ``cchc`` command line (:mod:`engine.cli`, started by
:mod:`engine.launcher`)."""

from engine.launcher import main

if __name__ == "__main__":  # pragma: no cover - run as a program
    main()
