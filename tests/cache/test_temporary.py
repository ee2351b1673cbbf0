"""The temporary files cache entries are written through before being renamed into place:
made as ``tempfile.mkstemp`` makes them (``0600``, created exclusively, in the cache's folder)
without importing tempfile on a first run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.dccache import temporary


def test_a_temporary_file_is_new_private_and_in_the_folder(tmp_path: Path) -> None:
    fd, path = temporary(tmp_path, ".plan.")
    try:
        os.write(fd, b"x")
    finally:
        os.close(fd)
    assert Path(path).parent == tmp_path and Path(path).name.startswith(".plan.")
    assert path.endswith(".tmp") and Path(path).read_bytes() == b"x"
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    fd2, other = temporary(tmp_path, ".plan.")
    os.close(fd2)
    assert other != path
