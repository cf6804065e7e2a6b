"""Cells of sans-sphere-fit.ipynb: the radius of dilute hard spheres from simulated SANS data."""

from notebook_cells import answer, array_literal, given, markdown, read_columns, test

INTRO = r"""
# SANS: the radius of hard spheres

A dilute solution of identical hard spheres of radius $R$ scatters neutrons with the intensity

$$
I(q) = A\,P(q) + B, \qquad
P(q) = \left[\frac{3\,(\sin qR - qR\cos qR)}{(qR)^3}\right]^2 ,
$$

where $P(q)$ is the sphere **form factor** (normalised to $P(0) = 1$), the scale
$A = \phi V \Delta\rho^2$ holds the volume fraction $\phi$, the sphere volume $V$ and the
contrast $\Delta\rho$, and $B$ is a flat background. $P(q)$ is zero where $\tan qR = qR$: the
first minimum is at $qR = 4.493$.

**The data** were simulated with the platform's embedded McStas engine and the course
instrument `simulations/SANS_spheres.instr` (wavelength $\lambda = 6$ Å with a 4 % rms spread
from the velocity selector, collimation 4 m between pinholes of radius 10 mm and 5 mm, detector
5 m from the sample):

```
elearn sim run simulations/SANS_spheres.instr lambda=6 L_coll=4 r_pinhole1=0.01 \
    r_pinhole2=0.005 R=100 L_det=5 -n 8e7 -s 20261125 -d sans
```

The 2D detector image was averaged over rings around the beam to give $I(q)$ with
$q = (4\pi/\lambda)\sin(\theta)$, $2\theta$ the scattering angle. You will find the sphere
radius in three steps: write the form factor, fit the model to the data, and locate the first
minimum.
"""

DATA_NOTE = """
Run the next cell to load the data: `q` (1/Å), the intensity `intensity` and its standard
error `error` (neutrons per second per detector pixel), and to plot them.
"""

TASK_FORM_FACTOR = r"""
## 1. The form factor

Write `sphere_form_factor(q, R)` returning $P(q)$ for an array `q` (1/Å) and a radius `R` (Å).
Use NumPy functions so that it works on whole arrays. (You do not need to handle $q = 0$
exactly.)
"""

FORM_FACTOR = '''
def sphere_form_factor(q, R):
    """Form factor P(q) of a homogeneous sphere of radius R (AA) at q (1/AA); P(0) = 1."""
    ### BEGIN SOLUTION
    x = np.asarray(q, dtype=float) * R
    return (3 * (np.sin(x) - x * np.cos(x)) / x**3) ** 2
    ### END SOLUTION
'''

TEST_FORM_FACTOR = """
assert abs(sphere_form_factor(1e-4, 100.0) - 1) < 1e-3, "P(q) must tend to 1 as q -> 0"
assert sphere_form_factor(4.493 / 100.0, 100.0) < 1e-6, "P(q) must vanish at qR = 4.493"
assert np.shape(sphere_form_factor(q, 100.0)) == q.shape, "return one value per q"
### BEGIN HIDDEN TESTS
x = np.array([0.5, 1.0, 2.0, 3.0, 5.763, 7.725])
expected = (3 * (np.sin(x) - x * np.cos(x)) / x**3) ** 2
assert np.allclose(sphere_form_factor(x / 50.0, 50.0), expected, rtol=1e-9, atol=1e-15)
assert np.allclose(sphere_form_factor(0.02, 80.0), sphere_form_factor(0.04, 40.0), rtol=1e-12)
### END HIDDEN TESTS
"""

TASK_FIT = r"""
## 2. Fit the radius

Write the model `sans_model(q, scale, R, background)` $= A\,P(q) + B$, then fit it to the data
with `scipy.optimize.curve_fit`, weighting every point by its error (`sigma=error,
absolute_sigma=True`). Start from $R = 80$ Å, a scale near `intensity[0]` and no background.
Store

- `R_fit`, the fitted radius (Å), and `R_err`, its standard error from the covariance matrix;
- `chi2_red`, the reduced chi-square of the fit,

$$
\chi^2_\mathrm{red} = \frac{1}{N - 3}\sum_{i=1}^{N}
\left(\frac{I_i - I_\mathrm{model}(q_i)}{\delta I_i}\right)^2 .
$$
"""

FIT = '''
def sans_model(q, scale, R, background):
    """Scattered intensity of dilute spheres: scale * P(q) + background."""
    ### BEGIN SOLUTION
    return scale * sphere_form_factor(q, R) + background
    ### END SOLUTION


### BEGIN SOLUTION
popt, pcov = curve_fit(sans_model, q, intensity, p0=(intensity[0], 80.0, 0.0), sigma=error,
                       absolute_sigma=True)
R_fit = popt[1]
R_err = np.sqrt(pcov[1, 1])
chi2_red = np.sum(((intensity - sans_model(q, *popt)) / error) ** 2) / (len(q) - 3)
### END SOLUTION
print(f"R = {R_fit:.1f} +- {R_err:.1f} AA, reduced chi^2 = {chi2_red:.2f}")
'''

