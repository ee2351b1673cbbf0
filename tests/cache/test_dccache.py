"""The generated methods of the engine's dataclasses kept with its bytecode (engine.dccache):
every method of every class is the same code, with the same annotations, whether compiled or
read from the file; a damaged file is compiled again; nothing is written where Python writes no
bytecode. Each run is a fresh interpreter whose bytecode goes to a folder of the test
(PYTHONPYCACHEPREFIX). No timing here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cache.probing import run_probe

ROOT = Path(__file__).resolve().parents[2]

#: Imports every module of the engine that defines a dataclass on the main job's way and a
#: few more, then prints, for each dataclass of the engine, what its generated methods are.
PROBE = r"""
import dataclasses, inspect, json, re, sys, types
from engine import dccache
dccache.install()
import engine.cli, engine.report, engine.facts, engine.render, engine.loader, engine.cache
import engine.language, engine.checker, engine.registry, engine.formulas, engine.cases
import engine.status, engine.diff, engine.scoring, engine.scorecard

def shape(value):
    if isinstance(value, types.CodeType):
        return ["code", value.co_qualname, value.co_code.hex(), [shape(c) for c in value.co_consts],
                list(value.co_names), list(value.co_varnames), list(value.co_freevars),
                list(value.co_cellvars), value.co_flags, value.co_argcount,
                value.co_kwonlyargcount, value.co_posonlyargcount, value.co_firstlineno,
                value.co_linetable.hex(), value.co_exceptiontable.hex(), value.co_filename]
    return repr(value)

out = {}
for name, module in sorted(sys.modules.items()):
    if not (name == "engine" or name.startswith("engine.")) or module is None:
        continue
    for cls in vars(module).values():
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)
                and cls.__module__ == name):
            continue
        for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                       "__delattr__"):
            f = cls.__dict__.get(method)
            if isinstance(f, types.FunctionType):
                f = inspect.unwrap(f)
                out[f"{name}.{cls.__qualname__}.{method}"] = [
                    shape(f.__code__), repr(f.__annotations__), repr(f.__defaults__),
                    f.__qualname__, f.__module__,
                    [re.sub(" at 0x[0-9a-f]+", "", repr(c.cell_contents))
                     for c in f.__closure__ or ()]]
print(json.dumps({"methods": out, "compiled": dccache._new,
                  "hooked": getattr(dataclasses, "exec", None) is dccache._exec}))
"""


def probe(prefix: Path, **env: str) -> dict[str, Any]:
    return run_probe(PROBE, prefix, **env)


def kept(prefix: Path) -> list[Path]:
    return sorted(prefix.rglob("dataclasses.*.marshal"))


def test_the_kept_code_is_the_compiled_code(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    plain = probe(prefix, CCHC_NO_CACHE="1")
    assert not plain["hooked"] and kept(prefix) == []
    first = probe(prefix)
    [file] = kept(prefix)
    second = probe(prefix)
    assert (first["hooked"], first["compiled"]) == (True, True)
    assert (second["hooked"], second["compiled"]) == (True, False)  # all read from the file
    assert len(plain["methods"]) > 150
    assert first["methods"] == plain["methods"]
    assert second["methods"] == plain["methods"]
    assert file.name == f"dataclasses.{sys.implementation.cache_tag}.marshal"


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],  # truncated
    lambda data: b"junk",  # not ours
    lambda data: data.replace(b"cchc-dataclasses 1 ", b"cchc-dataclasses 1 0"),  # another Python
])
def test_a_damaged_file_is_compiled_again_and_rewritten(tmp_path: Path, damage: Any) -> None:
    prefix = tmp_path / "pycache"
    plain = probe(prefix, CCHC_NO_CACHE="1")
    probe(prefix)
    [file] = kept(prefix)
    file.write_bytes(damage(file.read_bytes()))
    again = probe(prefix)
    assert again["compiled"] and again["methods"] == plain["methods"]
    assert not probe(prefix)["compiled"]


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    run = probe(prefix, PYTHONDONTWRITEBYTECODE="1")
    assert run["hooked"] and run["compiled"] and kept(prefix) == []


def test_a_file_others_can_write_is_not_read(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    probe(prefix)
    [file] = kept(prefix)
    assert file.stat().st_mode & 0o022 == 0
    os.chmod(file, 0o666)
    assert probe(prefix)["compiled"]  # compiled again, and the file written again, private
    assert kept(prefix)[0].stat().st_mode & 0o022 == 0 and not probe(prefix)["compiled"]


#: The README's main job run by the program, then what the formula code kept holds: how many
#: texts this run compiled, and for each text kept, its code beside the code compiled again.
FORMULAS = r"""
import atexit, json, sys
from engine import dccache
def report():
    kept = dccache._formulas or {}
    same = []
    for key, code in kept.items():
        mode, filename, flags, source = key.split("\0", 3)
        again = compile(source, filename, mode, int(flags), True)
        same.append(code == again and code.co_flags == again.co_flags
                    and code.co_consts == again.co_consts)
    sys.__stderr__.write("@@" + json.dumps({"compiled": dccache.compiled_formulas,
                                             "kept": len(kept), "same": all(same)}) + "\n")
