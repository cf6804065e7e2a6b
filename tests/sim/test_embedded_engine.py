"""The embedded engine as a whole: refusals, placement, seeding, chunking, SPLIT."""

from __future__ import annotations

import numpy as np
import pytest

import elearn.sim.engines.embedded as embedded
from elearn.sim.engines.embedded.geometry import rotation_matrix
from elearn.sim.instrument import InstrumentError, parse_instrument
from elearn.sim.parameters import validate_parameters

HEAD = """DEFINE INSTRUMENT r(double a=1)
TRACE
COMPONENT src = Source_simple(radius=0.01, dist=1, focus_xw=0.01, focus_yh=0.01,
    lambda0=4, dlambda=0.1)
  AT (0, 0, 0) ABSOLUTE
"""
MON = """COMPONENT mon = PSD_monitor(xwidth=0.1, yheight=0.1)
  AT (0, 0, 1) ABSOLUTE
"""


@pytest.mark.parametrize("body, what, line", [
    ("COMPONENT x = Fermi_chopper() AT (0,0,1) ABSOLUTE\n",
     "component x of type Fermi_chopper is not implemented", 6),
    (MON + "COMPONENT g = Arm() AT (0,0,1) ABSOLUTE EXTEND %{ p *= 2; %}\n",
     "EXTEND block on component g (Arm)", 8),
    (MON + "COMPONENT g = Arm() AT (0,0,1) ABSOLUTE GROUP grp\n",
     "GROUP grp on component g (Arm)", 8),
    (MON + "COMPONENT g = Arm() WHEN (a > 0) AT (0,0,1) ABSOLUTE\n",
     "WHEN condition on component g (Arm)", 8),
    (MON + "COMPONENT g = Arm() AT (0,0,1) ABSOLUTE JUMP mon ITERATE (2)\n",
     "JUMP on component g (Arm)", 8),
    (MON + "COMPONENT g = Arm() AT (0,0,1) ABSOLUTE JUMP myself ITERATE 10\n",
     "JUMP on component g (Arm)", 8),
    ("COMPONENT s = Sans_spheres(radius=0.01, focus_aw=2, focus_ah=2) AT (0,0,1) ABSOLUTE\n",
     "angular focusing is not implemented", 6),
    ("COMPONENT s = Incoherent(radius=0.01, thickness=0.001) AT (0,0,1) ABSOLUTE\n",
     "hollow samples need the McStas engine", 6),
    ("COMPONENT m = Monitor_nD(options=\"x bins=10\") AT (0,0,1) ABSOLUTE\n",
     "Monitor_nD options 'x bins=10' are not supported", 6),
    ("COMPONENT s = Guide(w1=0.1, h1=0.1, l=1, reflect=\"sm.dat\") AT (0,0,1) ABSOLUTE\n",
     "reflectivity files are not read", 6),
    ("COMPONENT s = Slit(nonsense=1) AT (0,0,1) ABSOLUTE\n", "Slit has no parameter", 6),
])
def test_refuses_what_it_cannot_run(write_instr, body, what, line):
    path = write_instr(HEAD + body + "END\n")
    instrument = parse_instrument(path)
    with pytest.raises(InstrumentError) as err:
        embedded.build_model(instrument, validate_parameters(instrument, {}))
    assert what in str(err.value)
    assert err.value.line == line
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_refuses_c_code_it_cannot_evaluate(write_instr):
    path = write_instr("DEFINE INSTRUMENT c()\nDECLARE %{\n double x;\n%}\nINITIALIZE %{\n"
                       "  x = 1;\n  for (int i=0;i<3;i++) x += i;\n%}\nTRACE\n"
                       "COMPONENT a = Arm() AT (0,0,0) ABSOLUTE\nEND\n")
    instrument = parse_instrument(path)
    with pytest.raises(InstrumentError) as err:
        embedded.build_model(instrument, {})
    assert err.value.line == 7
    assert "INITIALIZE code" in str(err.value) and "use the McStas engine" in str(err.value)


def test_rotation_matrix_matches_mcstas_convention():
    """ROTATED (0, 90, 0): the component's z axis points along absolute +x."""
    rot = rotation_matrix(0, 90, 0)
    assert np.allclose(rot @ np.array([1.0, 0, 0]), [0, 0, 1])
    combined = rotation_matrix(10, 20, 30)
    rx, ry, rz = (rotation_matrix(10, 0, 0), rotation_matrix(0, 20, 0),
                  rotation_matrix(0, 0, 30))
    assert np.allclose(combined, rz @ ry @ rx)


def test_placement_relative_and_previous(write_instr):
    """AT (0,0,1) RELATIVE a component rotated 90 deg about y lands at absolute x = +1."""
    path = write_instr("""DEFINE INSTRUMENT p(double ang=90)
    TRACE
    COMPONENT a = Arm() AT (0, 0, 2) ABSOLUTE ROTATED (0, ang, 0) ABSOLUTE
    COMPONENT b = Arm() AT (0, 0, 1) RELATIVE a
    COMPONENT c = Arm() AT (0, 0, 1) RELATIVE PREVIOUS ROTATED (0, -ang, 0) RELATIVE b
    END
    """)
    instrument = parse_instrument(path)
    model = embedded.build_model(instrument, validate_parameters(instrument, {}))
    pos = [p.position for p in model.placements]
    assert np.allclose(pos[1], [1, 0, 2]) and np.allclose(pos[2], [2, 0, 2])
    assert np.allclose(model.placements[2].rotation, np.eye(3))


