"""The JSON API for themes, responses and positions: every route, every role, bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .conftest import OEP_TITLE

NEW_RESPONSE = {
    "title": "Response to the Digital Britain interim report",
    "responding_to": {
        "title": "Digital Britain: interim report",
        "publisher": "DCMS and BIS",
        "date": "2009-01-29",
        "url": "https://www.gov.uk/",
    },
    "summary": "We welcome the report.",
}


def _detail(reply) -> str:  # type: ignore[no-untyped-def]
    """The error's reason as text, whether the detail is a message or a list."""
    detail = reply.json()["detail"]
    if isinstance(detail, str):
        return detail
    return "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail)


def _position(heading: str = "A new position", **extra):  # type: ignore[no-untyped-def]
    return {"heading": heading, "body": "Some text.", "themes": ["efficiency"], **extra}


# Authentication


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/themes"),
        ("get", "/api/v1/responses"),
        ("post", "/api/v1/responses"),
        ("get", "/api/v1/responses/1"),
        ("post", "/api/v1/responses/1/positions"),
        ("put", "/api/v1/responses/1/positions/1"),
        ("delete", "/api/v1/responses/1/positions/1?base_revision=1"),
        ("get", "/api/v1/responses/1/revisions"),
    ],
)
def test_every_api_route_answers_401_without_a_token(web, small, method, url):
    reply = web.request(method, url, json={})
    assert reply.status_code == 401
    assert "Authorization: Bearer" in reply.json()["detail"]
    assert reply.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer tbl_made-up", "Bearer not-even-the-prefix", "Bearer " + "x" * 5000, "Basic abc"],
)
def test_a_wrong_token_gets_401_with_a_reason(app, people, header):
    with TestClient(app, headers={"Authorization": header}) as client:
        reply = client.get("/api/v1/responses")
        assert reply.status_code == 401
        assert reply.json()["detail"]


def test_a_browser_session_alone_does_not_open_the_api(browser_for, people, small):
    client = browser_for(people.director)
    reply = client.get(f"/api/v1/responses/{small}")
    assert reply.status_code == 401
    posted = client.post(
        f"/api/v1/responses/{small}/positions",
        json=_position(base_revision=4),
        headers={"X-CSRF-Token": client.csrf},
    )
    assert posted.status_code == 401


def test_a_revoked_token_gets_401(api_for, browser_for, people, look):
    api = api_for(people.director)
    assert api.get("/api/v1/themes").status_code == 200
    token = look.tokens(people.director.id)[0]
    browser_for(people.director).submit(f"/account/tokens/{token.id}/revoke")
    reply = api.get("/api/v1/themes")
    assert reply.status_code == 401
    assert "revoked" in reply.json()["detail"]


def test_healthz_needs_no_token(web):
    assert web.get("/healthz").json() == {"status": "ok"}


# Themes


def test_themes_lists_the_three_core_themes_with_slug_and_name(api_for, people):
    reply = api_for(people.member).get("/api/v1/themes")
    assert reply.status_code == 200
    themes = {t["slug"]: t["name"] for t in reply.json()}
    assert themes == {
        "climate-change": "Climate change",
        "social-inclusion": "Social inclusion",
        "efficiency": "Efficiency",
    }


# Creating responses


@pytest.mark.parametrize("who", ["director", "admin"])
def test_directors_and_admins_create_a_response(api_for, people, look, who):
    actor = getattr(people, who)
    reply = api_for(actor).post("/api/v1/responses", json=NEW_RESPONSE)
    assert reply.status_code == 201
    body = reply.json()
    assert body["title"] == NEW_RESPONSE["title"]
    # A report, not a consultation: no closing date.
    assert body["responding_to"] == {**NEW_RESPONSE["responding_to"], "closes": None}
    assert body["summary"] == "We welcome the report."
    assert body["workflow"] == "socitm-policy"
    assert body["stage"] == "draft"
    assert body["revision"] == 1
    assert body["owner"]["email"] == actor.email
    assert body["positions"] == []
    assert look.response(body["id"]).title == NEW_RESPONSE["title"]


