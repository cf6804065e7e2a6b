"""Instrument layout, like McStas's mcdisplay: components where AT/ROTATED/RELATIVE put them,
drawn with their shapes and sizes, and a few traced neutron paths; top view (z, x), side view (z, y).

The geometry is the embedded engine's own (build_model's placements and each component's
evaluated parameters), so the picture shows what the engine runs. Lengths in m, angles in deg.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from elearn.sim.engines.embedded import trace_each  # noqa: E402
from elearn.sim.engines.embedded.component import Component  # noqa: E402
from elearn.sim.engines.embedded.model import build_model  # noqa: E402
from elearn.sim.engines.embedded.state import NeutronState  # noqa: E402
from elearn.sim.instrument import Instrument  # noqa: E402

VERSION = "1"  # part of the cache key: bump when the drawing changes
TRACED, SHOWN, SEED = 5000, 30, 1  # at most TRACED rays traced, SHOWN paths drawn, seed of the rays
BLOCK = 200  # rays traced between checks whether enough went all the way

Outline = Callable[[Component], list[np.ndarray]]
OUTLINES: dict[str, Outline] = {}


@dataclass(frozen=True)
class PlacedComponent:
    """A component in absolute coordinates; outlines are (k, 3) polylines in m."""

    name: str
    kind: str
    position: np.ndarray
    rotation: np.ndarray  # local = rotation (X - position)
    outlines: list[np.ndarray]


@dataclass(frozen=True)
class RayPath:
    """One neutron's positions (k, 3) in m, from emission to where it stops or leaves."""

    points: np.ndarray
    absorbed_by: str | None  # the component that stopped it, None if it passed all


@dataclass(frozen=True)
class Layout:
    instrument: str
    components: list[PlacedComponent]
    rays: list[RayPath]


def outline(*names: str) -> Callable[[Outline], Outline]:
    """Register the local-frame outline of McStas components (its mcdisplay section)."""

    def register(function: Outline) -> Outline:
        for name in names:
            OUTLINES[name] = function
        return function

    return register


def _polyline(*points: tuple[float, float, float]) -> np.ndarray:
    return np.array(points, dtype=float)


def _rect_xy(xmin: float, xmax: float, ymin: float, ymax: float, z: float = 0.0) -> np.ndarray:
    return _polyline((xmin, ymin, z), (xmax, ymin, z), (xmax, ymax, z), (xmin, ymax, z), (xmin, ymin, z))


def _box(xmin: float, xmax: float, ymin: float, ymax: float, zmin: float, zmax: float) -> list[np.ndarray]:
    lines = [_rect_xy(xmin, xmax, ymin, ymax, zmin), _rect_xy(xmin, xmax, ymin, ymax, zmax)]
    lines += [_polyline((x, y, zmin), (x, y, zmax)) for x in (xmin, xmax) for y in (ymin, ymax)]
    return lines


def _arc(radius: float, axis: str, centre=(0.0, 0.0, 0.0), start=0.0, stop=360.0) -> np.ndarray:
    """A circle arc (deg) around axis y (angle atan2(x, z)) or z (angle atan2(x, y))."""
    angle = np.radians(np.linspace(start, stop, 73))
    a, b = radius * np.sin(angle), radius * np.cos(angle)
    zero = np.zeros_like(a)
    points = np.column_stack((a, zero, b) if axis == "y" else (a, b, zero))
    return points + np.asarray(centre, dtype=float)


def _cylinder(radius: float, height: float, axis: str = "y", length: float = 0.0, centre=(0.0, 0.0, 0.0)):
    """A vertical cylinder (axis y, height in m) or one along the beam (axis z, length in m)."""
    centre = np.asarray(centre, dtype=float)
    if axis == "y":
        ends = [_arc(radius, "y", centre + (0, h, 0)) for h in (-height / 2, height / 2)]
        sides = [_polyline(*(centre + (x, h, z) for h in (-height / 2, height / 2)))
                 for x, z in ((radius, 0), (-radius, 0), (0, radius), (0, -radius))]  # fmt: skip
    else:
        ends = [_arc(radius, "z", centre + (0, 0, z)) for z in (-length / 2, length / 2)]
        sides = [_polyline(*(centre + (x, y, z) for z in (-length / 2, length / 2)))
                 for x, y in ((radius, 0), (-radius, 0), (0, radius), (0, -radius))]  # fmt: skip
    return ends + sides


@outline("Source_simple", "Source_Maxwell_3")
def _source(comp) -> list[np.ndarray]:
    """The emitting area: a disc of radius, or a rectangle xwidth x yheight (size x size)."""
    if comp.mcstas_name == "Source_Maxwell_3":
        w, h = comp.w, comp.h
    elif comp.square:
        w, h = comp.p["xwidth"], comp.p["yheight"]
    else:
        return [_arc(comp.p["radius"], "z")]
    return [_rect_xy(-w / 2, w / 2, -h / 2, h / 2)]


