"""The seam between quizzes and the simulation engine: run an instrument, read a monitor.

The quiz area never starts a simulation itself. Whoever wires simulation jobs (with their
cache: a reference run is computed once per parameter set) installs a ``SimulationRunner``
with ``set_simulation_runner``; until then simulation questions wait for their reference
(graded as pending) and the question page says that runs are not available.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import numpy as np

from elearn.quiz.sim_quantities import QUANTITIES, Measured, QuantityError, radial_profile
from elearn.sim.mccode_output import MonitorData


class SimulationRunner(Protocol):
    def run(
        self, instrument: str, parameters: Mapping[str, float], ncount: int, seed: int
    ) -> Mapping[str, MonitorData] | None:
        """The monitors (by component name) of ``instrument`` (a file in the simulations folder)
        run with these parameters. Identical calls must be served from a cache; return None
        while the run is queued or running (the answer stays pending until ``regrade_pending``)."""
        ...


_runner: SimulationRunner | None = None


def set_simulation_runner(runner: SimulationRunner | None) -> None:
    global _runner
    _runner = runner


def simulation_runner() -> SimulationRunner | None:
    return _runner


def measure(
    monitor: MonitorData,
    quantity: str,
    reduce: str | None = None,
    axis: object | None = None,
    smooth: int = 1,
    x_power: float = 0.0,
    ring_bins: int = 60,
) -> Measured:
    """Read ``quantity`` off ``monitor``; ``axis`` maps bin centres to the answer's quantity
    (a callable of an array, e.g. detector radius in cm -> q in 1/AA); ``x_power`` multiplies
    the intensity by x^n first (4: a Porod plot, whose form-factor minima stand out of noise)."""
    errors = monitor.error_array()
    if monitor.ndim == 2:
        if reduce == "radial":
            x, y, e = radial_profile(
                monitor.axis(0), monitor.axis(1), monitor.intensity, errors, ring_bins
            )
        elif quantity == "total_intensity":
            x, y, e = (
                monitor.axis(0),
                monitor.intensity.sum(axis=1),
                np.sqrt((errors**2).sum(axis=1)),
            )
        else:
            raise QuantityError(f"{quantity} of a 2D monitor needs reduce: radial")
    else:
        x, y, e = monitor.axis(0), monitor.intensity, errors
    if axis is not None:
        x = np.asarray(axis(x), dtype=float)  # type: ignore[operator]
    if x_power:
        y, e = y * np.abs(x) ** x_power, e * np.abs(x) ** x_power
    return QUANTITIES[quantity](x, y, e, smooth=smooth)


class DirectSimulationRunner:
    """Runs the simulation area's ``simulate`` in this process and keeps results in memory.

    For tests, scripts and benchmarks: the web app should install the job-queue runner, so that
    no request waits for a simulation.
    """

    def __init__(self, simulations: Path, engine: str = "embedded") -> None:
        self.simulations = simulations
        self.engine = engine
        self._cache: dict[tuple[object, ...], dict[str, MonitorData]] = {}

    def run(
        self, instrument: str, parameters: Mapping[str, float], ncount: int, seed: int
    ) -> Mapping[str, MonitorData]:
        key = (instrument, tuple(sorted(parameters.items())), ncount, seed)
        if key not in self._cache:
            from elearn.sim.mccode_reader import read_output
            from elearn.sim.simulate import simulate

            with tempfile.TemporaryDirectory() as outdir:
                values = {name: repr(float(value)) for name, value in parameters.items()}
                simulate(
                    self.simulations / instrument, values, ncount, seed, outdir, engine=self.engine
                )
                self._cache[key] = {m.component: m for m in read_output(outdir)}
        return self._cache[key]
