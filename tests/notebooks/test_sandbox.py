"""The sandbox itself, with plain Python commands: isolation and limits, as root outside."""

import json
import os
import socket
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from elearn.notebooks import sandbox as sandbox_module
from elearn.notebooks.errors import SandboxError
from elearn.notebooks.sandbox import (
    SANDBOX_ENV,
    SandboxLimits,
    reachable_by_others,
    run_sandboxed,
    sandbox_status,
)
from elearn.notebooks.uids import UID_BASE, UID_COUNT, stray_processes


def run_python(code: str, limits: SandboxLimits, **kw):
    return run_sandboxed([sys.executable, "-I", "-u", "-c", code], limits, **kw)


def uid_processes() -> list[int]:
    """Host pids left running as a sandbox uid no run holds (other runs, e.g. the app's
    workers on this machine, may be running at the same time)."""
    return stray_processes()


def test_unprivileged_clean_environment_private_folder(sandbox, limits, monkeypatch):
    monkeypatch.setenv("ELEARN_SECRET_KEY", "s3cret")
    code = ("import os, json; print(json.dumps([os.getuid(), os.getcwd(), dict(os.environ), "
            "sorted(os.listdir('/'))]))")
    result = run_python(code, limits)
    uid, cwd, env, top = json.loads(result.stdout)
    assert UID_BASE <= uid < UID_BASE + UID_COUNT
    assert cwd == "/home/student"
    assert set(env) <= set(SANDBOX_ENV) | {"PATH", "PWD"}
    assert "s3cret" not in result.stdout.decode()
    python_tops = {Path(root).parts[1] for root in sandbox_module.python_roots()}
    assert set(top) <= {"bin", "dev", "etc", "home", "lib", "lib64", "lib32", "opt", "proc",
                        "root", "sbin", "tmp", "usr"} | python_tops


def test_files_outside_the_sandbox_are_unreachable(sandbox, limits, tmp_path):
    secret = tmp_path / "instance" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("s3cret-key")
    (tmp_path / "instance" / "elearn.sqlite").write_bytes(b"SQLite format 3\x00")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    targets = [str(secret), str(tmp_path / "instance" / "elearn.sqlite"),
               os.path.join(repo, "pyproject.toml"), os.path.join(repo, "elearn", "__init__.py"),
               "/etc/shadow", "/root/.bash_history"]
    code = ("import sys\nfor p in sys.argv[1:]:\n    try: open(p, 'rb').read(); print('READ', p)"
            "\n    except OSError as e: print(type(e).__name__, p)")
    result = run_sandboxed([sys.executable, "-I", "-c", code, *targets], limits)
    lines = result.stdout.decode().splitlines()
    assert len(lines) == len(targets)
    assert not [line for line in lines if line.startswith("READ")], lines
    assert b"s3cret" not in result.stdout


def test_no_network_even_to_a_listener_on_host_loopback(sandbox, limits):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = ("import socket\nprint([n for _, n in socket.if_nameindex()])\n"
                f"for port in ({port}, 5432):\n"
                "    try: socket.create_connection(('127.0.0.1', port), timeout=2); "
                "print('CONNECTED')\n"
                "    except OSError as e: print(type(e).__name__)")
        result = run_python(code, limits)
    assert result.stdout.decode().split() == ["['lo']", "ConnectionRefusedError",
                                              "ConnectionRefusedError"]


def test_process_limit_holds_against_a_fork_bomb_when_started_by_root(sandbox, limits):
    assert os.geteuid() == 0  # the case the kernel's per-uid NPROC count must still cover
    code = ("import os, time\nn = 0\nwhile True:\n    try: pid = os.fork()\n"
            "    except OSError as e: print(n, type(e).__name__, flush=True); break\n"
            "    if pid == 0: time.sleep(60); os._exit(0)\n    n += 1\n"
            "while True:\n    try: os.fork()\n    except OSError: pass\n")
    result = run_python(code, replace(limits, wall_time=4))
    forked, error = result.stdout.decode().split()
    assert error == "BlockingIOError" and 0 < int(forked) < limits.processes
    assert result.killed == "wall_time"
    assert uid_processes() == []


def test_memory_cpu_file_size_and_disk_limits(sandbox, limits):
    code = ("import resource, time\n"
            "try: bytearray(50 * 2**30)\nexcept MemoryError: print('MemoryError')\n"
            "try:\n    with open('big', 'wb') as f:\n"
            "        for _ in range(10 * 1024): f.write(b'0' * 2**20)\n"
            "except OSError as e: print(e.strerror)\n"
            "try:\n    for i in range(10 * 1024): open(f'f{i}', 'wb').write(b'0' * 2**20)\n"
            "except OSError as e: print(e.strerror)\n"
            "print(resource.getrlimit(resource.RLIMIT_CPU)[0])\nwhile True: pass\n")
    result = run_python(code, replace(limits, cpu_time=1))
    assert result.stdout.decode().splitlines() == ["MemoryError", "File too large",
                                                   "No space left on device", "1"]
    assert result.returncode == 128 + 24  # bwrap reports the SIGXCPU that killed it
    assert result.killed is None and result.wall_time < 5


def test_wall_time_and_output_are_enforced_from_outside(sandbox, limits):
    code = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(60)"
    result = run_python(code, replace(limits, wall_time=1.5))
    assert result.killed == "wall_time" and result.wall_time < 4
    result = run_python("while True: print('x' * 1000)", limits)
    assert result.killed == "output" and len(result.stdout) <= limits.output
    assert uid_processes() == []


def test_killing_everything_it_can_does_not_reach_the_host(sandbox, limits):
    code = "import os, signal\nprint(os.getppid(), flush=True)\nos.kill(-1, signal.SIGKILL)"
    result = run_python(code, limits)
    assert result.stdout.decode().split() == ["1"]  # its parent is the namespace's init
    assert os.getpid() and result.killed is None


def test_refuses_untrusted_code_without_bubblewrap_unless_allowed(limits, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    sandbox_status.cache_clear()
    try:
        assert not sandbox_status().strong
        with pytest.raises(SandboxError, match="bubblewrap .* not installed.*administrator"):
            run_python("print(1)", limits)
        weak = replace(limits, allow_weak_isolation=True)
        if not reachable_by_others(sys.executable):
            with pytest.raises(SandboxError, match="not accessible to unprivileged users"):
                run_python("print(1)", weak)
            return
        result = run_python("import os; print(os.getuid())", weak)
        assert result.isolation == "weak"
        assert UID_BASE <= int(result.stdout) < UID_BASE + UID_COUNT
    finally:
        sandbox_status.cache_clear()
    assert sandbox_module.sandbox_status() is not None
