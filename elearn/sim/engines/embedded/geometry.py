"""Vectorised versions of McStas's geometry helpers (mccode-r.c, mcstas-r.c).

rotation_matrix is rot_set_rotation (angles in deg, rotation about x, then y, then z);
a component frame maps absolute coordinates X to local r = R (X - P). Intersections
return entry/exit times in s (NaN where the ray misses), as box_intersect,
cylinder_intersect and sphere_intersect do for one neutron.
"""

from __future__ import annotations

import numpy as np

DEG2RAD = np.pi / 180


def rotation_matrix(phx: float, phy: float, phz: float) -> np.ndarray:
    """McStas rot_set_rotation for angles in degrees."""
    if phx == 0 and phy == 0 and phz == 0:
        return np.eye(3)
    cx, sx = np.cos(phx * DEG2RAD), np.sin(phx * DEG2RAD)
    cy, sy = np.cos(phy * DEG2RAD), np.sin(phy * DEG2RAD)
    cz, sz = np.cos(phz * DEG2RAD), np.sin(phz * DEG2RAD)
    return np.array(
        [
            [cy * cz, sx * sy * cz + cx * sz, sx * sz - cx * sy * cz],
            [-cy * sz, cx * cz - sx * sy * sz, sx * cz + cx * sy * sz],
            [sy, -sx * cy, cx * cy],
        ]
    )


def rotate(vx, vy, vz, phi, ax, ay, az):
    """McStas rotate(): turn vector v by angle phi (rad) about axis a (right-handed)."""
    norm = np.sqrt(ax * ax + ay * ay + az * az)
    ax, ay, az = ax / norm, ay / norm, az / norm
    vp = vx * ax + vy * ay + vz * az
    vpx, vpy, vpz = vp * ax, vp * ay, vp * az
    vnx, vny, vnz = vx - vpx, vy - vpy, vz - vpz
    bx, by, bz = ay * vnz - az * vny, az * vnx - ax * vnz, ax * vny - ay * vnx
    c, s = np.cos(phi), np.sin(phi)
    return vpx + vnx * c + bx * s, vpy + vny * c + by * s, vpz + vnz * c + bz * s


def normal_vec(x, y, z):
    """McStas normal_vec: a unit vector perpendicular to (x, y, z)."""
    ax, ay, az = np.abs(x), np.abs(y), np.abs(z)
    nx = np.zeros_like(x, dtype=float)
    ny = np.zeros_like(x, dtype=float)
    nz = np.zeros_like(x, dtype=float)
    use_x = (ax < ay) & (ax < az)
    use_y = (ax >= ay) & (ay < az)
    use_z = ~use_x & ~use_y
    with np.errstate(invalid="ignore", divide="ignore"):
        lx = np.sqrt(y * y + z * z)
        nx = np.where(use_x, 0, nx)
        ny = np.where(use_x, z / lx, ny)
        nz = np.where(use_x, -y / lx, nz)
        ly = np.sqrt(x * x + z * z)
        nx = np.where(use_y, z / ly, nx)
        nz = np.where(use_y, -x / ly, nz)
        lz = np.sqrt(x * x + y * y)
        nx = np.where(use_z, y / lz, nx)
        ny = np.where(use_z, -x / lz, ny)
    return nx, ny, nz


def randvec_target_circle(rng, xi, yi, zi, radius: float):
    """Directions toward a disc of radius (m) around aim (xi, yi, zi); 0 = all 4 pi.

    Returns (vx, vy, vz, solid_angle); the vector has the aim's length, as in McStas.
    """
    n = len(xi)
    if radius == 0:
        theta = np.arccos(1 - rng.random(n) * 2)
        phi = rng.random(n) * 2 * np.pi
        solid = np.full(n, 4 * np.pi)
        length = np.sqrt(xi * xi + yi * yi + zi * zi)
        nx, ny, nz = np.ones(n), np.zeros(n), np.zeros(n)
        xi, yi, zi = np.zeros(n), length, np.zeros(n)
    else:
        l2 = xi * xi + yi * yi + zi * zi
        cos0 = np.sqrt(l2 / (radius * radius + l2))
        if radius < 0:
            cos0 = -cos0
        solid = 2 * np.pi * (1 - cos0)
        phi = 2 * np.pi * rng.random(n)
        theta = np.arccos(1 - rng.random(n) * (1 - cos0))
        nx, ny, nz = normal_vec(xi, yi, zi)
    xt, yt, zt = rotate(xi, yi, zi, theta, nx, ny, nz)
    vx, vy, vz = rotate(xt, yt, zt, phi, xi, yi, zi)
    return vx, vy, vz, solid