def _jaws(xmin: float, xmax: float, ymin: float, ymax: float) -> list[np.ndarray]:
    """McStas Slit's mcdisplay: an L-shaped jaw at each corner, as long as the opening."""
    xw, yh = (xmax - xmin) / 2, (ymax - ymin) / 2
    return [
        _polyline((x - sx * xw, y, 0), (x, y, 0), (x, y + sy * yh, 0))
        for x, sx in ((xmin, 1), (xmax, -1))
        for y, sy in ((ymin, -1), (ymax, 1))
    ]


@outline("Slit")
def _slit(comp) -> list[np.ndarray]:
    if comp.radial:
        r = comp.p["radius"]
        return [_polyline((r, 0, 0), (2 * r, 0, 0)), _polyline((-r, 0, 0), (-2 * r, 0, 0)),
                _polyline((0, r, 0), (0, 2 * r, 0)), _polyline((0, -r, 0), (0, -2 * r, 0))]  # fmt: skip
    return _jaws(*comp.bounds)


@outline("Beamstop")
def _beamstop(comp) -> list[np.ndarray]:
    if comp.p["radius"]:
        return [_arc(comp.p["radius"], "z")]
    return [_rect_xy(*comp.bounds)]


@outline("Collimator_linear")
def _collimator(comp) -> list[np.ndarray]:
    return _box(*comp.bounds, 0.0, comp.p["length"])


@outline("Guide")
def _guide(comp) -> list[np.ndarray]:
    """Tapered walls from w1 x h1 at z=0 to w2 x h2 at z=l."""
    p, length = comp.p, comp.p["l"]
    entry = _rect_xy(-p["w1"] / 2, p["w1"] / 2, -p["h1"] / 2, p["h1"] / 2)
    exit_ = _rect_xy(-comp.w2 / 2, comp.w2 / 2, -comp.h2 / 2, comp.h2 / 2, length)
    walls = [_polyline(a, b) for a, b in zip(entry[:4], exit_[:4], strict=True)]
    return [entry, exit_, *walls]


@outline("V_selector")
def _selector(comp) -> list[np.ndarray]:
    """The aperture box and the rotor drum, whose axis lies radius below the beam."""
    p = comp.p
    drum = _cylinder(p["radius"] + p["yheight"] / 2, 0, "z", p["length"], (0, -p["radius"], 0))
    return _box(-p["xwidth"] / 2, p["xwidth"] / 2, -p["yheight"] / 2, p["yheight"] / 2,
                -comp.zdepth / 2, comp.zdepth / 2) + drum  # fmt: skip


@outline("DiskChopper")
def _chopper(comp) -> list[np.ndarray]:
    """The disc, centred delta_y below the beam, and its opening."""
    p = comp.p
    disc = _arc(p["radius"], "z", (0, -comp.delta_y, 0))
    half = np.degrees(comp.theta_0) / 2
    inner = p["radius"] - comp.height
    opening = np.vstack((_arc(inner, "z", (0, -comp.delta_y, 0), -half, half)[::-1],
                         _arc(p["radius"], "z", (0, -comp.delta_y, 0), -half, half)))  # fmt: skip
    return [disc, np.vstack((opening, opening[:1]))]


@outline("Monochromator_flat")
def _monochromator(comp) -> list[np.ndarray]:
    """The crystal plane x=0, zmin..zmax along the beam and ymin..ymax high."""
    z0, z1, y0, y1 = comp.zmin, comp.zmax, comp.ymin, comp.ymax
    return [_polyline((0, y0, z0), (0, y0, z1), (0, y1, z1), (0, y1, z0), (0, y0, z0))]


@outline("Powder1", "Sans_spheres", "Incoherent")
def _sample(comp) -> list[np.ndarray]:
    p = comp.p
    shape = "box" if getattr(comp, "isrect", False) else getattr(comp, "shape", "cylinder")
    if shape == "box":
        return _box(-p["xwidth"] / 2, p["xwidth"] / 2, -p["yheight"] / 2, p["yheight"] / 2,
                    -p["zdepth"] / 2, p["zdepth"] / 2)  # fmt: skip
    if shape == "sphere":
        return [_arc(p["radius"], "y"), _arc(p["radius"], "z"), _arc(p["radius"], "z")[:, [2, 1, 0]]]
    return _cylinder(p["radius"], p["yheight"])


@outline("PSD_monitor", "L_monitor", "E_monitor", "TOF_monitor", "PSDlin_monitor", "Divergence_monitor")
def _monitor(comp) -> list[np.ndarray]:
    return [_rect_xy(*comp.bounds)]