TEST_FIT = """
expected = 2.0 * sphere_form_factor(0.01, 100.0) + 0.5
assert abs(sans_model(0.01, 2.0, 100.0, 0.5) - expected) < 1e-12
assert 50 < R_fit < 200, f"R_fit = {R_fit} AA is not a plausible radius: check the fit"
assert 0 < R_err < 10
### BEGIN HIDDEN TESTS
assert 97.0 < R_fit < 100.5, f"R_fit = {R_fit}"
assert 0.12 < R_err < 0.25, "weight the fit by the errors with absolute_sigma=True"
assert 2.5 < chi2_red < 4.5, f"chi2_red = {chi2_red}"
### END HIDDEN TESTS
"""

PLOT_FIT = """
q_fine = np.linspace(q.min(), q.max(), 400)
fig, ax = plt.subplots(figsize=(6, 4))
ax.errorbar(q, intensity, error, fmt="o", ms=3, label="simulated data")
ax.plot(q_fine, sans_model(q_fine, *popt), label=f"fit, R = {R_fit:.1f} AA")
ax.set(xlabel="q (1/AA)", ylabel="I (n/s per pixel)", yscale="log")
ax.legend()
plt.show()
"""

TASK_MINIMUM = r"""
## 3. The first minimum

The first zero of $P(q)$ is at $qR = 4.493$. Compute

- `q_min_model`, the position (1/Å) of the first minimum of your fitted model, from `R_fit`;
- `q_min_data`, the `q` of the data point with the lowest intensity between 0.035 and
  0.055 1/Å.
"""

MINIMUM = """
### BEGIN SOLUTION
q_min_model = 4.493 / R_fit
window = (q > 0.035) & (q < 0.055)
q_min_data = q[window][np.argmin(intensity[window])]
### END SOLUTION
print(f"first minimum: model {q_min_model:.4f} 1/AA, data {q_min_data:.4f} 1/AA")
"""

TEST_MINIMUM = """
assert 0.035 < q_min_model < 0.055
assert q_min_data in q, "q_min_data must be one of the measured q values"
### BEGIN HIDDEN TESTS
assert abs(q_min_model * R_fit - 4.493) < 1e-3
assert abs(q_min_data - 0.046183) < 1e-5, f"q_min_data = {q_min_data}"
### END HIDDEN TESTS
"""

TASK_DISCUSS = r"""
## 4. Think about it (not graded)

The spheres in the simulation have $R = 100$ Å exactly. Yet the measured intensity at the
minimum is not zero, and the fitted radius is slightly smaller than 100 Å. Which properties of
the instrument (look at the simulation parameters above) cause this? Answer in two or three
sentences.
"""

DISCUSSION = """
The instrument resolution: the 4 % wavelength spread of the velocity selector and the angular
divergence allowed by the pinholes (and the size of the beam on the detector) mix intensity from
neighbouring q into each ring. This fills in the zero of P(q) and, because the intensity falls
steeply before the minimum, pushes the apparent minimum to slightly larger q, so a fit with the
unsmeared model gives a radius a little below 100 AA. Fitting with P(q) convolved with the
resolution function would recover it.
"""


def data_cell() -> str:
    q, intensity, error = read_columns("sans_spheres_iq.dat")
    return "\n".join([
        "import matplotlib.pyplot as plt",
        "import numpy as np",
        "from scipy.optimize import curve_fit",
        "",
        "# Radial average of the simulated detector image (data/sans_spheres_iq.dat)",
        array_literal("q", q),
        array_literal("intensity", intensity),
        array_literal("error", error),
        "",
        "fig, ax = plt.subplots(figsize=(6, 4))",
        'ax.errorbar(q, intensity, error, fmt="o", ms=3)',
        'ax.set(xlabel="q (1/AA)", ylabel="I (n/s per pixel)", yscale="log")',
        "plt.show()",
    ])


def cells() -> list:
    return [
        markdown("intro", INTRO),
        markdown("data_note", DATA_NOTE),
        given("data", data_cell()),
        markdown("task_form_factor", TASK_FORM_FACTOR),
        answer("form_factor", FORM_FACTOR),
        test("test_form_factor", 3, TEST_FORM_FACTOR),
        markdown("task_fit", TASK_FIT),
        answer("fit", FIT),
        test("test_fit", 4, TEST_FIT),
        given("plot_fit", PLOT_FIT),
        markdown("task_minimum", TASK_MINIMUM),
        answer("minimum", MINIMUM),
        test("test_minimum", 3, TEST_MINIMUM),
        markdown("task_discuss", TASK_DISCUSS),
        markdown("discussion", DISCUSSION, solution=True),
    ]
