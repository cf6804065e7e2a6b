"""Incoherent (vanadium-like) sample, the McStas 3 multiple-scattering loop vectorised.

Per pass: intersect, move to the entry, choose scatter or transmit with the forced
probability mc_scatt = p_interact (first pass) or p_interact/(4 n + 1) (after n scatterings),
weight ws*p_scatt/mc_scatt or p_trans/mc_trans, exponential depth sampling, isotropic
direction into the focus with weight dOmega/(4 pi). Loop until the ray leaves or 'order'
scatterings are reached. As in McStas, the outgoing path is not attenuated. Elastic only
(f_QE must be 0); solid box, cylinder or sphere only.
"""

from __future__ import annotations

import numpy as np

from .component import ComponentSetupError, register
from .samples import FocusingSample, _intersect, _shape


@register
class Incoherent(FocusingSample):
    mcstas_name = "Incoherent"
    defaults = {
        "geometry": "",
        "radius": 0,
        "xwidth": 0,
        "yheight": 0,
        "zdepth": 0,
        "thickness": 0,
        "target_x": 0,
        "target_y": 0,
        "target_z": 0,
        "focus_r": 0,
        "focus_xw": 0,
        "focus_yh": 0,
        "focus_aw": 0,
        "focus_ah": 0,
        "target_index": 0,
        "pack": 1,
        "p_interact": 1,
        "f_QE": 0,
        "gamma": 0,
        "sigma_abs": 5.08,
        "sigma_inc": 5.08,
        "Vc": 13.827,
        "concentric": 0,
        "order": 0,
    }
    string_params = frozenset({"geometry"})
    unsupported = {
        **FocusingSample.unsupported,
        "geometry": "OFF/PLY shapes need the McStas engine",
        "thickness": "hollow samples need the McStas engine",
        "concentric": "concentric mode needs the McStas engine",
        "f_QE": "quasi-elastic broadening needs the McStas engine",
    }

    def setup(self):
        p = self.p
        self.shape = _shape(p, self.mcstas_name)
        self.setup_target()
        rho = p["pack"] / p["Vc"]
        self.my_s = rho * 100 * p["sigma_inc"]
        self.my_a_v = rho * 100 * p["sigma_abs"]
        if self.my_s + self.my_a_v <= 0:
            raise ComponentSetupError("Incoherent: null total cross section")

    def trace(self, s, rng):
        p = self.p
        alive = np.ones(len(s), dtype=bool)
        active = np.ones(len(s), dtype=bool)
        scattered = np.zeros(len(s), dtype=int)
        speed = s.speed()
        for _ in range(1000):
            idx = np.nonzero(active)[0]
            if len(idx) == 0:
                break
            sub = s.select(active)
            t0, t3 = _intersect(self.shape, p, sub)
            miss = np.isnan(t0)
            t0, t3 = np.nan_to_num(t0), np.nan_to_num(t3)
            before = t0 > 0
            sub.advance(np.where(before & ~miss, t0, 0.0))
            dt0 = np.maximum(t3 - np.where(before, t0, 0.0), 0.0)
            passed = miss | (dt0 == 0)
            v = speed[idx]
            my_t = self.my_a_v * (2200 / v) + self.my_s
            d_path = v * dt0
            ws = self.my_s / my_t
            p_trans = np.exp(-my_t * d_path)
            p_scatt = 1 - p_trans
            flag = self.my_s * d_path <= 4e-7
            pint = p["p_interact"]
            if 0 < pint <= 1:
                mc_trans = np.where(scattered[idx] == 0, 1 - pint, 1 - pint / (4 * scattered[idx] + 1))
            else:
                mc_trans = p_trans
            mc_scatt = 1 - mc_trans
            flag |= (mc_scatt <= 0) | (mc_scatt > 1)
            draw = rng.random(len(idx))
            scatter = ~flag & (mc_scatt > 0) & ((mc_scatt >= 1) | (draw < mc_scatt))
            with np.errstate(divide="ignore", invalid="ignore"):
                p_mult = np.where(scatter, ws * np.abs(p_scatt / mc_scatt), np.abs(p_trans / mc_trans))
            dead = ~scatter & (mc_trans == 0) & ~passed
            leave = ~scatter & ~passed
            sub.p = np.where(leave & ~dead, sub.p * p_mult, sub.p)
            sub.advance(np.where(leave & ~dead, dt0, 0.0))
            weak = my_t * d_path < 1e-6
            with np.errstate(divide="ignore", invalid="ignore"):
                depth = np.where(
                    weak,
                    rng.random(len(idx)) * d_path,
                    -np.log(1 - rng.random(len(idx)) * (1 - np.exp(-my_t * d_path))) / my_t,
                )
            go = scatter & ~passed
            sub.advance(np.where(go, depth / v, 0.0))
            ux, uy, uz, solid = self.focus(sub, rng)
            sub.vx = np.where(go, ux * v, sub.vx)
            sub.vy = np.where(go, uy * v, sub.vy)
            sub.vz = np.where(go, uz * v, sub.vz)
            sub.p = np.where(go, sub.p * p_mult * solid / (4 * np.pi), sub.p)
            for field in ("x", "y", "z", "vx", "vy", "vz", "t", "p"):
                getattr(s, field)[idx] = getattr(sub, field)
            scattered[idx] += go
            alive[idx[dead]] = False
            done = passed | leave | dead
            if p["order"]:
                done |= go & (scattered[idx] >= p["order"])
            active[idx[done]] = False
        return s.select(alive)
