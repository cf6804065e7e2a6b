"""Physics checks of the sample components against scattering theory."""

from __future__ import annotations

import math

import numpy as np
import pytest

SANS = """
DEFINE INSTRUMENT sans(double R=100)
TRACE
COMPONENT src = Source_simple(radius=1e-5, dist=2, focus_xw=1e-4, focus_yh=1e-4,
    lambda0=6, dlambda=0.001)
  AT (0, 0, 0) ABSOLUTE
COMPONENT sample = Sans_spheres(R=R, Phi=0.01, Delta_rho=0.6, sigma_abs=0,
    xwidth=0.001, yheight=0.001, zdepth=0.001, target_index=1, focus_xw=1.0, focus_yh=0.01)
  AT (0, 0, 2) ABSOLUTE
COMPONENT det = PSDlin_monitor(xwidth=1.0, yheight=0.01, nbins=400)
  AT (0, 0, 7) ABSOLUTE
END
"""


def test_sphere_form_factor_minima(run_instr):
    """Hard spheres: P(q) = [3 (sin qR - qR cos qR)/(qR)^3]^2 vanishes at qR = 4.493, 7.725.

    With lambda = 6 AA, R = 100 AA and the detector 5 m away, the minima fall at
    x = L tan(2 asin(q lambda / 4 pi)); the measured I(x) has its minima there (+- 2 bins).
    """
    mon = run_instr(SANS, ncount=200_000)["det"]
    x, inten = mon.axis(0), mon.intensity
    for qr in (4.493, 7.725):
        two_theta = 2 * math.asin(qr / 100 * 6 / (4 * math.pi))
        expected = 5 * math.tan(two_theta)
        window = (x > expected - 0.06) & (x < expected + 0.06)
        found = x[window][np.argmin(inten[window])]
        assert found == pytest.approx(expected, abs=2 * (x[1] - x[0]))


def test_sans_intensity_scales_with_contrast_and_volume_fraction(run_instr):
    """Sans_spheres' weight is proportional to Phi * Delta_rho^2 (dilute limit)."""
    base = run_instr(SANS, ncount=20_000)["det"].totals()[0]
    text = SANS.replace("Phi=0.01, Delta_rho=0.6", "Phi=0.02, Delta_rho=1.2")
    scaled = run_instr(text, ncount=20_000)["det"].totals()[0]
    assert scaled / base == pytest.approx(2 * 4, rel=1e-9)


POWDER = """
DEFINE INSTRUMENT powder(double q=2.0, double j=8, double F2=5.5)
TRACE
COMPONENT src = Source_simple(radius=1e-4, dist=2, focus_xw=1e-3, focus_yh=1e-3,
    lambda0=2.5, dlambda=0.001)
  AT (0, 0, 0) ABSOLUTE
COMPONENT sample = Powder1(radius=0.001, yheight=0.002, q=q, j=j, F2=F2, Vc=160.2,
    sigma_abs=0, d_phi=10)
  AT (0, 0, 2) ABSOLUTE
COMPONENT banana = Monitor_nD(xwidth=2, yheight=0.5,
    options="banana, theta limits=[0 180] bins=720")
  AT (0, 0, 2) ABSOLUTE
END
"""


def run_powder(run_instr, q, j, f2):
    mon = run_instr(POWDER, {"q": str(q), "j": str(j), "F2": str(f2)}, ncount=50_000)["banana"]
    return mon.axis(0), mon.intensity


def test_powder1_bragg_peak_positions(run_instr):
    """A reflection with d = 2 pi / q appears at 2 theta = 2 asin(lambda / 2 d)."""
    for d in (3.1356, 1.9202):
        theta2, inten = run_powder(run_instr, 2 * math.pi / d, 8, 5.5)
        expected = 2 * math.degrees(math.asin(2.5 / (2 * d)))
        centre = (theta2 * inten).sum() / inten.sum()
        assert centre == pytest.approx(expected, abs=0.3)


def test_powder1_relative_intensities(run_instr):
    """Integrated ring power P ~ j |F|^2 lambda^3 / (Vc^2 sin theta) (Squires 3.103); the part
    seen through the vertical opening d_phi is 2 asin(sin(d_phi/2)/sin 2theta) / pi of it.

    Si (111): d = 3.1356 AA, j = 8, |F|^2 = 32 b^2 = 5.509 barn; Si (220): d = 1.9202 AA,
    j = 12, |F|^2 = 64 b^2 = 11.018 barn (b = 4.1491 fm).
    """
    peaks = []
    for d, j, f2 in ((3.1356, 8, 5.509), (1.9202, 12, 11.018)):
        _, inten = run_powder(run_instr, 2 * math.pi / d, j, f2)
        theta = math.asin(2.5 / (2 * d))
        seen = 2 * math.asin(math.sin(math.radians(5)) / math.sin(2 * theta)) / math.pi
        peaks.append((inten.sum(), j * f2 / math.sin(theta) * seen))
    measured = peaks[0][0] / peaks[1][0]
    predicted = peaks[0][1] / peaks[1][1]
    assert measured == pytest.approx(predicted, rel=0.02)


