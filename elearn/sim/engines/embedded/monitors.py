"""Monitors: PSD_monitor, L_monitor, E_monitor, TOF_monitor, PSDlin_monitor,
Divergence_monitor and a banana subset of Monitor_nD.

As in McStas: PROP_Z0 (rays going backwards are absorbed), count rays strictly inside the
opening whose value falls in a bin (I += p, I2 += p^2, N += 1), leave other rays alone, and
with restore_neutron=1 hand on the ray as it arrived. Sums accumulate across chunks.
"""

from __future__ import annotations

import re

import numpy as np

from ...expressions import CONSTANTS
from ...mccode_output import MonitorData
from .component import Component, ComponentSetupError, register
from .geometry import cylinder_intersect
from .optics import _xy_bounds

V2K = CONSTANTS["V2K"]
VS2E = CONSTANTS["VS2E"]
RAD2DEG = CONSTANTS["RAD2DEG"]


class Histogram:
    """Running sums for a 1D (n,) or 2D (nx, ny) monitor."""

    def __init__(self, shape: tuple[int, ...]):
        self.shape = shape
        size = int(np.prod(shape))
        self.i = np.zeros(size)
        self.i2 = np.zeros(size)
        self.n = np.zeros(size)

    def add(self, flat_index: np.ndarray, p: np.ndarray) -> None:
        size = len(self.i)
        self.i += np.bincount(flat_index, weights=p, minlength=size)
        self.i2 += np.bincount(flat_index, weights=p * p, minlength=size)
        self.n += np.bincount(flat_index, minlength=size)

    def arrays(self):
        return (self.i.reshape(self.shape), self.i2.reshape(self.shape), self.n.reshape(self.shape))


class RectMonitor(Component):
    """Shared trace of the flat rectangular monitors."""

    title = xlabel = ylabel = xvar = yvar = ""

    def setup(self):
        self.bounds = _xy_bounds(self.p)
        xmin, xmax, ymin, ymax = self.bounds
        if xmin >= xmax or ymin >= ymax:
            raise ComponentSetupError(f"{self.mcstas_name}: null detection area")
        self.hist = Histogram(self.shape())

    def shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    def bins(self, s) -> tuple[np.ndarray, np.ndarray]:
        """Flat bin index per ray and the mask of rays inside the binning range."""
        raise NotImplementedError

    def trace(self, s, rng):
        original = s.copy() if self.p.get("restore_neutron") else None
        keep = s.prop_z0()
        xmin, xmax, ymin, ymax = self.bounds
        inside = keep & (s.x > xmin) & (s.x < xmax) & (s.y > ymin) & (s.y < ymax)
        index, valid = self.bins(s)
        counted = inside & valid
        self.hist.add(index[counted], s.p[counted])
        return (original if original is not None else s).select(keep)

    def limits(self) -> tuple[float, ...]:
        raise NotImplementedError

    def monitors(self, ncount):
        i, i2, n = self.hist.arrays()
        return [
            MonitorData(
                self.name,
                self.filename(".dat"),
                self.title,
                self.xlabel,
                self.ylabel,
                self.xvar,
                self.yvar,
                self.limits(),
                i,
                i2,
                n,
                tuple(self.placement.position),
            )
        ]


def _bin(values, lo, hi, n):
    with np.errstate(invalid="ignore"):
        idx = np.floor((values - lo) * n / (hi - lo))
    valid = (idx >= 0) & (idx < n)
    return np.where(valid, idx, 0).astype(np.int64), valid


class Rect1D(RectMonitor):
    count_param = ""

    def shape(self):
        return (int(self.p[self.count_param]),)

    def value(self, s) -> np.ndarray:
        raise NotImplementedError

    def bins(self, s):
        lo, hi = self.limits()
        return _bin(self.value(s), lo, hi, self.shape()[0])


RECT: dict[str, float | str | None] = {
    "xmin": -0.05,
    "xmax": 0.05,
    "ymin": -0.05,
    "ymax": 0.05,
    "xwidth": 0,
    "yheight": 0,
    "restore_neutron": 0,
    "filename": "",
    "nowritefile": 0,
}


