"""Invitations and password resets by email: one-time, expiring links that set a
password, sign the person in, and leave an audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, col, select

from server.models import AccountEvent, AccountLink, OutboxMessage, User, utcnow
from tests.conftest import CSRF_RE, PASSWORD, Web

from .conftest import error_beside, flash, text_of

LINK_RE = re.compile(r"https?://[^\s]+(/login/link/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "a-long-new-password"


def _mail_to(engine, email: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        query = select(OutboxMessage).where(OutboxMessage.to_email == email)
        return list(s.exec(query.order_by(col(OutboxMessage.id))).all())


def _link_in(message: OutboxMessage) -> str:
    found = LINK_RE.search(message.body)
    assert found, message.body
    return found.group(1)


def _signed_in(client: Web) -> bool:
    reply = client.get("/", follow_redirects=False)
    return reply.status_code == 200 and "Hello," in reply.text


def _set_password(client: Web, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(path)
    found = CSRF_RE.search(page.text)
    token = found.group(1) if found else client.refresh_csrf()
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _invite(admin: Web, email: str = "ana@council.example", name: str = "Ana Reviewer"):  # type: ignore[no-untyped-def]
    return admin.submit(
        "/admin/invitations",
        {"email": email, "name": name, "role": "member", "groups": ["futures"]},
    )


def _ask_reset(client: Web, email: str):  # type: ignore[no-untyped-def]
    page = client.get("/login/forgotten")
    token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
    return client.post("/login/forgotten", data={"email": email, "csrf_token": token})


def _actions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(AccountEvent.action).order_by(col(AccountEvent.id))).all())


def test_an_invited_person_sets_a_password_from_the_emailed_link_and_is_signed_in(
    engine, web, browser_for, people
):
    admin = browser_for(people.admin)
    reply = _invite(admin)
    assert reply.status_code == 303
    users_page = admin.get("/admin/users").text
    assert flash(users_page).startswith("Invited Ana Reviewer")
    assert "Invited: has not set a password yet" in text_of(users_page)
    (mail,) = _mail_to(engine, "ana@council.example")
    assert "7 days" in mail.body
    link = _link_in(mail)
    page = web.get(link)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "Welcome, Ana Reviewer" in page.text
    reply = _set_password(web, link)
    assert reply.status_code == 303
    assert _signed_in(web)
    assert "futures" in web.get("/account").text or _signed_in(web)
    # The password works from now on, in any browser.
    with Web(web.app, base_url="http://testserver") as other:
        other.sign_in("ana@council.example", NEW_PASSWORD)
    row = re.search(r"Ana Reviewer.*?</tr>", admin.get("/admin/users").text, re.S)
    assert row and "Password" in row.group(0) and "Never" not in row.group(0)
    assert _actions(engine)[-2:] == ["invite.sent", "invite.used"]


def test_a_link_works_only_once(engine, web, browser_for, people):
    _invite(browser_for(people.admin))
    link = _link_in(_mail_to(engine, "ana@council.example")[0])
    assert _set_password(web, link).status_code == 303
    with Web(web.app, base_url="http://testserver") as thief:
        again = thief.get(link)
        assert again.status_code == 410
        assert "used already" in text_of(again.text)
        reply = _set_password(thief, link, "another-password-1")
        assert reply.status_code == 410
        assert not _signed_in(thief)
    assert "link.refused.used" in _actions(engine)


def test_an_expired_link_is_refused_with_a_clear_page(engine, web, browser_for, people):
    _invite(browser_for(people.admin))
    link = _link_in(_mail_to(engine, "ana@council.example")[0])
    with Session(engine) as session:
        record = session.exec(select(AccountLink)).one()
        record.expires_at = utcnow() - timedelta(minutes=1)
        session.add(record)
        session.commit()
    page = web.get(link)
    assert page.status_code == 410
    assert "expired" in text_of(page.text)
    assert "ask for a new link" in text_of(page.text)
    assert "link.refused.expired" in _actions(engine)


def test_an_unknown_or_mangled_link_gets_a_clear_page_not_an_error(web):
    for path in ("/login/link/nothing-like-ours", "/login/link/" + "x" * 5000):
        page = web.get(path)
        assert page.status_code == 404
        assert "not one of ours" in text_of(page.text)


def test_resetting_a_password_signs_the_person_in_and_out_everywhere_else(
    engine, web, browser_for, people
):
    laptop = browser_for(people.member)
    reply = _ask_reset(web, "Member@Example.org ")
    assert reply.status_code == 200
    assert "Check your email" in reply.text
    (mail,) = _mail_to(engine, "member@example.org")
    assert "1 hour" in mail.body
    assert _set_password(web, _link_in(mail)).status_code == 303
    assert _signed_in(web)
    assert not _signed_in(laptop)
    with Web(web.app, base_url="http://testserver") as other:
        assert (
            other.post(
                "/login",
                data={
                    "email": "member@example.org",
                    "password": PASSWORD,
                    "csrf_token": other.refresh_csrf(),
                },
            ).status_code
            == 400
        )


def test_a_reset_for_an_unknown_email_gives_the_same_page_and_sends_nothing(engine, web, people):
    known = _ask_reset(web, "member@example.org")
    unknown = _ask_reset(web, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert text_of(known.text).replace("member@example.org", "X") == text_of(unknown.text).replace(
        "nobody@example.org", "X"
    )
    assert _mail_to(engine, "nobody@example.org") == []
    assert "reset.no_account" in _actions(engine)


def test_deactivated_people_cannot_reset_their_password(engine, web, browser_for, people):
    _ask_reset(web, "member@example.org")
    earlier_link = _link_in(_mail_to(engine, "member@example.org")[0])
    admin = browser_for(people.admin)
    admin.submit(f"/admin/users/{people.member.id}", {"name": "Member", "role": "member"})
    reply = _ask_reset(web, "member@example.org")
    assert "Check your email" in reply.text
    assert len(_mail_to(engine, "member@example.org")) == 1  # nothing new
    page = web.get(earlier_link)
    assert page.status_code == 410 and "deactivated" in text_of(page.text)
    assert _set_password(web, earlier_link).status_code == 410
    assert not _signed_in(web)


def test_reset_emails_are_throttled_per_account_and_per_address(engine, web, people):
    for _ in range(5):
        assert _ask_reset(web, "member@example.org").status_code == 200
    assert len(_mail_to(engine, "member@example.org")) == 3  # the rest get the same page
    for n in range(5):
        _ask_reset(web, f"someone{n}@example.org")
    refused = _ask_reset(web, "director@example.org")
    assert refused.status_code == 429
    assert "Wait an hour" in error_beside(refused.text, "email")
    assert _mail_to(engine, "director@example.org") == []


def test_only_the_newest_reset_link_works(engine, web, people):
    _ask_reset(web, "member@example.org")
    _ask_reset(web, "member@example.org")
    first, second = (_link_in(m) for m in _mail_to(engine, "member@example.org"))
    assert web.get(first).status_code == 410
    assert web.get(second).status_code == 200


def test_a_mistyped_password_is_shown_beside_its_field_and_keeps_the_link(engine, web, people):
    _ask_reset(web, "member@example.org")
    link = _link_in(_mail_to(engine, "member@example.org")[0])
    reply = _set_password(web, link, NEW_PASSWORD, "something-else-entirely")
    assert reply.status_code == 422
    assert error_beside(reply.text, "confirm") == "The two passwords are not the same"
    short = _set_password(web, link, "short")
    assert "at least 10 characters" in error_beside(short.text, "password")
    assert _set_password(web, link).status_code == 303


def test_link_forms_need_the_csrf_token(engine, web, people):
    _ask_reset(web, "member@example.org")
    link = _link_in(_mail_to(engine, "member@example.org")[0])
    web.get(link)
    reply = web.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reply.status_code == 403
    assert web.get(link).status_code == 200  # still unused
    assert web.post("/login/forgotten", data={"email": "member@example.org"}).status_code == 403


def test_only_admins_invite_and_a_bad_invitation_says_what_is_wrong(engine, browser_for, people):
    member = browser_for(people.member)
    assert _invite(member).status_code == 403
    admin = browser_for(people.admin)
    reply = _invite(admin, email="director@example.org", name="Again")
    assert reply.status_code == 422
    assert "already exists" in error_beside(reply.text, "email")
    assert _mail_to(engine, "director@example.org") == []


def test_the_sign_in_page_links_to_the_forgotten_password_form(web):
    page = web.get("/login").text
    assert 'href="/login/forgotten">Forgotten your password?' in page


def test_every_use_and_every_refused_try_of_a_link_is_in_the_audit_trail(
    engine, web, browser_for, people
):
    _ask_reset(web, "member@example.org")
    _ask_reset(web, "member@example.org")
    cancelled, newest = (_link_in(m) for m in _mail_to(engine, "member@example.org"))
    _ask_reset(web, "nobody@example.org")
    assert _actions(engine)[-3:] == ["reset.sent", "reset.sent", "reset.no_account"]
    before = len(_actions(engine))
    web.get("/login/link/nothing-like-ours")
    _set_password(web, "/login/link/" + "x" * 500)  # each of these: a look, then a post
    _set_password(web, cancelled)
    assert _set_password(web, newest).status_code == 303
    admin = browser_for(people.admin)
    _invite(admin)
    invitation = _link_in(_mail_to(engine, "ana@council.example")[0])
    ana = _user_id(engine, "ana@council.example")
    admin.submit(f"/admin/users/{ana}", {"name": "Ana Reviewer", "role": "member"})
    with Web(web.app, base_url="http://testserver") as other:
        _set_password(other, newest)
        _set_password(other, invitation)
    assert _actions(engine)[before:] == [
        "link.refused.unknown",
        *["link.refused.unknown"] * 2,
        *["link.refused.used"] * 2,  # an older link, cancelled by the newer one
        "reset.used",
        "invite.sent",
        *["link.refused.used"] * 2,  # the same link again, from another browser
        *["link.refused.deactivated"] * 2,
    ]


def _user_id(engine, email: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(User.id).where(User.email == email)).one()  # type: ignore[return-value]