@outline("Monitor_nD")
def _banana(comp) -> list[np.ndarray]:
    """The banana: a cylinder arc of radius r from theta lo to hi (deg), yheight high."""
    h = comp.p["yheight"] / 2
    arcs = [_arc(comp.radius, "y", (0, y, 0), comp.lo, comp.hi) for y in (-h, h)]
    return arcs + [_polyline(arcs[0][i], arcs[1][i]) for i in (0, -1)]


def _nothing(comp: Component) -> list[np.ndarray]:
    """Components without a shape (Arm, Progress_bar)."""
    return []


def _absolute(points: np.ndarray, comp: Component) -> np.ndarray:
    """Local (k, 3) points to absolute: X = R^T r + P."""
    return points @ comp.placement.rotation + comp.placement.position


def _ray_paths(model, wanted: int, limit: int, seed: int) -> list[tuple[tuple[int, float], RayPath]]:
    """Trace rays until ``wanted`` of them pass every component, or ``limit`` rays are traced.

    Each path comes with how far it got: (index of the component that stopped it, or the number
    of components, and minus the distance in m from its end to that component's origin).
    """
    points: dict[int, list[np.ndarray]] = {}
    stopped: dict[int, Component] = {}

    def observe(k: int, index: int, before: NeutronState, after: NeutronState) -> None:
        comp = model.components[index]
        path = points.setdefault(k, [])
        if len(after):
            if after.speed()[0] > 0:  # emitted: the source has set the ray off
                path.append(_absolute(np.array([[after.x[0], after.y[0], after.z[0]]]), comp)[0])
            return
        # stopped here: on the component's local z=0 plane if it flies on to it, else where it was
        with np.errstate(divide="ignore", invalid="ignore"):
            dt = -before.z[0] / before.vz[0]
        dt = dt if np.isfinite(dt) and dt > 0 else 0.0
        z = 0.0 if dt else before.z[0]
        local = np.array([[before.x[0] + before.vx[0] * dt, before.y[0] + before.vy[0] * dt, z]])
        if path:
            path.append(_absolute(local, comp)[0])
        stopped[k] = comp

    for comp in model.components:
        comp.ncount = limit
    for start in range(0, limit, BLOCK):
        trace_each(model, range(start, min(start + BLOCK, limit)), seed, observe)
        if len(points) - len(stopped) >= wanted:
            break
    paths = []
    for k, path in points.items():
        if len(path) < 2:
            continue
        comp = stopped.get(k)
        end = np.array(path)
        if comp is None:
            paths.append(((len(model.components), 0.0), RayPath(end, None)))
        else:
            miss = float(np.linalg.norm(end[-1] - comp.placement.position))
            paths.append(((comp.index, -miss), RayPath(end, comp.name)))
    return paths


