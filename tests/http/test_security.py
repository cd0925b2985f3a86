"""The authorisation matrix, generated from the app's route table: every route for
every kind of person. A route without a rule here fails, so none ships unguarded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from server.accounts.tokens import create_token
from tests.conftest import Web

# Who may use each route, for a response in draft owned by the director:
#   public       anyone, signed in or not
#   signed_in    anyone signed in
#   reader       who may read the response's internals: directors, and reviewers once
#                the workflow has handed it to their group (never plain members)
#   library      a reader, or anyone signed in once the response is published
#   commenter    the owner and admins, and the group whose review stage it is in
#   creator      directors and admins
#   owner        the response's owner and admins
#   admin        admins only
# API routes take the same words; their refusals are 401/403/404 instead of pages.
RULES: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/docs"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("GET", "/auth/oidc/start"): "public",
    ("GET", "/auth/oidc/callback"): "public",
    ("GET", "/login/forgotten"): "public",
    ("POST", "/login/forgotten"): "public",
    ("GET", "/login/link/{token}"): "public",
    ("POST", "/login/link/{token}"): "public",
    ("POST", "/logout"): "signed_in",
    ("GET", "/"): "signed_in",
    ("GET", "/responses"): "signed_in",
    ("GET", "/library"): "signed_in",
    ("GET", "/library/feed.xml"): "signed_in",
    ("GET", "/library/{response_id}"): "library",
    ("GET", "/library/{response_id}/versions/{version}/{fmt}"): "library",
    ("GET", "/library/{response_id}/compare"): "library",
    ("GET", "/themes"): "signed_in",
    ("GET", "/themes/{slug}"): "signed_in",
    ("GET", "/account"): "signed_in",
    ("POST", "/account/tokens"): "signed_in",
    ("POST", "/account/tokens/{token_id}/revoke"): "signed_in",
    ("POST", "/account/password"): "signed_in",
    ("POST", "/account/sessions/{session_id}/end"): "signed_in",
    ("POST", "/account/sessions/end-others"): "signed_in",
    ("GET", "/notifications"): "signed_in",
    ("POST", "/notifications/read"): "signed_in",
    ("POST", "/preview"): "signed_in",
    ("GET", "/responses/new"): "creator",
    ("POST", "/responses"): "creator",
    ("GET", "/responses/{response_id}"): "reader",
    ("GET", "/responses/{response_id}/export"): "reader",
    ("GET", "/responses/{response_id}/revisions"): "reader",
    ("GET", "/responses/{response_id}/compare"): "reader",
    ("GET", "/responses/{response_id}/revisions/{number}"): "reader",
    ("GET", "/responses/{response_id}/history"): "reader",
    ("GET", "/responses/{response_id}/edit"): "owner",
    ("POST", "/responses/{response_id}/edit"): "owner",
    ("GET", "/responses/{response_id}/positions/new"): "owner",
    ("POST", "/responses/{response_id}/positions"): "owner",
    ("GET", "/responses/{response_id}/positions/{position_id}/edit"): "owner",
    ("POST", "/responses/{response_id}/positions/{position_id}"): "owner",
    ("POST", "/responses/{response_id}/positions/{position_id}/move"): "owner",
    ("GET", "/responses/{response_id}/positions/{position_id}/delete"): "owner",
    ("POST", "/responses/{response_id}/positions/{position_id}/delete"): "owner",
    ("POST", "/responses/{response_id}/revisions/{number}/restore"): "owner",
    ("POST", "/responses/{response_id}/actions"): "owner",
    ("POST", "/responses/{response_id}/deadline"): "owner",
    ("GET", "/admin/users"): "admin",
    ("GET", "/admin/invitations/new"): "admin",
    ("POST", "/admin/invitations"): "admin",
    ("GET", "/admin/users/new"): "admin",
    ("POST", "/admin/users"): "admin",
    ("GET", "/admin/users/{user_id}"): "admin",
    ("POST", "/admin/users/{user_id}"): "admin",
    ("GET", "/admin/outbox"): "admin",
    ("GET", "/admin/groups"): "admin",
    ("POST", "/admin/groups"): "admin",
    ("GET", "/admin/groups/{group}"): "admin",
    ("POST", "/admin/groups/{group}/members"): "admin",
    ("POST", "/admin/groups/{group}/members/{user_id}/remove"): "admin",
    ("GET", "/themes/{slug}/retire"): "admin",
    ("POST", "/themes"): "admin",
    ("POST", "/themes/{slug}"): "admin",
    ("POST", "/themes/{slug}/retire"): "admin",
    ("GET", "/api/v1/themes"): "signed_in",
    ("GET", "/api/v1/responses"): "signed_in",
    ("POST", "/api/v1/responses"): "creator",
    ("GET", "/api/v1/responses/{response_id}"): "library",
    ("GET", "/api/v1/responses/{response_id}/revisions"): "reader",
    ("GET", "/api/v1/responses/{response_id}/history"): "reader",
    ("GET", "/api/v1/responses/{response_id}/publications"): "library",
    ("GET", "/api/v1/responses/{response_id}/publications/{version}/pdf"): "library",
    ("POST", "/api/v1/responses/{response_id}/positions"): "owner",
    ("PUT", "/api/v1/responses/{response_id}/positions/{position_id}"): "owner",
    ("DELETE", "/api/v1/responses/{response_id}/positions/{position_id}"): "owner",
    ("POST", "/api/v1/responses/{response_id}/actions"): "owner",
    # Comments: on a draft only the owner and admins write; reviewers read.
    ("GET", "/api/v1/responses/{response_id}/comments"): "reader",
    ("POST", "/api/v1/responses/{response_id}/comments"): "owner",
    ("PATCH", "/api/v1/comments/{comment_id}"): "owner",
    ("DELETE", "/api/v1/comments/{comment_id}"): "author",
    ("POST", "/responses/{response_id}/comments"): "owner",
    ("POST", "/comments/{comment_id}/edit"): "author",
    ("POST", "/comments/{comment_id}/delete"): "author",
    ("POST", "/comments/{comment_id}/answer"): "owner",
    ("POST", "/comments/{comment_id}/hide"): "admin",
    ("GET", "/responses/{response_id}/comments/{key}"): "reader",
    ("GET", "/responses/{response_id}/comments/stamp"): "reader",
    ("GET", "/responses/{response_id}/comment"): "commenter",
    ("GET", "/comments/{comment_id}/actions"): "reader",
    ("GET", "/comments/{comment_id}/edit"): "author",
    ("POST", "/comments/{comment_id}/accept"): "owner",
    ("POST", "/comments/{comment_id}/decline"): "owner",
    ("POST", "/api/v1/comments/{comment_id}/accept"): "owner",
    ("POST", "/api/v1/comments/{comment_id}/decline"): "owner",
    ("GET", "/responses/{response_id}/report"): "reader",
    ("GET", "/responses/{response_id}/report.csv"): "reader",
    ("GET", "/responses/{response_id}/report.json"): "reader",
    # Consultation questions: edited like positions, read (and downloaded) by readers.
    ("GET", "/api/v1/responses/{response_id}/questions"): "reader",
    ("POST", "/api/v1/responses/{response_id}/questions"): "owner",
    ("PUT", "/api/v1/responses/{response_id}/questions/{ref}"): "owner",
    ("DELETE", "/api/v1/responses/{response_id}/questions/{ref}"): "owner",
    ("GET", "/responses/{response_id}/questions/new"): "owner",
    ("POST", "/responses/{response_id}/questions"): "owner",
    ("GET", "/responses/{response_id}/questions/{ref}/edit"): "owner",
    ("POST", "/responses/{response_id}/questions/{ref}/edit"): "owner",
    ("POST", "/responses/{response_id}/questions/{ref}/delete"): "owner",
    ("POST", "/responses/{response_id}/questions/{ref}/move"): "owner",
    ("PUT", "/api/v1/responses/{response_id}/question-order"): "owner",
    ("PUT", "/api/v1/responses/{response_id}/closing-date"): "owner",
    ("GET", "/responses/{response_id}/submission.csv"): "reader",
    ("GET", "/responses/{response_id}/submission.docx"): "reader",
    ("GET", "/responses/{response_id}/preview.pdf"): "reader",
    # Word: a director imports a draft; whoever may comment takes a review copy and
    # brings it back.
    ("GET", "/responses/import"): "creator",
    ("POST", "/responses/import"): "creator",
    ("POST", "/responses/import/create"): "creator",
    ("POST", "/api/v1/responses/import"): "creator",
    ("GET", "/responses/{response_id}/review.docx"): "commenter",
    ("POST", "/responses/{response_id}/review-import"): "commenter",
    ("POST", "/api/v1/responses/{response_id}/review-import"): "commenter",
    # Each person's own notification settings.
    ("POST", "/account/digest"): "signed_in",
    ("POST", "/account/feed-token"): "signed_in",
    ("POST", "/account/feed-token/revoke"): "signed_in",
}

ROLES = ["anonymous", "member", "futures", "council", "other_director", "owner", "admin"]
STAGES = ["draft", "futures-review", "council-review", "approved", "published"]
# Who reads a response's internals in each stage of the default workflow: a group
# from the first time the workflow hands the response to its stage, and ever after.
READERS = {
    "draft": {"other_director", "owner", "admin"},
    "futures-review": {"futures", "other_director", "owner", "admin"},
    "council-review": {"futures", "council", "other_director", "owner", "admin"},
    "approved": {"futures", "council", "other_director", "owner", "admin"},
    "published": {"futures", "council", "other_director", "owner", "admin"},
}
STAGE_GROUP = {"futures-review": "futures", "council-review": "council"}


def allowed(rule: str, stage: str = "draft") -> set[str]:
    """The roles a rule admits while the response is in `stage`."""
    everyone = set(ROLES)
    signed_in = everyone - {"anonymous"}
    fixed = {
        "public": everyone,
        "signed_in": signed_in,
        "creator": {"other_director", "owner", "admin"},
        "owner": {"owner", "admin"},
        "author": {"owner"},  # the comment's author (the owner here), not even an admin
        "admin": {"admin"},
    }
    if rule in fixed:
        return fixed[rule]
    if rule == "reader":
        return READERS[stage]
    if rule == "library":
        return signed_in if stage == "published" else READERS[stage]
    if rule == "commenter":
        return {"owner", "admin"} | ({STAGE_GROUP[stage]} if stage in STAGE_GROUP else set())
    raise AssertionError(f"unknown rule {rule!r}")


ALLOWED = {rule: allowed(rule) for rule in set(RULES.values())}


def app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's wrapper for an included router
            inner = getattr(route.include_context, "prefix", "") or ""
            yield from app_routes(route.original_router.routes, prefix + inner)
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, prefix + route.path


def test_every_route_has_an_access_rule(app):
    missing = [r for r in app_routes(app.routes) if r not in RULES]
    assert not missing, f"routes without a rule in tests/http/test_security.py: {missing}"
    stale = [r for r in RULES if r not in set(app_routes(app.routes))]
    assert not stale, f"rules for routes that no longer exist: {stale}"


def _a_comment(session, owner, rid: int) -> int:  # type: ignore[no-untyped-def]
    """A comment by the response's owner, for the routes that name one."""
    from server.comments.service import create_comment

    session.rollback()  # a fresh transaction: SQLite cannot upgrade a stale read to a write
    comment = create_comment(session, owner, rid, body="A comment to act on")
    session.commit()
    return comment.id or 0


