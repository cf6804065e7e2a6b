"""Read McStas (or our) text output back into MonitorData, for plots and quiz grading."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .mccode_output import MonitorData


def _blocks(sim_text: str, name: str) -> list[dict]:
    """Key/value pairs of each 'begin name' ... 'end name' block; Param lines in '_params'."""
    blocks: list[dict] = []
    current: dict | None = None
    for line in sim_text.splitlines():
        stripped = line.strip()
        if stripped.startswith(f"begin {name}"):
            current = {}
        elif stripped.startswith(f"end {name}"):
            if current is not None:
                blocks.append(current)
            current = None
        elif current is not None and ":" in stripped:
            key, value = stripped.split(":", 1)
            current.setdefault(key.strip(), value.strip())
            if key.strip() == "Param":
                pname, _, pvalue = value.strip().partition("=")
                current.setdefault("_params", {})[pname.strip()] = pvalue.strip()
    return blocks


def read_parameters(outdir: str | Path) -> dict[str, str]:
    """Instrument parameters of the run as written in mccode.sim (text values)."""
    sim = (Path(outdir) / "mccode.sim").read_text()
    blocks = _blocks(sim, "simulation")
    return dict(blocks[0].get("_params", {})) if blocks else {}


def _read_matrices(path: Path, ny: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    data = np.array([[float(v) for v in row.split()] for row in rows])
    i, e, n = data[:ny], data[ny : 2 * ny], data[2 * ny : 3 * ny]
    return i.T, e.T, n.T


def read_output(outdir: str | Path) -> list[MonitorData]:
    """Every monitor listed in outdir/mccode.sim, with I, I_err and N arrays."""
    outdir = Path(outdir)
    monitors = []
    for block in _blocks((outdir / "mccode.sim").read_text(), "data"):
        kind = block.get("type", "")
        path = outdir / block["filename"]
        dims = [int(v) for v in kind[kind.index("(") + 1 : kind.index(")")].split(",")]
        if kind.startswith("array_1d"):
            data = np.loadtxt(path, ndmin=2)
            intensity, errors, counts = data[:, 1], data[:, 2], data[:, 3]
            limits = tuple(float(v) for v in block.get("xlimits", "0 1").split())
        else:
            intensity, errors, counts = _read_matrices(path, dims[1])
            limits = tuple(float(v) for v in block.get("xylimits", "0 1 0 1").split())
        x, y, z = (float(v) for v in block.get("position", "0 0 0").split())
        position = (x, y, z)
        monitors.append(
            MonitorData(
                component=block.get("component", ""),
                filename=block["filename"],
                title=block.get("title", ""),
                xlabel=block.get("xlabel", ""),
                ylabel=block.get("ylabel", ""),
                xvar=block.get("xvar", "").strip(),
                yvar=block.get("yvar", "").strip(),
                limits=limits,
                intensity=intensity,
                sum_p2=None,
                counts=counts,
                position=position,
                errors=errors,
                metadata=block,
            )
        )
    return monitors
