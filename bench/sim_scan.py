"""Benchmark: a parameter scan through the whole platform, as a teacher clicks it.

Starts ``elearn serve`` (embedded queue, its worker) on a fresh instance and measures, over HTTP:
1. click to overview: POST a scan (default SANS_spheres R=20,400 in 20 points, 1e5 rays each),
   poll the scan status, load the scan page and every overview plot: wall time, and the median
   engine time of one point (from the point's run page);
2. the same scan again, every point served from the cache: click to the page with its plots.
Prints medians over --repeat scans (each repeat uses another seed, so step 1 really runs).

    .venv/bin/python bench/sim_scan.py [--points 20] [--ncount 1e5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

import requests
from live import TOKEN, serving, show, signed_in


def post_scan(session: requests.Session, base: str, options: argparse.Namespace, seed: int) -> str:
    form = session.get(f"{base}/sim/{options.instrument}").text
    token = TOKEN.search(form).group(1)
    data = {"csrf_token": token, "ncount": options.ncount, "seed": str(seed), "points": str(options.points),
            f"p:{options.parameter}": options.range}  # fmt: skip
    response = session.post(f"{base}/sim/{options.instrument}/runs", data=data, allow_redirects=False)
    location = response.headers.get("Location", "")
    if "/sim/scans/" not in location:
        raise RuntimeError(f"the scan was refused: {session.get(base + location).text[:2000]}")
    return base + location


def overview(session: requests.Session, scan_url: str) -> str:
    """Wait until every point is finished, then load the page and its plots as the browser does."""
    while not session.get(scan_url + "/status").json()["finished"]:
        time.sleep(0.05)
    page = show(session, scan_url)
    return page


def point_times(session: requests.Session, base: str, page: str) -> list[float]:
    """Engine seconds of each point, from the 'Finished in X s' line of its run page."""
    times = []
    for run in sorted(set(re.findall(r'href="(/sim/runs/\d+)"', page))):
        found = re.search(r"in ([0-9.]+) s\.", session.get(base + run).text)
        if found:
            times.append(float(found.group(1)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--instrument", default="SANS_spheres.instr")
    parser.add_argument("--parameter", default="R")
    parser.add_argument("--range", default="20,400", help="first,last value of the scanned parameter")
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--ncount", default="1e5")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    with serving() as served:
        base = served.url
        teacher = signed_in(base, "teacher@bench.invalid")
        print(f"{os.cpu_count()} cores; {options.instrument} {options.parameter}={options.range}, "
              f"{options.points} points of {options.ncount} rays; embedded engine; "
              f"median of {options.repeat}")
        fresh, cached, per_point = [], [], []
        for repeat in range(options.repeat):
            started = time.perf_counter()
            page = overview(teacher, post_scan(teacher, base, options, 500 + repeat))
            fresh.append(time.perf_counter() - started)
            per_point += point_times(teacher, base, page)
            started = time.perf_counter()
            overview(teacher, post_scan(teacher, base, options, 500 + repeat))
            cached.append(time.perf_counter() - started)
        print(f"click to overview plots:        {statistics.median(fresh):7.2f} s   (scans: "
              + ", ".join(f"{t:.2f}" for t in fresh) + ")")  # fmt: skip
        print(f"one point, engine time:         {statistics.median(per_point):7.3f} s   (median of "
              f"{len(per_point)} points)")
        print(f"same scan again, all cached:    {statistics.median(cached) * 1000:7.1f} ms (scans: "
              + ", ".join(f"{t * 1000:.0f}" for t in cached) + ")")  # fmt: skip


if __name__ == "__main__":
    main()
