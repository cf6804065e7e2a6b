"""Write and read McStas 3 text output: mccode.sim plus one .dat file per monitor.

Matches mccode-r.c's "McCode with text headers" format: per-bin errors are
mcestimate_error(N, p, p2) = sqrt(N/(N-1) |p2 - (p/N)^2|) (p itself when N <= 1), 1D files
have columns x I I_err N with x the bin centre, 2D files hold ny rows of nx values for I,
then I_err, then N (rows are y, columns are x), as mcstasscript's loader expects.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT_NAME = "McCode with text headers"


@dataclass
class MonitorData:
    """One monitor's histogram: I = sum p, I2 = sum p^2 (or errors when read), N = counts.

    1D arrays have shape (n,); 2D arrays have shape (nx, ny) indexed [ix, iy].
    limits are (xmin, xmax) for 1D and (xmin, xmax, ymin, ymax) for 2D, in label units.
    """

    component: str
    filename: str
    title: str
    xlabel: str
    ylabel: str
    xvar: str
    yvar: str
    limits: tuple[float, ...]
    intensity: np.ndarray
    sum_p2: np.ndarray | None
    counts: np.ndarray
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    errors: np.ndarray | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def ndim(self) -> int:
        return self.intensity.ndim

    def error_array(self) -> np.ndarray:
        if self.errors is not None:
            return self.errors
        return estimate_error(self.counts, self.intensity, self.sum_p2)

    def totals(self) -> tuple[float, float, float]:
        """(I, I_err, N) summed over bins, as in the 'values:' header line."""
        n = float(self.counts.sum())
        i = float(self.intensity.sum())
        if self.sum_p2 is not None:
            e = float(estimate_error(np.array(n), np.array(i), np.array(self.sum_p2.sum())))
        else:
            e = float(np.sqrt((self.error_array() ** 2).sum()))
        return i, e, n

    def axis(self, which: int = 0) -> np.ndarray:
        """Bin centres along x (which=0) or y (which=1)."""
        lo, hi = self.limits[2 * which], self.limits[2 * which + 1]
        n = self.intensity.shape[which]
        return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def estimate_error(n, p1, p2) -> np.ndarray:
    """McStas mcestimate_error, elementwise."""
    n = np.asarray(n, dtype=float)
    p1 = np.asarray(p1, dtype=float)
    p2 = np.asarray(p2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmean = np.where(n > 0, p1 / np.where(n > 0, n, 1), 0.0)
        est = np.sqrt(np.where(n > 1, n / np.where(n > 1, n - 1, 1), 0) * np.abs(p2 - pmean**2))
    return np.where(n <= 1, p1, est)


@dataclass
class RunInfo:
    """What mccode.sim says about the run as a whole."""

    instrument_name: str
    instrument_file: str
    parameters: dict
    parameter_types: dict
    ncount: int
    seed: int
    directory: str
    creator: str = "elearn embedded engine (McStas 3 compatible output)"


def _g(value: float) -> str:
    return f"{value:g}"


def _statistics(mon: MonitorData) -> str:
    i = mon.intensity
    total = i.sum()
    if mon.ndim == 1:
        x = mon.axis(0)
        x0 = (x * i).sum() / total if total else 0.0
        dx = np.sqrt(max((x * x * i).sum() / total - x0 * x0, 0)) if total else 0.0
        return f"X0={_g(x0)}; dX={_g(dx)};"
    x, y = mon.axis(0), mon.axis(1)
    ix, iy = i.sum(axis=1), i.sum(axis=0)
    x0 = (x * ix).sum() / total if total else 0.0
    y0 = (y * iy).sum() / total if total else 0.0
    dx = np.sqrt(max((x * x * ix).sum() / total - x0 * x0, 0)) if total else 0.0
    dy = np.sqrt(max((y * y * iy).sum() / total - y0 * y0, 0)) if total else 0.0
    return f"X0={_g(x0)}; dX={_g(dx)}; Y0={_g(y0)}; dY={_g(dy)};"


def data_header(mon: MonitorData, run: RunInfo, date: str) -> list[tuple[str, str]]:
    """The key/value lines describing one monitor, in McStas's order."""
    i, e, n = mon.totals()
    shape = mon.intensity.shape
    kind = f"array_1d({shape[0]})" if mon.ndim == 1 else f"array_2d({shape[0]}, {shape[1]})"
    lines = [
        ("Date", date),
        ("type", kind),
        ("Source", f"{run.instrument_name} ({Path(run.instrument_file).name})"),
        ("component", mon.component),
        ("position", " ".join(_g(v) for v in mon.position)),
        ("title", mon.title),
        ("Ncount", str(run.ncount)),
        ("filename", mon.filename),
        ("statistics", _statistics(mon)),
        (
            "signal",
            f"Min={_g(mon.intensity.min())}; Max={_g(mon.intensity.max())}; Mean={_g(mon.intensity.mean())};",
        ),
        ("values", f"{_g(i)} {_g(e)} {_g(n)}"),
        ("xvar", mon.xvar),
        ("yvar", mon.yvar if mon.ndim == 2 else "(I,I_err)"),
        ("xlabel", mon.xlabel),
        ("ylabel", mon.ylabel),
    ]
    if mon.ndim == 1:
        lines += [("xlimits", " ".join(_g(v) for v in mon.limits)), ("variables", f"{mon.xvar} I I_err N")]
    else:
        lines += [
            ("zvar", "I"),
            ("zlabel", "Signal per bin"),
            ("xylimits", " ".join(_g(v) for v in mon.limits)),
            ("variables", "I I_err N"),
        ]
    return lines


