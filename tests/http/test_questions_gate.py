"""Submitting a response that answers a consultation: every question answered, within limits."""

from __future__ import annotations

from .conftest import DRAFTS


def _state(api, rid):  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()


def _answer(api, rid, index, refs, body=None):  # type: ignore[no-untyped-def]
    got = _state(api, rid)
    p = got["positions"][index]
    return api.put(
        f"/api/v1/responses/{rid}/positions/{p['id']}",
        json={
            "heading": p["heading"],
            "body": p["body"] if body is None else body,
            "themes": p["themes"],
            "questions": refs,
            "base_revision": got["revision"],
        },
    )


def _submit(api, rid):  # type: ignore[no-untyped-def]
    return api.post(f"/api/v1/responses/{rid}/actions", json={"action": "submit"})


def _paste(api, rid, text):  # type: ignore[no-untyped-def]
    reply = api.post(
        f"/api/v1/responses/{rid}/questions",
        json={"text": text, "base_revision": _state(api, rid)["revision"]},
    )
    assert reply.status_code == 201, reply.text


def test_submit_names_each_unanswered_question(api_for, people, oep):
    api = api_for(people.director)
    _paste(api, oep, "Q1: One?\nQ2: Two?\nQ3: Three?")
    _answer(api, oep, 0, ["2"])
    refused = _submit(api, oep)
    assert refused.status_code == 409
    reasons = refused.json()["reasons"]
    assert [r for r in reasons if "question" in r] == [
        "question 1 has no answering position and no reason for leaving it unanswered",
        "question 3 has no answering position and no reason for leaving it unanswered",
    ]
    assert _state(api, oep)["stage"] == "draft"


def test_a_question_set_aside_with_a_reason_lets_the_response_go(api_for, people, oep):
    api = api_for(people.director)
    _paste(api, oep, "Q1: One?\nQ2: Two?")
    _answer(api, oep, 0, ["1"])
    api.put(
        f"/api/v1/responses/{oep}/questions/2",
        json={"not_answering": "Not for us.", "base_revision": _state(api, oep)["revision"]},
    )
    moved = _submit(api, oep)
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "futures-review"


def test_an_answer_over_the_word_limit_is_refused_with_the_count(api_for, people, oep):
    api = api_for(people.director)
    _paste(api, oep, "Q1: In brief, why? (maximum 5 words)")
    _answer(api, oep, 0, ["1"], body="One two three four five six seven.")
    reasons = _submit(api, oep).json()["reasons"]
    assert "the answer to question 1 has 7 words; its limit is 5" in reasons
    _answer(api, oep, 0, ["1"], body="Because it saves money.")
    assert _submit(api, oep).status_code == 200


def test_a_response_without_questions_is_not_held_up(api_for, people, oep):
    assert _submit(api_for(people.director), oep).json()["stage"] == "futures-review"


def test_a_deleted_position_no_longer_answers(api_for, people, oep):
    api = api_for(people.director)
    _paste(api, oep, "Q1: One?")
    _answer(api, oep, 0, ["1"])
    got = _state(api, oep)
    first = got["positions"][0]["id"]
    api.delete(f"/api/v1/responses/{oep}/positions/{first}?base_revision={got['revision']}")
    reasons = _submit(api, oep).json()["reasons"]
    assert any(r.startswith("question 1 has no answering position") for r in reasons)


def test_the_digital_inclusion_example_answers_every_question_and_can_be_submitted(
    api_for, people, import_draft
):
    text = (DRAFTS / "digital-inclusion-strategy.md").read_text(encoding="utf-8")
    rid = import_draft(people.director, text)
    api = api_for(people.director)
    got = _state(api, rid)
    assert [q["ref"] for q in got["questions"]] == ["1", "2", "3a", "3b", "4", "5"]
    assert all(p["questions"] for p in got["positions"])
    assert got["responding_to"]["closes"] == "2009-01-23"
    assert _submit(api, rid).json()["stage"] == "futures-review"


def test_the_efficiency_programme_example_stays_a_report_response(api_for, people, oep):
    assert _state(api_for(people.director), oep)["questions"] == []
