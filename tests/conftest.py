"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when
TABLED_TEST_DATABASE_URL is set; an app, a browser-like client and users."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.accounts.tokens import create_token
from server.accounts.users import Actor, actor_for, create_user
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.migrate import upgrade

PG_URL = os.environ.get("TABLED_TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery"
ENGINES = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 with its smallest cost: the tests make hundreds of users."""
    from argon2 import PasswordHasher

    from server.accounts import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = real


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test: migrations run once."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file
    return path


def _pg_engine_in_fresh_schema() -> tuple[Engine, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in PG_URL else "?"
    engine = make_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    upgrade(engine)
    return engine, schema


def _drop_pg_schema(schema: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "tabled.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        eng, schema = _pg_engine_in_fresh_schema()
        yield eng
        eng.dispose()
        _drop_pg_schema(schema)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        secret_key="test-secret-key-" + "x" * 32,
        data_dir=tmp_path / "var",
        database_url="sqlite://",
    )


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings, engine)


@dataclass
class People:
    admin: Actor
    director: Actor
    director2: Actor
    futures: Actor
    council: Actor
    member: Actor


def add_user(session: Session, email: str, role: str, groups: tuple[str, ...] = ()) -> Actor:
    user = create_user(
        session,
        email=email,
        name=email.split("@")[0].title(),
        role=role,
        groups=groups,
        password=PASSWORD,
    )
    session.commit()
    return actor_for(session, user)


@pytest.fixture
def people(session: Session) -> People:
    return People(
        admin=add_user(session, "admin@example.org", "admin"),
        director=add_user(session, "director@example.org", "director"),
        director2=add_user(session, "director2@example.org", "director"),
        futures=add_user(session, "futures@example.org", "member", ("futures",)),
        council=add_user(session, "council@example.org", "member", ("advisory-council",)),
        member=add_user(session, "member@example.org", "member"),
    )


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Web(TestClient):
    """A TestClient that signs in through /login and sends the CSRF token with forms."""

    csrf: str = ""

    def refresh_csrf(self) -> str:
        page = self.get("/login" if not self.csrf else "/account")
        found = CSRF_RE.search(page.text)
        if found:
            self.csrf = found.group(1)
        return self.csrf

    def sign_in(self, email: str, password: str = PASSWORD) -> Web:
        page = self.get("/login")
        self.csrf = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
        reply = self.post(
            "/login",
            data={"email": email, "password": password, "next": "/", "csrf_token": self.csrf},
            follow_redirects=False,
        )
        assert reply.status_code == 303, re.findall(r"error-message\">([^<]*)", reply.text)
        self.refresh_csrf()
        return self

    def submit(self, url: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf)
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def web(app) -> Iterator[Web]:  # type: ignore[no-untyped-def]
    with Web(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def browser_for(app):  # type: ignore[no-untyped-def]
    """web clients signed in as given people: browser_for(people.director)."""
    clients: list[Web] = []

    def make(actor: Actor) -> Web:
        client = Web(app, base_url="http://testserver")
        client.__enter__()
        clients.append(client)
        return client.sign_in(actor.email)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def api_for(app, session: Session):  # type: ignore[no-untyped-def]
    """API clients with a bearer token for given people: api_for(people.director)."""
    clients: list[TestClient] = []

    def make(actor: Actor) -> TestClient:
        _token, plain = create_token(session, actor.id, "test")
        session.commit()
        client = TestClient(
            app, base_url="http://testserver", headers={"Authorization": f"Bearer {plain}"}
        )
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def reached_on_the_way(response: Any, stage: str) -> str:
    """The response's stages_reached after a test puts it straight into `stage`: the
    stages before it in its workflow file count as passed through (for who may read)."""
    from server.workflow.registry import workflow_for

    names = list(workflow_for(response).stages)
    passed = names[: names.index(stage) + 1] if stage in names else [stage]
    return " ".join(sorted(set(response.stages_reached.split()) | set(passed)))
