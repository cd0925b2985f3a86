"""The reviewer's decision on the response page: after the positions, one question
(approve or request changes) with a note box per choice; the server takes the chosen
choice's note, and offers only the choices the workflow allows this person now."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from server.models import AuditEvent

from .conftest import error_beside


def _act(client, rid: int, action: str, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/responses/{rid}/actions", json={"action": action, "note": note})


def _decide(web, rid: int, action: str = "", approve: str = "", changes: str = ""):  # type: ignore[no-untyped-def]
    data = {"decision": "yes", "note_approve": approve, "note_return": changes}
    if action:
        data["action"] = action
    return web.submit(f"/responses/{rid}/actions", data)


def test_the_decision_comes_after_the_positions_with_only_allowed_choices(
    api_for, browser_for, people, oep
):
    director = browser_for(people.director)
    assert 'id="decision"' not in director.get(f"/responses/{oep}").text  # a draft: no decision
    _act(api_for(people.director), oep, "submit")
    assert 'id="decision"' not in director.get(f"/responses/{oep}").text  # owner: not a reviewer

    futures = browser_for(people.futures)
    page = futures.get(f"/responses/{oep}").text
    assert page.index('id="positions-heading"') < page.index('id="decision"')
    decision = page[page.index('id="decision"') :]
    assert re.findall(r'name="action" type="radio" value="([^"]+)"', decision) == [
        "approve",
        "request-changes",
    ]
    assert 'id="open-summary"' in decision
    # The other moves are not radios of the decision, nor are the decision's buttons above.
    assert 'value="withdraw"' not in decision
    assert 'name="action" value="approve"' not in page

    council = browser_for(people.council).get(f"/responses/{oep}")
    assert 'id="decision"' not in council.text  # not their stage


def test_the_chosen_choices_note_is_the_one_recorded(api_for, browser_for, people, oep, engine):
    _act(api_for(people.director), oep, "submit")
    futures = browser_for(people.futures)
    sent = _decide(futures, oep, "approve", approve="Clear and well argued", changes="Not this")
    assert sent.status_code == 303
    assert "Approval recorded: 1 of 2 needed." in futures.get(f"/responses/{oep}").text
    with Session(engine) as fresh:
        notes = fresh.exec(
            select(AuditEvent.note).where(
                AuditEvent.response_id == oep, AuditEvent.kind == "approve"
            )
        ).all()
    assert notes == ["Clear and well argued"]
    # Having approved, they may still ask for changes, but not approve twice.
    decision = futures.get(f"/responses/{oep}").text.split('id="decision"')[1]
    assert 'value="approve"' not in decision and 'value="request-changes"' in decision


def test_no_choice_or_no_note_shows_the_form_again_with_the_error_and_the_text(
    api_for, browser_for, people, oep
):
    _act(api_for(people.director), oep, "submit")
    futures = browser_for(people.futures)
    none = _decide(futures, oep, approve="Kept words", changes="Other kept words")
    assert none.status_code == 422
    assert "Choose whether to approve this revision or to request changes" in none.text
    assert 'href="#decision-approve"' in none.text  # the summary links to the question
    decision = none.text.split('id="decision"')[1]
    assert "govuk-form-group--error" in decision
    assert "Kept words" in decision and "Other kept words" in decision

    unsaid = _decide(futures, oep, "request-changes", approve="Fine by me", changes="  ")
    assert unsaid.status_code == 422 and "needs a note" in unsaid.text
    decision = unsaid.text.split('id="decision"')[1]
    assert 'value="request-changes" checked' in decision
    assert "needs a note" in error_beside(unsaid.text, "decision")
    assert "Fine by me" in decision

    sent = _decide(futures, oep, "request-changes", changes="Say more about libraries")
    assert sent.status_code == 303
    assert "Draft" in futures.get(f"/responses/{oep}").text


def test_an_unknown_choice_is_refused_with_a_reason(api_for, browser_for, people, oep):
    _act(api_for(people.director), oep, "submit")
    reply = _decide(browser_for(people.futures), oep, "publish", approve="x")
    assert reply.status_code in (403, 409)
    assert "was refused" in reply.text or "not allowed" in reply.text.lower()
