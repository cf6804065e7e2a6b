"""Cells of tof-wavelength.ipynb: wavelength and energy from time of flight, and the
temperature of a Maxwellian moderator."""

from notebook_cells import answer, array_literal, given, markdown, read_columns, test

INTRO = r"""
# Time of flight: wavelength, energy and the moderator temperature

A neutron of wavelength $\lambda$ has the speed $v = h/(m_n\lambda)$. On a pulsed source all
neutrons leave the moderator at (nearly) the same time, so one that reaches a detector at the
distance $L$ after the time of flight $t$ has

$$
\lambda = \frac{h\,t}{m_n L}, \qquad
E = \frac{h^2}{2 m_n \lambda^2} = \frac{m_n}{2}\left(\frac{L}{t}\right)^2 .
$$

A moderator in thermal equilibrium at the temperature $T$ emits a **Maxwellian** spectrum. Per
unit wavelength, the flux is

$$
\Phi(\lambda) \propto \lambda^{-5} \exp\!\left(-\frac{a}{\lambda^2}\right), \qquad
a = \frac{h^2}{2 m_n k_B T},
$$

which peaks at $\lambda_\mathrm{peak} = h/\sqrt{5\,m_n k_B T}$; per unit energy the same flux is
$\Phi(E) \propto E\,e^{-E/k_B T}$, which peaks at $E = k_B T$.

**The data**: counts of a detector $L = 20$ m from the moderator in time bins of constant
width $\Delta t = 25$ µs (`t_us` are the bin centres, times after the pulse). They are exact
theory for a Maxwellian moderator with Poisson counting noise added (not a McStas simulation):
the pulse is taken as instantaneous and the detector efficiency as independent of $\lambda$.
Because $\lambda \propto t$, bins of constant $\Delta t$ have constant width in $\lambda$ too,
so the counts per bin follow $\Phi(\lambda)$.

Use the CODATA constants from `scipy.constants` (`h`, `m_n`, `k`, `e`) and keep track of units:
times in µs, distances in m, wavelengths in Å, energies in meV.
"""

TASK_WAVELENGTH = r"""
## 1. From time of flight to wavelength

Write `tof_to_wavelength(t_us, L_m)` returning $\lambda$ in Å for times in µs and a flight path
in m. It must work on NumPy arrays.
"""

WAVELENGTH = '''
def tof_to_wavelength(t_us, L_m):
    """Wavelength (AA) of a neutron flying L_m metres in t_us microseconds."""
    ### BEGIN SOLUTION
    return h * np.asarray(t_us) * 1e-6 / (m_n * L_m) * 1e10
    ### END SOLUTION
'''

TEST_WAVELENGTH = """
assert abs(tof_to_wavelength(2527.8, 10.0) - 1.0) < 1e-3, "1 AA neutrons fly 10 m in 2528 us"
assert np.shape(tof_to_wavelength(t_us, L)) == t_us.shape
### BEGIN HIDDEN TESTS
assert np.isclose(tof_to_wavelength(5000.0, 20.0), h * 5e-3 / (m_n * 20.0) * 1e10, rtol=1e-12)
assert np.allclose(tof_to_wavelength(t_us, 15.0), h * t_us * 1e-6 / (m_n * 15.0) * 1e10,
                   rtol=1e-12)
### END HIDDEN TESTS
"""

TASK_ENERGY = r"""
## 2. From wavelength to energy

Write `wavelength_to_energy(wavelength)` returning $E$ in meV for $\lambda$ in Å. (Check: a
neutron of 1.8 Å has about 25 meV.)
"""

ENERGY = '''
def wavelength_to_energy(wavelength):
    """Kinetic energy (meV) of a neutron of the given wavelength (AA)."""
    ### BEGIN SOLUTION
    lam_m = np.asarray(wavelength) * 1e-10
    return h**2 / (2 * m_n * lam_m**2) / e * 1e3
    ### END SOLUTION
'''