@register
class LMonitor(Rect1D):
    mcstas_name = "L_monitor"
    defaults = {**RECT, "nL": 20, "Lmin": None, "Lmax": None}
    count_param = "nL"
    title, xlabel, ylabel, xvar = "Wavelength monitor", "Wavelength [AA]", "Intensity", "L"

    def value(self, s):
        return (2 * np.pi / V2K) / s.speed()

    def limits(self):
        return (self.p["Lmin"], self.p["Lmax"])


@register
class EMonitor(Rect1D):
    mcstas_name = "E_monitor"
    defaults = {**RECT, "nE": 20, "Emin": None, "Emax": None}
    count_param = "nE"
    title, xlabel, ylabel, xvar = "Energy monitor", "Energy [meV]", "Intensity", "E"

    def value(self, s):
        return VS2E * s.speed() ** 2

    def limits(self):
        return (self.p["Emin"], self.p["Emax"])


@register
class TOFMonitor(Rect1D):
    mcstas_name = "TOF_monitor"
    defaults = {**RECT, "nt": 20, "tmin": 0, "tmax": 0, "dt": 1.0}
    count_param = "nt"
    title, xlabel, ylabel, xvar = ("Time-of-flight monitor", "Time-of-flight [\\gms]", "Intensity", "t")

    def setup(self):
        p = self.p
        if p["tmax"] != 0:
            self.t_min, self.t_max = p["tmin"], p["tmax"]
            self.delta_t = (p["tmax"] - p["tmin"]) / p["nt"]
        else:
            self.t_min, self.delta_t = 0.0, p["dt"]
            self.t_max = p["nt"] * p["dt"] + p["tmin"]
        super().setup()

    def bins(self, s):
        with np.errstate(invalid="ignore"):
            idx = np.floor((1e6 * s.t - self.t_min) / self.delta_t)
        valid = (idx >= 0) & (idx < self.p["nt"])
        return np.where(valid, idx, 0).astype(np.int64), valid

    def limits(self):
        return (self.t_min, self.t_max)


@register
class PSDlinMonitor(Rect1D):
    mcstas_name = "PSDlin_monitor"
    defaults = {**RECT, "nbins": 20, "vertical": 0}
    count_param = "nbins"
    title, ylabel = "Linear PSD monitor", "Intensity"

    def setup(self):
        super().setup()
        axis = "y" if self.p["vertical"] else "x"
        self.xvar, self.xlabel = axis, f"{axis}-Position [m]"

    def value(self, s):
        return s.y if self.p["vertical"] else s.x

    def limits(self):
        xmin, xmax, ymin, ymax = self.bounds
        return (ymin, ymax) if self.p["vertical"] else (xmin, xmax)


@register
class PSDMonitor(RectMonitor):
    mcstas_name = "PSD_monitor"
    defaults = {**RECT, "nx": 90, "ny": 90}
    title, xlabel, ylabel, xvar, yvar = ("PSD monitor", "X position [cm]", "Y position [cm]", "X ", "Y ")

    def shape(self):
        return (int(self.p["nx"]), int(self.p["ny"]))

    def bins(self, s):
        xmin, xmax, ymin, ymax = self.bounds
        nx, ny = self.shape()
        ix, vx = _bin(s.x, xmin, xmax, nx)
        iy, vy = _bin(s.y, ymin, ymax, ny)
        return ix * ny + iy, vx & vy

    def limits(self):
        return tuple(100.0 * b for b in self.bounds)


