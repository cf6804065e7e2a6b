"""Beam-line optics: Slit, Beamstop, Collimator_linear, Guide, V_selector, DiskChopper.

Each follows its McStas 3 component source: Slit absorbs outside [xmin,xmax]x[ymin,ymax]
(or radius) at z=0; Beamstop may back-propagate and restores rays that miss it; Guide uses
the four-mirror intersection loop of Guide.comp with StdReflecFunc (R0, Qc, alpha, m, W;
m=0 absorbs on every wall hit); V_selector applies Guide-free analytic transmission
1 - nslit/(2 pi) (d/r_mean + |alpha + dtheta - omega length/vz|); DiskChopper with
isfirst=1 sets t inside the opening and multiplies p by nslit theta_0/(2 pi).
"""

from __future__ import annotations

import numpy as np

from ...expressions import CONSTANTS
from .component import Component, ComponentSetupError, rand_pm1, register

V2Q = CONSTANTS["V2K"]
MIN2RAD = CONSTANTS["MIN2RAD"]


def _xy_bounds(p: dict) -> tuple[float, float, float, float]:
    xmin, xmax, ymin, ymax = p["xmin"], p["xmax"], p["ymin"], p["ymax"]
    if p.get("xwidth", 0) > 0:
        xmax = p["xwidth"] / 2
        xmin = -xmax
    if p.get("yheight", 0) > 0:
        ymax = p["yheight"] / 2
        ymin = -ymax
    return xmin, xmax, ymin, ymax


UNSET = float("nan")


def _is_set(value) -> bool:
    return not (isinstance(value, float) and np.isnan(value))


@register
class Slit(Component):
    """McStas 3 Slit: all geometry UNSET by default; radius, or xwidth / xmin & xmax and
    yheight / ymin & ymax, exactly as its INITIALIZE checks."""

    mcstas_name = "Slit"
    defaults = {
        "xmin": UNSET,
        "xmax": UNSET,
        "ymin": UNSET,
        "ymax": UNSET,
        "radius": UNSET,
        "xwidth": UNSET,
        "yheight": UNSET,
    }

    def _axis(self, width: str, low: str, high: str) -> tuple[float, float]:
        p = self.p
        given = [_is_set(p[k]) for k in (width, low, high)]
        if all(given):
            if p[width] != p[high] - p[low]:
                raise ComponentSetupError(
                    f"Slit: specifying {width}, {low} and {high} requires consistent values"
                )
        elif not given[0] and not (given[1] and given[2]):
            raise ComponentSetupError(f"Slit: specify either {width} or {low} & {high}")
        if not given[1] or not given[2]:
            return -p[width] / 2, p[width] / 2
        return p[low], p[high]

    def setup(self):
        p = self.p
        self.radial = _is_set(p["radius"])
        if self.radial:
            if any(_is_set(p[k]) for k in ("xwidth", "xmin", "xmax", "yheight", "ymin", "ymax")):
                raise ComponentSetupError("Slit: specify radius OR width and height parameters")
        else:
            self.bounds = (*self._axis("xwidth", "xmin", "xmax"), *self._axis("yheight", "ymin", "ymax"))

    def trace(self, s, rng):
        keep = s.prop_z0()
        r = self.p["radius"]
        if not self.radial:
            xmin, xmax, ymin, ymax = self.bounds
            keep &= (s.x >= xmin) & (s.x <= xmax) & (s.y >= ymin) & (s.y <= ymax)
        else:
            keep &= s.x * s.x + s.y * s.y <= r * r
        return s.select(keep)


