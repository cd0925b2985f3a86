"""Consultation questions over the API: pasting, mapping positions, editing, permissions."""

from __future__ import annotations

import pytest

BLOCK = """Our consultation on digital inclusion. Please answer below.

Question 1: Do you agree with the definition?
Question 2: What barriers do people face?
Please give examples.
Q3a. Should councils lend devices?
Q3b. Who should pay for data? (maximum 100 words)
"""


def _revision(api, rid: int) -> int:  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()["revision"]


def _paste(api, rid: int, text: str = BLOCK):  # type: ignore[no-untyped-def]
    return api.post(
        f"/api/v1/responses/{rid}/questions",
        json={"text": text, "base_revision": _revision(api, rid)},
    )


def test_director_pastes_questions_and_gets_the_full_list(api_for, people, small, look):
    api = api_for(people.director)
    before = look.response(small).revision
    reply = _paste(api, small)
    assert reply.status_code == 201
    listed = reply.json()
    assert [q["ref"] for q in listed] == ["1", "2", "3a", "3b"]
    assert listed[1]["text"] == "What barriers do people face? Please give examples."
    assert listed[3]["word_limit"] == 100
    assert look.response(small).revision == before + 1
    assert int(reply.headers["x-revision"]) == before + 1
    got = api.get(f"/api/v1/responses/{small}").json()
    assert [q["ref"] for q in got["questions"]] == ["1", "2", "3a", "3b"]
    assert got["questions"][0] == {
        "ref": "1",
        "text": "Do you agree with the definition?",
        "not_answering": "",
        "word_limit": None,
    }
    assert all(p["questions"] == [] for p in got["positions"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("Just some words about the consultation.", "no numbered questions"),
        ("Q1: a?\nQ1: b?", "appears twice"),
    ],
)
def test_a_bad_block_is_422_with_the_reason_and_changes_nothing(
    api_for, people, small, look, text, reason
):
    api = api_for(people.director)
    before = look.state(small)
    reply = _paste(api, small, text)
    assert reply.status_code == 422
    assert reason in reply.json()["detail"]
    assert look.state(small) == before


def test_pasting_a_number_already_there_is_refused(api_for, people, small):
    api = api_for(people.director)
    _paste(api, small)
    reply = _paste(api, small, "Question 2: Again?\nQuestion 4: New?")
    assert reply.status_code == 422
    assert "already has question 2" in reply.json()["detail"]
    assert len(api.get(f"/api/v1/responses/{small}").json()["questions"]) == 4


