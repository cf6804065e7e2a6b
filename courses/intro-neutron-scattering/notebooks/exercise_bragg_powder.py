"""Cells of bragg-powder.ipynb: Bragg's law, indexing and the lattice parameter of silicon from a
simulated powder pattern."""

from notebook_cells import answer, array_literal, given, markdown, read_columns, test

INTRO = r"""
# Bragg's law: the lattice parameter of silicon from a powder pattern

A powder contains crystallites in every orientation, so each family of lattice planes $(hkl)$
with spacing $d_{hkl}$ reflects a monochromatic beam of wavelength $\lambda$ into a cone at the
scattering angle $2\theta$ given by **Bragg's law**

$$
\lambda = 2\, d_{hkl} \sin\theta .
$$

For a cubic crystal with lattice parameter $a$,

$$
d_{hkl} = \frac{a}{\sqrt{N}}, \qquad N = h^2 + k^2 + l^2 .
$$

Silicon has the **diamond** structure: an fcc lattice with two atoms per lattice point. Its
structure factor leaves only the reflections with $h, k, l$ all odd, or all even with
$h + k + l$ a multiple of 4: (111), (220), (311), (400), … but not (200) or (222).

**The data** were simulated with the platform's embedded McStas engine and the course
instrument `simulations/Powder_diffractometer.instr` at $\lambda = 1.8$ Å (PG 002
monochromator, banana detector with 0.5° bins). The McStas component `Powder1` holds one
reflection, so the instrument was run once per silicon reflection (with $a = 5.4310$ Å) and the
nine patterns were added, for example for (111):

```
elearn sim run simulations/Powder_diffractometer.instr lambda=1.8 d_spacing=3.13559 j=8 \
    F2=5.5088 -n 1e7 -d si111
```

`two_theta` (deg) are the bin centres, `intensity` the intensity (n/s per bin) and `error`
its standard error.
Pretend you do not know $a$: you will measure it.
"""

TASK_PEAKS = r"""
## 1. Peak positions

Find the positions of the **seven** peaks below $2\theta = 125°$. (The peaks at larger angle
are broad: the resolution of this instrument degrades in backscattering; leave them out.)

1. Locate the peaks roughly, for example with `scipy.signal.find_peaks` applied to the data
   below 125° (useful options: `height`, `distance` in bins).
2. Refine each position by fitting the given `gaussian` with `curve_fit` to the points within
   ±2° of the highest bin of the peak (no weights: the empty bins have `error = 0`).

Store the refined positions, in ascending order, in the array `peak_positions` (deg).
"""

PEAKS = '''
### BEGIN SOLUTION
below = two_theta < 125
rough, _ = find_peaks(np.where(below, intensity, 0), height=500, distance=10)
centres = []
for index in rough:
    window = np.abs(two_theta - two_theta[index]) <= 2
    popt, _ = curve_fit(gaussian, two_theta[window], intensity[window],
                        p0=(intensity[index], two_theta[index], 1.0))
    centres.append(popt[1])
peak_positions = np.sort(np.array(centres))
### END SOLUTION
print(np.round(peak_positions, 3))
'''

TEST_PEAKS = """
assert len(peak_positions) == 7, f"found {len(peak_positions)} peaks, expected 7"
assert np.all(np.diff(peak_positions) > 0), "sort the positions"
assert abs(peak_positions[0] - 33.2) < 0.5
### BEGIN HIDDEN TESTS
reference = np.array([33.209, 55.842, 66.643, 82.992, 92.536, 108.648, 118.877])
assert np.allclose(peak_positions, reference, atol=0.15), np.round(peak_positions - reference, 3)
### END HIDDEN TESTS
"""

TASK_D = r"""
## 2. d-spacings

Write `bragg_d(two_theta_deg, wavelength)` returning $d$ (in the unit of `wavelength`) for
scattering angles $2\theta$ in degrees, and compute `d_obs`, the d-spacings (Å) of your seven
peaks at the wavelength `LAMBDA`.
"""

