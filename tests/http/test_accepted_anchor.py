"""An accepted suggestion stays with its own position, anchored to the words it put in."""

from __future__ import annotations

from .conftest import text_of


def _draft_with_twin_phrases(api_for, people, look, small):  # type: ignore[no-untyped-def]
    """Positions 1 and 2 both speak of a five-year settlement."""
    director = api_for(people.director)
    first, second = look.positions(small)[:2]
    for position, body in (
        (first, "We want a five-year settlement for councils."),
        (second, "A five-year settlement also helps shared services."),
    ):
        saved = director.put(
            f"/api/v1/responses/{small}/positions/{position.id}",
            json={
                "heading": position.heading,
                "body": body,
                "themes": position.themes,
                "base_revision": look.response(small).revision,
            },
        )
        assert saved.status_code == 200, saved.text
    return first, second


def _section(page: str, position_id: int) -> str:
    """The text of one position's part of the page (its list item, threads included)."""
    start = page.index(f'id="position-{position_id}"')
    end = page.find('<li class="tbl-position"', start)
    return text_of(page[start : end if end != -1 else len(page)])


def test_an_accepted_suggestion_stays_on_its_position_when_the_old_phrase_is_elsewhere(
    api_for, browser_for, people, small, look
):
    first, second = _draft_with_twin_phrases(api_for, people, look, small)
    look.set_stage(small, "futures-review")
    made = api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={
            "position_id": first.id,
            "quote": "five-year",
            "prefix": "We want a",
            "suffix": "settlement for councils.",
            "suggestion": "ten-year",
            "body": "Longer, please.",
        },
    )
    assert made.status_code == 201, made.text
    look.set_stage(small, "draft")
    accepted = api_for(people.director).post(
        f"/api/v1/comments/{made.json()['id']}/accept", json={}
    )
    assert accepted.status_code == 200, accepted.text
    assert look.positions(small)[0].body == "We want a ten-year settlement for councils."

    page = browser_for(people.director).get(f"/responses/{small}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "moved here from position 1" not in text
    assert "Longer, please." in _section(page.text, first.id)
    assert "Longer, please." not in _section(page.text, second.id)
    assert "now reads" not in text and "year settlement”" not in text

    report = browser_for(people.director).get(f"/responses/{small}/report")
    assert report.status_code == 200
    assert "moved here" not in text_of(report.text)


def test_an_accepted_suggestion_reads_as_on_its_new_words_not_as_text_changed(
    api_for, browser_for, people, small, look
):
    first = look.positions(small)[0]
    director = api_for(people.director)
    saved = director.put(
        f"/api/v1/responses/{small}/positions/{first.id}",
        json={
            "heading": first.heading,
            "body": "We want a five-year settlement for councils.",
            "themes": first.themes,
            "base_revision": look.response(small).revision,
        },
    )
    assert saved.status_code == 200, saved.text
    look.set_stage(small, "futures-review")
    made = api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={"position_id": first.id, "quote": "five-year", "suggestion": "ten-year", "body": ""},
    )
    assert made.status_code == 201, made.text
    look.set_stage(small, "draft")
    accepted = api_for(people.director).post(
        f"/api/v1/comments/{made.json()['id']}/accept", json={}
    )
    assert accepted.status_code == 200, accepted.text

    section = _section(browser_for(people.director).get(f"/responses/{small}").text, first.id)
    assert "Suggested wording accepted." in section
    assert "Text changed" not in section and "Outdated" not in section
    assert "On this passage" in section