def test_a_position_answers_questions_and_an_unknown_ref_is_422(api_for, people, small, look):
    api = api_for(people.director)
    _paste(api, small)
    got = api.get(f"/api/v1/responses/{small}").json()
    first = got["positions"][0]
    reply = api.put(
        f"/api/v1/responses/{small}/positions/{first['id']}",
        json={
            "heading": first["heading"],
            "body": first["body"],
            "themes": first["themes"],
            "questions": ["Q3A", "1"],
            "base_revision": got["revision"],
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["questions"] == ["1", "3a"]
    before = look.state(small)
    bad = api.post(
        f"/api/v1/responses/{small}/positions",
        json={
            "heading": "New",
            "body": "Text.",
            "themes": ["efficiency"],
            "questions": ["9"],
            "base_revision": _revision(api, small),
        },
    )
    assert bad.status_code == 422
    assert "no question '9'" in bad.json()["detail"]
    assert look.state(small) == before
    added = api.post(
        f"/api/v1/responses/{small}/positions",
        json={
            "heading": "New",
            "body": "Text.",
            "themes": ["efficiency"],
            "questions": ["2"],
            "base_revision": _revision(api, small),
        },
    )
    assert added.status_code == 201
    assert added.json()["questions"] == ["2"]


def test_a_put_without_questions_keeps_the_positions_answers(api_for, people, small):
    api = api_for(people.director)
    _paste(api, small)
    got = api.get(f"/api/v1/responses/{small}").json()
    first = got["positions"][0]
    body = {"heading": first["heading"], "body": "New words.", "themes": first["themes"]}
    url = f"/api/v1/responses/{small}/positions/{first['id']}"
    api.put(url, json={**body, "questions": ["2"], "base_revision": got["revision"]})
    reply = api.put(url, json={**body, "base_revision": _revision(api, small)})
    assert reply.json()["questions"] == ["2"]


def test_marking_a_question_not_answered_and_editing_it_are_revisions(api_for, people, small, look):
    api = api_for(people.director)
    _paste(api, small)
    revision = _revision(api, small)
    reply = api.put(
        f"/api/v1/responses/{small}/questions/3b",
        json={"not_answering": "Outside our remit.", "base_revision": revision},
    )
    assert reply.status_code == 200
    assert reply.json()["not_answering"] == "Outside our remit."
    assert reply.json()["revision"] == revision + 1
    reply = api.put(
        f"/api/v1/responses/{small}/questions/1",
        json={
            "text": "Do you agree with the new definition?",
            "word_limit": 250,
            "base_revision": revision + 1,
        },
    )
    assert reply.json()["text"] == "Do you agree with the new definition?"
    assert reply.json()["word_limit"] == 250
    assert look.revisions(small)[-1] == revision + 2
    history = api.get(f"/api/v1/responses/{small}/revisions").json()
    assert history[0]["description"] == "Edited question 1"
    assert history[1]["description"] == "Marked question 3b as not answered"


def test_a_stale_base_revision_is_409_and_nothing_changes(api_for, people, small, look):
    api = api_for(people.director)
    _paste(api, small)
    before = look.state(small)
    stale = before[4] - 1
    put = api.put(
        f"/api/v1/responses/{small}/questions/1", json={"text": "X?", "base_revision": stale}
    )
    assert put.status_code == 409
    post = api.post(
        f"/api/v1/responses/{small}/questions", json={"text": "Q9: y?", "base_revision": stale}
    )
    assert post.status_code == 409
    assert (
        api.delete(f"/api/v1/responses/{small}/questions/1?base_revision={stale}").status_code
        == 409
    )
    assert look.state(small) == before


def test_deleting_a_question_removes_its_links_and_keeps_the_positions(api_for, people, small):
    api = api_for(people.director)
    _paste(api, small)
    got = api.get(f"/api/v1/responses/{small}").json()
    first = got["positions"][0]
    api.put(
        f"/api/v1/responses/{small}/positions/{first['id']}",
        json={
            "heading": first["heading"],
            "body": first["body"],
            "themes": first["themes"],
            "questions": ["1", "2"],
            "base_revision": got["revision"],
        },
    )
    reply = api.delete(
        f"/api/v1/responses/{small}/questions/1?base_revision={_revision(api, small)}"
    )
    assert reply.status_code == 204
    after = api.get(f"/api/v1/responses/{small}").json()
    assert [q["ref"] for q in after["questions"]] == ["2", "3a", "3b"]
    assert after["positions"][0]["questions"] == ["2"]
    assert len(after["positions"]) == len(got["positions"])
    missing = api.delete(f"/api/v1/responses/{small}/questions/1?base_revision={after['revision']}")
    assert missing.status_code == 404


def test_questions_change_only_while_the_response_is_editable(api_for, people, small, look):
    api = api_for(people.director)
    _paste(api, small)
    look.set_stage(small, "futures-review")
    reply = _paste(api, small, "Question 9: Late?")
    assert reply.status_code == 409
    put = api.put(
        f"/api/v1/responses/{small}/questions/1",
        json={"text": "X?", "base_revision": _revision(api, small)},
    )
    assert put.status_code == 409


def test_only_the_owner_changes_questions_and_members_cannot_see_a_draft(
    api_for, people, small, look
):
    before = look.state(small)
    other = api_for(people.director2)
    assert _paste(other, small).status_code == 403
    member = api_for(people.member)
    reply = member.post(
        f"/api/v1/responses/{small}/questions", json={"text": BLOCK, "base_revision": 1}
    )
    assert reply.status_code == 404
    assert member.get(f"/api/v1/responses/{small}/questions").status_code == 404
    assert look.state(small) == before


def test_a_response_with_questions_exports_and_imports_back_the_same(
    api_for, people, small, import_draft, web
):
    api = api_for(people.director)
    _paste(api, small)
    got = api.get(f"/api/v1/responses/{small}").json()
    first = got["positions"][0]
    api.put(
        f"/api/v1/responses/{small}/positions/{first['id']}",
        json={
            "heading": first["heading"],
            "body": first["body"],
            "themes": first["themes"],
            "questions": ["1", "3b"],
            "base_revision": got["revision"],
        },
    )
    api.put(
        f"/api/v1/responses/{small}/questions/2",
        json={"not_answering": "Not ours.", "base_revision": got["revision"] + 1},
    )
    before = api.get(f"/api/v1/responses/{small}").json()
    director = web.sign_in(people.director.email)
    text = director.get(f"/responses/{small}/export").text
    assert "Answers: 1, 3b" in text
    copy = import_draft(people.director, text)
    after = api.get(f"/api/v1/responses/{copy}").json()
    assert after["questions"] == before["questions"]
    assert [(p["heading"], p["questions"]) for p in after["positions"]] == [
        (p["heading"], p["questions"]) for p in before["positions"]
    ]


def test_the_openapi_schema_documents_the_question_routes(web):
    paths = web.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/responses/{response_id}/questions"]) == {"get", "post"}
    assert set(paths["/api/v1/responses/{response_id}/questions/{ref}"]) == {"put", "delete"}
    post = paths["/api/v1/responses/{response_id}/questions"]["post"]
    assert {"201", "409", "422"} <= set(post["responses"])


def test_restoring_a_revision_brings_back_its_questions_and_answers(
    api_for, browser_for, people, small, look
):
    api = api_for(people.director)
    _paste(api, small)
    got = api.get(f"/api/v1/responses/{small}").json()
    first = got["positions"][0]
    api.put(
        f"/api/v1/responses/{small}/positions/{first['id']}",
        json={
            "heading": first["heading"],
            "body": first["body"],
            "themes": first["themes"],
            "questions": ["2"],
            "base_revision": got["revision"],
        },
    )
    mapped = _revision(api, small)
    api.delete(f"/api/v1/responses/{small}/questions/2?base_revision={mapped}")
    director = browser_for(people.director)
    reply = director.submit(
        f"/responses/{small}/revisions/{mapped}/restore", {"base_revision": mapped + 1}
    )
    assert reply.status_code == 303
    after = api.get(f"/api/v1/responses/{small}").json()
    assert [q["ref"] for q in after["questions"]] == ["1", "2", "3a", "3b"]
    assert after["positions"][0]["questions"] == ["2"]
