"""Neutron state arrays and McStas's propagation macros, vectorised.

Units as McStas: position m, velocity m/s, time s, weight p in n/s. Gravity is off
(McStas's default), so flights are straight lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIELDS = ("x", "y", "z", "vx", "vy", "vz", "t", "p")


@dataclass
class NeutronState:
    """A batch of neutron rays in one component's local frame; all arrays share length."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    vz: np.ndarray
    t: np.ndarray
    p: np.ndarray

    @classmethod
    def empty(cls, n: int) -> NeutronState:
        return cls(*(np.zeros(n) for _ in FIELDS))

    def __len__(self) -> int:
        return len(self.p)

    def select(self, mask: np.ndarray) -> NeutronState:
        """The rays where mask is True (McStas ABSORB drops the rest)."""
        if mask.all():
            return self
        return NeutronState(*(getattr(self, f)[mask] for f in FIELDS))

    def copy(self) -> NeutronState:
        return NeutronState(*(getattr(self, f).copy() for f in FIELDS))

    def speed(self) -> np.ndarray:
        return np.sqrt(self.vx * self.vx + self.vy * self.vy + self.vz * self.vz)

    def advance(self, dt: np.ndarray) -> None:
        """PROP_DT without the sign check: move every ray by dt (s)."""
        self.x = self.x + self.vx * dt
        self.y = self.y + self.vy * dt
        self.z = self.z + self.vz * dt
        self.t = self.t + dt

    def prop_dt(self, dt: np.ndarray) -> np.ndarray:
        """PROP_DT: propagate by dt (s); returns the mask of rays kept (dt >= 0)."""
        ok = dt >= 0
        self.advance(np.where(ok, dt, 0.0))
        return ok

    def prop_z0(self, allow_backprop: bool = False) -> np.ndarray:
        """PROP_Z0: propagate to the z=0 plane; rays with vz=0 or going back are absorbed."""
        with np.errstate(divide="ignore", invalid="ignore"):
            dt = -self.z / self.vz
        ok = self.vz != 0
        if not allow_backprop:
            ok &= dt >= 0
        self.advance(np.where(ok, dt, 0.0))
        return ok

    def transform(self, rot: np.ndarray, offset: np.ndarray) -> NeutronState:
        """Change frame: r' = rot r + offset, v' = rot v (McStas mccoordschange)."""
        r = rot
        if np.array_equal(r, np.eye(3)):
            return NeutronState(
                self.x + offset[0] if offset[0] else self.x,
                self.y + offset[1] if offset[1] else self.y,
                self.z + offset[2],
                self.vx,
                self.vy,
                self.vz,
                self.t,
                self.p,
            )
        return NeutronState(
            r[0, 0] * self.x + r[0, 1] * self.y + r[0, 2] * self.z + offset[0],
            r[1, 0] * self.x + r[1, 1] * self.y + r[1, 2] * self.z + offset[1],
            r[2, 0] * self.x + r[2, 1] * self.y + r[2, 2] * self.z + offset[2],
            r[0, 0] * self.vx + r[0, 1] * self.vy + r[0, 2] * self.vz,
            r[1, 0] * self.vx + r[1, 1] * self.vy + r[1, 2] * self.vz,
            r[2, 0] * self.vx + r[2, 1] * self.vy + r[2, 2] * self.vz,
            self.t,
            self.p,
        )
