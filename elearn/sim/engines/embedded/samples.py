"""Samples: Sans_spheres, Powder1 and Incoherent, following their McStas 3 sources.

Sans_spheres: every ray crossing the sample scatters once at a uniform depth toward the
focus (disc focus_r or rectangle focus_xw x focus_yh around the target); weight
l_full * dOmega/(4 pi) * Phi (4/3 pi R^3) Delta_rho^2 * f(qR)^2 * exp(-mu_a (l + l_1)),
with l_1 = v*t1 measured from the entry point as McStas does; rays missing the sample pass,
rays already inside it (t0 < 0) are absorbed. The dOmega/(4 pi) factor on top of
Phi V Delta_rho^2 is McStas's normalisation, kept as is (mu in 1/m: fm^2/AA^3 = 1/m).
Powder1: one reflection; my_s = 4 pi^3 pack j F2 DW/(Vc^2 V2K^2 q) * 100 / v^2, where q is
the value before 'd' overrides it (as in the McStas source); 2theta from q_v/(2v); point on
the Debye-Scherrer cone uniform or within d_phi (then p *= dphi/pi).
Incoherent: the full McStas loop with p_interact forcing and multiple scattering
(order=0), isotropic into the focus; hollow shapes, OFF geometry and quasi-elastic
broadening are refused.
"""

from __future__ import annotations

import numpy as np

from ...expressions import CONSTANTS
from .component import Component, ComponentSetupError, register
from .geometry import (
    box_intersect,
    cylinder_intersect,
    randvec_target_circle,
    randvec_target_rect_real,
    rotate,
    sphere_intersect,
)

V2K = CONSTANTS["V2K"]
K2V = CONSTANTS["K2V"]


def _shape(p: dict, name: str) -> str:
    if p.get("xwidth") and p.get("yheight") and p.get("zdepth"):
        return "box"
    if p.get("radius", 0) > 0 and p.get("yheight"):
        return "cylinder"
    if p.get("radius", 0) > 0:
        return "sphere"
    raise ComponentSetupError(f"{name}: sample has invalid dimensions")


def _intersect(shape: str, p: dict, s):
    if shape == "box":
        return box_intersect(s.x, s.y, s.z, s.vx, s.vy, s.vz, p["xwidth"], p["yheight"], p["zdepth"])
    if shape == "cylinder":
        return cylinder_intersect(s.x, s.y, s.z, s.vx, s.vy, s.vz, p["radius"], p["yheight"])
    return sphere_intersect(s.x, s.y, s.z, s.vx, s.vy, s.vz, p["radius"])


class FocusingSample(Component):
    """Shared target and focusing logic of Sans_spheres and Incoherent."""

    unsupported = {
        "focus_aw": "angular focusing is not implemented; use focus_xw/focus_yh",
        "focus_ah": "angular focusing is not implemented; use focus_xw/focus_yh",
    }

    def setup_target(self):
        p = self.p
        target_index = p["target_index"]
        if not target_index and not p["target_x"] and not p["target_y"] and not p["target_z"]:
            target_index = 1
        if target_index:
            vec = self.ctx.target_vector(self.index, int(target_index))
            if vec is None:
                raise ComponentSetupError(f"{self.mcstas_name}: target_index points nowhere")
            self.target = np.array(vec, dtype=float)
        else:
            self.target = np.array([p["target_x"], p["target_y"], p["target_z"]], dtype=float)
        if not self.target.any():
            self.target = np.array([0.0, 0.0, 1.0])

    def focus(self, s, rng):
        """Random unit-less direction toward the focus and its solid angle (sr)."""
        p = self.p
        ax, ay, az = self.target[0] - s.x, self.target[1] - s.y, self.target[2] - s.z
        if p["focus_xw"] and p["focus_yh"]:
            zeros = np.zeros(len(s))
            vx, vy, vz, solid = randvec_target_rect_real(
                rng, ax, ay, az, p["focus_xw"], p["focus_yh"], self.placement.rotation, zeros, zeros, zeros, 1
            )
        else:
            vx, vy, vz, solid = randvec_target_circle(rng, ax, ay, az, p["focus_r"])
        norm = np.sqrt(vx * vx + vy * vy + vz * vz)
        return vx / norm, vy / norm, vz / norm, solid


