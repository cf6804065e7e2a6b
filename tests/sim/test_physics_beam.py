"""Physics checks of sources, slits, guides and time of flight against theory."""

from __future__ import annotations

import math

import numpy as np
import pytest

PENCIL = """
DEFINE INSTRUMENT pencil(double theta=0, double m=1, double lambda=5)
TRACE
COMPONENT src = Source_simple(radius=1e-6, dist=1, focus_xw=0.0005, focus_yh=0.0005,
    lambda0=lambda, dlambda=0.001, flux=1)
  AT (0, 0, 0) ABSOLUTE
COMPONENT before = PSD_monitor(xwidth=0.1, yheight=0.1, nx=10, ny=10, restore_neutron=1)
  AT (0, 0, 0.99) ABSOLUTE
COMPONENT guide = Guide(w1=0.005, h1=0.02, l=2, m=m)
  AT (0, 0, 1) ABSOLUTE ROTATED (0, theta, 0) ABSOLUTE
COMPONENT after = PSD_monitor(xwidth=0.5, yheight=0.5, nx=10, ny=10)
  AT (0, 0, 3.2) ABSOLUTE
END
"""


def test_source_simple_normalisation(run_instr):
    """Source_simple: I = flux * 1e4 [cm^2->m^2] * source area * 2 dlambda * w h / d^2.

    A point-like source (radius 1 mm) at d = 2 m from a 2 cm x 3 cm focus window: the total
    intensity on a monitor covering the window is that product (cos^2 ~ 1).
    """
    mons = run_instr("""
    DEFINE INSTRUMENT norm()
    TRACE
    COMPONENT src = Source_simple(radius=0.001, dist=2, focus_xw=0.02, focus_yh=0.03,
        lambda0=4, dlambda=0.5, flux=1e12)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT psd = PSD_monitor(xwidth=0.1, yheight=0.1, nx=20, ny=20)
      AT (0, 0, 2) ABSOLUTE
    END
    """, ncount=100_000)
    expected = 1e12 * 1e4 * math.pi * 0.001**2 * 2 * 0.5 * 0.02 * 0.03 / 2**2
    total, err, n = mons["psd"].totals()
    assert n == 100_000
    assert total == pytest.approx(expected, rel=2e-3)


@pytest.mark.parametrize("slit, area", [("xwidth=0.02, yheight=0.04", 0.02 * 0.04),
                                        ("radius=0.02", math.pi * 0.02**2)])
def test_slit_geometric_transmission(run_instr, slit, area):
    """A slit in a uniformly filled 10 cm x 10 cm beam transmits its area / beam area."""
    mons = run_instr(f"""
    DEFINE INSTRUMENT slit()
    TRACE
    COMPONENT src = Source_simple(radius=1e-5, dist=1, focus_xw=0.1, focus_yh=0.1,
        lambda0=4, dlambda=0.1)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT before = PSD_monitor(xwidth=0.2, yheight=0.2, restore_neutron=1)
      AT (0, 0, 0.999) ABSOLUTE
    COMPONENT slit = Slit({slit})
      AT (0, 0, 1) ABSOLUTE
    COMPONENT after = PSD_monitor(xwidth=0.2, yheight=0.2)
      AT (0, 0, 1.001) ABSOLUTE
    END
    """, ncount=200_000)
    ratio = mons["after"].totals()[0] / mons["before"].totals()[0]
    expected = area / 0.01
    sigma = math.sqrt(expected * (1 - expected) / 200_000)
    assert abs(ratio - expected) < 4 * sigma


def critical_angle_deg(m: float, wavelength: float) -> float:
    """theta_c = asin(m Qc lambda / 4 pi) with Qc = 0.0219 1/AA: ~0.1 deg/AA per m."""
    return math.degrees(math.asin(m * 0.0219 * wavelength / (4 * math.pi)))


def test_critical_angle_rule_of_thumb():
    """The textbook rule: theta_c ~ 0.1 deg per AA of wavelength per unit of m."""
    assert critical_angle_deg(1, 5) == pytest.approx(0.5, rel=0.01)
    assert critical_angle_deg(2, 5) == pytest.approx(1.0, rel=0.01)


def guide_transmission(run_instr, theta: float, m: float) -> float:
    mons = run_instr(PENCIL, {"theta": str(theta), "m": str(m)}, ncount=20_000)
    return mons["after"].totals()[0] / mons["before"].totals()[0]


def test_guide_reflects_below_and_absorbs_above_critical_angle(run_instr):
    """A pencil beam entering a 5 mm wide, 2 m guide at angle theta bounces k = l tan(theta)/w
    times on average, so the transmission is R^k.

    m=0: every wall hit absorbs. m=1: below theta_c (0.5 deg at 5 AA) R = R0 = 0.99; above it
    (1.3 theta_c) the tanh cut-off (W = 0.003 1/AA) kills the beam. m=2 doubles theta_c, so the
    1.3 theta_c(m=1) beam is reflected with R = R0 (1 - alpha (q - Qc)) = 0.95 per bounce.
    """
    tc = critical_angle_deg(1, 5)

    def bounces(theta):
        return 2 * math.tan(math.radians(theta)) / 0.005

    assert guide_transmission(run_instr, 0.8 * tc, 0) == 0
    assert guide_transmission(run_instr, 0.8 * tc, 1) == pytest.approx(
        0.99 ** bounces(0.8 * tc), rel=0.01)
    assert guide_transmission(run_instr, 1.3 * tc, 1) < 0.01
    q = 4 * math.pi * math.sin(math.radians(1.3 * tc)) / 5
    reflectivity = 0.99 * (1 - 6.07 * (q - 0.0219))
    assert guide_transmission(run_instr, 1.3 * tc, 2) == pytest.approx(
        reflectivity ** bounces(1.3 * tc), rel=0.03)


