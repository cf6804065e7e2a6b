"""Sources and trivial components: Progress_bar, Arm, Source_simple, Source_Maxwell_3.

Source_simple (McStas 3 Source_simple.comp): pmul = flux*1e4*area/ncount times 2*dlambda
(or 2*dE), or 1/(4 pi ncount) when flux=0; p = pmul * solid angle of the focus rectangle
from randvec_target_rect_real(order 2), i.e. w h cos^2 / r^2. Velocity from the chosen
point: vz = v*dist/r, vy = v*dy/r, vx = v*dx/r. dist comes from target_index unless given.
Source_Maxwell_3: p = w*h*1e4*(Lmax-Lmin)/ncount * solid angle * sum_i I_i M(lambda, T_i)
with M = 2 a^2 exp(-a/l^2)/l^5, a = 949/T; wavelength uniform in [Lmin, Lmax].
"""

from __future__ import annotations

import numpy as np

from ...expressions import CONSTANTS
from .component import Component, ComponentSetupError, rand_pm1, register
from .geometry import randvec_target_rect_real
from .state import NeutronState

K2V = CONSTANTS["K2V"]
SE2V = CONSTANTS["SE2V"]


@register
class ProgressBar(Component):
    mcstas_name = "Progress_bar"
    defaults = {"profile": "", "percent": 10, "flag_save": 0, "minutes": 0}
    string_params = frozenset({"profile"})

    def trace(self, s, rng):
        return s


@register
class Arm(Component):
    mcstas_name = "Arm"
    defaults = {}

    def trace(self, s, rng):
        return s


def _target(comp: Component, dist: float, target_index: int) -> tuple[float, float, float, float]:
    """(tx, ty, tz, dist) as Source_simple/Source_Maxwell_3 INITIALIZE compute them."""
    if target_index and not dist:
        vec = comp.ctx.target_vector(comp.index, int(target_index))
        if vec is None:
            raise ComponentSetupError(f"{comp.mcstas_name}: target_index points nowhere")
        return float(vec[0]), float(vec[1]), float(vec[2]), float(np.linalg.norm(vec))
    return 0.0, 0.0, float(dist), float(dist)


@register
class SourceSimple(Component):
    mcstas_name = "Source_simple"
    defaults = {
        "radius": 0.1,
        "yheight": 0,
        "xwidth": 0,
        "dist": 0,
        "focus_xw": 0.045,
        "focus_yh": 0.12,
        "E0": 0,
        "dE": 0,
        "lambda0": 0,
        "dlambda": 0,
        "flux": 1,
        "gauss": 0,
        "target_index": 1,
    }

    def setup(self):
        p = self.p
        self.square = bool(p["yheight"] and p["xwidth"])
        if p["radius"] and not p["yheight"] and not p["xwidth"]:
            self.square, area = False, np.pi * p["radius"] ** 2
        elif self.square:
            area = p["xwidth"] * p["yheight"]
        else:
            area = 0.0
        if area <= 0:
            raise ComponentSetupError("Source_simple: source area is <= 0")
        self.area = area
        self.gauss = p["gauss"]
        if p["flux"]:
            self.pmul_per_ray = p["flux"] * 1e4 * area
            if p["dlambda"]:
                self.pmul_per_ray *= 2 * p["dlambda"]
            elif p["dE"]:
                self.pmul_per_ray *= 2 * p["dE"]
        else:
            self.gauss = 0
            self.pmul_per_ray = 1.0 / (4 * np.pi)
        self.tx, self.ty, self.tz, self.dist = _target(self, p["dist"], p["target_index"])
        self.on_axis = (
            self.tx == 0
            and self.ty == 0
            and self.tz > 0
            and np.array_equal(self.placement.rotation, np.eye(3))
        )
        if self.dist <= 0 or p["focus_xw"] <= 0 or p["focus_yh"] <= 0:
            raise ComponentSetupError("Source_simple: target area unmeaningful")
        if not (p["lambda0"] or p["E0"] or p["dE"] or p["dlambda"]):
            raise ComponentSetupError("Source_simple: give a wavelength or energy range")

    def trace(self, s, rng):
        n = len(s)
        p = self.p
        if self.square:
            x = p["xwidth"] * (rng.random(n) - 0.5)
            y = p["yheight"] * (rng.random(n) - 0.5)
        else:
            chi = 2 * np.pi * rng.random(n)
            r = np.sqrt(rng.random(n)) * p["radius"]
            x, y = r * np.cos(chi), r * np.sin(chi)
        z = np.zeros(n)
        if self.on_axis:
            # randvec_target_rect_real(order 2) for an unrotated source aiming along +z:
            # point (-dx, -dy, dist) on the window, dOmega = w h cos^2 / r^2
            w, h = p["focus_xw"], p["focus_yh"]
            dx = -w * (rng.random(n) * 2 - 1) / 2 - x
            dy = -h * (rng.random(n) * 2 - 1) / 2 - y
            r2 = dx * dx + dy * dy + self.dist * self.dist
            pdir = (w * h * self.dist * self.dist) / (r2 * r2)
            rf = np.sqrt(r2)
        else:
            xf, yf, zf, pdir = randvec_target_rect_real(
                rng,
                self.tx,
                self.ty,
                self.tz,
                p["focus_xw"],
                p["focus_yh"],
                self.placement.rotation,
                x,
                y,
                z,
                2,
            )
            dx, dy = xf - x, yf - y
            rf = np.sqrt(dx * dx + dy * dy + zf * zf)
        if p["lambda0"] == 0:
            spread = rng.standard_normal(n) if self.gauss else rand_pm1(rng, n)
            energy = p["E0"] + p["dE"] * spread
            v = np.sqrt(energy) * SE2V
        else:
            spread = rng.standard_normal(n) if self.gauss else rand_pm1(rng, n)
            lam = p["lambda0"] + p["dlambda"] * spread
            v = K2V * (2 * np.pi / lam)
        scale = v / rf
        return NeutronState(
            x,
            y,
            z,
            scale * dx,
            scale * dy,
            scale * self.dist,
            np.zeros(n),
            pdir * (self.pmul_per_ray / self.ncount),
        )