TEST_ENERGY = """
assert abs(wavelength_to_energy(1.0) - 81.8) < 0.1, "E(1 AA) should be 81.8 meV"
### BEGIN HIDDEN TESTS
assert np.isclose(wavelength_to_energy(1.0), 81.80420, rtol=1e-5)
lam = np.array([0.5, 1.8, 4.0])
assert np.allclose(wavelength_to_energy(lam), h**2 / (2 * m_n * (lam * 1e-10) ** 2) / e * 1e3,
                   rtol=1e-12)
### END HIDDEN TESTS
"""

TASK_SPECTRUM = r"""
## 3. The spectrum per unit energy

Compute `wavelength` (Å) and `energy` (meV) of every time bin, then the counts **per meV**,
`counts_per_meV`. A time bin of width $\Delta t$ spans the energy interval
$\Delta E = \left|\frac{dE}{dt}\right| \Delta t = \frac{2E}{t}\,\Delta t$, so
`counts_per_meV` $=$ `counts` $/\,\Delta E$. (Dividing by the bin width in energy is what
changes the shape of the spectrum, and moves its peak.)
"""

SPECTRUM = """
### BEGIN SOLUTION
wavelength = tof_to_wavelength(t_us, L)
energy = wavelength_to_energy(wavelength)
counts_per_meV = counts / (2 * energy / t_us * dt_us)
### END SOLUTION
"""

TEST_SPECTRUM = """
assert wavelength.shape == energy.shape == counts_per_meV.shape == t_us.shape
assert np.all(np.diff(energy) < 0), "later neutrons are slower"
### BEGIN HIDDEN TESTS
assert np.allclose(wavelength, h * t_us * 1e-6 / (m_n * L) * 1e10, rtol=1e-9)
expected = counts / (2 * energy / t_us * dt_us)
assert np.allclose(counts_per_meV, expected, rtol=0.03, atol=1e-9), "counts / (2 E dt / t)"
### END HIDDEN TESTS
"""

TASK_FIT = r"""
## 4. The moderator temperature

Write `maxwellian(wavelength, A, T)` $= A\,\lambda^{-5}\exp(-a/\lambda^2)$ with
$a = h^2/(2 m_n k_B T)$ expressed in Å² and $\lambda$ in Å, and fit it to the counts per bin
with `curve_fit`, weighting by the Poisson errors $\sqrt{N}$ (use $\sqrt{\max(N, 1)}$ so that
empty bins do not divide by zero). Start from `p0=(1e5, 300)`. Store

- `T_fit` (K) and `T_err` (K), the fitted temperature and its standard error;
- `lambda_peak` (Å), the peak of the flux per unit wavelength for `T_fit`;
- `E_peak` (meV), the peak of the flux per unit energy for `T_fit`.
"""

FIT = '''
def maxwellian(wavelength, A, T):
    """Maxwellian flux per unit wavelength (AA) of a moderator at T (K), scaled by A."""
    ### BEGIN SOLUTION
    a = h**2 / (2 * m_n * k * T) * 1e20
    return A * wavelength**-5.0 * np.exp(-a / wavelength**2)
    ### END SOLUTION


### BEGIN SOLUTION
popt, pcov = curve_fit(maxwellian, wavelength, counts, p0=(1e5, 300),
                       sigma=np.sqrt(np.maximum(counts, 1)), absolute_sigma=True)
T_fit, T_err = popt[1], np.sqrt(pcov[1, 1])
lambda_peak = h / np.sqrt(5 * m_n * k * T_fit) * 1e10
E_peak = k * T_fit / e * 1e3
### END SOLUTION
print(f"T = {T_fit:.1f} +- {T_err:.1f} K, lambda_peak = {lambda_peak:.3f} AA, "
      f"E_peak = {E_peak:.2f} meV")
'''

