"""Simulation engines behind one interface, each writing McStas output (mccode.sim + .dat).

run(instrument, params, ncount, seed, outdir, progress=None, cancelled=None) -> RunResult.
select_engine('auto' | 'mcstas' | 'embedded', mcstas_config) picks one: 'auto' uses McStas
when it can be found, else the embedded NumPy engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..instrument import Instrument, InstrumentError
from ..mccode_output import MonitorData


@dataclass
class RunResult:
    """Outcome of one run: where the McStas files are and the monitors read from them."""

    engine: str
    engine_version: str
    outdir: Path
    ncount: int
    seed: int
    elapsed_s: float
    monitors: list[MonitorData] = field(default_factory=list)


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def run(
        self,
        instrument: Instrument,
        params: dict,
        ncount: int,
        seed: int,
        outdir: str | Path,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RunResult: ...


class EmbeddedEngine:
    """The NumPy ray tracer in elearn.sim.engines.embedded."""

    name = "embedded"

    @property
    def version(self) -> str:
        from .embedded import VERSION

        return VERSION

    def run(self, instrument, params, ncount, seed, outdir, progress=None, cancelled=None):
        from .embedded import run

        monitors, elapsed = run(instrument, params, ncount, seed, outdir, progress, cancelled)
        return RunResult(self.name, self.version, Path(outdir), int(ncount), int(seed), elapsed, monitors)


def select_engine(choice: str = "auto", mcstas_config=None) -> Engine:
    """The engine to use; InstrumentError if McStas is forced but cannot be found."""
    from .mcstas import McStasConfig, McStasEngine, find_mcstas

    config = mcstas_config or McStasConfig()
    if choice == "embedded":
        return EmbeddedEngine()
    if choice not in ("auto", "mcstas"):
        raise InstrumentError(f"unknown engine {choice!r} (auto, mcstas or embedded)")
    toolchain = find_mcstas(config)
    if toolchain is not None:
        return McStasEngine(config, toolchain)
    if choice == "mcstas":
        raise InstrumentError(
            "McStas engine requested but neither mcrun nor mccode-antlr with a C compiler was found"
        )
    return EmbeddedEngine()
