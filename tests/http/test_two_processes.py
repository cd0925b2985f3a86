"""Two server processes on one PostgreSQL database, racing: no double transition,
no double approval, no lost edit. Runs when TABLED_TEST_DATABASE_URL is set."""

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
from sqlmodel import Session, select

from server.accounts.tokens import create_token
from server.config import Settings
from server.db import make_engine
from server.drafting.transfer import import_text
from server.models import Approval, AuditEvent, Response
from server.workflow.service import take_action
from tests.conftest import PG_URL, add_user
from tests.servers import run_tabled, serving

from .conftest import oep_text

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TABLED_TEST_DATABASE_URL (PostgreSQL)")
ROUNDS = 4


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    schema = f"race_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def two_servers(pg_schema_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": pg_schema_url,
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(tmp_path),
    }
    run_tabled(["db", "upgrade"], env)
    with serving(env, tmp_path / "a.log") as first, serving(env, tmp_path / "b.log") as second:
        yield first, second


def _race(calls: list[tuple[str, str, dict]], method: str = "POST") -> list[int]:
    """Send every (url, token, json) at the same moment; the status codes in order."""
    barrier = threading.Barrier(len(calls))
    codes = [0] * len(calls)

    def go(index: int, url: str, token: str, body: dict) -> None:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            reply = client.request(
                method, url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            codes[index] = reply.status_code

    threads = [threading.Thread(target=go, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_racing_approvals_and_edits_on_two_processes(two_servers, pg_schema_url):
    first, second = two_servers
    engine = make_engine(pg_schema_url)
    with Session(engine, expire_on_commit=False) as session:
        director = add_user(session, "director@example.org", "director")
        reviewers = [
            add_user(session, f"f{i}@example.org", "member", ("futures",)) for i in range(2)
        ]
        tokens = {a.id: create_token(session, a.id)[1] for a in [director, *reviewers]}
        ids = []
        for _ in range(ROUNDS):
            response = import_text(session, director, oep_text())
            session.commit()
            take_action(session, director, response.id, "submit", settings=Settings())
            session.commit()
            ids.append(response.id)

    for rid in ids:
        action = f"/api/v1/responses/{rid}/actions"
        # Two different reviewers, one on each process: both count, the stage moves once.
        codes = _race(
            [
                (first + action, tokens[reviewers[0].id], {"action": "approve"}),
                (second + action, tokens[reviewers[1].id], {"action": "approve"}),
            ]
        )
        assert codes == [200, 200]

    with Session(engine) as session:
        for rid in ids:
            assert session.get(Response, rid).stage == "council-review"
            moves = session.exec(
                select(AuditEvent).where(
                    AuditEvent.response_id == rid,
                    AuditEvent.to_stage == "council-review",
                    AuditEvent.from_stage == "futures-review",
                )
            ).all()
            assert len(moves) == 1

    # The same reviewer approving on both processes at once counts once.
    with Session(engine, expire_on_commit=False) as session:
        extra = import_text(session, director, oep_text())
        session.commit()
        take_action(session, director, extra.id, "submit", settings=Settings())
        session.commit()
    action = f"/api/v1/responses/{extra.id}/actions"
    codes = _race(
        [
            (first + action, tokens[reviewers[0].id], {"action": "approve"}),
            (second + action, tokens[reviewers[0].id], {"action": "approve"}),
        ]
    )
    assert sorted(codes) == [200, 409]
    with Session(engine) as session:
        approvals = session.exec(select(Approval).where(Approval.response_id == extra.id)).all()
        assert len(approvals) == 1

    # Two saves of one position from the same base revision: one wins, one is refused.
    with Session(engine) as session:
        response = session.get(Response, extra.id)
        response.stage = "draft"
        session.add(response)
        session.commit()
        base = response.revision
    with httpx.Client() as client:
        body = client.get(
            f"{first}/api/v1/responses/{extra.id}",
            headers={"Authorization": f"Bearer {tokens[director.id]}"},
        ).json()
    pid = body["positions"][0]["id"]
    url = f"/api/v1/responses/{extra.id}/positions/{pid}"

    def put(server: str, words: str) -> tuple[str, str, dict]:
        return (
            server + url,
            tokens[director.id],
            {"heading": "Raced", "body": words, "themes": ["efficiency"], "base_revision": base},
        )

    codes = _race([put(first, "from A"), put(second, "from B")], method="PUT")
    assert sorted(codes) == [200, 409]
    engine.dispose()
