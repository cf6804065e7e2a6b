"""Monochromator_flat: thin flat mosaic crystal in the y-z plane (McStas 3 source).

Matched: nearest reflection order, MC choice to reflect with probability
r0 exp(-delta^2 ...) from the Gaussian mosaic (FWHM arc min -> rms), the point on the
Debye-Scherrer cone sampled from a Gaussian of width mos_rms_max/cos(theta) reduced until
it fits 5 sigma, the 15-point Gauss quadrature of the sampled distribution, and the final
weight p *= min(1, G(q)/(total G(phi))). Rays not reflected pass unchanged.
"""

from __future__ import annotations

import numpy as np

from ...expressions import CONSTANTS
from .component import Component, ComponentSetupError, register

V2K = CONSTANTS["V2K"]
K2V = CONSTANTS["K2V"]
MIN2RAD = CONSTANTS["MIN2RAD"]
GAUSS_X = np.array(
    [
        -0.987992518020485,
        -0.937273392400706,
        -0.848206583410427,
        -0.724417731360170,
        -0.570972172608539,
        -0.394151347077563,
        -0.201194093997435,
        0,
        0.201194093997435,
        0.394151347077563,
        0.570972172608539,
        0.724417731360170,
        0.848206583410427,
        0.937273392400706,
        0.987992518020485,
    ]
)
GAUSS_W = np.array(
    [
        0.030753241996117,
        0.070366047488108,
        0.107159220467172,
        0.139570677926154,
        0.166269205816994,
        0.186161000115562,
        0.198431485327111,
        0.202578241925561,
        0.198431485327111,
        0.186161000115562,
        0.166269205816994,
        0.139570677926154,
        0.107159220467172,
        0.070366047488108,
        0.030753241996117,
    ]
)


def gauss(x, mean, rms):
    return np.exp(-((x - mean) ** 2) / (2 * rms * rms)) / (np.sqrt(2 * np.pi) * rms)


