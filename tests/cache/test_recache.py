"""The compiled code of regular expressions kept with the engine's bytecode (engine.recache):
every pattern compiled on the way to a loaded plan, the engine's and its libraries', is the
same pattern (text, flags, code, groups) whether ``re`` compiled it or its code was read from
the file; a damaged file is compiled again; nothing is written where Python writes no
bytecode. Each run is a fresh interpreter whose bytecode goes to a folder of the test
(PYTHONPYCACHEPREFIX). No timing here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cache.probing import run_probe

ROOT = Path(__file__).resolve().parents[2]

#: Installs the kept code, imports the engine and loads the 2023 plan, compiles a few patterns
#: of every kind, then compares each pattern in re's cache with the one re compiles itself.
PROBE = r"""
import json, re, sys
from re import _compiler
from engine import dccache, recache
dccache.install()
import engine.cli, engine.loader
engine.loader.load_plan("plans/2023.yaml", cache=False)
extra = [(r"(?P<y>\d{4})-(?P<m>\d\d)|x", 0), (r"a b  # comment", re.X), (b"[^\x00-\x7f]+", 0),
         (r"(?i)đến|tới", 0), ("[^\t\n\r -~\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
         (r"^\s+$", re.M | re.I), (r"(a)(b)?(?(2)c|d)", 0)]
for text, flags in extra:
    re.compile(text, flags)
hooked = _compiler.compile is recache._compile
same, count = True, 0
for (kind, text, flags), pattern in list(re._cache.items()):
    if not isinstance(pattern, re.Pattern):
        continue
    plain = recache._original(text, flags) if hooked else _compiler.compile(text, flags)
    count += 1
    same = same and (pattern == plain and pattern.flags == plain.flags
                     and pattern.groups == plain.groups
                     and pattern.groupindex == plain.groupindex and pattern.pattern == text)
print(json.dumps({"hooked": hooked, "compiled": recache._new, "same": same, "count": count,
                  "kept": len(recache._codes or {})}))
"""


def probe(prefix: Path, **env: str) -> dict[str, Any]:
    return run_probe(PROBE, prefix, **env)


def kept(prefix: Path) -> list[Path]:
    return sorted(prefix.rglob("regex.*.marshal"))


def test_the_kept_code_is_the_compiled_code(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    plain = probe(prefix, CCHC_NO_CACHE="1")
    assert not plain["hooked"] and plain["same"] and kept(prefix) == []
    first = probe(prefix)
    [file] = kept(prefix)
    second = probe(prefix)
    assert (first["hooked"], first["compiled"], first["same"]) == (True, True, True)
    assert (second["hooked"], second["compiled"], second["same"]) == (True, False, True)
    assert second["count"] >= second["kept"] >= 40  # (some were compiled before install)
    assert file.name == f"regex.{sys.implementation.cache_tag}.marshal"


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],  # truncated
    lambda data: b"junk",  # not ours
    lambda data: data.replace(b"cchc-regex 1 ", b"cchc-regex 1 0"),  # another Python
])
def test_a_damaged_file_is_compiled_again_and_rewritten(tmp_path: Path, damage: Any) -> None:
    prefix = tmp_path / "pycache"
    probe(prefix)
    [file] = kept(prefix)
    file.write_bytes(damage(file.read_bytes()))
    again = probe(prefix)
    assert again["compiled"] and again["same"]
    assert not probe(prefix)["compiled"]


def test_code_another_engine_would_refuse_is_compiled_again(tmp_path: Path) -> None:
    """Code that _sre refuses (a file of the right header but wrong code) is compiled again:
    the pattern is re's own."""
    import marshal

    prefix = tmp_path / "pycache"
    probe(prefix)
    [file] = kept(prefix)
    data = file.read_bytes()
    end = data.index(b"\n") + 1
    codes = marshal.loads(data[end:])
    for key, (final, code, groups, groupindex, indexgroup) in list(codes.items()):
        codes[key] = (final, [999999] * len(code), groups, groupindex, indexgroup)
    file.write_bytes(data[:end] + marshal.dumps(codes))
    again = probe(prefix)
    assert again["hooked"] and again["same"]


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    run = probe(prefix, PYTHONDONTWRITEBYTECODE="1")
    assert run["hooked"] and run["compiled"] and run["same"] and kept(prefix) == []


def test_a_file_others_can_write_is_not_read(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    probe(prefix)
    [file] = kept(prefix)
    assert file.stat().st_mode & 0o022 == 0
    os.chmod(file, 0o666)
    assert probe(prefix)["compiled"]  # compiled again, and the file written again, private
    assert kept(prefix)[0].stat().st_mode & 0o022 == 0 and not probe(prefix)["compiled"]