def test_only_title_and_publication_title_are_needed(api_for, people):
    reply = api_for(people.director).post(
        "/api/v1/responses", json={"title": "Short", "responding_to": {"title": "A paper"}}
    )
    assert reply.status_code == 201
    assert reply.json()["responding_to"] == {
        "title": "A paper",
        "publisher": "",
        "date": None,
        "url": "",
        "closes": None,
    }


@pytest.mark.parametrize("who", ["member", "futures", "council"])
def test_members_and_reviewers_cannot_create_a_response(api_for, people, look, who):
    reply = api_for(getattr(people, who)).post("/api/v1/responses", json=NEW_RESPONSE)
    assert reply.status_code == 403
    assert reply.json()["detail"] == "only directors and admins can create responses"
    assert look.response_count() == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "Enter a title for the response"),
        ({"title": "x" * 301}, "at most 300 characters"),
        ({"title": 42}, "title"),
        ({"responding_to": {"title": ""}}, "responding_to.title"),
        ({"responding_to": {"title": "   "}}, "Enter the title of the publication"),
        ({"responding_to": {"title": "P", "date": "22/04/2009"}}, "responding_to.date"),
        ({"responding_to": {"title": "P", "url": "javascript:alert(1)"}}, "https://"),
        ({"responding_to": {"title": "P", "url": "x" * 2001}}, "responding_to.url"),
        ({"summary": "s" * 20_001}, "summary"),
        ({"workflow": "no-such-workflow"}, "Unknown workflow 'no-such-workflow'"),
        ({"owner": 1}, "owner"),
        ({"responding_to": None}, "responding_to"),
    ],
)
def test_bad_response_details_get_422_with_the_reason(api_for, people, look, change, reason):
    reply = api_for(people.director).post("/api/v1/responses", json={**NEW_RESPONSE, **change})
    assert reply.status_code == 422
    assert reason in _detail(reply)
    assert look.response_count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "JSON decode error"),
        (b"[1, 2]", "valid dictionary"),
        (b"", "Field required"),
        (b"null", "valid dictionary"),
    ],
)
def test_malformed_json_gets_422_not_an_error(api_for, people, look, content, reason):
    reply = api_for(people.director).post(
        "/api/v1/responses", content=content, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 422
    assert reason in _detail(reply)
    assert look.response_count() == 0


# Reading responses


def test_director_lists_and_reads_a_response_with_positions_in_order(api_for, people, oep):
    api = api_for(people.director)
    listed = api.get("/api/v1/responses").json()
    assert [(r["id"], r["title"], r["stage"]) for r in listed] == [(oep, OEP_TITLE, "draft")]
    reply = api.get(f"/api/v1/responses/{oep}")
    assert reply.status_code == 200
    body = reply.json()
    assert body["title"] == OEP_TITLE
    assert body["responding_to"]["publisher"] == "HM Treasury"
    assert body["responding_to"]["date"] == "2009-04-22"
    assert body["owner"]["name"] == "Director"
    assert body["revision"] == 1 + len(body["positions"])
    headings = [p["heading"] for p in body["positions"]]
    assert headings[0] == "Efficiency should not be treated as a separate agenda"
    assert len(headings) >= 6
    assert body["positions"][0]["themes"] == ["climate-change", "efficiency", "social-inclusion"]
    covered = {t for p in body["positions"] for t in p["themes"]}
    assert {"climate-change", "social-inclusion", "efficiency"} <= covered


@pytest.mark.parametrize("who", ["admin", "director2"])
def test_staff_can_read_a_draft(api_for, people, oep, who):
    reply = api_for(getattr(people, who)).get(f"/api/v1/responses/{oep}")
    assert reply.status_code == 200
    assert reply.json()["title"] == OEP_TITLE


@pytest.mark.parametrize("who", ["futures", "council"])
def test_reviewers_do_not_see_a_draft_before_the_workflow_hands_it_to_them(
    api_for, people, oep, who
):
    reviewer = api_for(getattr(people, who))
    assert reviewer.get(f"/api/v1/responses/{oep}").status_code == 404
    assert reviewer.get("/api/v1/responses").json() == []
    assert reviewer.get(f"/api/v1/responses/{oep}/history").status_code == 404


def test_reviewers_keep_reading_a_draft_once_their_stage_has_had_it(api_for, people, oep, look):
    look.set_stage(oep, "futures-review")
    look.set_stage(oep, "draft")  # sent back for changes
    assert api_for(people.futures).get(f"/api/v1/responses/{oep}").status_code == 200
    assert api_for(people.council).get(f"/api/v1/responses/{oep}").status_code == 404


def test_member_cannot_see_a_draft_response(api_for, people, oep):
    api = api_for(people.member)
    assert api.get("/api/v1/responses").json() == []
    hidden = api.get(f"/api/v1/responses/{oep}")
    missing = api.get("/api/v1/responses/999999")
    assert hidden.status_code == missing.status_code == 404
    # the answer does not tell a hidden response from one that does not exist
    assert hidden.json()["detail"] == f"no response with id {oep}"
    assert missing.json()["detail"] == "no response with id 999999"
    assert api.get(f"/api/v1/responses/{oep}/revisions").status_code == 404


@pytest.mark.parametrize("stage", ["futures-review", "council-review", "approved"])
def test_member_cannot_see_a_response_under_review(api_for, people, oep, look, stage):
    look.set_stage(oep, stage)
    api = api_for(people.member)
    assert api.get(f"/api/v1/responses/{oep}").status_code == 404
    assert api.get("/api/v1/responses").json() == []


def test_member_sees_a_published_response(api_for, people, oep, look):
    look.set_stage(oep, "published")
    api = api_for(people.member)
    assert [r["id"] for r in api.get("/api/v1/responses").json()] == [oep]
    reply = api.get(f"/api/v1/responses/{oep}")
    assert reply.status_code == 200
    assert reply.json()["stage"] == "published"


@pytest.mark.parametrize(
    ("url", "status", "reason"),
    [
        ("/api/v1/responses/abc", 422, "valid integer"),
        ("/api/v1/responses/1.5", 422, "valid integer"),
        ("/api/v1/responses/0", 422, "greater than or equal to 1"),
        ("/api/v1/responses/-3", 422, "greater than or equal to 1"),
        ("/api/v1/responses/99999999999999999999", 422, "less than or equal"),
        ("/api/v1/responses/424242", 404, "no response with id 424242"),
        ("/api/v1/responses/abc/revisions", 422, "valid integer"),
        ("/api/v1/responses/424242/revisions", 404, "no response with id 424242"),
    ],
)
def test_bad_or_unknown_response_ids_get_a_clear_4xx(api_for, people, small, url, status, reason):
    reply = api_for(people.director).get(url)
    assert reply.status_code == status
    assert reason in _detail(reply)


def test_unknown_api_path_gets_404_json(api_for, people):
    reply = api_for(people.director).get("/api/v1/nothing-here")
    assert reply.status_code == 404
    assert reply.json()["detail"]


def test_revisions_are_listed_newest_first_with_who_and_what(api_for, people, small):
    reply = api_for(people.director2).get(f"/api/v1/responses/{small}/revisions")
    assert reply.status_code == 200
    rows = reply.json()
    assert [r["number"] for r in rows] == [4, 3, 2, 1]
    assert rows[0]["author"] == "Director"
    assert rows[0]["description"] == "Added “Third position”"
    assert rows[0]["changed"] == ["Third position"]
    assert rows[-1]["description"] == "Created the response"


# Adding positions


def test_owner_adds_a_position_at_the_end(api_for, people, small, look):
    api = api_for(people.director)
    reply = api.post(
        f"/api/v1/responses/{small}/positions",
        json={
            "heading": "  A fourth position  ",
            "body": "Text with **bold**.",
            "themes": ["Efficiency", "climate-change"],
            "base_revision": 4,
        },
    )
    assert reply.status_code == 201
    saved = reply.json()
    assert saved["heading"] == "A fourth position"
    assert saved["body"] == "Text with **bold**."
    assert sorted(saved["themes"]) == ["climate-change", "efficiency"]
    assert saved["revision"] == 5
    positions = api.get(f"/api/v1/responses/{small}").json()["positions"]
    assert [p["heading"] for p in positions][-1] == "A fourth position"
    assert look.response(small).revision == 5


def test_admin_may_add_a_position_to_someone_elses_response(api_for, people, small):
    reply = api_for(people.admin).post(
        f"/api/v1/responses/{small}/positions", json=_position(base_revision=4)
    )
    assert reply.status_code == 201


def test_a_position_may_be_saved_without_a_theme_while_drafting(api_for, people, small):
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": "Unthemed", "body": "", "base_revision": 4},
    )
    assert reply.status_code == 201
    assert reply.json()["themes"] == []


