"""The ``elearn lti`` commands on a real database, and the LTI tables made by the migration."""

from __future__ import annotations

import json
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from elearn.db import Base, make_engine
from elearn.db.migrate import upgrade
from elearn.lti import models  # noqa: F401  (the LTI tables in Base.metadata)
from elearn.lti.cli import lti
from elearn.lti.models import Consumer, Platform


def test_migration_makes_the_lti_tables_as_the_models_say(engine: Engine) -> None:
    lti_tables = {name for name in Base.metadata.tables if name.startswith("lti")}
    assert len(lti_tables) == 11 and lti_tables <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "lti" in str(d)] == []


def test_cli_registers_platforms_and_manages_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    upgrade(make_engine(url))
    env = {
        "ELEARN_INSTANCE_PATH": str(tmp_path),
        "ELEARN_DATABASE_URL": url,
        "ELEARN_QUEUE": "immediate",
    }
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(lti, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    first = re.search(r"New signing key (\S+)", run("keys", "generate")).group(1)
    second = re.search(r"New signing key (\S+)", run("keys", "generate")).group(1)
    assert "PRIVATE" not in run("keys", "list") and first in run("keys", "list")
    run("keys", "retire", first)
    assert "retired" in run("keys", "list")
    refused = runner.invoke(lti, ["keys", "retire", second], env=env)
    assert refused.exit_code != 0 and "only published key" in refused.output

    output = run(
        "platforms",
        "add",
        "--name",
        "PSI Moodle",
        "--issuer",
        "https://moodle.example.org",
        "--client-id",
        "abc123",
        "--login-url",
        "https://moodle.example.org/mod/lti/auth.php",
        "--token-url",
        "https://moodle.example.org/mod/lti/token.php",
        "--jwks-url",
        "https://moodle.example.org/mod/lti/certs.php",
        "--deployment-id",
        "4",
    )
    assert "deployments: 4" in output
    secret = re.search(
        r"Shared secret: (\S+)", run("consumers", "add", "--name", "Old", "--key", "k1")
    ).group(1)
    registration = run("registration-url", "--base-url", "https://elearn.example.org/")
    assert registration.startswith("https://elearn.example.org/lti/register/")
    assert "https://elearn.example.org/lti/jwks" in run(
        "urls", "--base-url", "https://elearn.example.org"
    )

    engine = make_engine(url)
    with engine.connect() as connection:
        platform = connection.execute(select(Platform.client_id, Platform.jwks_url)).one()
        consumer_secret = connection.scalar(select(Consumer.secret))
    assert platform == ("abc123", "https://moodle.example.org/mod/lti/certs.php")
    assert consumer_secret == secret and len(secret) >= 16
    engine.dispose()


def test_the_shipped_tool_configuration_is_what_registration_sends() -> None:
    from elearn.lti.registration import ToolUrls, tool_configuration

    base = "https://elearn.example.org"
    urls = ToolUrls(*(f"{base}/lti/{path}" for path in ("login", "launch", "jwks", "1.1/launch")))
    shipped = Path(__file__).resolve().parents[2] / "LTI" / "tool-configuration.json"
    assert json.loads(shipped.read_text()) == tool_configuration(urls)