def test_time_of_flight_is_distance_over_speed(run_instr):
    """Neutrons of 4 AA (v = 3956/4 m/s) reach a monitor 10 m away at t = L/v = 10.11 ms."""
    mons = run_instr("""
    DEFINE INSTRUMENT tof()
    TRACE
    COMPONENT src = Source_simple(radius=0.001, dist=10, focus_xw=0.01, focus_yh=0.01,
        lambda0=4, dlambda=0.001)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT tof = TOF_monitor(xwidth=0.1, yheight=0.1, nt=200, tmin=9000, tmax=11000)
      AT (0, 0, 10) ABSOLUTE
    END
    """, ncount=20_000)
    mon = mons["tof"]
    t_peak = mon.axis(0)[np.argmax(mon.intensity)]
    expected_us = 10 / (3956.0346 / 4) * 1e6
    assert t_peak == pytest.approx(expected_us, abs=10)


def test_velocity_selector_wavelength_and_width(run_instr):
    """V_selector transmits lambda0 = 3956 alpha / (360 nu L) (alpha deg, L m, nu Hz).

    The transmission is triangular in lambda with FWHM/lambda0 = (2 pi/nslit - d/r)/alpha
    (alpha in rad, r = 0.12 m at the beam centre): 0.0996 for the D11 selector defaults.
    """
    lambda0 = 6.0
    nu = 3956.0346 * 48.298 / (360 * lambda0 * 0.25)
    mons = run_instr(f"""
    DEFINE INSTRUMENT vs()
    TRACE
    COMPONENT src = Source_simple(radius=0.0005, dist=5, focus_xw=0.001, focus_yh=0.001,
        lambda0={lambda0}, dlambda={0.3 * lambda0})
      AT (0, 0, 0) ABSOLUTE
    COMPONENT vs = V_selector(nu={nu})
      AT (0, 0, 5) ABSOLUTE
    COMPONENT lmon = L_monitor(xwidth=0.1, yheight=0.1, nL=120, Lmin=4.2, Lmax=7.8)
      AT (0, 0, 5.5) ABSOLUTE
    END
    """, ncount=400_000)
    mon = mons["lmon"]
    lam, inten = mon.axis(0), mon.intensity
    centre = (lam * inten).sum() / inten.sum()
    assert centre == pytest.approx(lambda0, rel=0.01)
    half = inten.max() / 2
    above = lam[inten > half]
    fwhm = above.max() - above.min() + (lam[1] - lam[0])
    expected = (2 * math.pi / 72 - 0.0004 / 0.12) / math.radians(48.298) * lambda0
    assert fwhm == pytest.approx(expected, rel=0.1)


CHOPPERS = """
DEFINE INSTRUMENT choppers(double delay2=0)
TRACE
COMPONENT src = Source_simple(radius=1e-4, dist=1, focus_xw=1e-3, focus_yh=1e-3,
    lambda0=4, dlambda=0.001)
  AT (0, 0, 0) ABSOLUTE
COMPONENT before = PSD_monitor(xwidth=0.1, yheight=0.1, restore_neutron=1)
  AT (0, 0, 0.99) ABSOLUTE
COMPONENT chopper1 = DiskChopper(radius=0.25, yheight=0.05, theta_0=20, nu=50, nslit=1,
    isfirst=1)
  AT (0, 0, 1) ABSOLUTE
COMPONENT after1 = PSD_monitor(xwidth=0.1, yheight=0.1, restore_neutron=1)
  AT (0, 0, 1.01) ABSOLUTE
COMPONENT chopper2 = DiskChopper(radius=0.25, yheight=0.05, theta_0=20, nu=50, nslit=1,
    delay=delay2)
  AT (0, 0, 6) ABSOLUTE
COMPONENT after2 = PSD_monitor(xwidth=0.1, yheight=0.1)
  AT (0, 0, 6.01) ABSOLUTE
END
"""


def test_disk_choppers_select_time_of_flight(run_instr):
    """A first chopper (isfirst=1) spreads t over its opening and weights by the open
    fraction nslit theta_0 / 360; a second identical chopper 5 m downstream passes the
    4 AA pulse when its delay is the flight time L/v, and blocks it half a turn later.
    """
    flight = 5 / (3956.0346 / 4)
    matched = run_instr(CHOPPERS, {"delay2": str(flight)}, ncount=20_000)
    before = matched["before"].totals()[0]
    assert matched["after1"].totals()[0] == pytest.approx(before * 20 / 360, rel=1e-9)
    assert matched["after2"].totals()[0] == pytest.approx(
        matched["after1"].totals()[0], rel=0.01)
    blocked = run_instr(CHOPPERS, {"delay2": str(flight + 0.01)}, ncount=20_000)
    assert blocked["after2"].totals()[0] == 0


