"""Sign-in throttling per account and source address: a guesser elsewhere never locks
the owner out; every attempt is recorded; Argon2 never runs inside a write lock."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from server.accounts import passwords
from server.accounts.signin import Throttle, check_throttle, delay_after
from server.app import create_app
from server.db import is_sqlite
from server.errors import Throttled
from server.models import SignInAttempt, utcnow
from tests.conftest import PASSWORD, Web

from .conftest import error_beside

ATTACKER = ("203.0.113.9", 40000)


def _client(app, address: tuple[str, int] = ("testclient", 50000)) -> Web:  # type: ignore[no-untyped-def]
    return Web(app, base_url="http://testserver", client=address)


def _login(client: Web, email: str, password: str):  # type: ignore[no-untyped-def]
    client.refresh_csrf()
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": client.csrf},
        follow_redirects=False,
    )


def _attempts(engine, email: str) -> list[SignInAttempt]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        query = select(SignInAttempt).where(SignInAttempt.email == email)
        return list(s.exec(query.order_by(col(SignInAttempt.id))).all())


def test_thirty_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(app, people):
    attacker = _client(app, ATTACKER)
    answers = [_login(attacker, people.director.email, f"guess-{n}").status_code for n in range(30)]
    assert answers[:5] == [400] * 5
    assert set(answers[5:]) == {429}
    # The guesser's address waits, even with the right password...
    assert _login(attacker, people.director.email, PASSWORD).status_code == 429
    # ...while the owner, from their own address, signs in at once.
    owner = _client(app)
    assert _login(owner, people.director.email, PASSWORD).status_code == 303
    assert "Hello, Director" in owner.get("/").text


def test_the_wait_doubles_with_each_further_failure_up_to_the_window():
    throttle = Throttle(free_failures=5, window_seconds=15 * 60)
    waits = [delay_after(n, throttle) for n in range(4, 12)]
    assert waits == [0, 60, 120, 240, 480, 900, 900, 900]
    assert delay_after(10_000, throttle) == 900


def test_the_message_says_how_long_is_left(session, people):
    now = utcnow()
    for minutes in (9, 8, 7, 6, 5, 4, 3):  # seven failures, the last 3 minutes ago
        session.add(
            SignInAttempt(
                email="director@example.org", address="a", at=now - timedelta(minutes=minutes)
            )
        )
    session.commit()
    throttle = Throttle(free_failures=5, window_seconds=15 * 60)
    with pytest.raises(Throttled, match="Wait 1 minute and try again"):  # 4 min wait, 3 gone
        check_throttle(session, "director@example.org", "a", throttle, now)
    check_throttle(session, "director@example.org", "a", throttle, now + timedelta(minutes=2))
    check_throttle(session, "director@example.org", "b", throttle, now)  # another address


def test_guessing_from_many_addresses_shuts_out_only_addresses_never_used_before(
    settings, engine, people
):
    app = create_app(settings.model_copy(update={"login_account_limit": 10}), engine)
    home = _client(app, ("198.51.100.1", 1))
    assert _login(home, people.director.email, PASSWORD).status_code == 303
    for n in range(10):
        reply = _login(_client(app, (f"203.0.113.{n}", 1)), people.director.email, "guess")
        assert reply.status_code == 400
    newcomer = _client(app, ("192.0.2.50", 1))
    refused = _login(newcomer, people.director.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in error_beside(refused.text, "email")
    assert (
        _login(_client(app, ("198.51.100.1", 1)), people.director.email, PASSWORD).status_code
        == 303
    )


def test_every_sign_in_attempt_is_recorded_with_its_address_and_outcome(app, people):
    attacker = _client(app, ATTACKER)
    _login(attacker, people.member.email, "wrong-password")
    _login(_client(app), "  Member@Example.org", PASSWORD)
    rows = _attempts(app.state.engine, people.member.email)
    assert [(r.address, r.succeeded) for r in rows] == [(ATTACKER[0], False), ("testclient", True)]


class _LockProbe:
    """Argon2, but before each hash or check another writer tries to write at once."""

    def __init__(self, real, engine) -> None:  # type: ignore[no-untyped-def]
        self.real, self.engine, self.calls = real, engine, 0

    def _probe(self) -> None:
        self.calls += 1
        if is_sqlite(self.engine):  # fails at once, rather than waits, if a lock is held
            other = sqlite3.connect(self.engine.url.database, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
        else:
            with self.engine.connect() as pg:
                pg.execute(text("SET lock_timeout = '50ms'"))
                pg.execute(text('LOCK TABLE "user", user_session IN EXCLUSIVE MODE'))
                pg.rollback()

    def hash(self, password: str) -> str:
        self._probe()
        return self.real.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self._probe()
        return self.real.verify(password_hash, password)


@pytest.fixture
def lock_probe(engine, monkeypatch):  # type: ignore[no-untyped-def]
    probe = _LockProbe(passwords._hasher, engine)
    passwords._dummy_hash()  # made once beforehand, like any earlier request would
    monkeypatch.setattr(passwords, "_hasher", probe)
    return probe


def test_signing_in_hashes_the_password_while_other_writers_can_still_write(
    app, people, lock_probe
):
    assert _login(_client(app), people.member.email, PASSWORD).status_code == 303
    assert lock_probe.calls == 1


def test_changing_a_password_hashes_while_other_writers_can_still_write(
    app, people, browser_for, lock_probe
):
    member = browser_for(people.member)  # signs in: one check
    reply = member.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert reply.status_code == 303
    assert lock_probe.calls == 3  # the sign-in, the current password, the new one


def test_adding_a_user_hashes_the_password_while_other_writers_can_still_write(
    app, people, browser_for, lock_probe
):
    admin = browser_for(people.admin)
    reply = admin.submit(
        "/admin/users",
        {
            "email": "newcomer@example.org",
            "name": "Nia Newcomer",
            "role": "member",
            "password": "a-long-enough-password",
        },
    )
    assert reply.status_code == 303
    assert lock_probe.calls == 2
