"""The embedded engine: a vectorised NumPy ray tracer for a documented McStas subset.

Rays are traced in chunks of CHUNK rays; each chunk gets its own numpy Generator seeded
from (seed, chunk number), so a seeded run is reproducible and memory stays bounded
whatever ncount is. Monitor sums (I = sum p, I2 = sum p^2, N) accumulate across chunks.
Gravity is off, as in McStas's default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from ...instrument import Instrument
from ...mccode_output import MonitorData, RunInfo, write_output
from .model import Model, build_model
from .state import NeutronState

CHUNK = 200_000
VERSION = "1"


class Cancelled(Exception):
    """The caller's cancelled() returned True between chunks."""


def _transforms(model: Model) -> list[tuple[np.ndarray, np.ndarray]]:
    """Frame change from component i-1 to i: r_i = R r_{i-1} + a."""
    out = [(np.eye(3), np.zeros(3))]
    for prev, cur in zip(model.placements, model.placements[1:], strict=False):
        rot = cur.rotation @ prev.rotation.T
        offset = cur.rotation @ (prev.position - cur.position)
        out.append((rot, offset))
    return out


Observer = Callable[[int, NeutronState, NeutronState], None]


def trace_chunk(
    model: Model, n: int, rng: np.random.Generator, transforms, observe: Observer | None = None
) -> None:
    """Send n rays through every component; monitors keep their sums.

    observe(index, before, after), if given, sees each component's rays in its local frame
    before (a copy) and after its trace: the layout view records ray paths with it. Runs
    pass None and pay nothing for it.
    """
    s = NeutronState.empty(n)
    s.p = np.ones(n)
    # rays that divide by zero (vz = 0, missed shapes) are masked out by the components
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        for comp, split, (rot, offset) in zip(model.components, model.splits, transforms, strict=True):
            if len(s) == 0:
                return
            s = s.transform(rot, offset)
            if split > 1:
                s = NeutronState(
                    *(np.repeat(getattr(s, f), split) for f in ("x", "y", "z", "vx", "vy", "vz", "t", "p"))
                )
                s.p = s.p / split
            if observe is None:
                s = comp.trace(s, rng)
            else:
                before = s.copy()
                s = comp.trace(s, rng)
                observe(comp.index, before, s)


def run_model(
    model: Model,
    ncount: int,
    seed: int,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[MonitorData]:
    """Trace ncount rays; returns the monitors' data."""
    for comp in model.components:
        comp.ncount = ncount
    transforms = _transforms(model)
    done, chunk_no = 0, 0
    while done < ncount:
        if cancelled is not None and cancelled():
            raise Cancelled("simulation cancelled")
        n = min(CHUNK, ncount - done)
        rng = np.random.default_rng([seed, chunk_no])
        trace_chunk(model, n, rng, transforms)
        done += n
        chunk_no += 1
        if progress is not None:
            progress(done / ncount)
    monitors: list[MonitorData] = []
    for comp in model.components:
        if not comp.p.get("nowritefile"):
            monitors.extend(comp.monitors(ncount))
    return monitors


def trace_each(
    model: Model, rays: range, seed: int, observe: Callable[[int, int, NeutronState, NeutronState], None]
) -> None:
    """Trace the rays k in ``rays`` one at a time (ray k seeded by (seed, k)), so observe(k, index,
    before, after) can follow each ray through the components; for pictures, not for statistics."""
    transforms = _transforms(model)
    for k in rays:
        rng = np.random.default_rng([seed, k])
        trace_chunk(model, 1, rng, transforms, partial(observe, k))


def run(
    instrument: Instrument,
    params: dict,
    ncount: int,
    seed: int,
    outdir: str | Path,
    progress=None,
    cancelled=None,
) -> tuple[list[MonitorData], float]:
    """Run the instrument with validated params and write McStas output into outdir."""
    start = time.perf_counter()
    model = build_model(instrument, params)
    monitors = run_model(model, int(ncount), int(seed), progress, cancelled)
    types = {p.name: p.type for p in instrument.parameters}
    info = RunInfo(
        instrument.name,
        instrument.path,
        dict(params),
        types,
        int(ncount),
        int(seed),
        Path(outdir).name or str(outdir),
        creator=f"elearn embedded engine {VERSION} (McStas 3 output format)",
    )
    write_output(outdir, info, monitors)
    return monitors, time.perf_counter() - start
