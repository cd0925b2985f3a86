"""Members are readers: their home page opens on the library's latest briefings,
and nothing they are shown speaks of drafting."""

from __future__ import annotations

from .conftest import OEP_TITLE, text_of

DRAFTING_WORDS = ("Stage", "Revision", "Download as a draft file")


def _publish(api_for, people, oep, look) -> None:  # type: ignore[no-untyped-def]
    look.set_stage(oep, "approved")
    done = api_for(people.director).post(
        f"/api/v1/responses/{oep}/actions", json={"action": "publish"}
    )
    assert done.json()["stage"] == "published"


def test_a_members_home_page_shows_the_latest_briefings_first(
    browser_for, api_for, people, oep, look
) -> None:
    _publish(api_for, people, oep, look)
    page = browser_for(people.member).get("/")
    words = text_of(page.text)
    assert words.index("Latest briefings") < words.index(OEP_TITLE)
    assert f'href="/library/{oep}"' in page.text
    assert f'href="/responses/{oep}"' not in page.text
    for word in DRAFTING_WORDS:
        assert word not in words, word


def test_a_member_reading_a_briefing_never_sees_drafting_words(
    browser_for, api_for, people, oep, look
) -> None:
    _publish(api_for, people, oep, look)
    client = browser_for(people.member)
    for path in ("/", "/library", f"/library/{oep}", f"/responses/{oep}"):
        words = text_of(client.get(path).text)
        for word in DRAFTING_WORDS:
            assert word not in words, (path, word)


def test_a_member_with_nothing_published_is_told_so_on_their_home_page(browser_for, people) -> None:
    words = text_of(browser_for(people.member).get("/").text)
    assert "Nothing has been published yet." in words
    assert "Nothing is waiting for your review" not in words