@pytest.mark.parametrize(
    ("who", "status", "reason"),
    [
        ("director2", 403, "only the response's owner or an admin can change it"),
        ("futures", 404, "no response with id"),
        ("council", 404, "no response with id"),
        ("member", 404, "no response with id"),
    ],
)
def test_only_the_owner_or_an_admin_can_add_positions(
    api_for, people, small, look, who, status, reason
):
    before = look.state(small)
    reply = api_for(getattr(people, who)).post(
        f"/api/v1/responses/{small}/positions", json=_position(base_revision=4)
    )
    assert reply.status_code == status
    assert reason in reply.json()["detail"]
    assert look.state(small) == before


@pytest.mark.parametrize("base", [3, 1, 5, 99, 2**31 - 1])
def test_adding_on_a_stale_or_future_revision_gets_409_and_adds_nothing(
    api_for, people, small, look, base
):
    before = look.state(small)
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions", json=_position(base_revision=base)
    )
    assert reply.status_code == 409
    assert reply.json()["detail"] == (
        f"This response has changed since you opened it: you edited revision {base}, "
        "the current revision is 4."
    )
    assert look.state(small) == before


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"heading": ""}, "heading"),
        ({"heading": "   "}, "Enter a heading for the position"),
        ({"heading": "h" * 301}, "heading"),
        ({"body": "b" * 50_001}, "body"),
        ({"themes": ["no-such-theme"]}, "unknown theme 'no-such-theme': use one of"),
        ({"themes": ["efficiency", "  "]}, None),
        ({"themes": "efficiency"}, "themes"),
        ({"themes": ["t"] * 51}, "themes"),
        ({"base_revision": 0}, "base_revision"),
        ({"base_revision": -1}, "base_revision"),
        ({"base_revision": 2**70}, "base_revision"),
        ({"base_revision": "four"}, "base_revision"),
        ({"base_revision": None}, "base_revision"),
        ({"id": 7}, "id"),
    ],
)
def test_bad_positions_get_422_with_the_reason_and_change_nothing(
    api_for, people, small, look, change, reason
):
    before = look.state(small)
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions", json={**_position(base_revision=4), **change}
    )
    if reason is None:  # blank theme entries are ignored, not an error
        assert reply.status_code == 201
        assert reply.json()["themes"] == ["efficiency"]
        return
    assert reply.status_code == 422
    assert reason in _detail(reply)
    assert look.state(small) == before


