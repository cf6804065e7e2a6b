"""Reference quantities read from monitor histograms, with statistical errors."""

import numpy as np
import pytest

from elearn.quiz.sim_quantities import QUANTITIES, QuantityError, radial_profile
from elearn.quiz.sim_runner import measure
from elearn.sim.mccode_output import MonitorData

X = np.linspace(0.5, 9.5, 91)  # bin centres, e.g. wavelength in AA


def gaussian(centre: float, sigma: float, height: float = 100.0) -> np.ndarray:
    return height * np.exp(-0.5 * ((X - centre) / sigma) ** 2)


def test_total_intensity_and_its_error() -> None:
    y, e = np.full(10, 2.0), np.full(10, 0.5)
    result = QUANTITIES["total_intensity"](np.arange(10.0), y, e)
    assert result.value == pytest.approx(20.0)
    assert result.error == pytest.approx(0.5 * np.sqrt(10))


def test_peak_position_between_bins() -> None:
    y = gaussian(4.23, 0.6)
    result = QUANTITIES["peak_position"](X, y, 0.01 * y)
    assert result.value == pytest.approx(4.23, abs=0.01)
    assert 0 < result.error < 0.1  # dominated by bin width / sqrt(12)


def test_centroid_and_fwhm() -> None:
    y = gaussian(5.0, 0.8)
    assert QUANTITIES["centroid"](X, y, 0.01 * y).value == pytest.approx(5.0, abs=1e-6)
    fwhm = QUANTITIES["fwhm"](X, y, 0.01 * y)
    assert fwhm.value == pytest.approx(2.3548 * 0.8, rel=0.02)


def test_noisier_data_gives_a_larger_error() -> None:
    y = gaussian(5.0, 0.8)
    quiet = QUANTITIES["peak_position"](X, y, 0.01 * y)
    noisy = QUANTITIES["peak_position"](X, y, 0.3 * y + 1)
    assert noisy.error > 2 * quiet.error


def test_first_minimum_of_a_sphere_form_factor() -> None:
    q = np.linspace(0.002, 0.1, 200)  # 1/AA
    radius = 100.0  # AA
    qr = q * radius
    form = (3 * (np.sin(qr) - qr * np.cos(qr)) / qr**3) ** 2
    result = QUANTITIES["first_minimum"](q, form, 0.01 * form + 1e-9)
    assert result.value == pytest.approx(4.493 / radius, rel=0.01)


def test_features_that_are_absent_are_reported() -> None:
    with pytest.raises(QuantityError):
        QUANTITIES["peak_position"](X, np.zeros_like(X), np.zeros_like(X))
    with pytest.raises(QuantityError):
        QUANTITIES["first_minimum"](X, np.exp(-X), 0.01 * np.exp(-X))


def test_radial_profile_of_a_ring() -> None:
    axis = np.linspace(-9.5, 9.5, 20)
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    image = np.where(np.abs(np.hypot(xx, yy) - 5) < 1, 10.0, 0.0)
    r, mean, error = radial_profile(axis, axis, image, np.sqrt(image), 10)
    assert r[np.argmax(mean)] == pytest.approx(5, abs=1)
    assert error.shape == mean.shape


def test_measure_a_2d_monitor_needs_a_reduction() -> None:
    image = np.ones((4, 4))
    monitor = MonitorData(
        "psd",
        "psd.dat",
        "",
        "",
        "",
        "x",
        "y",
        (-2, 2, -2, 2),
        image,
        None,
        np.ones((4, 4)),
        errors=np.ones((4, 4)),
    )
    assert measure(monitor, "total_intensity").value == pytest.approx(16)
    with pytest.raises(QuantityError):
        measure(monitor, "peak_position")
