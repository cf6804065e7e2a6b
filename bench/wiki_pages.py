"""Benchmark: theory page views served by gunicorn, at 1, 10 and 50 concurrent clients.

Sets up a fresh instance (SQLite, the demo course), starts gunicorn on 127.0.0.1, and drives
it with an asyncio HTTP/1.1 keep-alive client that requests the course's pages in turn.
Prints requests/s and p50/p95/p99 latency per concurrency, each the median of --repeat runs.

    .venv/bin/python bench/wiki_pages.py [--seconds 5] [--repeat 3] [--workers 4] [--worker-class sync]

Sync workers (one request at a time per process) give the shortest tails on 2 cores: threads
in one process queue behind each other's hold on the interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def elearn(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "elearn", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


async def one_client(port: int, paths: list[str], stop_at: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    index = 0
    try:
        while time.perf_counter() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
            if not head.startswith("http/1.1 200"):
                raise RuntimeError(f"{path}: {head.splitlines()[0]}")
            length = int(head.split("content-length:")[1].split("\r\n")[0])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if "connection: close" in head:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def run_load(port: int, paths: list[str], clients: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(one_client(port, paths, stop_at, latencies) for _ in range(clients)))
    return len(latencies) / (time.perf_counter() - started), latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync or gthread")
    parser.add_argument("--course", default=str(ROOT / "courses" / "intro-neutron-scattering"))
    options = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="elearn-bench-")) / "instance"
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance)}
    env.pop("ELEARN_DATABASE_URL", None)
    elearn(env, "db", "upgrade")
    elearn(env, "courses", "import", options.course)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", options.worker_class, "-w", str(options.workers),
         "--threads", str(options.threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "elearn:create_app()"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base, timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        course = Path(options.course).name
        html = requests.get(f"{base}/courses/{course}", timeout=5).text
        paths = sorted({p.split('"')[0] for p in html.split('href="')[1:] if "/pages/" in p})
        print(f"gunicorn {options.worker_class}: {options.workers} workers x {options.threads} threads, "
              f"{len(paths)} pages of {course}, {os.cpu_count()} cores, "
              f"{options.seconds:.0f} s per run, median of {options.repeat} runs")  # fmt: skip
        print(f"{'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        asyncio.run(run_load(port, paths, 4, 1.0))  # warm up every worker
        for clients in (1, 10, 50):
            runs = [
                asyncio.run(run_load(port, paths, clients, options.seconds)) for _ in range(options.repeat)
            ]
            rate = statistics.median(r[0] for r in runs)
            p50, p95, p99 = (
                statistics.median(percentile(r[1], f) * 1000 for r in runs) for f in (0.5, 0.95, 0.99)
            )
            print(f"{clients:>7} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
