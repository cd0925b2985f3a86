"""The default workflow through the API and the pages: CONTRACT.md's table."""

from __future__ import annotations

import re
import threading

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from server.accounts.tokens import create_token
from server.drafting.transfer import import_text
from server.models import AuditEvent, Response

from .conftest import oep_text


@pytest.fixture
def oep(session, people) -> int:
    response = import_text(session, people.director, oep_text())
    session.commit()
    return response.id


@pytest.fixture
def second_reviewers(session):
    from tests.conftest import add_user

    return (
        add_user(session, "futures2@example.org", "member", ("futures",)),
        add_user(session, "council2@example.org", "member", ("advisory-council",)),
    )


def act(client: TestClient, rid: int, action: str, note: str = ""):
    return client.post(f"/api/v1/responses/{rid}/actions", json={"action": action, "note": note})


def test_a_response_goes_from_draft_to_published_with_every_move_recorded(
    api_for, people, oep, second_reviewers
):
    director, futures, council = (
        api_for(people.director),
        api_for(people.futures),
        api_for(people.council),
    )
    futures2, council2 = (api_for(a) for a in second_reviewers)
    assert act(director, oep, "submit").json()["stage"] == "futures-review"
    first = act(futures, oep, "approve").json()
    assert first == {
        **first,
        "stage": "futures-review",
        "moved": False,
        "approvals": 1,
        "quorum": 2,
    }
    assert act(futures, oep, "approve").status_code == 409  # not twice
    assert act(futures2, oep, "request-changes").status_code == 422  # no note
    assert act(futures2, oep, "request-changes", "Tighten position 3").json()["stage"] == "draft"
    assert act(director, oep, "submit").json()["stage"] == "futures-review"
    # approvals from the earlier round do not carry over
    assert act(futures, oep, "approve").json()["moved"] is False
    assert act(futures2, oep, "approve").json()["stage"] == "council-review"
    assert act(council, oep, "approve").json()["moved"] is False
    assert act(council2, oep, "approve").json()["stage"] == "approved"
    assert act(director, oep, "publish").json()["stage"] == "published"
    history = director.get(f"/api/v1/responses/{oep}/history").json()
    assert [h["action"] for h in history] == [
        "submit",
        "approve",
        "request-changes",
        "submit",
        "approve",
        "approve",
        "approve",
        "approve",
        "publish",
    ]
    assert history[2]["note"] == "Tighten position 3" and history[2]["to_stage"] == "draft"
    assert set(history[0]) >= {"action", "from_stage", "to_stage", "actor", "note", "at"}


def test_submit_is_refused_with_every_reason_until_themes_are_complete(api_for, people):
    director = api_for(people.director)
    rid = director.post(
        "/api/v1/responses", json={"title": "T", "responding_to": {"title": "P"}}
    ).json()["id"]
    director.post(
        f"/api/v1/responses/{rid}/positions",
        json={"heading": "Untagged", "body": "x", "themes": [], "base_revision": 1},
    )
    refused = act(director, rid, "submit")
    assert refused.status_code == 409
    reasons = refused.json()["reasons"]
    assert "position 1 “Untagged” has no theme" in reasons
    assert any("Climate change" in r for r in reasons)
    assert director.get(f"/api/v1/responses/{rid}").json()["stage"] == "draft"


def test_wrong_people_and_wrong_stages_are_refused(api_for, people, oep):
    assert act(api_for(people.futures), oep, "submit").status_code == 404  # unseen draft
    assert act(api_for(people.director), oep, "approve").status_code in (403, 409)
    assert act(api_for(people.director), oep, "publish").status_code == 409
    assert act(api_for(people.director), oep, "fly").status_code == 422
    assert act(api_for(people.member), oep, "submit").status_code == 404
    act(api_for(people.director), oep, "submit")
    assert act(api_for(people.council), oep, "approve").status_code == 404  # not theirs yet
    assert act(api_for(people.futures), oep, "submit").status_code == 409  # seen, wrong stage
    edit = api_for(people.director).post(
        f"/api/v1/responses/{oep}/positions",
        json={"heading": "Late", "body": "", "themes": [], "base_revision": 10},
    )
    assert edit.status_code == 409


def test_the_page_shows_refusal_reasons_and_keeps_the_note(browser_for, people, session):
    unthemed = re.sub(r"^Themes:.*$", "", oep_text(), flags=re.M)
    response = import_text(session, people.director, unthemed)
    session.commit()
    web = browser_for(people.director)
    page = web.submit(f"/responses/{response.id}/actions", {"action": "submit"})
    assert page.status_code == 409
    assert "“submit” was refused" in page.text
    assert "has no theme" in page.text and "no position covers the core theme" in page.text
    wrong_stage = web.submit(
        f"/responses/{response.id}/actions",
        {"action": "withdraw", "note": "My careful note"},
    )
    assert wrong_stage.status_code == 409 and "My careful note" in wrong_stage.text