atexit.register(report)
sys.argv = ["cchc", "evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1",
            "--as-of", "2023-03-14", "--format", "json"]
from engine.launcher import main
main()
"""


def run_job(cache: Path, **env: str) -> tuple[str, dict[str, Any]]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "CCHC_NO_CACHE")}
    done = subprocess.run([sys.executable, "-c", FORMULAS], cwd=ROOT, capture_output=True,
                          text=True, check=True,
                          env={**base, "CCHC_CACHE_DIR": str(cache), **env})
    data: dict[str, Any] = json.loads(done.stderr.rsplit("@@", 1)[1])
    return done.stdout, data


def test_the_code_of_formulas_is_kept_beside_the_plan(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain, off = run_job(cache, CCHC_NO_CACHE="1")
    assert off["kept"] == 0 and off["compiled"] == 0  # not hooked: compiled by codegen
    first, made = run_job(cache)
    [file] = sorted(cache.glob("formulas.*.marshal"))
    assert file.stat().st_mode & 0o777 == 0o600
    again, hit = run_job(cache)
    # (the formulas a report evaluates once without an aggregate need no code: engine.report)
    assert made["compiled"] > 40 and made["same"]
    assert hit["compiled"] == 0 and hit["kept"] == made["compiled"] and hit["same"]
    assert first == plain == again
    file.write_bytes(file.read_bytes()[:100])  # damaged: compiled again, same report
    damaged, redo = run_job(cache)
    assert damaged == plain and redo["compiled"] == made["compiled"]
    os.chmod(file, 0o644)
    assert run_job(cache)[1]["compiled"] == 0
    os.chmod(file, 0o666)  # writable by others: not read
    assert run_job(cache)[1]["compiled"] == made["compiled"]


def test_a_formula_compiles_with_the_flags_of_its_caller() -> None:
    """Without ``dont_inherit``, ``compile`` takes the ``__future__`` flags of the code that
    calls it (here this module's ``annotations``); the kept code does the same."""
    from engine import dccache

    source = "def f(x: undefined_name) -> None:\n    return None\n"
    theirs = compile(source, "<cchc formula>", "exec")
    ours = dccache._compile_formula(source, "<cchc formula>", "exec")
    assert ours == theirs and ours.co_flags == theirs.co_flags
    explicit = dccache._compile_formula(source, "<cchc formula>", "exec", dont_inherit=True)
    assert explicit == compile(source, "<cchc formula>", "exec", dont_inherit=True)
    namespace: dict[str, Any] = {}
    exec(ours, namespace)  # with annotations deferred, the undefined name is never looked up
    assert namespace["f"].__annotations__ == {"x": "undefined_name", "return": "None"}


#: The Vietnamese catalogue as engine.i18n gives it in the program, compared with the .mo
#: parsed by gettext: every message, every plural form, the header.
CATALOGUE = r"""
import gettext, json, sys
from engine import dccache, i18n
dccache.install()
ours = i18n.catalogue("vi")
with open(i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "cchc.mo", "rb") as f:
    theirs = gettext.GNUTranslations(f)
with i18n.use("vi"):
    said = i18n._("unknown")
print(json.dumps({
    "same": ours._catalog == theirs._catalog and ours._info == theirs._info
            and ours._charset == theirs._charset and type(ours) is type(theirs)
            and all(ours.plural(n) == theirs.plural(n) for n in range(300))
            and all(ours.gettext(m) == theirs.gettext(m) for m in theirs._catalog
                    if isinstance(m, str))
            and all(ours.ngettext(m[0], m[0] + "s", n) == theirs.ngettext(m[0], m[0] + "s", n)
                    for m in theirs._catalog if isinstance(m, tuple) for n in (0, 1, 2, 5)),
    "kept": type(ours).__name__, "parsed": "_catalog" in vars(ours), "said": said,
    "hooked": i18n.catalogue is not dccache._keep_catalogues}))
"""


def test_the_kept_catalogue_is_the_parsed_one(tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "CCHC_NO_CACHE")}

    def run(**env: str) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-c", CATALOGUE], cwd=ROOT, capture_output=True,
                             text=True, check=True,
                             env={**base, "PYTHONPYCACHEPREFIX": str(prefix), **env}).stdout
        data: dict[str, Any] = json.loads(out)
        return data

    plain = run(CCHC_NO_CACHE="1")
    first = run()
    [kept] = sorted(prefix.rglob("catalogue.vi.*.marshal"))
    second = run()
    assert plain["same"] and first["same"] and second["same"]
    assert plain["said"] == first["said"] == second["said"] != "unknown"
    kept.write_bytes(kept.read_bytes()[:-10])  # damaged: parsed again
    assert run()["same"]
