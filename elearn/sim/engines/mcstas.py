"""The McStas engine: real McStas, compiled once per instrument source hash, run without a shell.

Two toolchains: a classic install (mcrun with its 'mcstas' code generator, e.g. from
conda-forge) or mccode-antlr from PyPI ('mcstas-antlr', which reads the McStas component
library it fetches on first use, or a local McCode checkout named in configuration).
Either way: instrument -> C -> gcc binary in cache_dir/<source hash>/, then
binary -n N -s SEED -d DIR name=value ... in its own process group with a wall-time limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..instrument import Instrument, InstrumentError
from ..mccode_reader import read_output
from . import RunResult
from .embedded import Cancelled


@dataclass(frozen=True)
class McStasConfig:
    """Where McStas is. Unset paths are searched on PATH; cache_dir holds compiled binaries."""

    mcrun: str | None = None
    mcstas: str | None = None
    mcstas_antlr: str | None = None
    cc: str = "gcc"
    mccode_checkout: str | None = None  # local McStas component tree for mccode-antlr
    cache_dir: str = str(Path.home() / ".cache" / "elearn" / "mcstas")
    cflags: tuple[str, ...] = ("-O2", "-std=gnu99")
    compile_timeout_s: float = 600.0
    run_timeout_s: float = 1800.0
    extra_env: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Toolchain:
    """A found McStas: kind 'classic' (mcstas code generator) or 'antlr' (mcstas-antlr)."""

    kind: str
    generator: str
    cc: str
    version: str = ""


class McStasRunError(InstrumentError):
    """McStas failed to compile or run, or was stopped by the time limit."""


def find_mcstas(config: McStasConfig) -> Toolchain | None:
    """Look for a classic McStas first, then mccode-antlr; both need the C compiler."""
    cc = shutil.which(config.cc)
    if cc is None:
        return None
    mcrun = config.mcrun or shutil.which("mcrun")
    generator = (
        config.mcstas or (str(Path(mcrun).with_name("mcstas")) if mcrun else None) or shutil.which("mcstas")
    )
    if generator and Path(generator).exists():
        return Toolchain("classic", generator, cc)
    antlr = config.mcstas_antlr or shutil.which("mcstas-antlr")
    if antlr:
        return Toolchain("antlr", antlr, cc)
    return None


def translate_command(toolchain: Toolchain, instr: Path, c_file: Path) -> list[str]:
    """Argument list turning the .instr into C (never a shell string)."""
    if toolchain.kind == "classic":
        return [toolchain.generator, "-t", "-o", str(c_file), str(instr)]
    return [toolchain.generator, str(instr), "-o", str(c_file)]


def compile_command(toolchain: Toolchain, config: McStasConfig, c_file: Path, binary: Path) -> list[str]:
    return [toolchain.cc, *config.cflags, "-o", str(binary), str(c_file), "-lm"]


def run_command(binary: Path, ncount: int, seed: int, outdir: Path, params: dict) -> list[str]:
    """binary -n N -s SEED -d DIR name=value ...; values were validated before."""
    args = [str(binary), "-n", str(int(ncount)), "-s", str(int(seed)), "-d", str(outdir)]
    args += [f"{name}={value}" for name, value in params.items()]
    return args


def tool_env(config: McStasConfig) -> dict:
    env = dict(os.environ)
    if config.mccode_checkout:  # local component library instead of a first-use download
        env["MCCODEANTLR_MCSTAS__PATHS"] = str(config.mccode_checkout)
    env.update(config.extra_env)
    return env


def run_limited(
    args: list[str],
    timeout_s: float,
    cwd: Path | None = None,
    env: dict | None = None,
    cancelled: Callable[[], bool] | None = None,
    poll_s: float = 0.5,
) -> subprocess.CompletedProcess:
    """Run args in a new process group; kill the whole group when timeout_s (s) passes
    (McStasRunError) or cancelled() turns True (Cancelled, checked every poll_s s)."""
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=True,
    )
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            out, err = proc.communicate(timeout=min(poll_s, max(deadline - time.monotonic(), 0)))
            return subprocess.CompletedProcess(args, proc.returncode, out, err)
        except subprocess.TimeoutExpired:
            stop_cancelled = cancelled is not None and cancelled()
            if not stop_cancelled and time.monotonic() < deadline:
                continue
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            if stop_cancelled:
                raise Cancelled("simulation cancelled") from None
            raise McStasRunError(
                f"{Path(args[0]).name} stopped after the time limit of {timeout_s:g} s"
            ) from None


class McStasEngine:
    """Compile-once, run-many wrapper around a McStas toolchain."""

    name = "mcstas"

    def __init__(self, config: McStasConfig, toolchain: Toolchain):
        self.config = config
        self.toolchain = toolchain
        self.version = f"{toolchain.kind}:{toolchain.version or 'unknown'}"

    def binary_for(self, instrument: Instrument) -> Path:
        """Compiled binary for this instrument's source hash, building it if missing."""
        folder = Path(self.config.cache_dir) / f"{self.toolchain.kind}-{instrument.source_hash}"
        binary = folder / f"{instrument.name}.out"
        if binary.exists():
            return binary
        folder.mkdir(parents=True, exist_ok=True)
        source = Path(instrument.path).resolve()
        # private names, then an atomic rename: two workers may compile the same file at once
        tag = f"{os.getpid()}-{time.monotonic_ns()}"
        c_file = folder / f"{instrument.name}-{tag}.c"
        partial = folder / f"{instrument.name}-{tag}.out"
        env = tool_env(self.config)
        for args in (
            translate_command(self.toolchain, source, c_file),
            compile_command(self.toolchain, self.config, c_file, partial),
        ):
            done = run_limited(args, self.config.compile_timeout_s, cwd=source.parent, env=env)
            if done.returncode != 0:
                raise McStasRunError(
                    f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-2000:]}",
                    instrument.path,
                )
        os.replace(partial, binary)
        c_file.replace(folder / f"{instrument.name}.c")
        return binary

    def run(self, instrument, params, ncount, seed, outdir, progress=None, cancelled=None):
        start = time.perf_counter()
        binary = self.binary_for(instrument)
        outdir = Path(outdir)
        if outdir.exists():
            if any(outdir.iterdir()):
                raise McStasRunError(f"output folder {outdir} is not empty")
            outdir.rmdir()  # McStas creates -d itself and refuses an existing folder
        outdir.parent.mkdir(parents=True, exist_ok=True)
        # run beside the .instr so data files it names (e.g. reflection lists) are found
        done = run_limited(
            run_command(binary, ncount, seed, outdir.resolve(), params),
            self.config.run_timeout_s,
            cwd=Path(instrument.path).resolve().parent,
            env=tool_env(self.config),
            cancelled=cancelled,
        )
        if done.returncode != 0:
            raise McStasRunError(f"McStas run failed: {done.stderr.strip()[-2000:]}", instrument.path)
        if progress is not None:
            progress(1.0)
        return RunResult(
            self.name,
            self.version,
            outdir,
            int(ncount),
            int(seed),
            time.perf_counter() - start,
            read_output(outdir),
        )