def test_reviewers_act_from_the_page_and_the_history_page_filters(browser_for, people, oep):
    director = browser_for(people.director)
    moved = director.submit(f"/responses/{oep}/actions", {"action": "submit"})
    assert moved.status_code == 303
    futures = browser_for(people.futures)
    page = futures.get(f"/responses/{oep}")
    assert "Approvals: 0 of 2 needed" in page.text and "Review due by" in page.text
    futures.submit(f"/responses/{oep}/actions", {"action": "approve", "note": "Good"})
    assert "Approval recorded: 1 of 2 needed." in futures.get(f"/responses/{oep}").text
    history = director.get(f"/responses/{oep}/history?action=approve")
    assert "Good" in history.text and "Futures" in history.text
    assert '<td class="govuk-table__cell">submit</td>' not in history.text


def test_two_racing_approvals_move_the_stage_exactly_once(
    app, engine, session, people, oep, second_reviewers
):
    director = create_token(session, people.director.id)[1]
    session.commit()
    TestClient(app).post(
        f"/api/v1/responses/{oep}/actions",
        json={"action": "submit"},
        headers={"Authorization": f"Bearer {director}"},
    )
    tokens = [
        create_token(session, people.futures.id)[1],
        create_token(session, second_reviewers[0].id)[1],
    ]
    session.commit()
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def approve(token: str) -> None:
        with TestClient(app) as client:
            barrier.wait()
            reply = client.post(
                f"/api/v1/responses/{oep}/actions",
                json={"action": "approve"},
                headers={"Authorization": f"Bearer {token}"},
            )
            codes.append(reply.status_code)

    threads = [threading.Thread(target=approve, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200, 200]
    with Session(engine) as fresh:
        assert fresh.get(Response, oep).stage == "council-review"
        moves = fresh.exec(select(AuditEvent).where(AuditEvent.to_stage == "council-review"))
        assert len(list(moves)) == 1


def test_a_reviewer_sees_what_waits_for_them_on_the_home_page(browser_for, api_for, people, oep):
    futures = browser_for(people.futures)
    assert "Nothing is waiting for your review" in futures.get("/").text
    act(api_for(people.director), oep, "submit")
    home = futures.get("/").text
    assert "Waiting for your review" in home and "Not yet decided" in home
    act(api_for(people.futures), oep, "approve")
    assert "Approved" in futures.get("/").text
    assert "Waiting for your review" not in browser_for(people.council).get("/").text


def test_the_director_sees_changes_requested_and_overdue_reviews_are_flagged(
    api_for, browser_for, people, oep, engine
):
    from datetime import timedelta

    from server.models import utcnow

    director_api, futures_api = api_for(people.director), api_for(people.futures)
    act(director_api, oep, "submit")
    with Session(engine) as fresh:
        response = fresh.get(Response, oep)
        response.due_at = utcnow() - timedelta(days=1)
        fresh.add(response)
        fresh.commit()
    assert "Overdue" in browser_for(people.futures).get("/").text
    assert "Overdue" in browser_for(people.director).get(f"/responses/{oep}").text
    act(futures_api, oep, "request-changes", "More evidence please")
    home = browser_for(people.director).get("/").text
    assert "Changes requested" in home


def test_the_owner_withdraws_from_the_page_with_a_note_and_futures_are_told(
    browser_for, api_for, people, oep, engine
):
    from server.models import Notification

    act(api_for(people.director), oep, "submit")
    act(api_for(people.futures), oep, "approve")
    web = browser_for(people.director)
    page = web.get(f"/responses/{oep}").text
    assert 'name="action" value="withdraw"' in page and "Withdraw to draft" in page
    unsaid = web.submit(f"/responses/{oep}/actions", {"action": "withdraw", "note": " "})
    assert unsaid.status_code == 422 and "needs a note" in unsaid.text
    done = web.submit(
        f"/responses/{oep}/actions", {"action": "withdraw", "note": "New figures are due"}
    )
    assert done.status_code == 303
    assert "Done: the response is back in draft." in web.get(f"/responses/{oep}").text
    history = web.get(f"/responses/{oep}/history").text
    assert "New figures are due" in history
    with Session(engine) as fresh:
        told = fresh.exec(select(Notification).where(Notification.kind == "withdrawn")).all()
        assert {n.user_id for n in told} == {people.futures.id}
    # Approvals of the withdrawn round are void: the next round starts from none.
    act(api_for(people.director), oep, "submit")
    assert act(api_for(people.futures), oep, "approve").json()["approvals"] == 1
