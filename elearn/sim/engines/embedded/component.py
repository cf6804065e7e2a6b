"""Base class and registry for embedded-engine components, looked up by McStas name.

Each subclass declares McStas's SETTING/DEFINITION parameters with McStas's defaults
(None = required), computes its INITIALIZE values in setup(), and in trace() turns a batch
of rays in its local frame into the surviving batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...mccode_output import MonitorData
from .state import NeutronState

REGISTRY: dict[str, type[Component]] = {}


class ComponentSetupError(ValueError):
    """A component argument McStas would reject, or one the engine cannot honour."""


def register(cls: type[Component]) -> type[Component]:
    REGISTRY[cls.mcstas_name] = cls
    return cls


@dataclass
class Placement:
    """Absolute frame of a component: position (m) and rotation (local = R (X - P))."""

    position: np.ndarray
    rotation: np.ndarray


class BuildContext:
    """What a component may know at INITIALIZE: where the other components are."""

    def __init__(self, placements: list[Placement], names: list[str]):
        self.placements = placements
        self.names = names

    def target_vector(self, index: int, offset: int) -> np.ndarray | None:
        """Position of component index+offset in the local frame of component index."""
        j = index + offset
        if offset == 0 or not 0 <= j < len(self.placements):
            return None
        here, there = self.placements[index], self.placements[j]
        return here.rotation @ (there.position - here.position)


class Component:
    """One McStas component instance; subclasses set mcstas_name and defaults."""

    mcstas_name = ""
    defaults: dict[str, float | str | None] = {}
    string_params: frozenset[str] = frozenset({"filename"})
    unsupported: dict[str, str] = {}
    ncount: int = 1  # total rays of the run, set by the tracer (weights are per ray)

    def __init__(self, name: str, args: dict, index: int, ctx: BuildContext):
        self.name = name
        self.index = index
        self.ctx = ctx
        self.placement = ctx.placements[index]
        params: dict[str, Any] = dict(self.defaults)
        for key, value in args.items():
            if key not in params:
                raise ComponentSetupError(f"{self.mcstas_name} has no parameter {key!r}")
            if key in self.unsupported and value not in (0, 0.0, "", None):
                raise ComponentSetupError(
                    f"{self.mcstas_name} parameter {key} is not supported by the embedded "
                    f"engine: {self.unsupported[key]}"
                )
            params[key] = value
        missing = [k for k, v in params.items() if v is None]
        if missing:
            raise ComponentSetupError(f"{self.mcstas_name} needs a value for {', '.join(missing)}")
        for key, value in params.items():
            if key not in self.string_params and isinstance(value, str):
                raise ComponentSetupError(f"{self.mcstas_name} parameter {key} must be a number")
        self.p = params
        self.setup()

    def setup(self) -> None:
        """INITIALIZE: derive internal values from self.p."""

    def trace(self, s: NeutronState, rng: np.random.Generator) -> NeutronState:
        raise NotImplementedError

    def monitors(self, ncount: int) -> list[MonitorData]:
        """Histograms to write at the end (monitors only)."""
        return []

    def filename(self, default_ext: str = ".dat") -> str:
        """Output file name: the filename argument, else the instance name (McStas 3);
        like McStas's mcfull_file, a name without a '.' gets default_ext."""
        name = str(self.p.get("filename") or "")
        if not name or name in ("0", "NULL"):
            name = self.name
        return name if "." in name else name + default_ext


def rand_pm1(rng: np.random.Generator, n: int) -> np.ndarray:
    """McStas randpm1(): uniform in (-1, 1)."""
    return rng.random(n) * 2 - 1