D_SPACING = '''
def bragg_d(two_theta_deg, wavelength):
    """Lattice-plane spacing reflecting `wavelength` at the scattering angle 2theta (deg)."""
    ### BEGIN SOLUTION
    theta = np.radians(np.asarray(two_theta_deg) / 2)
    return wavelength / (2 * np.sin(theta))
    ### END SOLUTION


### BEGIN SOLUTION
d_obs = bragg_d(peak_positions, LAMBDA)
### END SOLUTION
print(np.round(d_obs, 4))
'''

TEST_D = """
assert abs(bragg_d(60.0, 1.8) - 1.8) < 1e-9, "at 2theta = 60 deg, d = lambda"
assert np.shape(d_obs) == (7,)
### BEGIN HIDDEN TESTS
angles = np.array([20.0, 90.0, 150.0])
assert np.allclose(bragg_d(angles, 2.5), 2.5 / (2 * np.sin(np.radians(angles / 2))), rtol=1e-12)
assert np.allclose(d_obs, LAMBDA / (2 * np.sin(np.radians(peak_positions / 2))), rtol=1e-9)
### END HIDDEN TESTS
"""

TASK_INDEX = r"""
## 3. Indexing

1. Write `allowed_diamond(hkl)`, which takes a tuple of three integers `(h, k, l)` and is
   `True` when the diamond structure reflects $(hkl)$ (all odd, or all even with $h + k + l$
   divisible by 4) and `False` otherwise.
2. Make `allowed_N`, the sorted list of the distinct values $N = h^2 + k^2 + l^2$ of the
   allowed reflections with $0 \le h, k, l \le 6$, leaving out (000).
3. Since $1/d^2 = N/a^2$, the ratios $(d_1/d_i)^2 = N_i/N_1$ do not depend on $a$. The first
   peak is the allowed reflection with the smallest $N$; use the ratios to find `N_obs`, the
   integer $N$ of each of your seven peaks (a NumPy array of integers).
"""

INDEX = '''
def allowed_diamond(hkl):
    """True if reflection hkl = (h, k, l) has a non-zero structure factor in diamond."""
    ### BEGIN SOLUTION
    parities = {index % 2 for index in hkl}
    if parities == {1}:
        return True
    if parities == {0}:
        return sum(hkl) % 4 == 0
    return False
    ### END SOLUTION


### BEGIN SOLUTION
allowed_N = sorted({sum(index**2 for index in hkl)
                    for hkl in itertools.product(range(7), repeat=3)
                    if any(hkl) and allowed_diamond(hkl)})
N_obs = np.rint(allowed_N[0] * (d_obs[0] / d_obs) ** 2).astype(int)
### END SOLUTION
print("allowed N:", allowed_N[:10])
print("observed N:", N_obs)
'''

TEST_INDEX = """
assert allowed_diamond((1, 1, 1)) and not allowed_diamond((1, 0, 0))
assert list(allowed_N[:3]) == [3, 8, 11]
assert len(N_obs) == 7
### BEGIN HIDDEN TESTS
for hkl in [(2, 2, 0), (3, 1, 1), (4, 0, 0), (3, 3, 1), (4, 2, 2), (3, 3, 3), (-1, 1, 1)]:
    assert allowed_diamond(hkl), hkl
for hkl in [(2, 0, 0), (2, 2, 2), (2, 1, 0), (1, 1, 0), (4, 2, 0), (6, 0, 0)]:
    assert not allowed_diamond(hkl), hkl
assert list(allowed_N[:10]) == [3, 8, 11, 16, 19, 24, 27, 32, 35, 40]
assert [int(n) for n in N_obs] == [3, 8, 11, 16, 19, 24, 27]
### END HIDDEN TESTS
"""

TASK_A = r"""
## 4. The lattice parameter

Each peak gives an estimate $a_i = d_i \sqrt{N_i}$. Store their mean in `a_fit` (Å) and the
standard error of the mean in `a_err` (Å). Compare with the accepted value for silicon at room
temperature, $a = 5.4310$ Å.
"""

