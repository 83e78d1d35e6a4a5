"""Shared fixtures: settings around a temporary home, and a database on every backend.

``database`` is parametrised over SQLite and PostgreSQL. PostgreSQL runs when
``DESKBOT_TEST_POSTGRES_URL`` is set (``make test`` starts a throwaway server through
``scripts/with_postgres.sh``); without it those cases skip — except in CI, where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bot.config import OrgConfig, load_org_config
from bot.context import AppContext, build_context
from bot.settings import EXAMPLE_CONFIG, Settings
from bot.store.db import Database

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
POSTGRES_URL = os.environ.get("DESKBOT_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI") == "true"
# A fixed instant: Wednesday 2026-11-18 10:00 in Shanghai.
NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own secrets or deskbot settings."""
    for name in list(os.environ):
        if (
            name.startswith(("DESKBOT_", "SLACK_", "OPENAI_"))
            and name != "DESKBOT_TEST_POSTGRES_URL"
        ):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def example_config() -> OrgConfig:
    return load_org_config(EXAMPLE_CONFIG)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str | None]:
    if POSTGRES_URL is None:
        yield None
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS deskbot_template"))
        conn.execute(text("CREATE DATABASE deskbot_template"))
    template_url = POSTGRES_URL.rsplit("/", 1)[0] + "/deskbot_template"
    db = Database(template_url)
    db.upgrade()
    db.dispose()
    yield "deskbot_template"
    admin.dispose()


def _postgres_database(template: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    assert POSTGRES_URL is not None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    assert POSTGRES_URL is not None
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    _sqlite_template: Path,
    _postgres_template: str | None,
) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "deskbot.db"
        shutil.copy(_sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    if _postgres_template is None:
        if IN_CI:
            pytest.fail("PostgreSQL is required in CI (DESKBOT_TEST_POSTGRES_URL is not set)")
        pytest.skip("no PostgreSQL (run through `make test` to start one)")
    name, url = _postgres_database(_postgres_template)
    db = Database(url)
    yield db
    db.dispose()
    _drop_postgres_database(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", config=EXAMPLE_CONFIG, embedder="hash")


@pytest.fixture
def ctx(settings: Settings, database: Database, example_config: OrgConfig) -> Iterator[AppContext]:
    """The application's parts on a fresh database (both backends) and the example config."""
    context = build_context(settings, config=example_config, db=database, migrate=False, now=NOW)
    yield context
