"""A thread offers only what can work for this person at this stage, and a refusal is
shown beside the field it is about."""

from __future__ import annotations

from .conftest import error_beside, text_of


def _suggestion(api, rid: int, position_id: int) -> int:  # type: ignore[no-untyped-def]
    made = api.post(
        f"/api/v1/responses/{rid}/comments",
        json={
            "position_id": position_id,
            "quote": "first text",
            "suggestion": "opening words",
            "body": "",
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_an_approved_response_offers_no_accept_button_and_says_why(
    api_for, browser_for, people, small, look
):
    position = look.positions(small)[0]
    cid = _suggestion(api_for(people.admin), small, position.id)
    look.set_stage(small, "approved")
    web = browser_for(people.director)
    actions = web.get(f"/comments/{cid}/actions").text
    assert "Accept the suggestion" not in actions
    assert "only while the response is in draft" in text_of(actions)
    assert "Decline the suggestion" in actions  # declining works at any stage
    page = text_of(web.get(f"/responses/{small}").text)
    assert "decline or answer" in page.lower() and "accept or decline" not in page.lower()


def test_in_draft_the_owner_is_offered_accept_and_it_works(
    api_for, browser_for, people, small, look
):
    position = look.positions(small)[0]
    cid = _suggestion(api_for(people.admin), small, position.id)
    web = browser_for(people.director)
    assert "Accept the suggestion" in web.get(f"/comments/{cid}/actions").text
    sent = web.submit(f"/comments/{cid}/accept?section=p{position.id}", {})
    assert sent.status_code == 303
    assert look.positions(small)[0].body == "The opening words."


def test_a_passage_no_longer_in_the_text_is_not_offered_for_accepting(
    api_for, browser_for, people, small, look
):
    position = look.positions(small)[0]
    cid = _suggestion(api_for(people.admin), small, position.id)
    director = api_for(people.director)
    redrafted = director.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={
            "heading": position.heading,
            "body": "Reworded entirely.",
            "themes": position.themes,
            "base_revision": look.response(small).revision,
        },
    )
    assert redrafted.status_code == 200, redrafted.text
    actions = browser_for(people.director).get(f"/comments/{cid}/actions").text
    assert "Accept the suggestion" not in actions
    assert "no longer in the text" in text_of(actions)


def test_declining_without_a_reason_shows_the_error_beside_the_reason_not_the_reply(
    api_for, browser_for, people, small, look
):
    position = look.positions(small)[0]
    cid = _suggestion(api_for(people.admin), small, position.id)
    web = browser_for(people.director)
    slot = f"actions-{cid}"
    page = web.submit(
        f"/comments/{cid}/decline?section=p{position.id}&slot={slot}",
        {"reason": " "},
        headers={"HX-Request": "true", "HX-Target": slot},
    ).text
    assert "Say why the suggestion is declined" in error_beside(page, f"{slot}-reason")
    assert error_beside(page, f"{slot}-body") == ""


def test_answering_without_a_choice_shows_the_error_beside_the_choice(
    api_for, browser_for, people, small
):
    said = api_for(people.admin).post(
        f"/api/v1/responses/{small}/comments", json={"body": "A thought."}
    )
    cid = said.json()["id"]
    web = browser_for(people.director)
    slot = f"actions-{cid}"
    page = web.submit(
        f"/comments/{cid}/answer?slot={slot}",
        {"disposition": "", "disposition_note": "x"},
        headers={"HX-Request": "true", "HX-Target": slot},
    ).text
    assert error_beside(page, f"{slot}-disposition")
    assert error_beside(page, f"{slot}-body") == ""


def test_hiding_without_a_reason_shows_the_error_beside_that_reason(
    api_for, browser_for, people, small
):
    said = api_for(people.director).post(
        f"/api/v1/responses/{small}/comments", json={"body": "A thought."}
    )
    cid = said.json()["id"]
    web = browser_for(people.admin)
    slot = f"actions-{cid}"
    page = web.submit(
        f"/comments/{cid}/hide?slot={slot}",
        {"reason": ""},
        headers={"HX-Request": "true", "HX-Target": slot},
    ).text
    assert "Say why the comment is hidden" in error_beside(page, f"{slot}-hide-{cid}")
    assert error_beside(page, f"{slot}-body") == ""


def test_the_owner_is_told_the_way_back_to_draft_when_the_workflow_has_one(
    api_for, browser_for, people, small, look
):
    position = look.positions(small)[0]
    cid = _suggestion(api_for(people.admin), small, position.id)
    look.set_stage(small, "published")  # "revise" takes a published response back
    actions = text_of(browser_for(people.director).get(f"/comments/{cid}/actions").text)
    assert "first take the response back to draft with “revise”" in actions
