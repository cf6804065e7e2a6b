"""Draw the SVG figures of the course "Introduction to neutron scattering".

Run from anywhere with the project's Python; the SVG files are written next to
this script. Units follow the course: wavelength in AA, wave vector in 1/AA,
energy in meV, temperature in K.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent
H2_OVER_2M = 81.804  # h^2/(2 m_n) in meV AA^2 (CODATA 2022)
K_B = 0.0861733  # Boltzmann constant in meV/K
SPHERE_MINIMA = (4.4934, 7.7253, 10.9041)  # roots of tan(x) = x

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "intro-neutron-scattering",
        "font.size": 10,
        "figure.figsize": (6.0, 3.8),
        "axes.grid": True,
        "grid.alpha": 0.3,
    }
)


def save(fig, name):
    """Write one figure as a small, reproducible SVG."""
    fig.tight_layout()
    fig.savefig(OUT / name, format="svg", metadata={"Date": None})
    plt.close(fig)


def sphere_form_factor():
    """P(qR) of a homogeneous sphere, log scale, with its first minima marked."""
    x = np.linspace(0.05, 14.0, 700)
    p = (3.0 * (np.sin(x) - x * np.cos(x)) / x**3) ** 2
    fig, ax = plt.subplots()
    ax.semilogy(x, p, color="C0", label="sphere, $P(qR)$")
    ax.semilogy(x, np.exp(-(x**2) / 5.0), "--", color="C1",
                label=r"Guinier, $\exp(-q^2R_g^2/3)$, $R_g^2=3R^2/5$")
    porod = x > 3.0
    ax.semilogy(x[porod], 4.5 / x[porod] ** 4, ":", color="C2",
                label=r"Porod average, $9/(2(qR)^4)$")
    for xm in SPHERE_MINIMA:
        ax.axvline(xm, color="grey", lw=0.8)
        ax.annotate(f"{xm:.3f}", (xm, 3e-1), ha="center", fontsize=8,
                    bbox={"fc": "white", "ec": "none"})
    ax.set_ylim(1e-7, 2.0)
    ax.set_xlim(0, 14)
    ax.set_xlabel("$qR$")
    ax.set_ylabel("$P(qR)$")
    ax.legend(loc="lower left", fontsize=8)
    save(fig, "sphere-form-factor.svg")


def maxwellian_spectra():
    """Maxwellian flux per unit wavelength for a cold (25 K) and a thermal (300 K) moderator."""
    lam = np.linspace(0.2, 10.0, 600)
    fig, ax = plt.subplots()
    for temp, colour in ((300.0, "C3"), (25.0, "C0")):
        a = H2_OVER_2M / (K_B * temp)  # AA^2
        phi = lam**-5 * np.exp(-a / lam**2)
        peak = np.sqrt(2.0 * a / 5.0)
        ax.plot(lam, phi / phi.max(), color=colour, label=f"T = {temp:.0f} K")
        ax.axvline(peak, color=colour, ls="--", lw=0.8)
        ax.annotate(f"peak {peak:.2f} Å", (peak, 1.02), ha="left", color=colour, fontsize=8)
    ax.set_xlabel("wavelength λ (Å)")
    ax.set_ylabel("flux per unit λ (normalised)")
    ax.set_ylim(0, 1.12)
    ax.set_xlim(0, 10)
    ax.legend()
    save(fig, "maxwellian-spectra.svg")


def diatomic_chain():
    """Acoustic and optic branches of a 1D chain with masses m1 = 2 m2 and one spring K."""
    m1, m2, spring = 2.0, 1.0, 1.0
    qa = np.linspace(-np.pi, np.pi, 401)
    s = 1.0 / m1 + 1.0 / m2
    root = np.sqrt(s**2 - 4.0 * np.sin(qa / 2.0) ** 2 / (m1 * m2))
    w_ac = np.sqrt(spring * (s - root))
    w_op = np.sqrt(spring * (s + root))
    fig, ax = plt.subplots()
    ax.plot(qa / np.pi, w_op, color="C3", label="optic branch")
    ax.plot(qa / np.pi, w_ac, color="C0", label="acoustic branch")
    for level, text in ((np.sqrt(2 * spring / m1), r"$\sqrt{2K/m_1}$"),
                        (np.sqrt(2 * spring / m2), r"$\sqrt{2K/m_2}$"),
                        (np.sqrt(2 * spring * s), r"$\sqrt{2K(1/m_1+1/m_2)}$")):
        ax.axhline(level, color="grey", lw=0.6, ls=":")
        ax.text(-0.97, level + 0.03, text, fontsize=8, va="bottom")
    ax.set_xlim(-1, 1)
    ax.set_ylim(0, 1.95)
    ax.set_xlabel(r"wave vector $q$ in units of $\pi/a$")
    ax.set_ylabel(r"$\omega$ in units of $\sqrt{K/m_2}$")
    ax.legend(loc="center", fontsize=8)
    save(fig, "diatomic-chain-dispersion.svg")


def bragg_geometry():
    """Lattice planes, two reflected rays, the angle theta and the extra path 2 d sin(theta)."""
    theta = np.radians(30.0)
    d = 1.0
    length = 2.4
    u_in = np.array([np.cos(theta), -np.sin(theta)])
    u_out = np.array([np.cos(theta), np.sin(theta)])
    top = np.array([0.0, 0.0])
    bottom = np.array([0.0, -d])
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for k in range(3):
        ax.plot([-3.2, 3.2], [-k * d, -k * d], color="black", lw=1)
        ax.plot(np.arange(-3.0, 3.1, 0.75), np.full(9, -k * d), "o", color="grey", ms=4)
    arrow = {"arrowstyle": "->", "lw": 1.5}
    for point, colour in ((top, "C0"), (bottom, "C3")):
        start = point - length * u_in
        ax.annotate("", xy=point, xytext=start, arrowprops={**arrow, "color": colour})
        ax.annotate("", xy=point + length * u_out, xytext=point,
                    arrowprops={**arrow, "color": colour})
    p_in = bottom - u_in * d * np.sin(theta)
    p_out = bottom + u_out * d * np.sin(theta)
    for p in (p_in, p_out):
        ax.plot([top[0], p[0]], [top[1], p[1]], color="grey", lw=0.8, ls="--")
    ax.plot([p_in[0], bottom[0], p_out[0]], [p_in[1], bottom[1], p_out[1]],
            color="C2", lw=4, alpha=0.5, label=r"extra path $2d\sin\theta$")
    arc = np.linspace(np.pi - theta, np.pi, 30)
    ax.plot(0.8 * np.cos(arc), 0.8 * np.sin(arc), color="black", lw=0.8)
    ax.text(-1.15, 0.12, r"$\theta$")
    ax.annotate("", xy=(2.9, 0.0), xytext=(2.9, -d), arrowprops={"arrowstyle": "<->", "lw": 1})
    ax.text(2.97, -d / 2, "$d$", va="center")
    ax.set_aspect("equal")
    ax.set_xlim(-3.3, 3.4)
    ax.set_ylim(-2.8, 1.4)
    ax.axis("off")
    ax.legend(loc="lower center", fontsize=8, framealpha=1.0)
    save(fig, "bragg-geometry.svg")


def scattering_triangle():
    """Vectors k_i, k_f and Q = k_i - k_f for elastic scattering through 2 theta."""
    two_theta = np.radians(50.0)
    ki = np.array([1.0, 0.0])
    kf = np.array([np.cos(two_theta), np.sin(two_theta)])
    fig, ax = plt.subplots(figsize=(5.0, 3.4))
    arrow = {"arrowstyle": "->", "lw": 1.8}
    ax.annotate("", xy=ki, xytext=(0, 0), arrowprops={**arrow, "color": "C0"})
    ax.annotate("", xy=kf, xytext=(0, 0), arrowprops={**arrow, "color": "C3"})
    ax.annotate("", xy=ki, xytext=kf, arrowprops={**arrow, "color": "C2"})
    ax.text(0.5, -0.09, r"$\mathbf{k}_i$", color="C0", ha="center")
    ax.text(0.28, 0.42, r"$\mathbf{k}_f$", color="C3")
    ax.text(0.88, 0.42, r"$\mathbf{Q}=\mathbf{k}_i-\mathbf{k}_f$", color="C2")
    arc = np.linspace(0.0, two_theta, 30)
    ax.plot(0.25 * np.cos(arc), 0.25 * np.sin(arc), color="black", lw=0.8)
    ax.text(0.28, 0.09, r"$2\theta$")
    ax.set_aspect("equal")
    ax.set_xlim(-0.1, 1.6)
    ax.set_ylim(-0.2, 0.95)
    ax.axis("off")
    save(fig, "scattering-triangle.svg")


def main():
    sphere_form_factor()
    maxwellian_spectra()
    diatomic_chain()
    bragg_geometry()
    scattering_triangle()


if __name__ == "__main__":
    main()
