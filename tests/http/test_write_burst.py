"""A burst of writes against a real `tabled serve`: a hundred people post a comment
at the same moment, on SQLite (one process) and on PostgreSQL (two workers).

Every one is answered 201 and stored exactly once; before, 45 at once on SQLite
left 40 answered 500 after 30 s and stored more rows than it acknowledged."""

from __future__ import annotations

import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from server.accounts.tokens import create_token
from server.db import make_engine
from server.drafting.transfer import import_text
from server.models import Comment
from tests.conftest import PG_URL, add_user
from tests.servers import run_tabled, serving

from .conftest import oep_text

CLIENTS = 100
# Generous: the hundred answers came back in about 1 s on SQLite on a busy 2-core machine.
CLIENT_TIMEOUT = 10.0


def _seed(url: str, people: int = 10) -> tuple[int, list[str]]:
    """A response in draft and API tokens for its owner and colleagues who may comment."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner = add_user(session, "owner@example.org", "director")
        response = import_text(session, owner, oep_text())
        session.commit()
        tokens = [create_token(session, owner.id)[1]]
        for n in range(people - 1):
            admin = add_user(session, f"admin{n}@example.org", "admin")
            tokens.append(create_token(session, admin.id)[1])
        session.commit()
        response_id = response.id
    engine.dispose()
    assert response_id is not None
    return response_id, tokens


def _burst(base: str, response_id: int, tokens: list[str]) -> list[tuple[int, dict]]:
    """CLIENTS posts released at one moment, each from its own client and connection."""
    barrier = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict]] = [(0, {})] * CLIENTS

    def post(n: int) -> None:
        token = tokens[n % len(tokens)]
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            client.get(f"{base}/healthz")  # connect first, so the posts arrive together
            barrier.wait()
            try:
                reply = client.post(
                    f"{base}/api/v1/responses/{response_id}/comments",
                    json={"body": f"Burst comment number {n}."},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as exc:
                answers[n] = (-1, {"error": repr(exc)})
                return
            body = (
                reply.json()
                if reply.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            answers[n] = (reply.status_code, body)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _check_every_post_stored_once(
    url: str, response_id: int, answers: list[tuple[int, dict]]
) -> None:
    statuses = [status for status, _ in answers]
    assert statuses == [201] * CLIENTS, [a for a in answers if a[0] != 201][:5]
    for n, (_, body) in enumerate(answers):
        assert body["body"] == f"Burst comment number {n}."
    engine = make_engine(url)
    with Session(engine) as session:
        stored = session.exec(
            select(Comment.id, Comment.body).where(
                Comment.response_id == response_id, col(Comment.body).startswith("Burst comment")
            )
        ).all()
    engine.dispose()
    assert sorted(stored) == sorted((body["id"], body["body"]) for _, body in answers)


def test_hundred_people_commenting_at_once_on_sqlite_are_all_stored_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tabled.db'}"
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": url,
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(tmp_path),
    }
    run_tabled(["db", "upgrade"], env)
    response_id, tokens = _seed(url)
    with serving(env, tmp_path / "serve.log") as base:
        answers = _burst(base, response_id, tokens)
    _check_every_post_stored_once(url, response_id, answers)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    schema = f"burst_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs TABLED_TEST_DATABASE_URL (PostgreSQL)")
def test_hundred_people_commenting_at_once_on_two_postgresql_workers_are_all_stored_once(
    pg_schema_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": pg_schema_url,
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(tmp_path),
    }
    run_tabled(["db", "upgrade"], env)
    response_id, tokens = _seed(pg_schema_url)
    with serving(env, tmp_path / "serve.log", "--workers", "2") as base:
        answers = _burst(base, response_id, tokens)
    _check_every_post_stored_once(pg_schema_url, response_id, answers)