@register
class Beamstop(Component):
    mcstas_name = "Beamstop"
    defaults = {
        "xmin": -0.05,
        "xmax": 0.05,
        "ymin": -0.05,
        "ymax": 0.05,
        "xwidth": 0,
        "yheight": 0,
        "radius": 0,
    }

    def setup(self):
        self.bounds = _xy_bounds(self.p)

    def trace(self, s, rng):
        moved = s.copy()
        ok = moved.prop_z0(allow_backprop=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            forward = (-s.z / s.vz) >= 0
        r = self.p["radius"]
        if r != 0:
            inside = moved.x**2 + moved.y**2 <= r * r
        else:
            xmin, xmax, ymin, ymax = self.bounds
            inside = (moved.x > xmin) & (moved.x < xmax) & (moved.y > ymin) & (moved.y < ymax)
        return s.select(ok & ~(forward & inside))


@register
class CollimatorLinear(Component):
    mcstas_name = "Collimator_linear"
    defaults = {
        "xmin": -0.02,
        "xmax": 0.02,
        "ymin": -0.05,
        "ymax": 0.05,
        "xwidth": 0,
        "yheight": 0,
        "length": 0.3,
        "divergence": 40,
        "transmission": 1,
        "divergenceV": 0,
    }

    def setup(self):
        self.slope = np.tan(MIN2RAD * self.p["divergence"])
        self.slope_v = np.tan(MIN2RAD * self.p["divergenceV"])
        self.bounds = _xy_bounds(self.p)
        xmin, xmax, ymin, ymax = self.bounds
        if xmin >= xmax or ymin >= ymax:
            raise ComponentSetupError("Collimator_linear: null slit opening area")

    def _inside(self, s):
        xmin, xmax, ymin, ymax = self.bounds
        return (s.x >= xmin) & (s.x <= xmax) & (s.y >= ymin) & (s.y <= ymax)

    def trace(self, s, rng):
        keep = s.prop_z0() & self._inside(s)
        with np.errstate(divide="ignore", invalid="ignore"):
            keep &= s.prop_dt(self.p["length"] / s.vz)
        keep &= self._inside(s)
        transmission = self.p["transmission"]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.slope > 0:
                phi = np.abs(s.vx / s.vz)
                keep &= phi <= self.slope
                s.p = s.p * np.where(keep, transmission * (1 - phi / self.slope), 1)
            if self.slope_v > 0:
                phi = np.abs(s.vy / s.vz)
                keep &= phi <= self.slope_v
                s.p = s.p * np.where(keep, transmission * (1 - phi / self.slope_v), 1)
        return s.select(keep)


def std_reflectivity(q, R0, Qc, alpha, m, W):
    """McStas StdReflecFunc (ref-lib.c): supermirror reflectivity at q (1/AA)."""
    q = np.abs(q)
    beta = 0.0
    if W == 0 and alpha == 0:
        m = m * 0.9853 + 0.1978
        W = -0.0002 * m + 0.0022
        alpha = 0.2304 * m + 5.0944
        beta = -7.6251 * m + 68.1137
        if m <= 3:
            alpha, beta = m, 0.0
    if m <= 0 or Qc <= 0 or R0 <= 0:
        return np.zeros_like(q)
    arg = (q - m * Qc) / W if W > 0 else np.full_like(q, 11.0)
    if m < 1:
        Qc, m = Qc * m, 1
    r = R0 * 0.5 * (1 - np.tanh(arg)) * (1 - alpha * (q - Qc) + beta * (q - Qc) ** 2)
    r = np.where(q <= Qc, R0, r)
    return np.where(arg > 10, 0.0, r)


def _wall_hit(c1, c2, b, a, slope):
    """Guide.comp's time to the first of a pair of opposite mirrors (inf if none).

    Mirror 1 has n.v = b + a and is hit at (c1 - c2)/(b + a); mirror 2 has n.v = b - a and
    is hit at (c1 + c2)/(b - a); only mirrors with n.v < 0 count, mirror 1 wins ties.
    Returns (time, is_mirror_1, n.v of the chosen mirror).
    """
    d1, d2 = b + a, b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        if slope >= 0:  # straight or widening: at most one mirror of the pair faces the ray
            first = d1 < 0
            den = np.where(first, d1, d2)
            time = np.where(den < 0, np.where(first, c1 - c2, c1 + c2) / den, np.inf)
            return time, first, den
        ta = np.where(d1 < 0, (c1 - c2) / d1, np.inf)
        tb = np.where(d2 < 0, (c1 + c2) / d2, np.inf)
    first = ~(tb < ta)
    return np.where(first, ta, tb), first, np.where(first, d1, d2)


@register
class Guide(Component):
    mcstas_name = "Guide"
    defaults = {
        "reflect": "",
        "w1": None,
        "h1": None,
        "w2": 0,
        "h2": 0,
        "l": None,
        "R0": 0.99,
        "Qc": 0.0219,
        "alpha": 6.07,
        "m": 2,
        "W": 0.003,
    }
    string_params = frozenset({"reflect"})
    unsupported = {"reflect": "reflectivity files are not read; use R0, Qc, alpha, m, W"}

    def setup(self):
        p = self.p
        self.w2 = p["w2"] or p["w1"]
        self.h2 = p["h2"] or p["h1"]
        if p["W"] < 0 or p["R0"] < 0 or p["Qc"] < 0 or p["m"] < 0:
            raise ComponentSetupError("Guide: W R0 Qc must be >0")

    force_loop = False  # tests compare the unfolded straight-guide path with the loop

    def _reflect_axis(self, pos, vel, half, vz, total_t):
        """Unfold one axis of a straight guide: crossings n, last crossing time, q (1/AA)."""
        width = 2 * half
        speed = np.abs(vel)
        u = np.where(vel >= 0, pos + half, half - pos)
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.floor((u + speed * total_t) / width)
            t_last = np.where(n > 0, (n * width - u) / speed, 0.0)
        return np.maximum(n, 0), t_last, u, 2 * V2Q * speed

    @staticmethod
    def _fold(u, speed_t, width, sign_positive, half):
        """Folded coordinate after moving speed_t along the unfolded axis (triangle wave)."""
        unfolded = u + speed_t  # >= 0, so floor gives the period index
        period = 2 * width
        folded = width - np.abs(unfolded - np.floor(unfolded / period) * period - width)
        return np.where(sign_positive, folded, width - folded) - half

    def _straight(self, s):
        """Straight guide: same reflections, weights and final state as Guide.comp's loop,
        computed by unfolding the mirrors (each bounce on one pair has the same q)."""
        p = self.p
        with np.errstate(divide="ignore", invalid="ignore"):
            total_t = np.maximum((p["l"] - s.z) / s.vz, 0.0)
        total_t = np.where(np.isfinite(total_t), total_t, 0.0)
        half_w, half_h = p["w1"] / 2, p["h1"] / 2
        nx, tx, ux, qx = self._reflect_axis(s.x, s.vx, half_w, s.vz, total_t)
        ny, ty, uy, qy = self._reflect_axis(s.y, s.vy, half_h, s.vz, total_t)
        if p["m"] == 0:
            keep = (nx == 0) & (ny == 0)
            return s.select(keep)
        weight = np.ones(len(s))
        keep = np.ones(len(s), dtype=bool)
        for n, q in ((nx, qx), (ny, qy)):
            bounced = np.flatnonzero(n > 0)  # most rays of a short guide never touch a mirror
            refl = std_reflectivity(q[bounced], p["R0"], p["Qc"], p["alpha"], p["m"], p["W"])
            weight[bounced] *= refl ** n[bounced]
            keep[bounced] &= refl > 0
        t_f = np.maximum(tx, ty)
        moved = t_f > 0
        s.x = np.where(moved, self._fold(ux, np.abs(s.vx) * t_f, 2 * half_w, s.vx >= 0, half_w), s.x)
        s.y = np.where(moved, self._fold(uy, np.abs(s.vy) * t_f, 2 * half_h, s.vy >= 0, half_h), s.y)
        s.z = s.z + s.vz * t_f
        s.t = s.t + t_f
        s.vx = np.where(nx % 2 == 1, -s.vx, s.vx)
        s.vy = np.where(ny % 2 == 1, -s.vy, s.vy)
        s.p = s.p * weight
        return s.select(keep)

    def trace(self, s, rng):
        p = self.p
        length, w1, h1 = p["l"], p["w1"], p["h1"]
        ww, hh = 0.5 * (self.w2 - w1), 0.5 * (self.h2 - h1)
        whalf, hhalf = 0.5 * w1, 0.5 * h1
        keep = s.prop_z0()
        keep &= (s.x > -whalf) & (s.x < whalf) & (s.y > -hhalf) & (s.y < hhalf)
        s = s.select(keep)
        if ww == 0 and hh == 0 and not self.force_loop:
            return self._straight(s)
        nlen2_v, nlen2_h = length * length + ww * ww, length * length + hh * hh
        # work on compacted copies of the rays still inside; write back those that leave
        x, y, z, vx, vy, vz, t, pw = s.x, s.y, s.z, s.vx, s.vy, s.vz, s.t, s.p
        where = np.arange(len(s))
        alive = np.ones(len(s), dtype=bool)
        out = s
        for _ in range(100000):
            if len(where) == 0:
                break
            tv, first_v, dot_v = _wall_hit(-whalf * length - z * ww, x * length, ww * vz, length * vx, ww)
            th, first_h, dot_h = _wall_hit(-hhalf * length - z * hh, y * length, hh * vz, length * vy, hh)
            with np.errstate(divide="ignore", invalid="ignore"):
                t_end = (length - z) / vz
            vert = (tv < t_end) & ~(th < tv)
            horz = ~vert & (th < t_end)
            leaving = ~(vert | horz)
            t1 = np.where(vert, tv, th)
            if leaving.any() and x is not out.x:  # first pass: arrays are out's own
                idx = where[leaving]
                out.x[idx], out.y[idx], out.z[idx] = x[leaving], y[leaving], z[leaving]
                out.vx[idx], out.vy[idx], out.vz[idx] = vx[leaving], vy[leaving], vz[leaving]
                out.t[idx], out.p[idx] = t[leaving], pw[leaving]
            hit = ~leaving & (t1 >= 0)
            alive[where[~leaving & ~(t1 >= 0)]] = False
            if p["m"] == 0:
                alive[where[hit]] = False
                break
            sel = np.nonzero(hit)[0]
            horiz = vert[sel]  # a vertical mirror deflects the horizontal velocity
            dt = t1[sel]
            dot = np.where(horiz, dot_v[sel], dot_h[sel])
            sign = np.where(horiz, np.where(first_v[sel], -1.0, 1.0), np.where(first_h[sel], -1.0, 1.0))
            x, y, z = x[sel] + vx[sel] * dt, y[sel] + vy[sel] * dt, z[sel] + vz[sel] * dt
            vx, vy, vz, t, pw, where = vx[sel], vy[sel], vz[sel], t[sel] + dt, pw[sel], where[sel]
            nlen2 = np.where(horiz, nlen2_v, nlen2_h)
            q = V2Q * (-2) * dot / np.sqrt(nlen2)
            d = 2 * dot / nlen2
            vx = np.where(horiz, vx + sign * d * length, vx)
            vy = np.where(horiz, vy, vy + sign * d * length)
            vz = vz - d * np.where(horiz, ww, hh)
            refl = std_reflectivity(q, p["R0"], p["Qc"], p["alpha"], p["m"], p["W"])
            good = refl > 0
            alive[where[~good]] = False
            x, y, z, vx, vy, vz = x[good], y[good], z[good], vx[good], vy[good], vz[good]
            t, pw, where = t[good], pw[good] * refl[good], where[good]
        return out.select(alive)


@register
class VSelector(Component):
    mcstas_name = "V_selector"
    defaults = {
        "xwidth": 0.03,
        "yheight": 0.05,
        "zdepth": 0.30,
        "radius": 0.12,
        "alpha": 48.298,
        "length": 0.25,
        "d": 0.0004,
        "nu": 300,
        "nslit": 72,
    }

    def setup(self):
        p = self.p
        self.omega = p["nu"] * 2 * np.pi
        self.alpha_rad = p["alpha"] * np.pi / 180
        self.zdepth = max(p["zdepth"], p["length"])

    def _aperture(self, s):
        xw, yh = self.p["xwidth"] / 2, self.p["yheight"] / 2
        return (s.x >= -xw) & (s.x <= xw) & (s.y >= -yh) & (s.y <= yh)

    def trace(self, s, rng):
        p = self.p
        keep = s.vz != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            keep &= s.prop_dt((-self.zdepth / 2 - s.z) / s.vz)
            keep &= self._aperture(s)
            gap = (self.zdepth - p["length"]) / (2 * s.vz)  # aperture to rotor (s)
            rotor = p["length"] / s.vz  # time along the rotor (s)
            x_i, y_i = s.x + s.vx * gap, s.y + s.vy * gap + p["radius"]
            x_f, y_f = x_i + s.vx * rotor, y_i + s.vy * rotor
            r_i, r_f = np.hypot(x_i, y_i), np.hypot(x_f, y_f)
            theta_i, theta_f = np.arctan2(x_i, y_i), np.arctan2(x_f, y_f)
            s.advance(2 * gap + rotor)
            keep &= self._aperture(s)
            r_mean = (r_i + r_f) / 2
            a = (
                p["nslit"]
                / (2 * np.pi)
                * (
                    p["d"] / r_mean
                    + np.abs(self.alpha_rad + theta_f - theta_i - self.omega * p["length"] / s.vz)
                )
            )
        keep &= a < 1
        s.p = s.p * np.where(keep, 1 - a, 1)
        return s.select(keep)


@register
class DiskChopper(Component):
    mcstas_name = "DiskChopper"
    defaults = {
        "theta_0": 0,
        "radius": 0.5,
        "yheight": None,
        "nu": None,
        "nslit": 3,
        "jitter": 0,
        "delay": 0,
        "isfirst": 0,
        "n_pulse": 1,
        "abs_out": 1,
        "phase": 0,
        "xwidth": 0,
        "verbose": 0,
    }

    def setup(self):
        p = self.p
        self.height = p["radius"] if p["yheight"] == 0 else p["yheight"]
        self.delta_y = p["radius"] - self.height / 2
        omega = 2 * np.pi * p["nu"]
        theta_0 = p["theta_0"]
        if p["xwidth"] and not theta_0 and p["radius"]:
            theta_0 = 2 * np.degrees(np.arcsin(p["xwidth"] / 2 / self.delta_y))
        if p["nslit"] <= 0 or theta_0 <= 0 or p["radius"] <= 0:
            raise ComponentSetupError("DiskChopper: nslit, theta_0 and radius must be > 0")
        if p["nslit"] * theta_0 >= 360:
            raise ComponentSetupError("DiskChopper: nslit * theta_0 exceeds 2PI")
        if p["yheight"] and p["yheight"] > p["radius"]:
            raise ComponentSetupError("DiskChopper: yheight must be < radius")
        if not omega:
            omega = 1e-15
        self.omega = omega
        self.theta_0 = np.radians(theta_0)
        self.delay = (np.radians(p["phase"]) / abs(omega)) if p["phase"] else p["delay"]
        self.tg = 2 * np.pi / abs(omega) / p["nslit"]
        self.to = self.theta_0 / abs(omega)

    def trace(self, s, rng):
        p = self.p
        keep = s.prop_z0()
        yprime = s.y + self.delta_y
        r2 = s.x**2 + yprime**2
        if p["abs_out"]:
            keep &= r2 <= p["radius"] ** 2
        keep &= r2 >= (p["radius"] - self.height) ** 2
        n = len(s)
        jitter = p["jitter"] * rng.standard_normal(n) if p["jitter"] else 0.0
        angle_time = np.arctan2(s.x, yprime) / self.omega
        if p["isfirst"]:
            pulses = np.floor(p["n_pulse"] * rng.random(n)) * self.tg if p["n_pulse"] > 1 else 0.0
            s.t = angle_time + self.to * rand_pm1(rng, n) / 2 + self.delay + jitter + pulses
            s.p = s.p * (p["nslit"] * self.theta_0 / 2 / np.pi)
        else:
            toff = np.abs(s.t - angle_time - self.delay - jitter)
            keep &= np.fmod(toff + self.to / 2, self.tg) <= self.to
        return s.select(keep)