TEST_FIT = """
assert 200 < T_fit < 500, f"T_fit = {T_fit} K is not a thermal moderator"
assert 0.8 < lambda_peak < 1.4
assert 15 < E_peak < 45
### BEGIN HIDDEN TESTS
assert np.isclose(maxwellian(1.5, 2.0, 300.0),
                  2.0 * 1.5**-5 * np.exp(-h**2 / (2 * m_n * k * 300.0) * 1e20 / 1.5**2))
assert abs(T_fit - 335.0) < 2.0, f"T_fit = {T_fit}"
assert 0.10 < T_err < 0.14, "weight the fit with sigma = sqrt(counts), absolute_sigma=True"
assert np.isclose(lambda_peak, h / np.sqrt(5 * m_n * k * T_fit) * 1e10, rtol=1e-6)
assert np.isclose(E_peak, k * T_fit / e * 1e3, rtol=1e-6)
### END HIDDEN TESTS
"""

PLOT = """
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
left.plot(wavelength, counts, ".", ms=2, label="data")
left.plot(wavelength, maxwellian(wavelength, *popt), label=f"Maxwellian, T = {T_fit:.0f} K")
left.axvline(lambda_peak, ls="--", color="grey")
left.set(xlabel="wavelength (AA)", ylabel="counts per 25 us bin", xlim=(0, 4))
left.legend()
right.plot(energy, counts_per_meV, ".", ms=2)
right.axvline(E_peak, ls="--", color="grey", label="$k_B T$")
right.set(xlabel="energy (meV)", ylabel="counts per meV", xlim=(0, 150))
right.legend()
plt.show()
"""

TASK_DISCUSS = r"""
## 5. Think about it (not graded)

The flux per unit wavelength peaks at $\lambda_\mathrm{peak}$, the flux per unit energy at
$k_B T$. Convert $\lambda_\mathrm{peak}$ to an energy: is it $k_B T$? Why can the same
spectrum have its maximum at two different neutron energies?
"""

DISCUSSION = """
E(lambda_peak) = h^2/(2 m_n lambda_peak^2) = 5 k_B T / 2, not k_B T. The position of a maximum
depends on the variable per unit of which the spectrum is given: Phi(E) = Phi(lambda)
|d lambda/dE| and |d lambda/dE| is proportional to lambda^3, which reshapes the curve and moves
its peak.
"""


def data_cell() -> str:
    t_us, counts = read_columns("tof_spectrum.dat")
    return "\n".join([
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "from scipy.constants import e, h, k, m_n",
        "from scipy.optimize import curve_fit",
        "",
        "L = 20.0  # m, moderator to detector",
        "dt_us = 25.0  # us, width of the time bins",
        array_literal("t_us", t_us, "%.1f") + "  # us, bin centres",
        array_literal("counts", counts, "%d"),
        "",
        "fig, ax = plt.subplots(figsize=(6, 4))",
        'ax.plot(t_us, counts, ".", ms=2)',
        'ax.set(xlabel="time of flight (us)", ylabel="counts per 25 us bin")',
        "plt.show()",
    ])


def cells() -> list:
    return [
        markdown("intro", INTRO),
        given("data", data_cell()),
        markdown("task_wavelength", TASK_WAVELENGTH),
        answer("wavelength", WAVELENGTH),
        test("test_wavelength", 2, TEST_WAVELENGTH),
        markdown("task_energy", TASK_ENERGY),
        answer("energy", ENERGY),
        test("test_energy", 2, TEST_ENERGY),
        markdown("task_spectrum", TASK_SPECTRUM),
        answer("spectrum", SPECTRUM),
        test("test_spectrum", 2, TEST_SPECTRUM),
        markdown("task_fit", TASK_FIT),
        answer("fit", FIT),
        test("test_fit", 4, TEST_FIT),
        given("plot", PLOT),
        markdown("task_discuss", TASK_DISCUSS),
        markdown("discussion", DISCUSSION, solution=True),
    ]