def _fill(path: str, ids: dict[str, Any]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


FORM = {
    "action": "submit",
    "heading": "H",
    "body": "B",
    "name": "N",
    "title": "T",
    "rt_title": "P",
    "direction": "down",
    "due": "2099-01-01",
    "note": "n",
    "email": "new@example.org",
    "role": "member",
    "label": "l",
    "text": "Question 9: Is this new?",
}


def _call(client: TestClient, method: str, url: str, csrf: str, base: int, api: bool):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if api:
        if url.endswith("/actions"):
            body: dict[str, Any] = {"action": "submit"}
        elif url.endswith("/comments"):
            body = {"body": "A comment"}
        elif url.endswith(("/accept", "/decline")):
            body = {"note": "A reason"}
        elif "/comments/" in url:
            body = {"status": "resolved"}
        elif "/questions" in url:
            body = {"text": "Question 9: Is this new?", "base_revision": base}
        elif url.endswith("/question-order"):
            body = {"order": ["1"], "base_revision": base}
        elif url.endswith("/closing-date"):
            body = {"closes": "2031-01-01", "base_revision": base}
        elif "/positions" in url:
            body = {"heading": "H", "body": "B", "themes": [], "base_revision": base}
        else:
            body = {"title": "T", "responding_to": {"title": "P"}}
        if method == "DELETE":
            return client.delete(f"{url}?base_revision={base}")
        return client.request(method, url, json=body)
    return client.post(
        url, data={**FORM, "csrf_token": csrf, "base_revision": str(base)}, follow_redirects=False
    )


# The rules live in the app and its templates, not the database: SQLite suffices.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("method", "path"), list(RULES), ids=lambda v: str(v))
def test_each_route_admits_exactly_its_people(
    method, path, app, session, people, import_draft, browser_for, engine
):
    rid = import_draft(people.director)
    from server.drafting.question_store import add_block
    from server.drafting.responses import get_response, positions_of

    if "/questions" in path:  # a question, so the question routes act on one that exists
        revision = get_response(session, rid).revision
        add_block(session, people.director, rid, "Question 1: Is it?", revision)
        session.commit()
    base = get_response(session, rid).revision
    ids = {
        "response_id": rid,
        "position_id": positions_of(session, rid)[0].id,
        "number": 1,
        "version": 1,
        "fmt": "pdf",
        "user_id": people.member.id,
        "slug": "efficiency",
        "group": "futures",
        "token_id": 1,
        "session_id": 1,
        "comment_id": _a_comment(session, people.director, rid),
        "key": "general",
        "ref": "1",
        "token": "not-a-real-link",
    }
    url = _fill(path, ids) + ("?from=1&to=2" if path.endswith("/compare") else "")
    api = path.startswith("/api/")
    actors = {
        "member": people.member,
        "futures": people.futures,
        "council": people.council,
        "other_director": people.director2,
        "owner": people.director,
        "admin": people.admin,
    }
    rule = RULES[(method, path)]
    for role in ROLES:  # the owner and admin last: their writes change the state
        if role == "anonymous":
            client = Web(app)
            csrf = "" if api else client.refresh_csrf()
        elif api:
            token = create_token(session, actors[role].id)[1]
            session.commit()
            client, csrf = TestClient(app, headers={"Authorization": f"Bearer {token}"}), ""
        else:
            client = browser_for(actors[role])
            csrf = client.csrf
        reply = _call(client, method, url, csrf, base, api)
        where = f"{method} {url} as {role}: {reply.status_code}"
        assert reply.status_code < 500, where
        refused = reply.status_code in (401, 403, 404) or (
            reply.status_code == 303 and "/login" in reply.headers.get("location", "")
        )
        if role in ALLOWED[rule]:
            # A 404 for an allowed person is a missing thing (no publication yet), not a refusal.
            assert reply.status_code not in (401, 403), where
        else:
            assert refused, where
        base = get_response(session, rid).revision


def test_state_changing_forms_refuse_a_missing_or_wrong_csrf_token(
    app, session, people, import_draft, browser_for, engine
):
    from server.drafting.responses import get_response, positions_of

    rid = import_draft(people.director)
    before = get_response(session, rid).revision
    ids = {
        "response_id": rid,
        "position_id": positions_of(session, rid)[0].id,
        "number": 1,
        "user_id": people.member.id,
        "slug": "efficiency",
        "group": "futures",
        "token_id": 1,
        "session_id": 1,
        "comment_id": _a_comment(session, people.director, rid),
        "ref": "1",
    }
    admin = browser_for(people.admin)
    posts = [p for m, p in RULES if m == "POST" and not p.startswith("/api/")]
    for path in posts:
        for token in ("", "forged-token"):
            reply = admin.post(
                _fill(path, ids),
                data={**FORM, "csrf_token": token, "base_revision": str(before)},
                follow_redirects=False,
            )
            assert reply.status_code == 403, f"{path} with token {token!r}: {reply.status_code}"
    session.expire_all()
    assert get_response(session, rid).revision == before


def _clients(app, session, people, browser_for, api: bool) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    actors = {
        "member": people.member,
        "futures": people.futures,
        "council": people.council,
        "other_director": people.director2,
        "owner": people.director,
        "admin": people.admin,
    }
    clients: dict[str, Any] = {"anonymous": Web(app)}
    for role, actor in actors.items():
        if api:
            token = create_token(session, actor.id)[1]
            session.commit()
            clients[role] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        else:
            clients[role] = browser_for(actor)
    return clients


def _into(stage: str, rid: int, session, people, look) -> None:  # type: ignore[no-untyped-def]
    """Put the response in `stage` as if it had walked there; published for real."""
    from server.config import Settings
    from server.workflow.service import take_action

    if stage == "published":
        look.set_stage(rid, "approved")
        session.rollback()
        take_action(session, people.director, rid, "publish", settings=Settings())
        session.commit()
    elif stage != "draft":
        look.set_stage(rid, stage)


# Reads are where visibility lives: every GET route, at every stage, for every role.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_shows_each_role_exactly_what_it_may_read(
    stage, app, session, people, import_draft, browser_for, look, engine
):
    """Readers get the page (200, or 404 only for a publication that does not exist
    yet); everyone else is refused - a plain member at every stage, published
    included, except the response page, which sends them to the library."""
    rid = import_draft(people.director)
    from server.drafting.question_store import add_block
    from server.drafting.responses import get_response, positions_of

    add_block(
        session, people.director, rid, "Question 1: Is it?", get_response(session, rid).revision
    )
    session.commit()
    ids = {
        "response_id": rid,
        "position_id": positions_of(session, rid)[0].id,
        "number": 1,
        "version": 1,
        "fmt": "pdf",
        "user_id": people.member.id,
        "slug": "efficiency",
        "token_id": 1,
        "comment_id": _a_comment(session, people.director, rid),
        "key": "general",
        "ref": "1",
    }
    _into(stage, rid, session, people, look)
    pages = _clients(app, session, people, browser_for, api=False)
    apis = _clients(app, session, people, browser_for, api=True)
    checked = 0
    for (method, path), rule in RULES.items():
        if method != "GET" or "{response_id}" not in path and "{comment_id}" not in path:
            continue
        api = path.startswith("/api/")
        url = _fill(path, ids) + ("?from=1&to=2" if path.endswith("/compare") else "")
        for role in ROLES:
            client = apis[role] if api and role != "anonymous" else pages[role]
            reply = client.get(url, follow_redirects=False)
            where = f"GET {url} in {stage} as {role}: {reply.status_code}"
            assert reply.status_code < 500, where
            location = reply.headers.get("location", "")
            if role in allowed(rule, stage):
                # Before publication there is no briefing; with one version, nothing to compare.
                missing_ok = rule == "library" and (
                    stage != "published" or path.endswith("/compare")
                )
                refusals = (401, 403) if missing_ok else (401, 403, 404)
                assert reply.status_code not in refusals, where
                assert not (reply.status_code == 303 and "/login" in location), where
            elif (
                path == "/responses/{response_id}"
                and role != "anonymous"
                and stage == ("published")
            ):
                assert (reply.status_code, location) == (303, f"/library/{rid}"), where
            else:
                assert reply.status_code in (401, 403, 404) or (
                    reply.status_code == 303 and "/login" in location
                ), where
            checked += 1
    assert checked > 100  # every reading route was tried


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("stage", STAGES[1:])
def test_a_plain_member_can_change_nothing_at_any_stage(
    stage, app, session, people, import_draft, browser_for, look, engine
):
    rid = import_draft(people.director)
    from server.drafting.responses import get_response, positions_of

    ids = {
        "response_id": rid,
        "position_id": positions_of(session, rid)[0].id,
        "number": 1,
        "comment_id": _a_comment(session, people.director, rid),
        "ref": "1",
    }
    _into(stage, rid, session, people, look)
    before = look.state(rid)
    web = browser_for(people.member)
    token = create_token(session, people.member.id)[1]
    session.commit()
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    base = get_response(session, rid).revision
    for (method, path), rule in RULES.items():
        if method == "GET" or rule in ("public", "signed_in") or "{user_id}" in path:
            continue
        if "{response_id}" not in path and "{comment_id}" not in path:
            continue
        is_api = path.startswith("/api/")
        reply = _call(api if is_api else web, method, _fill(path, ids), web.csrf, base, is_api)
        assert reply.status_code in (403, 404), f"{method} {path} in {stage}: {reply.status_code}"
    assert look.state(rid) == before
