"""The instrument layout: absolute geometry from the engine's placement, traced paths, the PNG route."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from elearn.sim.instrument import parse_instrument
from elearn.sim.layout import instrument_layout, layout_summary, rotation_angles
from elearn.sim.parameters import validate_parameters

SIMULATIONS = Path(__file__).parents[2] / "simulations"
SHIPPED = sorted(path.name for path in SIMULATIONS.glob("*.instr"))


def layout_of(name: str, values: dict | None = None, nrays: int = 0):
    instrument = parse_instrument(SIMULATIONS / name)
    layout = instrument_layout(instrument, validate_parameters(instrument, values or {}), nrays=nrays)
    return layout, {comp.name: comp for comp in layout.components}


def test_positions_follow_at_relative_chains() -> None:
    _, guide = layout_of("Guide_slits.instr", {"guide_length": "5"})
    assert guide["guide"].position == pytest.approx([0, 0, 2])
    assert guide["exit_slit"].position == pytest.approx([0, 0, 2 + 5 + 0.01])  # RELATIVE guide
    assert guide["divergence"].position == pytest.approx([0, 0, 2 + 5 + 0.5 + 0.002])
    _, sans = layout_of("SANS_spheres.instr", {"L_coll": "3", "L_det": "4"})
    assert sans["pinhole2"].position == pytest.approx([0, 0, 3.5 + 3])  # z_slit2 from INITIALIZE
    assert sans["sample"].position == pytest.approx([0, 0, 6.5 + 0.2])
    assert sans["detector"].position == pytest.approx([0, 0, 6.7 + 4])


@pytest.mark.parametrize("wavelength", [2.5, 4.0])
def test_powder_take_off_arm_is_rotated_by_twice_the_bragg_angle(wavelength: float) -> None:
    _, powder = layout_of("Powder_diffractometer.instr", {"lambda": str(wavelength)})
    a2 = 2 * math.asin(wavelength / (2 * 3.355))  # rad
    beam = np.array([math.sin(a2), 0, math.cos(a2)])  # local z of the take-off arm, absolute frame
    takeoff = powder["takeoff"]
    assert takeoff.rotation.T @ [0, 0, 1] == pytest.approx(beam)
    assert rotation_angles(takeoff.rotation) == pytest.approx((0, math.degrees(a2), 0))
    assert rotation_angles(powder["mono"].rotation) == pytest.approx((0, math.degrees(a2) / 2, 0))
    assert powder["slit"].position == pytest.approx([0, 0, 3] + 1.0 * beam)
    assert powder["sample"].position == pytest.approx([0, 0, 3] + 1.2 * beam)
    assert powder["banana"].rotation == pytest.approx(takeoff.rotation)  # RELATIVE sample, no ROTATED


def test_shapes_are_drawn_with_their_sizes(write_instr) -> None:
    path = write_instr("""
        DEFINE INSTRUMENT Taper(w=0.05)
        TRACE
        COMPONENT src = Source_simple(xwidth=0.1, yheight=0.2, focus_xw=0.05, focus_yh=0.05, lambda0=4,
            dlambda=1, dist=1)
          AT (0, 0, 0) ABSOLUTE
        COMPONENT g = Guide(w1=w, h1=0.1, w2=0.02, h2=0.04, l=3, m=2)
          AT (0, 0, 1) ABSOLUTE
        COMPONENT turn = Arm()
          AT (0, 0, 4) ABSOLUTE ROTATED (0, 90, 0) ABSOLUTE
        COMPONENT det = Monitor_nD(xwidth=1.0, yheight=0.3, options="banana, theta limits=[20 160] bins=10")
          AT (0, 0, 0) RELATIVE turn
        END
    """)
    instrument = parse_instrument(path)
    layout = instrument_layout(instrument, validate_parameters(instrument, {}), nrays=0)
    src, guide, turn, det = layout.components
    corners = np.vstack(src.outlines)
    assert np.ptp(corners[:, 0]) == pytest.approx(0.1) and np.ptp(corners[:, 1]) == pytest.approx(0.2)
    walls = np.vstack(guide.outlines)
    entry, exit_ = walls[np.isclose(walls[:, 2], 1)], walls[np.isclose(walls[:, 2], 4)]
    assert np.abs(entry[:, 0]).max() == pytest.approx(0.025)
    assert np.abs(exit_[:, 0]).max() == pytest.approx(0.01)
    assert np.abs(exit_[:, 1]).max() == pytest.approx(0.02)
    assert turn.outlines == []
    arc = np.vstack(det.outlines) - det.position
    assert np.hypot(arc[:, 0], arc[:, 2]) == pytest.approx(0.5)  # radius xwidth/2 around the sample
    assert np.abs(arc[:, 1]).max() == pytest.approx(0.15)
    # theta = atan2(x, z) in the arm's frame, which is turned 90 deg: local z is absolute +x
    local = arc @ turn.rotation.T
    theta = np.degrees(np.arctan2(local[:, 0], local[:, 2]))
    assert theta.min() == pytest.approx(20) and theta.max() == pytest.approx(160)


def test_traced_paths_start_at_the_source_and_pass_the_guide_entrance() -> None:
    layout, _ = layout_of("Guide_slits.instr", nrays=5000)
    assert 20 <= len(layout.rays) <= 50
    for ray in layout.rays:
        start = ray.points[0]
        assert start[2] == pytest.approx(0) and math.hypot(start[0], start[1]) <= 0.06  # the source disc
        if ray.absorbed_by in (None, "guide", "exit_slit"):  # got through the entry slit at the guide
            at_entry = ray.points[1]
            assert at_entry[2] == pytest.approx(1.999)
            assert np.abs(at_entry[:2]).max() <= 0.015
        if ray.absorbed_by is None:
            assert ray.points[-1][2] == pytest.approx(12.502)  # the last monitor
    assert any(ray.absorbed_by is None for ray in layout.rays)


def test_absorbed_rays_end_where_they_stop_and_the_powder_beam_bends() -> None:
    layout, powder = layout_of("Powder_diffractometer.instr", nrays=5000)
    slit = powder["slit"]
    for ray in layout.rays:
        if ray.absorbed_by == "slit":  # on the slit's plane, whether reflected or flying straight on
            local = slit.rotation @ (ray.points[-1] - slit.position)
            assert local[2] == pytest.approx(0, abs=1e-9)
    bent = [ray for ray in layout.rays if ray.points[-1][0] > 0.5]
    assert bent, "no traced neutron was reflected by the monochromator"
    for ray in bent:  # straight to the monochromator, then along the take-off arm
        after = ray.points[ray.points[:, 2] > 3.05]
        directions = np.diff(np.vstack([[0, 0, 3], after]), axis=0)
        angles = np.degrees(np.arctan2(directions[:, 0], directions[:, 2]))
        assert angles[0] == pytest.approx(math.degrees(2 * math.asin(2.5 / (2 * 3.355))), abs=2)


def test_summary_lists_every_component_with_its_position() -> None:
    instrument = parse_instrument(SIMULATIONS / "Powder_diffractometer.instr")
    summary = layout_summary(instrument, validate_parameters(instrument, {}))
    rows = {row["name"]: row for row in summary["components"]}
    assert list(rows) == [c.name for c in instrument.components]
    assert rows["slit"]["position"] == "0.6915, 0, 3.722" and rows["takeoff"]["angles"] == "0, 43.75, 0"
    assert "Powder_diffractometer" in summary["alt"] and "traced neutron paths" in summary["alt"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_instrument_has_a_layout_png(client, name: str) -> None:
    response = client.get(f"/sim/{name}/layout.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    page = client.get(f"/sim/{name}").get_data(as_text=True)
    assert f'src="/sim/{name}/layout.png"' in page and 'alt="Top view (x against z)' in page


def test_other_parameter_values_need_a_signed_in_user(client, auth, make_user) -> None:
    assert client.get("/sim/Guide_slits.instr/layout.png?m=3").status_code == 403
    auth.login(make_user())
    assert client.get("/sim/Guide_slits.instr/layout.png?m=3").status_code == 200


def test_bad_parameter_values_are_refused_with_a_message(client, auth, make_user) -> None:
    auth.login(make_user())
    for query, message in (
        ("lambda=abc", "parameter lambda: &#39;abc&#39; is not a number"),
        ("colour=red", "unknown parameter &#39;colour&#39;"),
        ("guide_width=0", "Source_simple: target area unmeaningful"),
    ):
        response = client.get(f"/sim/Guide_slits.instr/layout.png?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True)
    assert client.get("/sim/..%2Fsecret.instr/layout.png").status_code == 404
    assert client.get("/sim/missing.instr/layout.png").status_code == 404


def test_layouts_are_cached_per_source_and_parameters(client, settings, auth, make_user) -> None:
    auth.login(make_user())
    folder = settings.data_path / "sim" / "layouts"
    first = client.get("/sim/Guide_slits.instr/layout.png?m=3").data
    cached = list(folder.rglob("*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    cached[0].write_bytes(b"\x89PNG from the cache")
    assert client.get("/sim/Guide_slits.instr/layout.png?m=3.0").data == b"\x89PNG from the cache"
    client.get("/sim/Guide_slits.instr/layout.png?m=1")
    assert len(list(folder.rglob("*.png"))) == 2


def test_every_engine_component_with_a_shape_has_an_outline(write_instr) -> None:
    from elearn.sim.engines.embedded.component import REGISTRY
    from elearn.sim.layout import OUTLINES, layout_png

    assert set(REGISTRY) - set(OUTLINES) == {"Arm", "Progress_bar"}
    path = write_instr("""
        DEFINE INSTRUMENT All()
        TRACE
        COMPONENT src = Source_Maxwell_3(size=0.05, Lmin=1, Lmax=5, dist=1, focus_xw=0.03, focus_yh=0.03,
            T1=300, I1=1e12)
          AT (0, 0, 0) ABSOLUTE
        COMPONENT chopper = DiskChopper(radius=0.3, yheight=0.05, nu=50, theta_0=20, isfirst=1)
          AT (0, 0, 0.5) ABSOLUTE
        COMPONENT coll = Collimator_linear(xwidth=0.04, yheight=0.04, length=0.2, divergence=60)
          AT (0, 0, 1) ABSOLUTE
        COMPONENT sphere = Incoherent(radius=0.01, target_index=1, focus_xw=0.2, focus_yh=0.2)
          AT (0, 0, 2) ABSOLUTE
        COMPONENT stop = Beamstop(radius=0.01)
          AT (0, 0, 2.9) ABSOLUTE
        COMPONENT tof = TOF_monitor(xwidth=0.2, yheight=0.2, tmin=0, tmax=1e5)
          AT (0, 0, 3) ABSOLUTE
        COMPONENT energy = E_monitor(xwidth=0.2, yheight=0.2, Emin=1, Emax=100)
          AT (0, 0, 3.01) ABSOLUTE
        COMPONENT line = PSDlin_monitor(xwidth=0.2, yheight=0.2)
          AT (0, 0, 3.02) ABSOLUTE
        END
    """)
    instrument = parse_instrument(path)
    layout = instrument_layout(instrument, validate_parameters(instrument, {}), nrays=200)
    chopper = np.vstack(layout.components[1].outlines)
    assert chopper[:, 1].min() == pytest.approx(-0.3 - (0.3 - 0.025))  # disc centred below the beam
    sphere = np.vstack(layout.components[3].outlines) - [0, 0, 2]
    assert np.linalg.norm(sphere, axis=1) == pytest.approx(0.01)
    assert layout_png(layout).startswith(b"\x89PNG")
