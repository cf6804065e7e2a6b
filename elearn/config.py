"""Typed, read-only settings, read once from ``ELEARN_*`` environment variables.

Tests build a ``Settings`` directly; nobody patches the environment before import.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUEUE_MODES = ("embedded", "redis", "immediate")
ENGINES = ("auto", "mcstas", "embedded")
REPOSITORY = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value the platform cannot start with."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, validated at start."""

    instance_path: Path
    database_url: str
    secret_key: str
    queue: str = "embedded"
    redis_url: str = "redis://127.0.0.1:6379/0"
    cookie_secure: bool = False
    demo_course: Path | None = None
    simulations_path: Path = field(default_factory=lambda: REPOSITORY / "simulations")
    sim_engine: str = "auto"  # auto | mcstas | embedded
    sim_max_ncount: int = 10**7  # per run, for students; teachers get 10x
    sim_time_limit_s: float = 300.0  # wall time of one run
    sim_max_active_runs: int = 3  # queued or running per student
    notebook_wall_time_s: float = 60.0  # one notebook execution, whole notebook
    notebook_allow_weak_isolation: bool = False  # run student code without bubblewrap (admin's risk)

    def __post_init__(self) -> None:
        if self.queue not in QUEUE_MODES:
            raise SettingsError(f"ELEARN_QUEUE must be one of {', '.join(QUEUE_MODES)}, not {self.queue!r}")
        if len(self.secret_key) < 16:
            raise SettingsError("ELEARN_SECRET_KEY must be at least 16 characters long")
        if self.sim_engine not in ENGINES:
            raise SettingsError(
                f"ELEARN_SIM_ENGINE must be one of {', '.join(ENGINES)}, not {self.sim_engine!r}"
            )
        if self.sim_max_ncount < 1 or self.sim_time_limit_s <= 0:
            raise SettingsError("ELEARN_SIM_MAX_NCOUNT and ELEARN_SIM_TIME_LIMIT must be positive")
        if not self.database_url.startswith(("sqlite:", "postgresql")):
            raise SettingsError(
                f"ELEARN_DATABASE_URL must be a sqlite:/// or postgresql:// URL, not {self.database_url!r}"
            )

    @property
    def data_path(self) -> Path:
        """Folder for files the platform produces (simulation output, executed notebooks)."""
        return self.instance_path / "data"

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        """Read settings from the environment, filling embedded defaults under the instance folder."""
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("ELEARN_INSTANCE_PATH", "instance")).resolve()
        default_db = f"sqlite:///{instance / 'elearn.sqlite'}"
        demo = env.get("ELEARN_DEMO_COURSE")
        return cls(
            instance_path=instance,
            database_url=env.get("ELEARN_DATABASE_URL", default_db),
            secret_key=env.get("ELEARN_SECRET_KEY") or instance_secret_key(instance),
            queue=env.get("ELEARN_QUEUE", "embedded"),
            redis_url=env.get("ELEARN_REDIS_URL", "redis://127.0.0.1:6379/0"),
            cookie_secure=_flag(env.get("ELEARN_COOKIE_SECURE", "0"), "ELEARN_COOKIE_SECURE"),
            demo_course=Path(demo).resolve() if demo else default_demo_course(),
            simulations_path=simulations_folder(env),
            sim_engine=env.get("ELEARN_SIM_ENGINE", "auto"),
            sim_max_ncount=_number(env, "ELEARN_SIM_MAX_NCOUNT", 1e7, int),
            sim_time_limit_s=_number(env, "ELEARN_SIM_TIME_LIMIT", 300.0, float),
            sim_max_active_runs=_number(env, "ELEARN_SIM_MAX_ACTIVE_RUNS", 3, int),
            notebook_wall_time_s=_number(env, "ELEARN_NOTEBOOK_WALL_TIME", 60.0, float),
            notebook_allow_weak_isolation=_flag(
                env.get("ELEARN_NOTEBOOK_ALLOW_WEAK_ISOLATION", "0"), "ELEARN_NOTEBOOK_ALLOW_WEAK_ISOLATION"
            ),
        )


def simulations_folder(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The folder of McStas instrument files (content checks need it without full settings)."""
    env = os.environ if environ is None else environ
    return Path(env.get("ELEARN_SIMULATIONS_PATH", REPOSITORY / "simulations")).resolve()


def default_demo_course() -> Path | None:
    """The demo course shipped beside the package in a source checkout, if present."""
    candidate = REPOSITORY / "courses" / "intro-neutron-scattering"
    return candidate if candidate.is_dir() else None


def instance_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, generating it (mode 0600) on first start."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def _number(env: dict[str, str], name: str, default: float, kind: type) -> Any:
    text = env.get(name)
    if text is None:
        return kind(default)
    try:
        return kind(float(text))
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}") from None


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")
