"""Reference quantities read from a monitor's histogram, each with its statistical error.

Pure NumPy over bin centres ``x``, intensities ``y`` and their errors ``e`` (McStas's I and
I_err columns, n/s per bin). The error of a non-linear quantity (peak, minimum, FWHM) is the
spread over resampled histograms (y + e * normal, a fixed seed so grading is repeatable) added
in quadrature to the bin width / sqrt(12) a histogram cannot resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RESAMPLES = 64
Quantity = Callable[..., "Measured"]  # (x, y, e, smooth=bins) -> Measured


class QuantityError(ValueError):
    """The monitor does not show the feature asked for (no peak, no minimum, empty)."""


@dataclass(frozen=True)
class Measured:
    value: float
    error: float  # one standard error, same unit as value


def total_intensity(x: np.ndarray, y: np.ndarray, e: np.ndarray, smooth: int = 1) -> Measured:
    """Sum of the monitor's bins (n/s) and its error sqrt(sum e^2)."""
    return Measured(float(y.sum()), float(np.sqrt((e**2).sum())))


def centroid(x: np.ndarray, y: np.ndarray, e: np.ndarray, smooth: int = 1) -> Measured:
    """Intensity-weighted mean of x, error by linear propagation of the bin errors."""
    total = y.sum()
    if total <= 0:
        raise QuantityError("the monitor recorded no intensity")
    mean = float((x * y).sum() / total)
    error = float(np.sqrt((((x - mean) / total) ** 2 * e**2).sum()))
    return Measured(mean, error)


def _peak(x: np.ndarray, y: np.ndarray, width: int = 1) -> float:
    """Position of the highest bin, refined by a parabola through it and its neighbours."""
    y = _smooth(y, width)
    if y.max() <= 0:
        raise QuantityError("the monitor recorded no intensity")
    return _vertex(x, y, int(np.argmax(y)))


def _vertex(x: np.ndarray, y: np.ndarray, i: int) -> float:
    """The parabola through bins i-1, i, i+1: its extremum (bin centre at the edges)."""
    if i == 0 or i == len(y) - 1:
        return float(x[i])
    left, mid, right = y[i - 1], y[i], y[i + 1]
    curvature = left - 2 * mid + right
    if curvature == 0:
        return float(x[i])
    shift = 0.5 * (left - right) / curvature
    return float(x[i] + np.clip(shift, -0.5, 0.5) * (x[i + 1] - x[i - 1]) / 2)


def _fwhm(x: np.ndarray, y: np.ndarray, width: int = 1) -> float:
    """Full width at half maximum, linearly interpolated between bins."""
    y = _smooth(y, width)
    top = int(np.argmax(y))
    half = y[top] / 2
    if y[top] <= 0:
        raise QuantityError("the monitor recorded no intensity")
    low = top
    while low > 0 and y[low] > half:
        low -= 1
    high = top
    while high < len(y) - 1 and y[high] > half:
        high += 1
    if y[low] > half or y[high] > half:
        raise QuantityError("the peak is not inside the monitor's range")
    left = np.interp(half, [y[low], y[low + 1]], [x[low], x[low + 1]])
    right = np.interp(half, [y[high], y[high - 1]], [x[high], x[high - 1]])
    return float(right - left)


def _smooth(y: np.ndarray, width: int) -> np.ndarray:
    if width <= 1:
        return y
    kernel = np.ones(width) / width
    return np.convolve(np.pad(y, width // 2, mode="edge"), kernel, mode="valid")[: len(y)]


def _first_minimum(x: np.ndarray, y: np.ndarray, width: int = 3) -> float:
    """The first minimum after the maximum that the curve climbs out of again by more than a
    quarter of its depth below the maximum (a sphere's form factor: qR = 4.493), so that noise
    on the falling slope is not taken for it."""
    smooth = _smooth(y, width)
    start = int(np.argmax(smooth))
    lowest = start
    for i in range(start + 1, len(smooth)):
        if smooth[i] < smooth[lowest]:
            lowest = i
        elif smooth[i] - smooth[lowest] > 0.25 * smooth[lowest] + 1e-300 and lowest > start:
            return _vertex(x, smooth, lowest)
    raise QuantityError("no minimum after the maximum inside the monitor's range")


def _resampled(statistic: Callable[[np.ndarray, np.ndarray, int], float]) -> Quantity:
    def measure(x: np.ndarray, y: np.ndarray, e: np.ndarray, smooth: int = 1) -> Measured:
        value = statistic(x, y, smooth)
        rng = np.random.default_rng(20261125)
        samples = []
        for _ in range(RESAMPLES):
            try:
                samples.append(statistic(x, y + e * rng.standard_normal(len(y)), smooth))
            except QuantityError:
                continue
        spread = float(np.std(samples)) if len(samples) > 1 else 0.0
        width = float(abs(x[-1] - x[0]) / max(len(x) - 1, 1))
        return Measured(value, float(np.hypot(spread, width / np.sqrt(12))))

    measure.__doc__ = statistic.__doc__
    return measure


QUANTITIES: dict[str, Quantity] = {
    "total_intensity": total_intensity,
    "centroid": centroid,
    "peak_position": _resampled(_peak),
    "fwhm": _resampled(_fwhm),
    "first_minimum": _resampled(_first_minimum),
}


def radial_profile(
    x: np.ndarray, y: np.ndarray, image: np.ndarray, errors: np.ndarray, bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean intensity per pixel in rings around (0, 0) of a 2D monitor ``image[ix, iy]``.

    Returns ring centres r (the monitor's axis unit) up to the largest whole ring, mean I and
    its error; empty rings (a beam stop) are dropped so they are not taken for a minimum.
    """
    radius = np.hypot(*np.meshgrid(x, y, indexing="ij"))
    edges = np.linspace(0, min(np.abs(x).max(), np.abs(y).max()), bins + 1)  # whole rings only
    inside = radius < edges[-1]
    ring = np.digitize(radius[inside], edges) - 1
    pixels = np.bincount(ring, minlength=bins)
    sums = np.bincount(ring, weights=image[inside], minlength=bins)
    variances = np.bincount(ring, weights=(errors**2)[inside], minlength=bins)
    keep = (pixels > 0) & (sums > 0)
    centres = (edges[:-1] + edges[1:]) / 2
    return centres[keep], sums[keep] / pixels[keep], np.sqrt(variances[keep]) / pixels[keep]