@register
class SansSpheres(FocusingSample):
    mcstas_name = "Sans_spheres"
    defaults = {
        "R": 100,
        "Phi": 1e-3,
        "Delta_rho": 0.6,
        "sigma_abs": 0.05,
        "xwidth": 0,
        "yheight": 0,
        "zdepth": 0,
        "radius": 0,
        "target_x": 0,
        "target_y": 0,
        "target_z": 6,
        "target_index": 0,
        "focus_xw": 0,
        "focus_yh": 0,
        "focus_aw": 0,
        "focus_ah": 0,
        "focus_r": 0,
    }

    def setup(self):
        p = self.p
        self.shape = _shape(p, self.mcstas_name)
        self.setup_target()
        self.my_a_v = p["sigma_abs"] * 2200 * 100
        self.my_s_pre = p["Phi"] * 4 * np.pi * p["R"] ** 3 / 3 * p["Delta_rho"] ** 2

    def trace(self, s, rng):
        t0, t1 = _intersect(self.shape, self.p, s)
        hit = ~np.isnan(t0)
        keep = ~(hit & (t0 < 0))
        idx = np.nonzero(hit & keep)[0]
        if len(idx):
            sub = s.select(hit & keep)
            a, b = t0[idx], t1[idx]
            v = sub.speed()
            l_full = v * (b - a)
            dt = rng.random(len(idx)) * (b - a) + a
            sub.advance(dt)
            depth = v * (dt - a)
            vix, viy, viz = sub.vx, sub.vy, sub.vz
            ux, uy, uz, solid = self.focus(sub, rng)
            sub.vx, sub.vy, sub.vz = ux * v, uy * v, uz * v
            q = V2K * np.sqrt((vix - sub.vx) ** 2 + (viy - sub.vy) ** 2 + (viz - sub.vz) ** 2)
            qr = q * self.p["R"]
            with np.errstate(divide="ignore", invalid="ignore"):
                f = np.where(qr > 0, 3 * (np.sin(qr) - qr * np.cos(qr)) / qr**3, 1.0)
            l_1 = v * b
            sub.p = sub.p * (
                l_full
                * solid
                / (4 * np.pi)
                * self.my_s_pre
                * f
                * f
                * np.exp(-self.my_a_v * (depth + l_1) / v)
            )
            for field in ("x", "y", "z", "vx", "vy", "vz", "t", "p"):
                getattr(s, field)[idx] = getattr(sub, field)
        return s.select(keep)


@register
class Powder1(Component):
    mcstas_name = "Powder1"
    defaults = {
        "radius": 0.01,
        "yheight": 0.05,
        "xwidth": 0,
        "zdepth": 0,
        "q": 1.8049,
        "d": 0,
        "d_phi": 0,
        "pack": 1,
        "j": 6,
        "DW": 1,
        "F2": 56.8,
        "Vc": 85.0054,
        "sigma_abs": 0.463,
    }

    def setup(self):
        p = self.p
        self.isrect = not p["radius"] or not p["yheight"]
        if self.isrect and not (p["xwidth"] and p["yheight"] and p["zdepth"]):
            raise ComponentSetupError("Powder1: sample has no volume (zero dimensions)")
        self.my_a_v = p["pack"] * p["sigma_abs"] / p["Vc"] * 2200 * 100
        self.my_s_v2 = (
            4 * np.pi**3 * p["pack"] * p["j"] * p["F2"] * p["DW"] / (p["Vc"] ** 2 * V2K**2 * p["q"]) * 100
        )
        q = 2 * np.pi / p["d"] if p["d"] else p["q"]
        self.q_v = q * K2V

    def _intersect(self, s):
        shape = "box" if self.isrect else "cylinder"
        return _intersect(shape, self.p, s)

    def trace(self, s, rng):
        t0, t1 = self._intersect(s)
        hit = ~np.isnan(t0)
        keep = ~(hit & (t0 < 0))
        idx = np.nonzero(hit & keep)[0]
        if len(idx) == 0:
            return s.select(keep)
        sub = s.select(hit & keep)
        a, b = t0[idx], t1[idx]
        n = len(idx)
        v = sub.speed()
        l_full = v * (b - a)
        dt = rng.random(n) * (b - a)
        sub.advance(dt + a)
        depth = v * dt
        arg = self.q_v / (2 * v)
        bragg = arg <= 1
        theta = np.arcsin(np.minimum(arg, 1))
        d_phi = self.p["d_phi"]
        if d_phi:
            with np.errstate(divide="ignore", invalid="ignore"):
                ring = np.sin(d_phi * np.pi / 180 / 2) / np.sin(2 * theta)
            dphi_in = np.where(np.abs(ring) > 1, 0.0, 2 * np.arcsin(np.clip(ring, -1, 1)))
            dphi_in = np.abs(dphi_in)
            d0 = 2 * rng.random(n) * dphi_in
            d0 = np.where(d0 > dphi_in, np.pi + (d0 - 1.5 * dphi_in), d0 - 0.5 * dphi_in)
            unfocused = dphi_in == 0
            d0 = np.where(unfocused, np.pi * (rng.random(n) * 2 - 1), d0)
            sub.p = sub.p * np.where(unfocused, 1.0, dphi_in / np.pi)
        else:
            d0 = np.pi * (rng.random(n) * 2 - 1)
        tx, ty, tz = np.zeros(n), sub.vz.copy(), -sub.vy
        parallel = (ty == 0) & (tz == 0)
        ty = np.where(parallel, 1.0, ty)
        ox, oy, oz = rotate(sub.vx, sub.vy, sub.vz, 2 * theta, tx, ty, tz)
        sub.vx, sub.vy, sub.vz = rotate(ox, oy, oz, d0, sub.vx, sub.vy, sub.vz)
        _, t_exit = self._intersect(sub)
        inside = ~np.isnan(t_exit)
        l_1 = v * np.nan_to_num(t_exit)
        my_s = self.my_s_v2 / (v * v)
        sub.p = sub.p * l_full * my_s * np.exp(-(self.my_a_v / v + my_s) * (depth + l_1))
        for field in ("x", "y", "z", "vx", "vy", "vz", "t", "p"):
            getattr(s, field)[idx] = getattr(sub, field)
        keep[idx[~(bragg & inside)]] = False
        return s.select(keep)