LATTICE = """
### BEGIN SOLUTION
a_values = d_obs * np.sqrt(N_obs)
a_fit = a_values.mean()
a_err = a_values.std(ddof=1) / np.sqrt(len(a_values))
### END SOLUTION
print(f"a = {a_fit:.4f} +- {a_err:.4f} AA")
"""

TEST_A = """
assert 5.0 < a_fit < 6.0
assert a_err > 0
### BEGIN HIDDEN TESTS
assert abs(a_fit - 5.431) < 0.01, f"a_fit = {a_fit}"
assert 0.001 < a_err < 0.006, f"a_err = {a_err}: the standard error of the mean"
assert np.isclose(a_fit, np.mean(d_obs * np.sqrt(N_obs)), rtol=1e-9)
### END HIDDEN TESTS
"""

PLOT = """
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(two_theta, intensity, "-", lw=1)
for position, n in zip(peak_positions, N_obs, strict=True):
    ax.axvline(position, ls=":", color="grey")
    ax.annotate(f"N={n}", (position, intensity.max() * 1.02), ha="center", fontsize=8)
ax.set(xlabel="2theta (deg)", ylabel="I (n/s per bin)", ylim=(None, intensity.max() * 1.1))
plt.show()
"""

TASK_DISCUSS = r"""
## 5. Think about it (not graded)

Look at your values $a_i$ peak by peak. Which peak deviates most from 5.4310 Å? Differentiate
Bragg's law to see how an error $\delta(2\theta)$ in a peak position turns into an error
$\delta d/d$, and explain why precise lattice parameters are measured with high-angle peaks.
"""

DISCUSSION = """
delta d / d = -cot(theta) delta theta: the same error in angle matters most at small theta. The
(111) peak at 33 deg (cot 16.6 deg = 3.3) gives the largest deviation; near backscattering
cot theta goes to zero, so high-angle peaks give a most precisely, as long as they are sharp
enough to be located well.
"""


def data_cell() -> str:
    two_theta, intensity, error = read_columns("si_powder_pattern.dat")
    return "\n".join([
        "import itertools",
        "",
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "from scipy.optimize import curve_fit",
        "from scipy.signal import find_peaks",
        "",
        "LAMBDA = 1.8  # AA, wavelength from the monochromator",
        "",
        "",
        "def gaussian(x, height, centre, sigma):",
        '    """A Gaussian peak of the given height, centre and standard deviation sigma."""',
        "    return height * np.exp(-0.5 * ((x - centre) / sigma) ** 2)",
        "",
        "",
        "# Simulated silicon pattern (data/si_powder_pattern.dat)",
        array_literal("two_theta", two_theta, "%.2f"),
        array_literal("intensity", intensity, "%.4g"),
        array_literal("error", error, "%.3g"),
        "",
        "fig, ax = plt.subplots(figsize=(8, 4))",
        'ax.plot(two_theta, intensity, "-", lw=1)',
        'ax.set(xlabel="2theta (deg)", ylabel="I (n/s per bin)")',
        "plt.show()",
    ])


def cells() -> list:
    return [
        markdown("intro", INTRO),
        given("data", data_cell()),
        markdown("task_peaks", TASK_PEAKS),
        answer("peaks", PEAKS),
        test("test_peaks", 3, TEST_PEAKS),
        markdown("task_d", TASK_D),
        answer("d_spacing", D_SPACING),
        test("test_d", 2, TEST_D),
        markdown("task_index", TASK_INDEX),
        answer("index", INDEX),
        test("test_index", 3, TEST_INDEX),
        markdown("task_a", TASK_A),
        answer("lattice", LATTICE),
        test("test_a", 2, TEST_A),
        given("plot", PLOT),
        markdown("task_discuss", TASK_DISCUSS),
        markdown("discussion", DISCUSSION, solution=True),
    ]