def test_collimator_triangular_transmission(run_instr):
    """Collimator_linear weights a ray by 1 - |phi|/slope (slope = tan(divergence)): a beam
    spread uniformly over +-slope horizontally is transmitted on average by 1/2."""
    slope = math.tan(math.radians(40 / 60))
    width = 2 * slope * 1.0
    mons = run_instr(f"""
    DEFINE INSTRUMENT coll()
    TRACE
    COMPONENT src = Source_simple(radius=1e-6, dist=1, focus_xw={width}, focus_yh=1e-4,
        lambda0=4, dlambda=0.1)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT before = PSD_monitor(xwidth=0.2, yheight=0.2, restore_neutron=1)
      AT (0, 0, 0.5) ABSOLUTE
    COMPONENT coll = Collimator_linear(xwidth=0.2, yheight=0.2, length=0.2, divergence=40)
      AT (0, 0, 0.5) ABSOLUTE
    COMPONENT after = PSD_monitor(xwidth=0.2, yheight=0.2)
      AT (0, 0, 0.8) ABSOLUTE
    END
    """, ncount=100_000)
    ratio = mons["after"].totals()[0] / mons["before"].totals()[0]
    assert ratio == pytest.approx(0.5, abs=0.01)


def test_source_maxwell_3_spectrum_and_normalisation(run_instr):
    """Source_Maxwell_3: I(lambda) = w h [cm^2] * dOmega * I1 M(lambda, T1), with the normalised
    Maxwellian M = 2 a^2 exp(-a/lambda^2)/lambda^5, a = 949/T (K, AA); its peak for T = 300 K
    sits at lambda = sqrt(2 a / 5) = 1.09 AA."""
    mons = run_instr("""
    DEFINE INSTRUMENT maxwell()
    TRACE
    COMPONENT src = Source_Maxwell_3(xwidth=0.01, yheight=0.01, Lmin=0.5, Lmax=5, dist=2,
        focus_xw=0.01, focus_yh=0.01, T1=300, I1=1e12)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT lmon = L_monitor(xwidth=0.1, yheight=0.1, nL=45, Lmin=0.5, Lmax=5)
      AT (0, 0, 2) ABSOLUTE
    END
    """, ncount=200_000)
    mon = mons["lmon"]
    a = 949.0 / 300
    lam = np.linspace(0.5, 5, 20001)
    maxwell = 2 * a * a * np.exp(-a / lam**2) / lam**5
    solid = 0.01 * 0.01 / 2**2
    expected = 1e4 * 0.01 * 0.01 * solid * 1e12 * np.trapezoid(maxwell, lam)
    assert mon.totals()[0] == pytest.approx(expected, rel=0.01)
    assert mon.axis(0)[np.argmax(mon.intensity)] == pytest.approx(math.sqrt(2 * a / 5), abs=0.1)


def test_energy_and_divergence_monitors(run_instr):
    """E = 81.81 meV AA^2 / lambda^2 on E_monitor; a 1 cm window 2 m from a point source
    limits the horizontal divergence to +-atan(0.5 cm / 2 m) = +-0.143 deg and the beam on a
    PSDlin_monitor to +-0.5 cm."""
    mons = run_instr("""
    DEFINE INSTRUMENT em()
    TRACE
    COMPONENT src = Source_simple(radius=1e-6, dist=2, focus_xw=0.01, focus_yh=0.01,
        lambda0=4, dlambda=0.001)
      AT (0, 0, 0) ABSOLUTE
    COMPONENT emon = E_monitor(xwidth=0.1, yheight=0.1, nE=100, Emin=4, Emax=6)
      AT (0, 0, 2) ABSOLUTE
    COMPONENT div = Divergence_monitor(xwidth=0.1, yheight=0.1, nh=40, nv=40, maxdiv_h=0.2,
        maxdiv_v=0.2)
      AT (0, 0, 2.001) ABSOLUTE
    COMPONENT lin = PSDlin_monitor(xwidth=0.02, yheight=0.02, nbins=20)
      AT (0, 0, 2.002) ABSOLUTE
    END
    """, ncount=50_000)
    emon, div, lin = mons["emon"], mons["div"], mons["lin"]
    assert emon.axis(0)[np.argmax(emon.intensity)] == pytest.approx(81.8042 / 16, abs=0.02)
    h = div.axis(0)[div.intensity.sum(axis=1) > 0]
    assert h.min() == pytest.approx(-0.1432, abs=0.011) and h.max() == pytest.approx(
        0.1432, abs=0.011)
    inner = np.abs(lin.axis(0)) < 0.0045  # 1 mm bins fully inside the 1 cm wide beam
    outer = np.abs(lin.axis(0)) > 0.0065
    assert (lin.intensity[inner] > 0).all() and (lin.intensity[outer] == 0).all()