def _pick(paths: list[tuple[tuple[int, float], RayPath]], shown: int) -> list[RayPath]:
    """Half the paths that got furthest (else a picture of absorbed rays), half as traced."""
    furthest = set(sorted(range(len(paths)), key=lambda i: paths[i][0], reverse=True)[: shown // 2])
    rest = [i for i in range(len(paths)) if i not in furthest][: shown - len(furthest)]
    return [paths[i][1] for i in sorted(furthest | set(rest))]


def instrument_layout(
    instrument: Instrument, params: dict, nrays: int = TRACED, shown: int = SHOWN, seed: int = SEED
) -> Layout:
    """The instrument with validated params: placed components and up to ``shown`` ray paths out
    of at most ``nrays`` traced (0: none). InstrumentError if the engine cannot build it."""
    model = build_model(instrument, params)
    placed = []
    for comp in model.components:
        lines = [_absolute(line, comp) for line in OUTLINES.get(comp.mcstas_name, _nothing)(comp)]
        placed.append(PlacedComponent(comp.name, comp.mcstas_name, comp.placement.position,
                                      comp.placement.rotation, lines))  # fmt: skip
    rays = _pick(_ray_paths(model, shown // 2, nrays, seed), shown) if nrays else []
    return Layout(instrument.name, placed, rays)


VIEWS = (("Top view", 0, "x [m]"), ("Side view", 1, "y [m]"))  # title, vertical coordinate, label


def layout_png(layout: Layout) -> bytes:
    """Top and side views (z along the beam, horizontal) as a PNG of about 1000 x 760 px."""
    figure = Figure(figsize=(10, 7.6), dpi=100, layout="constrained")
    axes_pair = figure.subplots(2, 1)
    for axes, (title, vertical, label) in zip(axes_pair, VIEWS, strict=True):
        _draw_view(axes, layout, vertical)
        axes.set_title(f"{layout.instrument}: {title.lower()}", fontsize=10)
        axes.set_xlabel("z [m] (along the beam)")
        axes.set_ylabel(label)
        axes.grid(alpha=0.25)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_view(axes, layout: Layout, vertical: int) -> None:  # type: ignore[no-untyped-def]
    for ray in layout.rays:
        axes.plot(ray.points[:, 2], ray.points[:, vertical], color="#e08a1e", alpha=0.55, linewidth=0.7)
        if ray.absorbed_by is not None:
            axes.plot(ray.points[-1, 2], ray.points[-1, vertical], "x", color="#b8321f", markersize=3.5)
    for comp in layout.components:
        for line in comp.outlines:
            axes.plot(line[:, 2], line[:, vertical], color="#1f3f6f", linewidth=1.1)
        if not comp.outlines and comp.kind == "Arm":
            axes.plot(comp.position[2], comp.position[vertical], "+", color="#1f3f6f", markersize=9)
    everything = np.vstack([comp.position[None, :] for comp in layout.components]
                           + [line for comp in layout.components for line in comp.outlines])  # fmt: skip
    low, high = everything.min(axis=0), everything.max(axis=0)
    span_z, span_v = max(high[2] - low[2], 1e-3), max(high[vertical] - low[vertical], 1e-3)
    if span_v / span_z >= 0.1:  # a bent instrument: true angles
        axes.set_aspect("equal", adjustable="box")
    axes.set_xlim(low[2] - 0.03 * span_z, high[2] + 0.03 * span_z)
    axes.set_ylim(low[vertical] - 0.15 * span_v, high[vertical] + 0.45 * span_v)
    _label(axes, layout, vertical, span_z)


def _label(axes, layout: Layout, vertical: int, span_z: float) -> None:  # type: ignore[no-untyped-def]
    """Component names at their positions; neighbours closer than 5 % of the length share a label."""
    groups: list[list[PlacedComponent]] = []
    for comp in layout.components:
        if groups and np.hypot(*(comp.position - groups[-1][0].position)[[2, vertical]]) < 0.05 * span_z:
            groups[-1].append(comp)
        else:
            groups.append([comp])
    for group in groups:
        x, y = group[0].position[2], group[0].position[vertical]
        axes.annotate(", ".join(c.name for c in group), (x, y), xytext=(2, 8), textcoords="offset points",
                      rotation=40, fontsize=7, color="#1f3f6f", ha="left", va="bottom")  # fmt: skip


def describe(layout: Layout) -> str:
    """Alternative text for the picture: what it shows, in words."""
    first, last = layout.components[0], layout.components[-1]
    if layout.rays:
        stopped = sum(ray.absorbed_by is not None for ray in layout.rays)
        rays = f"{len(layout.rays)} traced neutron paths ({stopped} absorbed on the way)"
    else:
        rays = f"up to {SHOWN} traced neutron paths"
    return (
        f"Top view (x against z) and side view (y against z) of the instrument {layout.instrument}: "
        f"{len(layout.components)} components from {first.name} at z = {first.position[2]:.3g} m "
        f"to {last.name} at z = {last.position[2]:.3g} m, drawn with their shapes, and {rays}."
    )


def layout_summary(instrument: Instrument, params: dict) -> dict:
    """The picture's text for the page: alt text, and each component's absolute position (m)
    and orientation (ROTATED angles, deg), without tracing rays."""
    layout = instrument_layout(instrument, params, nrays=0)
    def tidy(values) -> str:  # 4 significant digits, no "-0"
        return ", ".join(f"{float(v) + 0.0:.4g}" for v in np.round(values, 10))

    rows = [{"name": c.name, "kind": c.kind, "position": tidy(c.position),
             "angles": tidy(rotation_angles(c.rotation))} for c in layout.components]  # fmt: skip
    return {"alt": describe(layout), "components": rows}


def rotation_angles(rotation: np.ndarray) -> tuple[float, float, float]:
    """McStas ROTATED angles (deg, about x, then y, then z) of an absolute rotation matrix."""
    phy = np.degrees(np.arcsin(np.clip(rotation[2, 0], -1, 1)))
    phx = np.degrees(np.arctan2(-rotation[2, 1], rotation[2, 2]))
    phz = np.degrees(np.arctan2(-rotation[1, 0], rotation[0, 0]))
    return float(phx), float(phy), float(phz)


def cached_layout_png(folder: Path, instrument: Instrument, params: dict) -> bytes:
    """The layout PNG from ``folder``, keyed by instrument source hash and parameters."""
    identity = {"instrument": instrument.source_hash, "params": params, "version": VERSION,
                "rays": [TRACED, SHOWN, SEED]}  # fmt: skip
    key = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()
    path = folder / key[:2] / f"{key}.png"
    if path.exists():
        return path.read_bytes()
    png = layout_png(instrument_layout(instrument, params))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{key}.{os.getpid()}.tmp")
    temporary.write_bytes(png)
    temporary.replace(path)
    return png