def test_incoherent_scattering_is_isotropic(run_instr):
    """An incoherent scatterer (vanadium, no absorption) scatters equally into every direction:
    on a banana detector every 2theta interval of equal width gets the same intensity.
    """
    mon = run_instr("""
    DEFINE INSTRUMENT vana()
    TRACE
    COMPONENT src = Source_simple(radius=1e-4, dist=2, focus_xw=1e-3, focus_yh=1e-3,
        lambda0=2, dlambda=0.01)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT sample = Incoherent(radius=0.002, sigma_abs=0, focus_r=0, order=1)
      AT (0, 0, 2) ABSOLUTE
    COMPONENT banana = Monitor_nD(xwidth=2, yheight=0.2,
        options="banana, theta limits=[-180 180] bins=36")
      AT (0, 0, 2) ABSOLUTE
    END
    """, ncount=400_000)["banana"]
    inten, counts = mon.intensity, mon.counts
    rel_err = 1 / np.sqrt(counts.mean())
    assert inten.std() / inten.mean() < 4 * rel_err
    forward, backward = inten[18:22].sum(), inten[[0, 1, 34, 35]].sum()
    assert forward / backward == pytest.approx(1, abs=6 * rel_err)


def test_incoherent_scattered_power(run_instr):
    """Single scattering from a thin slab of thickness d: the scattered fraction is
    sigma_s/sigma_t (1 - exp(-mu_t d)) (mu = rho sigma, rho = 1/Vc), spread over 4 pi; a banana
    of height h at radius R sees sin(atan(h/2R)) of 4 pi.
    """
    mons = run_instr("""
    DEFINE INSTRUMENT slab()
    TRACE
    COMPONENT src = Source_simple(radius=1e-4, dist=2, focus_xw=1e-3, focus_yh=1e-3,
        lambda0=1.8, dlambda=0.001)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT incident = PSD_monitor(xwidth=0.01, yheight=0.01, restore_neutron=1)
      AT (0, 0, 1.99) ABSOLUTE
    COMPONENT sample = Incoherent(xwidth=0.02, yheight=0.02, zdepth=0.002, order=1)
      AT (0, 0, 2) ABSOLUTE
    COMPONENT banana = Monitor_nD(xwidth=2, yheight=0.2,
        options="banana, theta limits=[-180 180] bins=36")
      AT (0, 0, 2) ABSOLUTE
    END
    """, ncount=100_000)
    incident = mons["incident"].totals()[0]
    mu_s = 100 * 5.08 / 13.827  # 1/m, vanadium defaults
    mu_a = 100 * 5.08 / 13.827 * 2200 / (3956.0346 / 1.8)
    mu_t = mu_s + mu_a
    scattered = incident * mu_s / mu_t * (1 - math.exp(-mu_t * 0.002))
    expected = scattered * math.sin(math.atan(0.1))
    measured, error, _ = mons["banana"].totals()
    assert measured == pytest.approx(expected, rel=0.03)


MONO = """
DEFINE INSTRUMENT mono(double offset=0)
DECLARE %{ double A1; %}
INITIALIZE %{ A1 = asin(2.5/(2*3.355))*RAD2DEG; %}
TRACE
COMPONENT src = Source_simple(radius=1e-5, dist=1, focus_xw=1e-5, focus_yh=1e-5,
    lambda0=2.5, dlambda=1e-6)
  AT (0, 0, 0) ABSOLUTE
COMPONENT before = PSD_monitor(xwidth=0.1, yheight=0.1, restore_neutron=1)
  AT (0, 0, 0.9) ABSOLUTE
COMPONENT arm = Arm() AT (0, 0, 1) ABSOLUTE ROTATED (0, A1 + offset, 0) ABSOLUTE
COMPONENT mono = Monochromator_flat(zwidth=0.2, yheight=0.2, mosaich=30, mosaicv=30,
    r0=0.7, DM=3.355)
  AT (0, 0, 0) RELATIVE arm
COMPONENT takeoff = Arm() AT (0, 0, 0) RELATIVE arm ROTATED (0, 2*A1, 0) ABSOLUTE
COMPONENT after = PSD_monitor(xwidth=0.5, yheight=0.5)
  AT (0, 0, 0.5) RELATIVE takeoff
END
"""


@pytest.mark.parametrize("offset", [0.0, 0.2, 0.5])
def test_monochromator_rocking_curve(run_instr, offset):
    """A parallel monochromatic beam on a mosaic crystal turned delta away from the Bragg
    angle 2.5 AA / PG(002) is reflected with r0 exp(-delta^2 / 2 sigma^2), sigma = 30'/2.355."""
    mons = run_instr(MONO, {"offset": str(offset)}, ncount=50_000)
    ratio = mons["after"].totals()[0] / mons["before"].totals()[0]
    sigma = math.radians(30 / 60) / math.sqrt(8 * math.log(2))
    expected = 0.7 * math.exp(-math.radians(offset) ** 2 / (2 * sigma**2))
    assert ratio == pytest.approx(expected, rel=0.03)


def test_sans_focusing_disc_and_rectangle_agree(run_instr):
    """Focusing only changes the sampling: a 10 cm square detector inside either a disc
    (focus_r = 8 cm) or a 16 cm square focus window sees the same weighted intensity."""
    text = """
    DEFINE INSTRUMENT focus(double fr=0, double fw=0)
    TRACE
    COMPONENT src = Source_simple(radius=1e-5, dist=2, focus_xw=1e-4, focus_yh=1e-4,
        lambda0=6, dlambda=0.001)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT sample = Sans_spheres(R=50, sigma_abs=0, xwidth=0.001, yheight=0.001,
        zdepth=0.001, focus_r=fr, focus_xw=fw, focus_yh=fw)
      AT (0, 0, 2) ABSOLUTE
    COMPONENT det = PSD_monitor(xwidth=0.1, yheight=0.1)
      AT (0, 0, 7) ABSOLUTE
    END
    """
    disc = run_instr(text, {"fr": "0.08"}, ncount=100_000)["det"].totals()
    square = run_instr(text, {"fw": "0.16"}, ncount=100_000)["det"].totals()
    assert disc[0] == pytest.approx(square[0], abs=4 * math.hypot(disc[1], square[1]))