def test_a_missing_base_revision_is_named_in_the_422(api_for, people, small, look):
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions", json={"heading": "h", "body": "b"}
    )
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "base_revision"]
    assert reply.json()["detail"][0]["msg"] == "Field required"


@pytest.mark.parametrize("stage", ["futures-review", "council-review", "approved", "published"])
def test_positions_cannot_change_outside_draft(api_for, people, small, look, stage):
    look.set_stage(small, stage)
    before = look.state(small)
    api = api_for(people.director)
    added = api.post(f"/api/v1/responses/{small}/positions", json=_position(base_revision=4))
    assert added.status_code == 409
    assert "only be changed while the response is in draft" in added.json()["detail"]
    position = look.positions(small)[0]
    changed = api.put(
        f"/api/v1/responses/{small}/positions/{position.id}", json=_position(base_revision=4)
    )
    assert changed.status_code == 409
    deleted = api.delete(f"/api/v1/responses/{small}/positions/{position.id}?base_revision=4")
    assert deleted.status_code == 409
    assert look.state(small) == before


def test_a_10_mb_body_is_refused_with_413(api_for, people, small, look):
    before = look.state(small)
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions",
        json=_position(base_revision=4, body="x" * (10 * 1024 * 1024)),
    )
    assert reply.status_code == 413
    assert reply.json()["detail"] == "The request is too large: the limit is 2 MB."
    assert look.state(small) == before


