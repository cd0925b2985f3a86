"""Sign-in sessions kept on the server: copied cookies die with sign-out, a new password
or deactivation; people see and end their sessions on /account."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import event
from sqlmodel import Session, col, select

from server import cookies
from server.accounts import sessions
from server.db import write_session
from server.models import UserSession, utcnow
from tests.conftest import PASSWORD, Web

from .conftest import flash, page_error, text_of


def _signed_in(client: Web) -> bool:
    reply = client.get("/", follow_redirects=False)
    return reply.status_code == 200 and "Hello," in reply.text


def _copy_of(client: Web, app) -> Web:  # type: ignore[no-untyped-def]
    """Another browser holding a copy of this one's session cookie, as a thief would."""
    thief = Web(app, base_url="http://testserver")
    thief.cookies.set("tabled_session", client.cookies["tabled_session"], domain="testserver.local")
    return thief


def _records(engine, user_id: int) -> list[UserSession]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        query = select(UserSession).where(UserSession.user_id == user_id)
        return list(s.exec(query.order_by(col(UserSession.id))).all())


def _deactivate(admin: Web, user_id: int, name: str, role: str, active: str = "") -> None:
    reply = admin.submit(f"/admin/users/{user_id}", {"name": name, "role": role, "active": active})
    assert reply.status_code == 303, page_error(reply.text)


def test_a_cookie_copied_before_sign_out_stops_working_after_it(app, browser_for, people):
    director = browser_for(people.director)
    thief = _copy_of(director, app)
    assert _signed_in(thief)  # the copy works while the session lasts
    director.submit("/logout")
    assert not _signed_in(thief)
    assert not _signed_in(director)


def test_signing_out_signs_that_person_out_in_every_browser(browser_for, people):
    laptop = browser_for(people.director)
    phone = browser_for(people.director)
    someone_else = browser_for(people.member)
    laptop.submit("/logout")
    assert not _signed_in(phone)
    assert _signed_in(someone_else)


def test_a_cookie_copied_before_a_password_change_stops_working_but_this_browser_stays_in(
    app, browser_for, people
):
    member = browser_for(people.member)
    thief = _copy_of(member, app)
    other = browser_for(people.member)
    reply = member.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert reply.status_code == 303
    assert flash(member.get("/account").text).startswith("Password changed")
    assert _signed_in(member)
    assert not _signed_in(thief)
    assert not _signed_in(other)


def test_deactivation_ends_every_session_and_reactivation_does_not_bring_them_back(
    app, browser_for, people
):
    member = browser_for(people.member)
    admin = browser_for(people.admin)
    _deactivate(admin, people.member.id, "Member", "member")
    assert all(r.revoked_at is not None for r in _records(app.state.engine, people.member.id))
    _deactivate(admin, people.member.id, "Member", "member", active="yes")
    assert not _signed_in(member)  # an old cookie stays dead: they sign in afresh
    assert _signed_in(browser_for(people.member))


def test_the_account_page_lists_each_browser_and_marks_this_one(browser_for, people):
    laptop = browser_for(people.director)
    laptop.headers["User-Agent"] = "Laptop browser"
    phone = Web(laptop.app, base_url="http://testserver", headers={"User-Agent": "Phone browser"})
    phone.sign_in(people.director.email)
    page = laptop.get("/account")
    assert page.headers["cache-control"] == "no-store"
    text = text_of(page.text)
    assert "Where you are signed in" in text
    assert "Phone browser" in text
    assert text.count("This browser") == 1
    assert "Sign out everywhere else" in text


def test_ending_another_session_on_the_account_page_signs_that_browser_out(
    app, browser_for, people
):
    laptop = browser_for(people.director)
    phone = browser_for(people.director)
    records = _records(app.state.engine, people.director.id)
    phones = records[-1].id
    reply = laptop.submit(f"/account/sessions/{phones}/end")
    assert reply.status_code == 303
    assert flash(laptop.get("/account").text) == "Session ended: that browser is signed out."
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    assert f"/account/sessions/{phones}/end" not in laptop.get("/account").text


