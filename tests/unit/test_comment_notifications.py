"""Everyone hears about comments: the owner of new ones, a thread of its replies, the
people a comment mentions, and an author of the decision on theirs; or, for those who
chose it, one daily digest instead of the emails."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from server.comments import service, suggestions
from server.comments.service import Answer
from server.drafting.transfer import import_text
from server.models import Notification, OutboxMessage, Response
from server.notifications.digest import send_digests, set_digest
from server.notifications.mentions import names_in
from tests.conftest import add_user, reached_on_the_way

BASE = "https://tabled.example.org"

DRAFT = """---
title: Heard about
responding_to:
  title: A consultation
workflow: socitm-policy
---

## Shared services

Themes: efficiency

Councils save money by sharing.
"""


@pytest.fixture
def rid(session: Session, people) -> int:  # type: ignore[no-untyped-def]
    response = import_text(session, people.director, DRAFT)
    response.stage = "futures-review"
    response.stages_reached = reached_on_the_way(response, "futures-review")
    session.add(response)
    session.commit()
    assert response.id is not None
    return response.id


def _position(session: Session, rid: int) -> int:
    from server.drafting.responses import positions_of

    return positions_of(session, rid)[0].id


def _inbox(session: Session, email: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to_email == email)
    return list(session.exec(query.order_by(col(OutboxMessage.id))).all())


def _kinds(session: Session, user_id: int) -> list[str]:
    query = select(Notification.kind).where(Notification.user_id == user_id)
    return list(session.exec(query.order_by(col(Notification.id))).all())


def _comment(session: Session, actor, rid: int, body: str, **kw):  # type: ignore[no-untyped-def]
    comment = service.create_comment(session, actor, rid, body=body, base_url=BASE, **kw)
    session.commit()
    return comment


def test_owner_hears_of_a_new_comment_with_a_link_to_it(session, people, rid) -> None:
    comment = _comment(session, people.futures, rid, "Say who pays for it.")
    assert _kinds(session, people.director.id) == ["comment"]
    [mail] = _inbox(session, "director@example.org")
    assert "Futures commented on “Heard about”" in mail.body
    assert "Say who pays for it." in mail.body
    assert f"{BASE}/responses/{rid}#comment-{comment.id}" in mail.body


def test_owner_hears_of_a_suggested_edit(session, people, rid) -> None:
    pid = _position(session, rid)
    _comment(
        session,
        people.futures,
        rid,
        "",
        position_id=pid,
        quote="save money",
        suggestion="save a great deal of money",
    )
    assert _kinds(session, people.director.id) == ["suggestion"]
    assert "save a great deal of money" in _inbox(session, "director@example.org")[0].body


def test_nobody_is_told_of_their_own_comment(session, people, rid) -> None:
    _comment(session, people.director, rid, "A note to myself, @director.")
    assert _kinds(session, people.director.id) == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_a_reply_reaches_the_threads_people_and_the_owner_but_not_its_author(
    session, people, rid
) -> None:
    second = add_user(session, "futures2@example.org", "member", ("futures",))
    root = _comment(session, people.futures, rid, "First thought.")
    _comment(session, second, rid, "I agree.", parent_id=root.id)
    _comment(session, people.director, rid, "Thanks, both.", parent_id=root.id)
    assert _kinds(session, people.futures.id) == ["reply", "reply"]
    assert _kinds(session, second.id) == ["reply"]  # not told of their own reply
    assert _kinds(session, people.director.id) == ["comment", "reply"]


def test_mentioning_a_person_by_their_address_tells_them_once(session, people, rid) -> None:
    add_user(session, "jane.smith@example.org", "director")
    _comment(session, people.futures, rid, "@jane.smith what do you think? Really, @Jane.Smith.")
    jane = [m for m in _inbox(session, "jane.smith@example.org")]
    assert len(jane) == 1
    assert "Futures mentioned you" in jane[0].subject


def test_mentioning_a_group_tells_its_members_who_can_see_the_response(
    session, people, rid
) -> None:
    second = add_user(session, "futures2@example.org", "member", ("futures",))
    _comment(session, people.futures, rid, "@futures please look again")
    assert _kinds(session, second.id) == ["mention"]
    assert _kinds(session, people.futures.id) == []  # the author, though in the group


def test_a_mention_never_reaches_someone_who_cannot_see_the_draft(session, people, rid) -> None:
    # The Council has not been handed the response yet; a member never reads drafts.
    _comment(session, people.futures, rid, "@advisory-council @member @council have a look")
    assert _kinds(session, people.council.id) == []
    assert _kinds(session, people.member.id) == []
    assert _inbox(session, "member@example.org") == []


def test_the_owner_mentioned_in_a_comment_gets_one_message(session, people, rid) -> None:
    _comment(session, people.futures, rid, "@director see this")
    assert _kinds(session, people.director.id) == ["mention"]
    assert len(_inbox(session, "director@example.org")) == 1


def test_an_address_in_a_comment_is_not_a_mention() -> None:
    assert names_in("write to jane@example.org or @bob. Also @futures, @futures!") == [
        "bob",
        "futures",
    ]


def test_an_author_hears_the_disposition_on_their_comment(session, people, rid) -> None:
    comment = _comment(session, people.futures, rid, "Say who pays.")
    service.answer_comment(
        session,
        people.director,
        comment.id,
        Answer(disposition="noted", disposition_note="We will say so in the next round."),
        base_url=BASE,
    )
    session.commit()
    assert _kinds(session, people.futures.id) == ["comment-answered"]
    [mail] = _inbox(session, "futures@example.org")
    assert "Noted" in mail.body and "We will say so in the next round." in mail.body


def _suggest(session, people, rid):  # type: ignore[no-untyped-def]
    pid = _position(session, rid)
    return _comment(
        session, people.futures, rid, "", position_id=pid, quote="save money", suggestion="save"
    )


def test_an_author_hears_their_suggestion_was_accepted(session, people, rid) -> None:
    comment = _suggest(session, people, rid)
    response = session.get(Response, rid)
    response.stage = "draft"  # the owner takes it back to draft to apply the wording
    session.add(response)
    session.commit()
    suggestions.accept(session, people.director, comment.id, base_url=BASE)
    session.commit()
    assert _kinds(session, people.futures.id) == ["suggestion-accepted"]
    assert "accepted" in _inbox(session, "futures@example.org")[0].subject


def test_an_author_hears_their_suggestion_was_declined_and_why(session, people, rid) -> None:
    comment = _suggest(session, people, rid)
    suggestions.decline(session, people.director, comment.id, "Too short.", base_url=BASE)
    session.commit()
    assert _kinds(session, people.futures.id) == ["suggestion-declined"]
    assert "Too short." in _inbox(session, "futures@example.org")[0].body


def test_an_author_hears_their_comment_was_hidden(session, people, rid, settings) -> None:
    comment = _comment(session, people.futures, rid, "Something rude.")
    service.hide_comment(session, people.admin, comment.id, "Off topic", settings=settings)
    session.commit()
    assert _kinds(session, people.futures.id) == ["comment-hidden"]


def test_a_digest_replaces_the_emails_but_not_the_in_app_notifications(
    session, people, rid
) -> None:
    set_digest(session, people.director.id, True)
    session.commit()
    _comment(session, people.futures, rid, "One.")
    _comment(session, people.futures, rid, "Two.")
    assert _kinds(session, people.director.id) == ["comment", "comment"]
    assert _inbox(session, "director@example.org") == []
    assert send_digests(session, BASE) == 1
    session.commit()
    [digest] = _inbox(session, "director@example.org")
    assert "2 notifications" in digest.subject
    assert digest.body.count(f"{BASE}/responses/{rid}") == 2
    # Nothing waits any more, so the next run sends nobody an empty digest.
    assert send_digests(session, BASE) == 0
    assert len(_inbox(session, "director@example.org")) == 1


def test_no_digest_is_sent_to_someone_with_nothing_waiting(session, people) -> None:
    set_digest(session, people.director.id, True)
    session.commit()
    assert send_digests(session, BASE) == 0
    assert session.exec(select(OutboxMessage)).all() == []


def test_a_new_briefing_email_links_to_the_library_not_the_working_document(
    session, people, rid
) -> None:
    from server.notifications.service import after_move
    from server.workflow.kinds import ActionKind

    response = session.get(Response, rid)
    response.stage = "published"
    after_move(session, response, ActionKind.PUBLISH, "approved", "", people.director, BASE)
    session.commit()
    [mail] = _inbox(session, "member@example.org")
    assert mail.subject == "New briefing: Heard about"
    assert f"{BASE}/library/{rid}\n" in mail.body
    assert "/responses/" not in mail.body
