"""A reader who already has the response page sees every change on their next view,
whichever write made it: the kept page can only be as old as its key, and every
write to what the page shows moves the key (server/freshness.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from server.accounts.users import update_user
from server.comments import service
from server.config import Settings
from server.text.times import when
from server.themes.service import rename_theme, set_retired
from server.workflow.service import extend_deadline

from .conftest import text_of

Seen = Callable[[str], bool]


@dataclass
class Site:
    """A response in Futures review, the people around it, and a way to reach them."""

    rid: int
    people: Any
    session: Session
    look: Any
    api: Callable[[Any], Any]

    def first_position(self) -> int:
        return int(self.look.positions(self.rid)[0].id)

    def comment(self, who: Any, **fields: Any) -> int:
        reply = self.api(who).post(f"/api/v1/responses/{self.rid}/comments", json=fields)
        assert reply.status_code == 201, reply.text
        return int(reply.json()["id"])

    def user(self, who: Any, **changes: Any) -> None:
        self.session.rollback()
        values = {"name": who.name, "role": who.role, "groups": who.groups, "active": True}
        update_user(self.session, who.id, **{**values, **changes})
        self.session.commit()


Case = Callable[[Site], tuple[Callable[[], None], Seen]]


def comment(site: Site) -> tuple[Callable[[], None], Seen]:
    return lambda: site.comment(
        site.people.futures, body="A fresh point."
    ), lambda t: "A fresh point." in t


def reply(site: Site) -> tuple[Callable[[], None], Seen]:
    root = site.comment(site.people.futures, body="Why this?")
    return lambda: site.comment(
        site.people.director, body="Because of the audit.", parent_id=root
    ), lambda t: "Because of the audit." in t


def edit(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = site.comment(site.people.futures, body="As first written.")

    def act() -> None:
        reply = site.api(site.people.futures).patch(
            f"/api/v1/comments/{cid}", json={"body": "As rewritten."}
        )
        assert reply.status_code == 200, reply.text

    return act, lambda t: "As rewritten." in t and "As first written." not in t


def delete(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = site.comment(site.people.futures, body="Words to withdraw.")

    def act() -> None:
        assert site.api(site.people.futures).delete(f"/api/v1/comments/{cid}").status_code == 204

    return act, lambda t: "Words to withdraw." not in t


def hide(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = site.comment(site.people.futures, body="A rude remark.")

    def act() -> None:
        site.session.rollback()
        service.hide_comment(site.session, site.people.admin, cid, "rude", settings=Settings())
        site.session.commit()

    return act, lambda t: "A rude remark." not in t


def answer(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = site.comment(site.people.futures, body="Please say more.")

    def act() -> None:
        reply = site.api(site.people.director).patch(
            f"/api/v1/comments/{cid}",
            json={"disposition": "noted", "disposition_note": "Kept for round two."},
        )
        assert reply.status_code == 200, reply.text

    return act, lambda t: "Kept for round two." in t


def _suggestion(site: Site) -> int:
    return site.comment(
        site.people.futures,
        body="Tighter.",
        position_id=site.first_position(),
        quote="The first text.",
        suggestion="The sharper first text.",
    )


def accept(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = _suggestion(site)
    site.look.set_stage(site.rid, "draft")  # wording goes in while drafting

    def act() -> None:
        reply = site.api(site.people.director).post(f"/api/v1/comments/{cid}/accept", json={})
        assert reply.status_code == 200, reply.text

    return act, lambda t: "Accepted" in t


def decline(site: Site) -> tuple[Callable[[], None], Seen]:
    cid = _suggestion(site)

    def act() -> None:
        reply = site.api(site.people.director).post(
            f"/api/v1/comments/{cid}/decline", json={"note": "We keep our wording."}
        )
        assert reply.status_code == 200, reply.text

    return act, lambda t: "We keep our wording." in t


def theme_rename(site: Site) -> tuple[Callable[[], None], Seen]:
    # An open comment on the efficiency position puts the theme in the counts too.
    site.comment(site.people.futures, body="Count me.", position_id=site.first_position())

    def act() -> None:
        site.session.rollback()
        rename_theme(site.session, "efficiency", "Value for money")
        site.session.commit()

    return act, lambda t: "Value for money" in t and "Efficiency" not in t


def theme_retire(site: Site) -> tuple[Callable[[], None], Seen]:
    def act() -> None:
        site.session.rollback()
        set_retired(site.session, "efficiency", True)
        site.session.commit()

    return act, lambda t: "Efficiency (retired)" in t


def user_rename(site: Site) -> tuple[Callable[[], None], Seen]:
    site.comment(site.people.futures, body="Signed by me.")
    return lambda: site.user(
        site.people.futures, name="Farah Renamed"
    ), lambda t: "Farah Renamed" in t


def user_deactivate(site: Site) -> tuple[Callable[[], None], Seen]:
    site.comment(site.people.futures, body="Before I left.")
    return lambda: site.user(site.people.futures, active=False), lambda t: "(account closed)" in t


def approval(site: Site) -> tuple[Callable[[], None], Seen]:
    def act() -> None:
        reply = site.api(site.people.futures).post(
            f"/api/v1/responses/{site.rid}/actions", json={"action": "approve"}
        )
        assert reply.status_code == 200, reply.text

    return act, lambda t: "Approvals: 1 of 2 needed" in t


def deadline(site: Site) -> tuple[Callable[[], None], Seen]:
    later = date.today() + timedelta(days=90)

    def act() -> None:
        site.session.rollback()
        extend_deadline(site.session, site.people.director, site.rid, later, "More time.")
        site.session.commit()

    # Called without a zone, the review closes at 17:00 UTC; the page shows London time.
    shown = when(datetime.combine(later, time(17, 0), tzinfo=UTC))
    return act, lambda t: f"Review due by {shown}" in t


def publication(site: Site) -> tuple[Callable[[], None], Seen]:
    site.look.set_stage(site.rid, "approved")

    def act() -> None:
        reply = site.api(site.people.director).post(
            f"/api/v1/responses/{site.rid}/actions", json={"action": "publish"}
        )
        assert reply.status_code == 200, reply.text

    return act, lambda t: "Version 1" in t


WRITES: list[Case] = [
    comment,
    reply,
    edit,
    delete,
    hide,
    answer,
    accept,
    decline,
    theme_rename,
    theme_retire,
    user_rename,
    user_deactivate,
    approval,
    deadline,
    publication,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_a_reader_who_has_the_page_sees_the_change_on_their_next_view(
    write: Case, api_for, browser_for, people, small, look, session
):
    director = api_for(people.director)
    assert (
        director.post(f"/api/v1/responses/{small}/actions", json={"action": "submit"}).json()[
            "stage"
        ]
        == "futures-review"
    )
    site = Site(small, people, session, look, api_for)
    act, seen = write(site)
    reader = browser_for(people.director)

    def view() -> str:
        page = reader.get(f"/responses/{small}")
        assert page.status_code == 200
        return text_of(page.text)

    before = view()
    assert view() == before  # the reader has the page: the second view is the kept one
    assert not seen(before)
    act()
    after = view()
    assert seen(after), write.__name__