def test_a_10_mb_body_sent_in_chunks_is_refused_with_413(api_for, people, small, look):
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"heading": "h", "base_revision": 4, "body": "'
        for _ in range(10):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    before = look.state(small)
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 413
    assert "too large" in reply.json()["detail"]
    assert look.state(small) == before


def test_text_the_database_cannot_store_gets_422_not_500(api_for, people, small, look):
    before = look.state(small)
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/positions",
        json=_position(base_revision=4, heading="Nul", body="before\x00after"),
    )
    # SQLite stores a NUL character; PostgreSQL refuses it, and says so
    assert reply.status_code in (201, 422)
    if reply.status_code == 422:
        assert "cannot be stored" in reply.json()["detail"]
        assert look.state(small) == before


def test_unicode_text_comes_back_unchanged(api_for, people, small):
    text = "Ünïcödé – “quotes”, emoji 🙂, Ελληνικά, 中文, <b>not html</b> & more"
    api = api_for(people.director)
    saved = api.post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": text, "body": text, "themes": [], "base_revision": 4},
    ).json()
    again = api.get(f"/api/v1/responses/{small}").json()["positions"][-1]
    assert saved["heading"] == again["heading"] == text
    assert again["body"] == text


# Changing positions


def test_owner_replaces_a_position(api_for, people, small, look):
    position = look.positions(small)[1]
    api = api_for(people.director)
    reply = api.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={
            "heading": "Second, rewritten",
            "body": "New text.",
            "themes": ["social-inclusion"],
            "base_revision": 4,
        },
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "id": position.id,
        "heading": "Second, rewritten",
        "body": "New text.",
        "themes": ["social-inclusion"],
        "questions": [],
        "key": False,
        "revision": 5,
    }
    again = api.get(f"/api/v1/responses/{small}").json()["positions"]
    assert [p["heading"] for p in again] == [
        "First position",
        "Second, rewritten",
        "Third position",
    ]


def test_a_stale_save_gets_409_and_overwrites_nothing(api_for, people, small, look):
    position = look.positions(small)[0]
    director, admin = api_for(people.director), api_for(people.admin)
    first = admin.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={"heading": "Admin's words", "body": "Saved first.", "base_revision": 4},
    )
    assert first.status_code == 200
    late = director.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={"heading": "Director's words", "body": "Saved second.", "base_revision": 4},
    )
    assert late.status_code == 409
    assert "you edited revision 4, the current revision is 5" in late.json()["detail"]
    stored = look.positions(small)[0]
    assert (stored.heading, stored.body) == ("Admin's words", "Saved first.")
    # the director re-reads, then saves on the current revision
    retry = director.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={"heading": "Director's words", "body": "Merged.", "base_revision": 5},
    )
    assert retry.status_code == 200
    assert retry.json()["revision"] == 6


def test_a_position_from_another_response_gets_404_and_changes_neither(
    api_for, people, small, import_draft, look
):
    other = import_draft(people.director2)
    foreign = look.positions(other)[0]
    before_small, before_other = look.state(small), look.state(other)
    api = api_for(people.director)
    reply = api.put(
        f"/api/v1/responses/{small}/positions/{foreign.id}",
        json={"heading": "Hijack", "body": "x", "base_revision": 4},
    )
    assert reply.status_code == 404
    assert reply.json()["detail"] == f"no position {foreign.id} in this response"
    deleted = api.delete(f"/api/v1/responses/{small}/positions/{foreign.id}?base_revision=4")
    assert deleted.status_code == 404
    assert look.state(small) == before_small
    assert look.state(other) == before_other