def test_seeded_runs_are_reproducible_and_seeds_differ(run_instr):
    text = HEAD + MON + "END\n"
    a = run_instr(text, ncount=5000, seed=7)["mon"].intensity
    b = run_instr(text, ncount=5000, seed=7)["mon"].intensity
    c = run_instr(text, ncount=5000, seed=8)["mon"].intensity
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_streaming_in_chunks_accumulates_like_one_pass(run_instr, monkeypatch):
    """Monitor sums over many small chunks estimate the same intensity as big chunks."""
    text = HEAD + MON + "END\n"
    whole = run_instr(text, ncount=60_000)["mon"].totals()
    monkeypatch.setattr(embedded, "CHUNK", 7_000)
    chunked = run_instr(text, ncount=60_000)["mon"].totals()
    assert chunked[2] == whole[2] == 60_000
    assert chunked[0] == pytest.approx(whole[0], rel=0.02)


def test_split_repeats_rays_with_divided_weight(run_instr):
    """SPLIT n sends each ray n times on with weight p/n: same intensity, n times the events."""
    text = HEAD + "SPLIT 4 " + MON + "END\n"
    plain = run_instr(HEAD + MON + "END\n", ncount=10_000)["mon"].totals()
    split = run_instr(text, ncount=10_000)["mon"].totals()
    assert split[2] == 4 * plain[2]
    assert split[0] == pytest.approx(plain[0], rel=1e-9)


def test_progress_and_cancellation(write_instr, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "CHUNK", 1000)
    instrument = parse_instrument(write_instr(HEAD + MON + "END\n"))
    seen = []
    embedded.run(instrument, {"a": 1.0}, 5000, 1, tmp_path / "o", progress=seen.append)
    assert seen == [0.2, 0.4, 0.6, 0.8, 1.0]
    with pytest.raises(embedded.Cancelled):
        embedded.run(instrument, {"a": 1.0}, 5000, 1, tmp_path / "o2",
                     cancelled=lambda: len(seen) > 5, progress=seen.append)


@pytest.mark.parametrize("m", [0, 1, 3])
def test_straight_guide_unfolding_equals_the_mirror_loop(write_instr, m):
    """The unfolded straight-guide path gives Guide.comp's loop result ray by ray."""
    path = write_instr(f"""DEFINE INSTRUMENT g()
    TRACE
    COMPONENT guide = Guide(w1=0.02, h1=0.03, l=3, m={m})
      AT (0, 0, 0) ABSOLUTE
    END
    """)
    instrument = parse_instrument(path)
    guide = embedded.build_model(instrument, {}).components[0]
    rng = np.random.default_rng(5)
    n = 20_000

    def beam():
        v = 3956 / rng.uniform(2, 10, n)
        ax, ay = rng.normal(0, 0.01, n), rng.normal(0, 0.01, n)
        return embedded.NeutronState(
            rng.uniform(-0.01, 0.01, n), rng.uniform(-0.015, 0.015, n), np.full(n, -0.5),
            v * ax, v * ay, v * np.sqrt(1 - ax**2 - ay**2), np.zeros(n), np.ones(n))

    state = beam()
    unfolded = guide.trace(state.copy(), rng)
    guide.force_loop = True
    looped = guide.trace(state.copy(), rng)
    assert len(unfolded) == len(looped) > 0
    for field in ("x", "y", "z", "vx", "vy", "vz", "t", "p"):
        assert np.allclose(getattr(unfolded, field), getattr(looped, field), atol=1e-9), field


def test_tapered_guide_with_absorbing_walls_keeps_line_of_sight_rays(write_instr):
    """m=0 tapered guide (mirror loop path): a ray survives exactly when its straight line
    stays inside the tube, i.e. inside the entrance w1 x h1 and the exit w2 x h2 openings."""
    path = write_instr("""DEFINE INSTRUMENT taper()
    TRACE
    COMPONENT guide = Guide(w1=0.04, h1=0.03, w2=0.02, h2=0.02, l=2, m=0)
      AT (0, 0, 0) ABSOLUTE
    END
    """)
    guide = embedded.build_model(parse_instrument(path), {}).components[0]
    rng = np.random.default_rng(3)
    n = 50_000
    v = 1000.0
    ax, ay = rng.normal(0, 0.01, n), rng.normal(0, 0.01, n)
    state = embedded.NeutronState(
        rng.uniform(-0.03, 0.03, n), rng.uniform(-0.02, 0.02, n), np.zeros(n),
        v * ax, v * ay, v * np.sqrt(1 - ax**2 - ay**2), np.zeros(n), np.ones(n))
    x_exit = state.x + state.vx / state.vz * 2
    y_exit = state.y + state.vy / state.vz * 2
    expected = ((np.abs(state.x) < 0.02) & (np.abs(state.y) < 0.015)
                & (np.abs(x_exit) < 0.01) & (np.abs(y_exit) < 0.01)).sum()
    assert len(guide.trace(state, rng)) == expected > 0
