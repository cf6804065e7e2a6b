"""Monitor histograms as plain JSON-able data for the interactive plots, overlays and differences.

The browser draws what this module computes: bin edges and centres, I, its error and the event
count N per bin, totals, where the peak is, and a plain-text description a screen reader reads.
1D arrays are lists of length n; 2D arrays are nested lists ``z[ix][iy]`` (x outer, y inner),
as MonitorData holds them. Missing values (a ratio over an empty bin) are None, never NaN.
A scan's overview is a "points" series: x are the scanned values (no bins), one run per point.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from elearn.sim.mccode_output import MonitorData


class PlotDataError(ValueError):
    """Two monitors cannot be combined (different shape or binning); the message says which."""


def _clean(values: Any) -> Any:
    if isinstance(values, list):
        return [_clean(v) for v in values]
    return values if math.isfinite(values) else None


def _list(values: np.ndarray) -> Any:
    """A (nested) list of floats with None where the value is not finite (JSON has no NaN)."""
    return _clean(np.asarray(values, dtype=float).tolist())


def _axis(low: float, high: float, bins: int) -> dict[str, Any]:
    edges = np.linspace(low, high, bins + 1)
    return {"edges": _list(edges), "centres": _list(0.5 * (edges[:-1] + edges[1:])), "min": low, "max": high}


def _errors(monitor: MonitorData) -> np.ndarray:
    return np.asarray(monitor.error_array(), dtype=float)


def monitor_data(monitor: MonitorData, label: str = "") -> dict[str, Any]:
    """One monitor as JSON-able data: axes, I, errors, N, totals, peak, value range, description.

    ``label`` names the series in an overlay (e.g. "run #7"); shape is [n] or [nx, ny].
    """
    intensity = np.asarray(monitor.intensity, dtype=float)
    errors, counts = _errors(monitor), np.asarray(monitor.counts, dtype=float)
    total_i, total_e, total_n = monitor.totals()
    data: dict[str, Any] = {
        "name": monitor.component, "title": monitor.title, "label": label or monitor.component,
        "ndim": intensity.ndim, "shape": list(intensity.shape),
        "xlabel": monitor.xlabel, "ylabel": monitor.ylabel,
        "vlabel": (monitor.ylabel or "Intensity") if intensity.ndim == 1 else "Intensity",
        "x": _axis(monitor.limits[0], monitor.limits[1], intensity.shape[0]),
        "intensity": _list(intensity), "errors": _list(errors), "counts": _list(counts),
        "total": {"I": total_i, "E": total_e, "N": total_n},
    }  # fmt: skip
    if intensity.ndim == 2:
        data["y"] = _axis(monitor.limits[2], monitor.limits[3], intensity.shape[1])
        data["sums"] = _sums(intensity, errors)
    data.update(_extremes(data, intensity))
    data["description"] = describe(data)
    return data


def _sums(intensity: np.ndarray, errors: np.ndarray) -> dict[str, Any]:
    """Per x bin the sum over y and per y bin the sum over x, with errors added in quadrature."""
    return {
        "x": {"I": _list(intensity.sum(axis=1)), "E": _list(np.sqrt((errors**2).sum(axis=1)))},
        "y": {"I": _list(intensity.sum(axis=0)), "E": _list(np.sqrt((errors**2).sum(axis=0)))},
    }


def _extremes(data: dict[str, Any], values: np.ndarray) -> dict[str, Any]:
    """The largest value and where it is (bin centres), and the range of finite values."""
    finite = np.isfinite(values)
    if not finite.any():
        return {"peak": None, "range": None}
    index = np.unravel_index(int(np.argmax(np.where(finite, values, -np.inf))), values.shape)
    peak = {"value": float(values[index]), "x": data["x"]["centres"][index[0]],
            "index": [int(i) for i in index]}  # fmt: skip
    if values.ndim == 2:
        peak["y"] = data["y"]["centres"][index[1]]
    return {"peak": peak, "range": {"min": float(values[finite].min()), "max": float(values[finite].max())}}


def describe(data: dict[str, Any]) -> str:
    """A plain-text account of a plot for screen readers: what, axes, total, peak, value range."""
    x = data["x"]
    what = data["vlabel"]
    parts = [f"{data['label']}: {data['title']}."]
    points = data.get("kind") == "points"
    if points:
        parts.append(f"{what} against {data['xlabel']} at {data['shape'][0]} points from {x['min']:.4g} "
                     f"to {x['max']:.4g}.")  # fmt: skip
    elif data["ndim"] == 1:
        parts.append(f"{what} against {data['xlabel']} from {x['min']:.4g} to {x['max']:.4g} "
                     f"in {data['shape'][0]} bins.")  # fmt: skip
    else:
        y = data["y"]
        parts.append(f"Map of {what.lower()} over {data['xlabel']} from {x['min']:.4g} to {x['max']:.4g} "
                     f"({data['shape'][0]} bins) and {data['ylabel']} from {y['min']:.4g} to {y['max']:.4g} "
                     f"({data['shape'][1]} bins).")  # fmt: skip
    total = data.get("total")
    if total:
        events = f" from {total['N']:.0f} events" if total.get("N") is not None else ""
        parts.append(f"Total {total['I']:.4g} ± {total['E']:.2g}{events}.")
    peak = data.get("peak")
    if peak:
        where = f"{data['xlabel']} = {peak['x']:.4g}"
        if "y" in peak:
            where += f", {data['ylabel']} = {peak['y']:.4g}"
        parts.append(f"The {'largest value' if points else 'peak'}, {peak['value']:.4g}, is at {where}.")
        parts.append(f"Values range from {data['range']['min']:.4g} to {data['range']['max']:.4g}.")
    return " ".join(parts)


def check_comparable(a: MonitorData, b: MonitorData) -> None:
    """Refuse a difference of monitors that do not share shape and bin limits."""
    if a.component != b.component:
        raise PlotDataError(f"cannot subtract monitor {a.component!r} from {b.component!r}")
    shapes = ["x".join(map(str, np.shape(m.intensity))) for m in (a, b)]
    if shapes[0] != shapes[1]:
        raise PlotDataError(f"monitor {a.component}: the runs bin differently ({' and '.join(shapes)})")
    if len(a.limits) != len(b.limits) or not np.allclose(a.limits, b.limits, rtol=1e-9, atol=0):
        raise PlotDataError(
            f"monitor {a.component}: the runs have different axis limits ({a.limits} and {b.limits})"
        )


def difference(a: MonitorData, b: MonitorData, label: str = "B − A") -> dict[str, Any]:
    """B − A per bin with errors sqrt(eA² + eB²) (independent runs), as monitor data."""
    check_comparable(a, b)
    ia, ib = np.asarray(a.intensity, dtype=float), np.asarray(b.intensity, dtype=float)
    values, errors = ib - ia, np.sqrt(_errors(a) ** 2 + _errors(b) ** 2)
    return _derived(b, label, values, errors, "difference")


def ratio(a: MonitorData, b: MonitorData, label: str = "B / A") -> dict[str, Any]:
    """B / A per bin with relative errors added in quadrature; None where A is zero."""
    check_comparable(a, b)
    ia, ib = np.asarray(a.intensity, dtype=float), np.asarray(b.intensity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(ia != 0, ia, np.nan)
        values = ib / safe
        errors = np.sqrt((_errors(b) / safe) ** 2 + (ib * _errors(a) / safe**2) ** 2)
    return _derived(b, label, values, errors, "ratio")


def _derived(
    like: MonitorData, label: str, values: np.ndarray, errors: np.ndarray, kind: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": like.component, "title": f"{kind} of {like.title}", "label": label, "kind": kind,
        "ndim": values.ndim, "shape": list(values.shape), "xlabel": like.xlabel, "ylabel": like.ylabel,
        "vlabel": f"{kind.capitalize()} {label}", "x": _axis(like.limits[0], like.limits[1], values.shape[0]),
        "intensity": _list(values), "errors": _list(errors), "counts": None, "total": None,
    }  # fmt: skip
    if values.ndim == 2:
        data["y"] = _axis(like.limits[2], like.limits[3], values.shape[1])
        data["sums"] = _sums(np.nan_to_num(values), np.nan_to_num(errors))
    if kind == "difference":
        total_e = float(np.sqrt(np.nansum(errors**2)))
        data["total"] = {"I": float(np.nansum(values)), "E": total_e, "N": None}
    data.update(_extremes(data, values))
    data["description"] = describe(data)
    return data


def comparison(labelled: list[tuple[str, MonitorData]]) -> dict[str, Any]:
    """Several runs' monitor overlaid, with the second minus the first (and their ratio).

    Returns {"series": [monitor data...], "difference", "ratio" (None when refused),
    "refused": why there is no difference, or None}.
    """
    series = [monitor_data(monitor, label) for label, monitor in labelled]
    result: dict[str, Any] = {"series": series, "difference": None, "ratio": None, "refused": None}
    if len(labelled) < 2:
        result["refused"] = "a difference needs two runs"
        return result
    (label_a, a), (label_b, b) = labelled[0], labelled[1]
    try:
        result["difference"] = difference(a, b, f"{label_b} − {label_a}")
        result["ratio"] = ratio(a, b, f"{label_b} / {label_a}")
    except PlotDataError as error:
        result["refused"] = str(error)
    return result


def scan_series(entry: dict[str, Any], parameter: str) -> dict[str, Any]:
    """A scan overview entry (scans.scan_overview) as point series against the scanned value.

    parameter labels the x axis (``lambda [AA]``). Returns {"intensity": integrated I +- E per
    point, "peak": the centroid +- error per point for 1D monitors, else None}; each series
    carries "runs" (the run id of every point) beside x, intensity and errors.
    """
    result: dict[str, Any] = {"intensity": _points(entry, parameter, "Integrated intensity I", "I", "E")}
    result["peak"] = None
    if entry["is_1d"]:
        centroid = f"Centroid: {entry['xlabel']}"
        result["peak"] = _points(entry, parameter, centroid, "peak", "peak_E")
    return result


def _points(entry: dict[str, Any], parameter: str, vlabel: str, key: str, error_key: str) -> dict[str, Any]:
    """One point series: the rows' ``key`` +- ``error_key`` (None where missing) against the scanned value."""
    rows = entry["rows"]
    x = [float(row["value"]) for row in rows]
    values = np.asarray([np.nan if row[key] is None else row[key] for row in rows], dtype=float)
    errors = np.asarray([row.get(error_key) if row.get(error_key) is not None else np.nan for row in rows])
    data: dict[str, Any] = {
        "name": entry["name"], "title": entry["title"], "label": entry["name"], "kind": "points",
        "ndim": 1, "shape": [len(x)], "xlabel": parameter, "ylabel": vlabel, "vlabel": vlabel,
        "x": {"centres": x, "min": min(x, default=0.0), "max": max(x, default=0.0)},
        "intensity": _list(values), "errors": _list(errors.astype(float)), "counts": None, "total": None,
        "runs": [row["run"] for row in rows],
    }  # fmt: skip
    data.update(_extremes(data, values))
    data["description"] = describe(data)
    return data
