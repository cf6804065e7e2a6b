"""Monitor plots with matplotlib: 1D with error bars, 2D with a colour bar; linear or log scale.

Plots are drawn once per (result, monitor, scale) and kept beside the McStas files.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from elearn.sim.mccode_output import MonitorData  # noqa: E402

SCALES = ("linear", "log")


def monitor_png(monitor: MonitorData, scale: str) -> bytes:
    """A PNG of one monitor (about 640x440 px)."""
    figure = Figure(figsize=(6.4, 4.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    intensity = np.asarray(monitor.intensity, dtype=float)
    if intensity.ndim == 1:
        _plot_1d(axes, monitor, intensity, scale)
    else:
        _plot_2d(figure, axes, monitor, intensity, scale)
    axes.set_title(f"{monitor.component}: {monitor.title}", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _plot_1d(axes, monitor: MonitorData, intensity: np.ndarray, scale: str) -> None:  # type: ignore[no-untyped-def]
    low, high = monitor.limits[0], monitor.limits[1]
    edges = np.linspace(low, high, intensity.size + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    errors = monitor.errors if monitor.errors is not None else np.zeros_like(intensity)
    axes.errorbar(centres, intensity, yerr=errors, fmt="o-", markersize=2.5, linewidth=0.8,
                  elinewidth=0.8, capsize=0, color="#1f5fa8")  # fmt: skip
    axes.set_xlabel(monitor.xlabel)
    axes.set_ylabel(monitor.ylabel or "Intensity")
    if scale == "log" and (intensity > 0).any():
        axes.set_yscale("log")
        axes.set_ylim(bottom=intensity[intensity > 0].min() / 2)
    axes.grid(alpha=0.3)


def _plot_2d(figure: Figure, axes, monitor: MonitorData, intensity: np.ndarray, scale: str) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.colors import LogNorm

    extent = monitor.limits[:4] if len(monitor.limits) >= 4 else None
    positive = intensity[intensity > 0]
    norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if scale == "log" and positive.size else None
    data = np.where(intensity > 0, intensity, np.nan) if norm is not None else intensity
    # intensity is indexed [x, y]; imshow draws rows, so rows must be y
    image = axes.imshow(data.T, origin="lower", extent=extent, aspect="auto", cmap="viridis", norm=norm,
                        interpolation="nearest")  # fmt: skip
    figure.colorbar(image, ax=axes, label="Intensity")
    axes.set_xlabel(monitor.xlabel)
    axes.set_ylabel(monitor.ylabel)


def cached_png(folder: Path, monitor: MonitorData, scale: str) -> bytes:
    """The monitor's PNG from ``folder/plots``, drawing it the first time."""
    if scale not in SCALES:
        raise ValueError(f"scale must be linear or log, not {scale!r}")
    path = folder / "plots" / f"{monitor.component}-{scale}.png"
    if path.exists():
        return path.read_bytes()
    png = monitor_png(monitor, scale)
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(png)
    temporary.replace(path)
    return png
