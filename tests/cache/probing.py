"""Running a probe script in a fresh ``python`` with the engine's bytecode kept under a given
``PYTHONPYCACHEPREFIX``: how the tests of the files kept beside the bytecode
(:mod:`engine.dccache`, :mod:`engine.recache`) see a first run and the runs after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_probe(script: str, prefix: Path, **env: str) -> dict[str, Any]:
    """The JSON object ``script`` prints, run from the checkout with bytecode written (as
    Python does by default) under ``prefix``, the cache on unless ``env`` says otherwise."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "CCHC_NO_CACHE")}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, check=True,
                         env={**base, "PYTHONPYCACHEPREFIX": str(prefix), **env}).stdout
    data: dict[str, Any] = json.loads(out)
    return data
