"""Hostile submissions graded end to end: the platform survives, the limit that fired is
named in the report, later test cells still run where the kernel survived."""

import os
import socket
import time

from .conftest import outputs_text
from .test_sandbox import uid_processes


def answer(report):
    return report.notebook.cells[0]


def after(report):
    return report.cells[0]  # test_after: 1 point, runs after the hostile answer


def test_infinite_loop_is_interrupted_and_later_cells_run(grade_hostile):
    report = grade_hostile("while True:\n    pass")
    assert "CellTimeoutError" in outputs_text(answer(report)) or \
        "KeyboardInterrupt" in outputs_text(answer(report))
    assert (after(report).status, report.score) == ("passed", 1.0)


def test_loop_that_ignores_interrupts_hits_the_wall_time(grade_hostile):
    start = time.monotonic()
    report = grade_hostile("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                           "while True:\n    pass", wall_time=6)
    assert report.stopped == "wall_time"
    assert "wall-time limit of 6 s" in report.message
    assert after(report).status in ("failed", "not_run") and report.score == 0
    assert time.monotonic() - start < 12
    assert uid_processes() == []


def test_cpu_time_limit_kills_the_kernel(grade_hostile):
    report = grade_hostile("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                           "while True:\n    pass", cpu_time=2, cell_timeout=20)
    assert report.stopped == "kernel_died"
    assert "CPU-time limit" in report.message
    assert "ExecutionStopped" in outputs_text(answer(report))
    assert after(report).status == "not_run"


def test_fork_bomb(grade_hostile):
    report = grade_hostile("import os\nwhile True:\n    try:\n        os.fork()\n"
                           "    except OSError:\n        pass", wall_time=6)
    # The process limit keeps the machine responsive; the cell is then stopped by its timeout
    # (or the kernel dies, or the wall time ends it), and nothing survives the run.
    assert report.stopped in (None, "wall_time", "kernel_died")
    text = outputs_text(answer(report))
    assert "CellTimeoutError" in text or "KeyboardInterrupt" in text or report.message
    assert uid_processes() == []


def test_allocating_50_gib_is_a_memory_error(grade_hostile):
    report = grade_hostile("import numpy as np\nnp.ones(50 * 2**30, dtype=np.uint8)")
    assert "MemoryError" in outputs_text(answer(report))
    assert (after(report).status, report.stopped) == ("passed", None)


def test_writing_10_gb_stops_at_the_file_size_limit(grade_hostile):
    report = grade_hostile("with open('big.bin', 'wb') as f:\n"
                           "    for _ in range(10 * 1024):\n        f.write(b'0' * 2**20)")
    assert "File too large" in outputs_text(answer(report))
    assert after(report).status == "passed"


def test_printing_1_gb_is_cut_at_the_output_limit(grade_hostile, limits):
    report = grade_hostile("for _ in range(10**7):\n    print('x' * 100)")
    text = outputs_text(answer(report))
    assert "output limit" in text
    assert len(text) <= limits.output
    assert after(report).status == "passed"


def test_secret_key_and_database_file_are_unreachable(grade_hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("ELEARN_SECRET_KEY", "s3cret-env")
    (tmp_path / "secret_key").write_text("s3cret-file")
    (tmp_path / "elearn.sqlite").write_bytes(b"SQLite format 3\x00s3cret-db")
    report = grade_hostile(
        "import os, sqlite3\nprint(sorted(k for k in os.environ if 'SECRET' in k))\n"
        f"for p in ({str(tmp_path / 'secret_key')!r}, {str(tmp_path / 'elearn.sqlite')!r}):\n"
        "    try:\n        print(open(p).read())\n"
        "    except OSError as e:\n        print(type(e).__name__)\n"
        f"sqlite3.connect('file:{tmp_path / 'elearn.sqlite'}?mode=ro', uri=True)"
        ".execute('select 1')")
    text = outputs_text(answer(report))
    assert "s3cret" not in text
    assert text.count("FileNotFoundError") == 2 and "OperationalError" in text
    assert "[]" in text


def test_socket_to_postgres_port_is_refused(grade_hostile):
    with socket.socket() as server:  # a listener on the host's loopback it must not reach
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        report = grade_hostile(
            f"import socket\nfor port in (5432, {port}):\n    try:\n"
            "        socket.create_connection(('127.0.0.1', port), timeout=2)\n"
            "        print('connected')\n    except OSError as e:\n"
            "        print(type(e).__name__)")
    text = outputs_text(answer(report))
    assert text.count("ConnectionRefusedError") == 2 and "connected" not in text


def test_killing_its_parent_is_reported(grade_hostile):
    report = grade_hostile("import os\nos.kill(os.getppid(), 9)")
    assert report.stopped == "runner_died" and "ended unexpectedly" in report.message
    assert after(report).status == "not_run"
    report = grade_hostile("import os\nos.killpg(os.getpgid(0), 9)")
    assert report.stopped == "kernel_died" and "SIGKILL" in report.message
    assert os.getpid() and uid_processes() == []


def test_ctypes_segfault_is_reported(grade_hostile):
    report = grade_hostile("import ctypes\nctypes.string_at(0)")
    assert report.stopped == "kernel_died"
    assert "segmentation fault" in report.message
    assert "ExecutionStopped" in outputs_text(answer(report))