def randvec_target_rect_real(rng, xi, yi, zi, width, height, rot: np.ndarray, lx, ly, lz, order: int):
    """McStas randvec_target_rect_real: point on a width x height (m) rectangle at aim.

    Returns the chosen point (xo, yo, zo) and solid angle w h cos^order / r^2 seen from
    (lx, ly, lz); the rectangle's axes follow McStas: x-axis = aim x (0,1,0) in the
    absolute frame.
    """
    n = len(lx)
    if width == 0 or height == 0:
        xi = np.broadcast_to(np.asarray(xi, dtype=float), (n,))
        yi = np.broadcast_to(np.asarray(yi, dtype=float), (n,))
        zi = np.broadcast_to(np.asarray(zi, dtype=float), (n,))
        vx, vy, vz, solid = randvec_target_circle(rng, xi, yi, zi, float(np.sqrt(width * height / np.pi)))
        return vx, vy, vz, solid
    dx = width * (rng.random(n) * 2 - 1) / 2
    dy = height * (rng.random(n) * 2 - 1) / 2
    if np.array_equal(rot, np.eye(3)) and np.ndim(xi) == 0 and xi == 0 and yi == 0 and float(zi) > 0:
        # aim along +z, unrotated: McStas's rectangle axes are (-1,0,0) and (0,-1,0)
        xo, yo = -dx, -dy
        px, py, pz = xo - lx, yo - ly, zi - lz
        dist_p2 = px * px + py * py + pz * pz
        cos_theta = pz / np.sqrt(dist_p2)
        return xo, yo, np.full(n, float(zi)), width * height / dist_p2 * cos_theta**order
    dist = np.sqrt(xi * xi + yi * yi + zi * zi)
    inv = rot.T
    gx = inv[0, 0] * xi + inv[0, 1] * yi + inv[0, 2] * zi
    gy = inv[1, 0] * xi + inv[1, 1] * yi + inv[1, 2] * zi
    gz = inv[2, 0] * xi + inv[2, 1] * yi + inv[2, 2] * zi
    nx, ny, nz = -gz, np.zeros(n), gx  # (g) x (0, 1, 0)
    nn = np.sqrt(nx * nx + ny * ny + nz * nz)
    nx, ny, nz = nx / nn, ny / nn, nz / nn
    mx, my, mz = gy * nz - gz * ny, gz * nx - gx * nz, gx * ny - gy * nx
    mn = np.sqrt(mx * mx + my * my + mz * mz)
    mx, my, mz = mx / mn, my / mn, mz / mn
    ox, oy, oz = gx + dx * nx + dy * mx, gy + dx * ny + dy * my, gz + dx * nz + dy * mz
    xo = rot[0, 0] * ox + rot[0, 1] * oy + rot[0, 2] * oz
    yo = rot[1, 0] * ox + rot[1, 1] * oy + rot[1, 2] * oz
    zo = rot[2, 0] * ox + rot[2, 1] * oy + rot[2, 2] * oz
    px, py, pz = xo - lx, yo - ly, zo - lz
    dist_p = np.sqrt(px * px + py * py + pz * pz)
    cos_theta = (xi * px + yi * py + zi * pz) / (dist * dist_p)
    solid = width * height / (dist_p * dist_p) * cos_theta**order
    return xo, yo, zo, solid


def box_intersect(x, y, z, vx, vy, vz, dx, dy, dz):
    """Entry and exit times (s) of a centred box dx x dy x dz (m); NaN where missed."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t_lo = np.full(len(x), -np.inf)
        t_hi = np.full(len(x), np.inf)
        for pos, vel, half in ((x, vx, dx / 2), (y, vy, dy / 2), (z, vz, dz / 2)):
            a = (-half - pos) / vel
            b = (half - pos) / vel
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            still = vel == 0
            inside = (pos > -half) & (pos < half)
            lo = np.where(still, np.where(inside, -np.inf, np.inf), lo)
            hi = np.where(still, np.where(inside, np.inf, -np.inf), hi)
            t_lo, t_hi = np.maximum(t_lo, lo), np.minimum(t_hi, hi)
    hit = t_lo < t_hi
    return np.where(hit, t_lo, np.nan), np.where(hit, t_hi, np.nan)


def cylinder_intersect(x, y, z, vx, vy, vz, r, h):
    """McStas cylinder_intersect for a vertical cylinder radius r, height h (m)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = vx * vx + vz * vz
        b = 2 * (vx * x + vz * z)
        disc = b * b - 4 * a * (x * x + z * z - r * r)
        sq = np.sqrt(np.maximum(disc, 0))
        t_in = (-b - sq) / (2 * a)
        t_out = (-b + sq) / (2 * a)
        axial = a == 0
        ta, tb = (-h / 2 - y) / vy, (h / 2 - y) / vy
        t_in = np.where(axial, np.minimum(ta, tb), t_in)
        t_out = np.where(axial, np.maximum(ta, tb), t_out)
        y_in, y_out = y + vy * t_in, y + vy * t_out
        hit = (disc >= 0) & ~(axial & (vy == 0))
        hit &= ~(((y_in > h / 2) & (y_out > h / 2)) | ((y_in < -h / 2) & (y_out < -h / 2)))
        t_in = np.where(y_in > h / 2, (h / 2 - y) / vy, np.where(y_in < -h / 2, (-h / 2 - y) / vy, t_in))
        t_out = np.where(y_out > h / 2, (h / 2 - y) / vy, np.where(y_out < -h / 2, (-h / 2 - y) / vy, t_out))
    return np.where(hit, t_in, np.nan), np.where(hit, t_out, np.nan)


def sphere_intersect(x, y, z, vx, vy, vz, r):
    """Entry and exit times (s) of a centred sphere of radius r (m); NaN where missed."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = vx * vx + vy * vy + vz * vz
        b = x * vx + y * vy + z * vz
        c = x * x + y * y + z * z - r * r
        disc = b * b - a * c
        sq = np.sqrt(np.maximum(disc, 0))
        hit = (disc >= 0) & (a > 0)
        t0, t1 = (-b - sq) / a, (-b + sq) / a
    return np.where(hit, t0, np.nan), np.where(hit, t1, np.nan)
