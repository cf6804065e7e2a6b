"""The McStas engine: command construction, compile cache, time limits, output reading.

A tiny Python script stands in for McStas's code generator and for the compiled binary, so
the real subprocess, process-group and timeout handling are exercised without McStas.
"""

from __future__ import annotations

import shutil
import stat
import sys
import time
from pathlib import Path

import mcstasscript
import pytest

from elearn.sim.engines import EmbeddedEngine, select_engine
from elearn.sim.engines.embedded import Cancelled
from elearn.sim.engines.mcstas import (
    McStasConfig,
    McStasEngine,
    McStasRunError,
    Toolchain,
    compile_command,
    find_mcstas,
    run_command,
    run_limited,
    translate_command,
)
from elearn.sim.instrument import InstrumentError, parse_instrument
from elearn.sim.parameters import validate_parameters

REAL = Path(mcstasscript.__file__).parent / "tests" / "test_data_set"
SANS = Path(__file__).parents[2] / "simulations" / "SANS_spheres.instr"


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\nimport sys, os, shutil, time\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_command_lines_are_argument_lists():
    classic = Toolchain("classic", "/opt/mcstas/bin/mcstas", "/usr/bin/gcc")
    antlr = Toolchain("antlr", "/venv/bin/mcstas-antlr", "/usr/bin/gcc")
    instr, c_file, binary = Path("/c/a.instr"), Path("/c/a.c"), Path("/c/a.out")
    assert translate_command(classic, instr, c_file) == [
        "/opt/mcstas/bin/mcstas", "-t", "-o", "/c/a.c", "/c/a.instr"]
    assert translate_command(antlr, instr, c_file) == [
        "/venv/bin/mcstas-antlr", "/c/a.instr", "-o", "/c/a.c"]
    assert compile_command(classic, McStasConfig(), c_file, binary) == [
        "/usr/bin/gcc", "-O2", "-std=gnu99", "-o", "/c/a.out", "/c/a.c", "-lm"]
    assert run_command(binary, 1000000, 42, Path("/o/run"), {"lambda": 6.0, "f": "x.dat"}) == [
        "/c/a.out", "-n", "1000000", "-s", "42", "-d", "/o/run", "lambda=6.0", "f=x.dat"]


def test_time_limit_kills_the_process_group(tmp_path):
    sleeper = script(tmp_path / "sleeper", "import subprocess\n"
                     "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
                     "time.sleep(30)")
    start = time.monotonic()
    with pytest.raises(McStasRunError, match="time limit of 0.5 s"):
        run_limited([str(sleeper)], 0.5)
    assert time.monotonic() - start < 10


def test_cancellation_kills_the_run(tmp_path):
    sleeper = script(tmp_path / "sleeper", "time.sleep(30)")
    start = time.monotonic()
    with pytest.raises(Cancelled):
        run_limited([str(sleeper)], 60, cancelled=lambda: time.monotonic() - start > 0.3,
                    poll_s=0.1)
    assert time.monotonic() - start < 10


def fake_toolchain(tmp_path: Path) -> Toolchain:
    """A 'generator' writing a C stub and a 'compiler' writing a binary that copies the
    real McStas output of mcstasscript's test data set into -d DIR."""
    generator = script(tmp_path / "mcstas", "open(sys.argv[3], 'w').write('/* C */')")
    binary_body = (
        "args = sys.argv[1:]\n"
        "out = args[args.index('-d') + 1]\n"
        f"shutil.copytree({str(REAL)!r}, out)\n"
        "open(os.path.join(out, 'argv.txt'), 'w').write(' '.join(args))\n")
    compiler = script(tmp_path / "cc", (
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        f"open(out, 'w').write('#!' + sys.executable + '\\nimport sys, os, shutil\\n' + "
        f"{binary_body!r})\n"
        "os.chmod(out, 0o755)\n"
        "open(os.path.join(os.path.dirname(out), 'compiled.txt'), 'a').write('x')"))
    return Toolchain("classic", str(generator), str(compiler))


def test_compiles_once_per_source_hash_and_reads_output(tmp_path):
    config = McStasConfig(cache_dir=str(tmp_path / "cache"), cflags=())
    engine = McStasEngine(config, fake_toolchain(tmp_path))
    instrument = parse_instrument(SANS)
    params = validate_parameters(instrument, {"lambda": "5"})
    first = engine.run(instrument, params, 1000, 3, tmp_path / "run1")
    engine.run(instrument, params, 1000, 4, tmp_path / "run2")
    folder = Path(config.cache_dir) / f"classic-{instrument.source_hash}"
    assert (folder / "compiled.txt").read_text() == "x"
    argv = (tmp_path / "run1" / "argv.txt").read_text().split()
    assert argv[:6] == ["-n", "1000", "-s", "3", "-d", str((tmp_path / "run1").resolve())]
    assert "lambda=5.0" in argv
    assert {m.component for m in first.monitors} >= {"L_mon", "PSD"}
    assert first.engine == "mcstas"


def test_failed_compilation_is_reported(tmp_path):
    bad = Toolchain("classic", str(script(tmp_path / "mcstas", "sys.exit('syntax error')")),
                    "/bin/true")
    engine = McStasEngine(McStasConfig(cache_dir=str(tmp_path / "c")), bad)
    with pytest.raises(McStasRunError, match="syntax error"):
        engine.binary_for(parse_instrument(SANS))


def test_engine_selection(tmp_path):
    nothing = McStasConfig(mcstas=str(tmp_path / "missing"), cc="no-such-compiler")
    assert isinstance(select_engine("auto", nothing), EmbeddedEngine)
    assert isinstance(select_engine("embedded", nothing), EmbeddedEngine)
    with pytest.raises(InstrumentError, match="McStas engine requested"):
        select_engine("mcstas", nothing)
    toolchain = find_mcstas(McStasConfig(mcstas=str(script(tmp_path / "mcstas", "")),
                                         cc=sys.executable))
    assert toolchain is not None and toolchain.kind == "classic"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mcrun") is None, reason="McStas (mcrun) is not installed")
def test_real_mcstas_agrees_with_embedded_engine(tmp_path):
    """Integration: real McStas and the embedded engine give the same detector intensity."""
    instrument = parse_instrument(SANS)
    params = validate_parameters(instrument, {})
    real = select_engine("mcstas").run(instrument, params, 2_000_000, 1, tmp_path / "m")
    ours = EmbeddedEngine().run(instrument, params, 2_000_000, 1, tmp_path / "e")
    real_i = {m.component: m.totals() for m in real.monitors}
    for mon in ours.monitors:
        i, e, _ = mon.totals()
        ri, re, _ = real_i[mon.component]
        assert abs(i - ri) < 4 * (e * e + re * re) ** 0.5