@pytest.mark.parametrize(
    ("pid", "status", "reason"),
    [("abc", 422, "valid integer"), ("0", 422, "greater than"), ("999999", 404, "no position")],
)
def test_bad_position_ids_get_a_clear_4xx(api_for, people, small, look, pid, status, reason):
    before = look.state(small)
    reply = api_for(people.director).put(
        f"/api/v1/responses/{small}/positions/{pid}", json=_position(base_revision=4)
    )
    assert reply.status_code == status
    assert reason in _detail(reply)
    assert look.state(small) == before


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"heading": ""}, 422, "heading"),
        ({"body": "b" * 50_001}, 422, "body"),
        ({"themes": ["made-up"]}, 422, "unknown theme 'made-up'"),
        ({"base_revision": 3}, 409, "you edited revision 3"),
        ({"base_revision": 12}, 409, "you edited revision 12"),
    ],
)
def test_bad_updates_change_nothing(api_for, people, small, look, change, status, reason):
    position = look.positions(small)[0]
    before = look.state(small)
    reply = api_for(people.director).put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={**_position(base_revision=4), **change},
    )
    assert reply.status_code == status
    assert reason in _detail(reply)
    assert look.state(small) == before


@pytest.mark.parametrize(("who", "status"), [("director2", 403), ("futures", 404), ("member", 404)])
def test_others_cannot_replace_a_position(api_for, people, small, look, who, status):
    position = look.positions(small)[0]
    before = look.state(small)
    reply = api_for(getattr(people, who)).put(
        f"/api/v1/responses/{small}/positions/{position.id}", json=_position(base_revision=4)
    )
    assert reply.status_code == status
    assert look.state(small) == before


# Deleting positions


def test_owner_deletes_a_position_and_it_stays_in_the_history(api_for, people, small, look):
    position = look.positions(small)[0]
    api = api_for(people.director)
    reply = api.delete(f"/api/v1/responses/{small}/positions/{position.id}?base_revision=4")
    assert reply.status_code == 204
    assert reply.content == b""
    assert [p["heading"] for p in api.get(f"/api/v1/responses/{small}").json()["positions"]] == [
        "Second position",
        "Third position",
    ]
    history = api.get(f"/api/v1/responses/{small}/revisions").json()
    assert history[0]["description"] == "Deleted “First position”"
    again = api.delete(f"/api/v1/responses/{small}/positions/{position.id}?base_revision=5")
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [
        ("", 422, "query.base_revision: Field required"),
        ("?base_revision=abc", 422, "valid integer"),
        ("?base_revision=99999999999999999999", 422, "less than or equal"),
        ("?base_revision=3", 409, "you edited revision 3"),
    ],
)
def test_bad_deletes_change_nothing(api_for, people, small, look, query, status, reason):
    position = look.positions(small)[0]
    before = look.state(small)
    reply = api_for(people.director).delete(
        f"/api/v1/responses/{small}/positions/{position.id}{query}"
    )
    assert reply.status_code == status
    assert reason in _detail(reply)
    assert look.state(small) == before


@pytest.mark.parametrize(("who", "status"), [("director2", 403), ("council", 404), ("member", 404)])
def test_others_cannot_delete_a_position(api_for, people, small, look, who, status):
    position = look.positions(small)[0]
    before = look.state(small)
    reply = api_for(getattr(people, who)).delete(
        f"/api/v1/responses/{small}/positions/{position.id}?base_revision=4"
    )
    assert reply.status_code == status
    assert look.state(small) == before


def test_the_openapi_schema_documents_the_routes(web):
    schema = web.get("/openapi.json").json()
    assert "/api/v1/responses/{response_id}/positions/{position_id}" in schema["paths"]
    assert "/api/v1/themes" in schema["paths"]