def _run_header(run: RunInfo) -> list[tuple[str, str]]:
    lines = [
        ("Format", FORMAT_NAME),
        ("URL", "http://www.mccode.org"),
        ("Creator", run.creator),
        ("Instrument", Path(run.instrument_file).name),
        ("Ncount", str(run.ncount)),
        ("Trace", "no"),
        ("Gravitation", "no"),
        ("Seed", str(run.seed)),
        ("Directory", run.directory),
        ("Nodes", "1"),
    ]
    lines += [("Param", f"{k}={v}") for k, v in run.parameters.items()]
    return lines


def _matrix(values: np.ndarray) -> str:
    rows = values.T  # rows are y, columns are x
    return "".join(" ".join(f"{v:.10g}" for v in row) + " \n" for row in rows)


def write_monitor(outdir: Path, mon: MonitorData, run: RunInfo, date: str) -> None:
    """Write one monitor's .dat file."""
    head = _run_header(run) + data_header(mon, run, date)
    text = "".join(f"# {k}: {v}\n" for k, v in head)
    err = mon.error_array()
    if mon.ndim == 1:
        x = mon.axis(0)
        text += "".join(
            f"{xv:g} {iv:.10g} {ev:.10g} {nv:.10g} \n"
            for xv, iv, ev, nv in zip(x, mon.intensity, err, mon.counts, strict=True)
        )
    else:
        tag = f"{mon.component}/{mon.filename}"
        text += f"# Data [{tag}] I:\n" + _matrix(mon.intensity)
        text += f"# Errors [{tag}] I_err:\n" + _matrix(err)
        text += f"# Events [{tag}] N:\n" + _matrix(mon.counts)
    (outdir / mon.filename).write_text(text)


def write_output(outdir: str | Path, run: RunInfo, monitors: list[MonitorData]) -> Path:
    """Write mccode.sim and the monitors' .dat files into outdir; returns outdir."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    now = time.time()
    date = f"{time.strftime('%a %b %d %H:%M:%S %Y', time.localtime(now))} ({int(now)})"
    params = " ".join(f"{k}({run.parameter_types.get(k, 'double')})" for k in run.parameters)
    sim = [
        f"McStas simulation description file for {run.instrument_name}.",
        f"Date:    {date.split(' (')[0]}",
        f"Program: {run.creator}",
        "",
        f"begin instrument: {run.instrument_name}",
        f"  File: {run.directory}/mccode",
        f"  Source: {Path(run.instrument_file).name}",
        f"  Parameters:  {params}",
        "  Trace_enabled: no",
        "  Default_main: yes",
        "  Embedded_runtime: yes",
        "end instrument",
        "",
        f"begin simulation: {run.directory}",
    ]
    sim += [f"  {k}: {v}" for k, v in _run_header(run)]
    sim += ["end simulation", ""]
    for mon in monitors:
        write_monitor(outdir, mon, run, date)
        sim += ["begin data"] + [f"  {k}: {v}" for k, v in data_header(mon, run, date)]
        sim += ["end data", ""]
    (outdir / "mccode.sim").write_text("\n".join(sim) + "\n")
    return outdir