@register
class SourceMaxwell3(Component):
    mcstas_name = "Source_Maxwell_3"
    defaults = {
        "size": 0,
        "yheight": 0,
        "xwidth": 0,
        "Lmin": 0,
        "Lmax": 0,
        "dist": 0,
        "focus_xw": None,
        "focus_yh": None,
        "T1": None,
        "T2": 300,
        "T3": 300,
        "I1": None,
        "I2": 0,
        "I3": 0,
        "target_index": 1,
        "lambda0": 0,
        "dlambda": 0,
    }

    def setup(self):
        p = self.p
        self.dist = _target(self, p["dist"], p["target_index"])[3]
        self.w, self.h = (p["size"], p["size"]) if p["size"] > 0 else (p["xwidth"], p["yheight"])
        if p["lambda0"]:
            p["Lmin"], p["Lmax"] = p["lambda0"] - p["dlambda"], p["lambda0"] + p["dlambda"]
        self.l_range = p["Lmax"] - p["Lmin"]
        self.w_mult = self.w * self.h * 1.0e4 * self.l_range
        if (
            self.w < 0
            or self.h < 0
            or p["Lmin"] <= 0
            or p["Lmax"] <= 0
            or self.dist <= 0
            or p["T1"] <= 0
            or p["T2"] <= 0
            or p["T3"] <= 0
        ):
            raise ComponentSetupError("Source_Maxwell_3: error in input parameter values")

    @staticmethod
    def maxwell(lam, temp):
        a = 949.0 / temp
        return 2 * a * a * np.exp(-a / (lam * lam)) / lam**5

    def trace(self, s, rng):
        n = len(s)
        p = self.p
        x = 0.5 * self.w * rand_pm1(rng, n)
        y = 0.5 * self.h * rand_pm1(rng, n)
        z = np.zeros(n)
        xf, yf, _, w_focus = randvec_target_rect_real(
            rng, 0.0, 0.0, self.dist, p["focus_xw"], p["focus_yh"], self.placement.rotation, x, y, z, 2
        )
        dx, dy = xf - x, yf - y
        r = np.sqrt(dx * dx + dy * dy + self.dist**2)
        lam = p["Lmin"] + self.l_range * rng.random(n)
        v = K2V * 2 * np.pi / lam
        weight = (
            p["I1"] * self.maxwell(lam, p["T1"])
            + p["I2"] * self.maxwell(lam, p["T2"])
            + p["I3"] * self.maxwell(lam, p["T3"])
        )
        return NeutronState(
            x,
            y,
            z,
            v * dx / r,
            v * dy / r,
            v * self.dist / r,
            np.zeros(n),
            self.w_mult / self.ncount * w_focus * weight,
        )