@register
class MonochromatorFlat(Component):
    mcstas_name = "Monochromator_flat"
    defaults = {
        "zmin": -0.05,
        "zmax": 0.05,
        "ymin": -0.05,
        "ymax": 0.05,
        "zwidth": 0,
        "yheight": 0,
        "mosaich": 30.0,
        "mosaicv": 30.0,
        "r0": 0.7,
        "Q": 1.8734,
        "DM": 0,
    }

    def setup(self):
        p = self.p
        self.mos_y = MIN2RAD * p["mosaicv"] / np.sqrt(8 * np.log(2))
        self.mos_z = MIN2RAD * p["mosaich"] / np.sqrt(8 * np.log(2))
        self.mos_max = max(self.mos_y, self.mos_z)
        self.q = 2 * np.pi / p["DM"] if p["DM"] != 0 else p["Q"]
        self.zmin, self.zmax, self.ymin, self.ymax = p["zmin"], p["zmax"], p["ymin"], p["ymax"]
        if p["zwidth"] > 0:
            self.zmax = p["zwidth"] / 2
            self.zmin = -self.zmax
        if p["yheight"] > 0:
            self.ymax = p["yheight"] / 2
            self.ymin = -self.ymax
        if self.zmin == self.zmax or self.ymin == self.ymax:
            raise ComponentSetupError("Monochromator_flat: surface is null")

    def trace(self, s, rng):
        with np.errstate(divide="ignore", invalid="ignore"):
            dt = -s.x / s.vx
            y1, z1 = s.y + s.vy * dt, s.z + s.vz * dt
        cand = (s.vx != 0) & (dt >= 0)
        cand &= (z1 > self.zmin) & (z1 < self.zmax) & (y1 > self.ymin) & (y1 < self.ymax)
        idx = np.nonzero(cand)[0]
        keep = np.ones(len(s), dtype=bool)
        if len(idx) == 0:
            return s
        kix, kiy, kiz = V2K * s.vx[idx], V2K * s.vy[idx], V2K * s.vz[idx]
        ratio = -2 * kix / self.q
        order = np.floor(ratio + 0.5)
        order = np.abs(np.where(order == 0, np.where(ratio < 0, -1, 1), order))
        k = np.sqrt(kix**2 + kiy**2 + kiz**2)
        kux, kuy, kuz = kix / k, kiy / k, kiz / k
        order = np.where(order > 2 * k / self.q, order - 1, order)
        with np.errstate(invalid="ignore", divide="ignore"):
            q0 = order * self.q
            theta = np.arcsin(q0 / (2 * k))
            delta = np.arcsin(np.abs(kux)) - theta
            kyz2 = kiy**2 + kiz**2
            p_ref = (
                self.p["r0"]
                * np.exp(-(kiy**2) / kyz2 * delta**2 / (2 * self.mos_y**2))
                * np.exp(-(kiz**2) / kyz2 * delta**2 / (2 * self.mos_z**2))
            )
        reflect = (order > 0) & (rng.random(len(idx)) < p_ref)
        sel = np.nonzero(reflect)[0]
        if len(sel) == 0:
            return s
        idx = idx[sel]
        kix, kiy, kiz, k = kix[sel], kiy[sel], kiz[sel], k[sel]
        kux, kuy, kuz, theta = kux[sel], kuy[sel], kuz[sel], theta[sel]
        q0x = np.where(ratio[sel] < 0, -q0[sel], q0[sel])
        cos2t, ks2t = np.cos(2 * theta), k * np.sin(2 * theta)
        bx, by, bz = np.zeros_like(kix), kiz * q0x, -kiy * q0x
        bn = np.sqrt(bx**2 + by**2 + bz**2)
        bx, by, bz = bx / bn * ks2t, by / bn * ks2t, bz / bn * ks2t
        ax, ay, az = by * kuz - bz * kuy, bz * kux - bx * kuz, bx * kuy - by * kux
        c1x, c1y, c1z = kix * (cos2t - 1), kiy * (cos2t - 1), kiz * (cos2t - 1)
        mos_sample = self.mos_max / np.cos(theta)
        done = np.zeros(len(idx), dtype=bool)
        width = 5 * mos_sample
        for _ in range(100):
            width = np.where(done, width, 5 * mos_sample)
            cphi, sphi = np.cos(width), np.sin(width)
            qx = c1x + cphi * ax + sphi * bx
            qy = (c1y + cphi * ay + sphi * by) / self.mos_y
            qz = (c1z + cphi * az + sphi * bz) / self.mos_z
            done |= qz * qz + qy * qy < (25 / (2.0 / 3.0)) * (qx * qx)
            if done.all():
                break
            mos_sample = np.where(done, mos_sample, mos_sample * (2.0 / 3.0))
        total = np.zeros(len(idx))
        for gx, gw in zip(GAUSS_X, GAUSS_W, strict=True):
            phi = width * gx
            cphi, sphi = np.cos(phi), np.sin(phi)
            qx = c1x + cphi * ax + sphi * bx
            qy = c1y + cphi * ay + sphi * by
            qz = c1z + cphi * az + sphi * bz
            total += gw * gauss(qy / qx, 0, self.mos_y) * gauss(qz / qx, 0, self.mos_z)
        total *= width
        phi = mos_sample * rng.standard_normal(len(idx))
        cphi, sphi = np.cos(phi), np.sin(phi)
        qx = c1x + cphi * ax + sphi * bx
        qy = c1y + cphi * ay + sphi * by
        qz = c1z + cphi * az + sphi * bz
        p_ref = gauss(qy / qx, 0, self.mos_y) * gauss(qz / qx, 0, self.mos_z)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ref = p_ref / (total * gauss(phi, 0, mos_sample))
        flight = dt[idx]
        s.x[idx] = 0.0
        s.y[idx] = y1[idx]
        s.z[idx] = z1[idx]
        s.t[idx] = s.t[idx] + flight
        s.vx[idx] = K2V * (kix + qx)
        s.vy[idx] = K2V * (kiy + qy)
        s.vz[idx] = K2V * (kiz + qz)
        good = p_ref > 0
        s.p[idx] = s.p[idx] * np.where(good, np.minimum(p_ref, 1.0), 1.0)
        keep[idx[~good]] = False
        return s.select(keep)
