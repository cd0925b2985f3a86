"""Crash safety: SIGKILL `tabled serve` in the middle of a burst of edits, workflow
actions and comments, start it again on the same database, and every write that was
acknowledged is there, and the database is consistent. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.accounts.tokens import create_token
from server.db import make_engine
from server.drafting.transfer import import_text
from server.migrate import upgrade
from tests.conftest import ENGINES, PG_URL, add_user
from tests.servers import server_process

from .conftest import SMALL_DRAFT

EDITORS = 2
# Acknowledged writes to wait for before the kill, and hard bounds on the burst.
KILL_AFTER_ACKS = 40
KILL_AFTER_SECONDS = 20.0  # a ceiling for a busy machine; 40 acks come far sooner when idle
MAX_REQUESTS_PER_THREAD = 300
# The workflow thread's round: back to draft at the end, so it can go on.
CYCLE = [
    ("director", "submit"),
    ("f1", "approve"),
    ("f2", "approve"),
    ("c1", "request-changes"),
]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path):
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp_path / "crash.db")
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    schema = f"crash_{secrets.token_hex(5)}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@dataclass
class Site:
    tokens: dict[str, str]
    editing: list[int]  # responses the editor threads redraft
    reviewed: int  # the response the workflow thread moves round and round


def seed(url: str) -> Site:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        people = {
            "director": add_user(s, "director@example.org", "director"),
            "f1": add_user(s, "f1@example.org", "member", ("futures",)),
            "f2": add_user(s, "f2@example.org", "member", ("futures",)),
            "c1": add_user(s, "c1@example.org", "member", ("advisory-council",)),
        }
        tokens = {name: create_token(s, actor.id, "crash")[1] for name, actor in people.items()}
        s.commit()
        ids = [import_text(s, people["director"], SMALL_DRAFT).id or 0 for _ in range(EDITORS + 1)]
        s.commit()
    engine.dispose()
    return Site(tokens, ids[:EDITORS], ids[EDITORS])


@dataclass
class Ledger:
    """What the server acknowledged, and the one request that got no answer."""

    acked: list[Any] = field(default_factory=list)
    unanswered: Any = None


@dataclass
class Burst:
    url: str
    site: Site
    stop: threading.Event = field(default_factory=threading.Event)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    unexpected: list[str] = field(default_factory=list)

    def call(
        self, ledger: Ledger, who: str, method: str, path: str, body: dict[str, Any], note: Any
    ) -> dict[str, Any] | None:
        """One request; None once the server is gone (the note is kept as unanswered)."""
        try:
            with httpx.Client(timeout=10) as client:
                reply = client.request(
                    method,
                    self.url + path,
                    json=body,
                    headers={"Authorization": f"Bearer {self.site.tokens[who]}"},
                )
        except httpx.TransportError:
            ledger.unanswered = note
            self.stop.set()
            return None
        if reply.status_code >= 300:
            self.unexpected.append(f"{method} {path}: {reply.status_code} {reply.text[:200]}")
            self.stop.set()
            return None
        with self.lock:
            self.count += 1
        result: dict[str, Any] = reply.json()
        return result


def edit_loop(burst: Burst, rid: int, ledger: Ledger) -> None:
    """Redraft the positions one after another, each save based on the last one."""
    with httpx.Client() as client:
        current = client.get(
            f"{burst.url}/api/v1/responses/{rid}",
            headers={"Authorization": f"Bearer {burst.site.tokens['director']}"},
        ).json()
    pids = [p["id"] for p in current["positions"]]
    revision = current["revision"]
    for i in range(MAX_REQUESTS_PER_THREAD):
        if burst.stop.is_set():
            return
        pid, words = pids[i % len(pids)], f"Edit {i} of response {rid}: {secrets.token_hex(8)}"
        body = {"heading": f"Position {pid}", "body": words, "themes": ["efficiency"],
                "base_revision": revision}  # fmt: skip
        path = f"/api/v1/responses/{rid}/positions/{pid}"
        saved = burst.call(ledger, "director", "PUT", path, body, (revision + 1, pid, words))
        if saved is None:
            return
        assert saved["body"] == words
        revision = saved["revision"]
        ledger.acked.append((revision, pid, words))


def workflow_loop(burst: Burst, rid: int, ledger: Ledger) -> None:
    for i in range(MAX_REQUESTS_PER_THREAD):
        if burst.stop.is_set():
            return
        who, action = CYCLE[i % len(CYCLE)]
        body = {"action": action, "note": f"round {i // len(CYCLE)}"}
        moved = burst.call(ledger, who, "POST", f"/api/v1/responses/{rid}/actions", body, action)
        if moved is None:
            return
        ledger.acked.append((action, moved["stage"]))


def comment_loop(burst: Burst, rid: int, ledger: Ledger) -> None:
    for i in range(MAX_REQUESTS_PER_THREAD):
        if burst.stop.is_set():
            return
        words = f"Comment {i}: {secrets.token_hex(8)}"
        path = f"/api/v1/responses/{rid}/comments"
        made = burst.call(ledger, "director", "POST", path, {"body": words}, words)
        if made is None:
            return
        ledger.acked.append((made["id"], words))


def run_burst(burst: Burst, kill: Callable[[], None]) -> dict[str, Ledger]:
    site = burst.site
    ledgers = {f"edit{rid}": Ledger() for rid in site.editing}
    ledgers |= {"workflow": Ledger(), "comments": Ledger()}
    jobs: list[tuple[Callable[..., None], int, Ledger]] = [
        (edit_loop, rid, ledgers[f"edit{rid}"]) for rid in site.editing
    ]
    jobs += [
        (workflow_loop, site.reviewed, ledgers["workflow"]),
        (comment_loop, site.editing[0], ledgers["comments"]),
    ]
    threads = [threading.Thread(target=job, args=(burst, rid, led)) for job, rid, led in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + KILL_AFTER_SECONDS
    while burst.count < KILL_AFTER_ACKS and time.monotonic() < deadline:
        if burst.stop.is_set():
            break
        time.sleep(0.01)
    kill()
    for thread in threads:
        thread.join(timeout=30)
    assert not burst.unexpected, burst.unexpected
    return ledgers


def get(url: str, token: str, path: str) -> Any:
    with httpx.Client(timeout=10) as client:
        reply = client.get(url + path, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    return reply.json()


def check_edits(url: str, token: str, rid: int, ledger: Ledger, before: dict[int, str]) -> None:
    now = get(url, token, f"/api/v1/responses/{rid}")
    expected = dict(before)
    last = ledger.acked[-1][0] if ledger.acked else None
    for _revision, pid, words in ledger.acked:
        expected[pid] = words
    if ledger.unanswered and now["revision"] == ledger.unanswered[0]:
        # The save the kill cut off was committed before the answer went out: fine.
        _revision, pid, words = ledger.unanswered
        expected[pid] = words
    else:
        assert last is None or now["revision"] == last
    assert {p["id"]: p["body"] for p in now["positions"]} == expected
    numbers = {r["number"] for r in get(url, token, f"/api/v1/responses/{rid}/revisions")}
    assert {revision for revision, _pid, _words in ledger.acked} <= numbers


def check_workflow(url: str, token: str, rid: int, ledger: Ledger) -> None:
    history = [
        (h["action"], h["to_stage"]) for h in get(url, token, f"/api/v1/responses/{rid}/history")
    ]
    assert history[: len(ledger.acked)] == ledger.acked
    assert len(history) - len(ledger.acked) <= (1 if ledger.unanswered else 0)


def check_comments(url: str, token: str, rid: int, ledger: Ledger) -> None:
    stored = {c["id"]: c["body"] for c in get(url, token, f"/api/v1/responses/{rid}/comments")}
    for cid, words in ledger.acked:
        assert stored.get(cid) == words
    assert len(stored) - len(ledger.acked) <= (1 if ledger.unanswered else 0)


CONSISTENCY = {
    "positions of no response": """SELECT COUNT(*) FROM position p
        LEFT JOIN response r ON r.id = p.response_id WHERE r.id IS NULL""",
    "themes of no position": """SELECT COUNT(*) FROM position_theme t
        LEFT JOIN position p ON p.id = t.position_id WHERE p.id IS NULL""",
    "comments of no response": """SELECT COUNT(*) FROM comment c
        LEFT JOIN response r ON r.id = c.response_id WHERE r.id IS NULL""",
    "replies to another response's comment": """SELECT COUNT(*) FROM comment c
        JOIN comment p ON p.id = c.parent_id WHERE p.response_id <> c.response_id""",
    "responses whose revisions are not 1..revision": """SELECT COUNT(*) FROM response r
        WHERE r.revision <> (SELECT COUNT(*) FROM revision v WHERE v.response_id = r.id)
           OR r.revision <> (SELECT MAX(v.number) FROM revision v WHERE v.response_id = r.id)
           OR 1 <> (SELECT MIN(v.number) FROM revision v WHERE v.response_id = r.id)""",
    "moves that do not start where the last one ended": """SELECT COUNT(*) FROM audit_event e
        JOIN audit_event p ON p.response_id = e.response_id AND p.id = (
            SELECT MAX(q.id) FROM audit_event q WHERE q.response_id = e.response_id AND q.id < e.id)
        WHERE e.from_stage <> p.to_stage""",
    "responses not in the stage their last move reached": """SELECT COUNT(*) FROM response r
        JOIN audit_event e
          ON e.id = (SELECT MAX(q.id) FROM audit_event q WHERE q.response_id = r.id)
        WHERE e.to_stage <> r.stage""",
    "approvals of a round not yet reached": """SELECT COUNT(*) FROM approval a
        LEFT JOIN response r ON r.id = a.response_id
        WHERE r.id IS NULL OR a.round > r.review_round""",
}


def check_integrity(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        broken = {name: conn.execute(text(sql)).scalar_one() for name, sql in CONSISTENCY.items()}
    assert broken == dict.fromkeys(CONSISTENCY, 0)


def test_every_acknowledged_write_survives_a_sigkill(database_url, tmp_path):
    site = seed(database_url)
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": database_url,
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(tmp_path / "var"),
    }
    token = site.tokens["director"]
    with server_process(env, tmp_path / "before.log") as server:
        before = {
            rid: {
                p["id"]: p["body"]
                for p in get(server.url, token, f"/api/v1/responses/{rid}")["positions"]
            }
            for rid in site.editing
        }
        burst = Burst(server.url, site)
        ledgers = run_burst(burst, server.kill)
        assert server.process.returncode == -9
    acked = sum(len(ledger.acked) for ledger in ledgers.values())
    assert acked >= 10, "too few writes were acknowledged before the kill to prove anything"

    engine = make_engine(database_url)
    with server_process(env, tmp_path / "after.log") as server:
        for rid in site.editing:
            check_edits(server.url, token, rid, ledgers[f"edit{rid}"], before[rid])
        check_workflow(server.url, token, site.reviewed, ledgers["workflow"])
        check_comments(server.url, token, site.editing[0], ledgers["comments"])
        # The restarted server takes writes again.
        with httpx.Client(timeout=10) as client:
            reply = client.post(
                f"{server.url}/api/v1/responses/{site.editing[1]}/comments",
                json={"body": "After the restart."},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert reply.status_code == 201, reply.text
    check_integrity(engine)
    engine.dispose()
