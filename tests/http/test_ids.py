"""Ids are ASCII digits naming a positive number, in forms, query strings, paths and JSON;
anything else is refused with the reason and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from server.errors import Invalid
from server.models import Comment
from server.routes.params import optional_form_id, parse_id

from .conftest import page_error


def _comments(engine) -> list[Comment]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(Comment)).all())


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("²", "digits 0-9"),  # str.isdigit() says yes, int() raises: it was a 500
        ("٣", "digits 0-9"),  # Arabic-Indic three: it was read as position 3
        ("0", "between 1 and"),  # these two silently posted a whole-response comment
        ("-1", "digits 0-9"),
        ("+3", "digits 0-9"),
        (" 3", "digits 0-9"),
        ("99999999999", "digits 0-9"),
    ],
)
def test_a_comment_form_with_a_bad_position_id_is_refused_with_the_reason(
    browser_for, people, small, engine, typed, reason
):
    director = browser_for(people.director)
    reply = director.submit(
        f"/responses/{small}/comments", {"body": "Worth a look", "position_id": typed}
    )
    assert reply.status_code == 422
    assert "position_id" in page_error(reply.text)
    assert reason in page_error(reply.text)
    assert "Worth a look" in reply.text  # what was typed is kept
    assert _comments(engine) == []


def test_a_comment_form_with_no_position_comments_on_the_whole_response(
    browser_for, people, small, engine
):
    director = browser_for(people.director)
    reply = director.submit(f"/responses/{small}/comments", {"body": "Overall fine"})
    assert reply.status_code in (200, 303)
    [comment] = _comments(engine)
    assert comment.position_id is None


def test_a_bad_parent_id_in_a_reply_is_refused(browser_for, people, small, engine):
    director = browser_for(people.director)
    reply = director.submit(f"/responses/{small}/comments", {"body": "A reply", "parent_id": "١"})
    assert reply.status_code == 422
    assert "parent_id" in page_error(reply.text)
    assert _comments(engine) == []


@pytest.mark.parametrize("typed", ["+{id}", "{id}.0", "{id}_0", " {id}"])
def test_an_id_in_a_path_is_digits_only(browser_for, people, small, typed):
    director = browser_for(people.director)
    assert director.get(f"/responses/{small}").status_code == 200
    reply = director.get("/responses/" + typed.format(id=small), follow_redirects=False)
    assert reply.status_code == 422
    assert "digits 0-9" in page_error(reply.text)


@pytest.mark.parametrize("typed", ["+1", "1.0", "٢"])
def test_an_id_in_a_query_string_is_digits_only(browser_for, people, small, typed):
    director = browser_for(people.director)
    reply = director.get(f"/responses/{small}/comment?position={typed}")
    assert reply.status_code == 422


@pytest.mark.parametrize("sent", ["1", 1.0, True, 0, -1])
def test_an_id_in_json_is_a_positive_number(api_for, people, small, engine, sent):
    api = api_for(people.director)
    reply = api.post(
        f"/api/v1/responses/{small}/comments", json={"body": "Via the API", "position_id": sent}
    )
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"][-1] == "position_id"
    assert _comments(engine) == []


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), ("0042", 42), (7, 7), ("2147483647", 2**31 - 1)]
)
def test_the_id_parser_takes_ascii_digits(value, expected):
    assert parse_id(value, "id") == expected


@pytest.mark.parametrize("value", ["", "²", "٣", "0", "-1", "1e3", "2147483648", True, 1.0, None])
def test_the_id_parser_refuses_everything_else(value):
    with pytest.raises(Invalid):
        parse_id(value, "id")


def test_an_empty_form_id_means_none():
    assert optional_form_id("", "position_id") is None
    with pytest.raises(Invalid, match="position_id must be"):
        optional_form_id("x", "position_id")