def test_ending_this_browsers_session_signs_you_out_here(app, browser_for, people):
    laptop = browser_for(people.director)
    mine = _records(app.state.engine, people.director.id)[-1].id
    reply = laptop.submit(f"/account/sessions/{mine}/end")
    assert reply.headers["location"] == "/login"
    assert not _signed_in(laptop)


def test_sign_out_everywhere_else_keeps_only_this_browser(browser_for, people):
    laptop = browser_for(people.director)
    phones = [browser_for(people.director) for _ in range(2)]
    reply = laptop.submit("/account/sessions/end-others")
    assert reply.status_code == 303
    assert flash(laptop.get("/account").text) == "Ended 2 other sessions."
    assert _signed_in(laptop)
    assert not any(_signed_in(p) for p in phones)


def test_nobody_can_end_someone_elses_session(app, browser_for, people):
    director = browser_for(people.director)
    member = browser_for(people.member)
    directors = _records(app.state.engine, people.director.id)[-1].id
    reply = member.submit(f"/account/sessions/{directors}/end")
    assert reply.status_code == 404
    assert _signed_in(director)


def test_ending_a_session_needs_the_csrf_token(app, browser_for, people):
    laptop = browser_for(people.director)
    phone = browser_for(people.director)
    phones = _records(app.state.engine, people.director.id)[-1].id
    reply = laptop.post(f"/account/sessions/{phones}/end", follow_redirects=False)
    assert reply.status_code == 403
    assert _signed_in(phone)


def test_a_session_idle_longer_than_the_limit_has_ended(app, browser_for, people, settings):
    member = browser_for(people.member)
    with write_session(app.state.engine) as s:
        for record in s.exec(select(UserSession)).all():
            record.last_seen_at = utcnow() - timedelta(seconds=settings.session_max_age + 60)
            s.add(record)
        s.commit()
    assert not _signed_in(member)


def test_last_seen_is_written_at_most_every_few_minutes(app, browser_for, people):
    member = browser_for(people.member)
    engine = app.state.engine
    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    with write_session(engine) as s:
        record = s.exec(select(UserSession)).one()
        record.last_seen_at = ten_minutes_ago
        s.add(record)
        s.commit()
    member.get("/")
    seen = _records(engine, people.member.id)[0].last_seen_at.replace(tzinfo=None)
    assert seen > ten_minutes_ago.replace(tzinfo=None) + timedelta(minutes=9)
    member.get("/")
    assert _records(engine, people.member.id)[0].last_seen_at.replace(tzinfo=None) == seen


def test_who_is_asking_is_still_one_query(app, browser_for, people):
    member = browser_for(people.member)
    key = member.cookies["tabled_session"]
    assert key
    engine = app.state.engine
    with write_session(engine) as s:
        plain = sessions.create_session(
            s, people.member.id, method="password", user_agent="", address=""
        )
        s.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with Session(engine) as s:
        event.listen(engine, "before_cursor_execute", count)
        try:
            vouched = sessions.actor_for_key(s, plain, max_idle_seconds=3600)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert vouched is not None and vouched.actor.email == people.member.email
    assert len(statements) == 1


def test_another_way_of_signing_in_starts_a_session_the_same_way(app, people):
    """start_session is what a sign-on provider's callback will call."""
    router = APIRouter()

    @router.get("/test-only/signed-on")
    def signed_on(request: Request) -> RedirectResponse:
        with write_session(request.app.state.engine) as s:
            cookies.start_session(request, s, people.member.id, method="oidc")
            s.commit()
        return RedirectResponse("/account", status_code=303)

    app.include_router(router)
    with Web(app, base_url="http://testserver") as client:
        page = client.get("/test-only/signed-on")
        assert "member@example.org" in text_of(page.text)
        assert "(oidc)" in text_of(page.text)
        assert re.search(r'name="csrf_token" value="[^"]+"', page.text)