@register
class DivergenceMonitor(RectMonitor):
    mcstas_name = "Divergence_monitor"
    defaults = {**RECT, "nh": 20, "nv": 20, "maxdiv_h": 2, "maxdiv_v": 2, "nx": 0, "ny": 0, "nz": 1}
    title, xlabel, ylabel, xvar, yvar = (
        "Divergence monitor",
        "X divergence [deg]",
        "Y divergence [deg]",
        "X ",
        "Y ",
    )

    def setup(self):
        super().setup()
        n = np.array([self.p["nx"], self.p["ny"], self.p["nz"]], dtype=float)
        self.normal = n / np.linalg.norm(n)

    def shape(self):
        return (int(self.p["nh"]), int(self.p["nv"]))

    def bins(self, s):
        p = self.p
        vn = s.vx * self.normal[0] + s.vy * self.normal[1] + s.vz * self.normal[2]
        h_div = RAD2DEG * np.arctan2(s.vx, vn)
        v_div = RAD2DEG * np.arctan2(s.vy, vn)
        ok = (
            (h_div < p["maxdiv_h"])
            & (h_div > -p["maxdiv_h"])
            & (v_div < p["maxdiv_v"])
            & (v_div > -p["maxdiv_v"])
        )
        nh, nv = self.shape()
        ih, vh = _bin(h_div, -p["maxdiv_h"], p["maxdiv_h"], nh)
        iv, vv = _bin(v_div, -p["maxdiv_v"], p["maxdiv_v"], nv)
        return ih * nv + iv, ok & vh & vv

    def limits(self):
        return (-self.p["maxdiv_h"], self.p["maxdiv_h"], -self.p["maxdiv_v"], self.p["maxdiv_v"])


@register
class MonitorND(Component):
    """Monitor_nD restricted to options "banana, theta limits=[a b] bins=n" (1D in 2theta).

    The detector is a vertical cylinder of radius xwidth/2 (or radius) and height yheight
    around the component origin; a ray from inside is counted where it leaves the cylinder
    side, binned in theta = atan2(x, z) (deg). Other options are refused.
    """

    mcstas_name = "Monitor_nD"
    defaults = {
        "user1": "",
        "user2": "",
        "user3": "",
        "xwidth": 0,
        "yheight": 0,
        "zdepth": 0,
        "xmin": 0,
        "xmax": 0,
        "ymin": 0,
        "ymax": 0,
        "zmin": 0,
        "zmax": 0,
        "bins": 0,
        "min": -1e40,
        "max": 1e40,
        "restore_neutron": 0,
        "radius": 0,
        "options": "",
        "filename": "",
        "geometry": "",
        "nowritefile": 0,
        "username1": "",
        "username2": "",
        "username3": "",
    }
    string_params = frozenset(
        {"user1", "user2", "user3", "options", "filename", "geometry", "username1", "username2", "username3"}
    )
    OPTIONS = re.compile(
        r"^\s*banana\s*,?\s*(?:theta|angle|th)\s+limits\s*=\s*\[\s*([-+.\deE]+)[\s,]+"
        r"([-+.\deE]+)\s*\]\s*,?\s*bins\s*=\s*(\d+)\s*$",
        re.IGNORECASE,
    )

    def setup(self):
        match = self.OPTIONS.match(str(self.p["options"]))
        if not match:
            raise ComponentSetupError(
                f"Monitor_nD options {self.p['options']!r} are not supported by the embedded "
                'engine (only "banana, theta limits=[a b] bins=n")'
            )
        self.lo, self.hi, self.nbins = float(match[1]), float(match[2]), int(match[3])
        self.radius = self.p["radius"] or self.p["xwidth"] / 2
        if self.radius <= 0 or self.p["yheight"] <= 0:
            raise ComponentSetupError("Monitor_nD banana needs xwidth (or radius) and yheight")
        self.hist = Histogram((self.nbins,))

    def trace(self, s, rng):
        original = s.copy() if self.p["restore_neutron"] else None
        t0, t1 = cylinder_intersect(s.x, s.y, s.z, s.vx, s.vy, s.vz, self.radius, self.p["yheight"])
        hit = ~np.isnan(t1) & (t1 > 0)
        s.advance(np.where(hit, t1, 0.0))
        side = hit & (np.abs(s.y) < self.p["yheight"] / 2)
        theta = RAD2DEG * np.arctan2(s.x, s.z)
        idx, valid = _bin(theta, self.lo, self.hi, self.nbins)
        counted = side & valid
        self.hist.add(idx[counted], s.p[counted])
        return original if original is not None else s

    def monitors(self, ncount):
        i, i2, n = self.hist.arrays()
        return [
            MonitorData(
                self.name,
                self.filename(".th"),
                "Intensity Angle Monitor (Banana) [out] per bin",
                "Angle [deg]",
                "Intensity",
                "th",
                "(I,I_err)",
                (self.lo, self.hi),
                i,
                i2,
                n,
                tuple(self.placement.position),
            )
        ]
