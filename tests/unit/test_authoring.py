"""The author's checks: word counts as a reader counts them, and warnings for a
link without text or an image without alt text - advice, never a refusal."""

import pytest

from server.text.authoring import (
    MAX_WARNINGS,
    accessibility_warnings,
    preview_of,
    word_count,
    words_in,
)
from server.text.markdown import render_markdown


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("Councils should share services.", 4),
        ("- one **annual report**\n- open data\n1. first\n10) tenth", 7),
        ('See [the report](https://example.org/a-very-long-address "title").', 3),
        ("A claim[^1].\n\n[^1]: Audit Commission, 2009.", 5),
        ("| Service | Saving |\n| --- | --- |\n| Payroll | £1.2m |", 4),
        ("### Heading\n\n> A quote — with a dash", 6),
        ("![a chart of costs](chart.png)", 4),
    ],
)
def test_word_count_counts_what_a_reader_sees(text, words):
    assert word_count(text) == words


def test_word_count_adds_up_heading_and_text_and_a_response_adds_its_positions():
    class Position:
        def __init__(self, heading: str, body: str) -> None:
            self.heading, self.body = heading, body

    assert word_count("Open data", "We ask for open data.") == 7
    assert words_in([Position("One two", "three"), Position("Four", "five six")]) == 6
    assert words_in([]) == 0


def test_a_link_without_text_and_an_image_without_alt_are_warned_about():
    found = accessibility_warnings(
        "See [](https://example.org/report) and ![](chart.png) and [ ](#top).\n\n"
        "| a |\n| --- |\n| ![  ](table.png) |"
    )
    assert [(w.kind, w.target) for w in found] == [
        ("link-without-text", "https://example.org/report"),
        ("image-without-alt", "chart.png"),
        ("link-without-text", "#top"),
        ("image-without-alt", "table.png"),
    ]
    assert "has no text" in found[0].message
    assert "alt text" in found[1].message


def test_links_with_text_code_or_a_described_image_are_fine():
    assert (
        accessibility_warnings(
            "[the report](https://x.org), [`code`](https://x.org), "
            "[![A rising line](chart.png)](https://x.org), ![A map](map.png)"
        )
        == []
    )


def test_an_image_without_alt_inside_a_link_counts_twice():
    kinds = [w.kind for w in accessibility_warnings("[![](logo.png)](https://x.org)")]
    assert kinds == ["image-without-alt", "link-without-text"]


def test_markdown_in_code_is_not_checked():
    assert accessibility_warnings("`[](x)`\n\n```\n![](y.png)\n```") == []


def test_warnings_stop_at_a_bound():
    assert len(accessibility_warnings("[](x) " * 500)) == MAX_WARNINGS


def test_the_preview_renders_exactly_as_a_saved_position_does():
    text = "**Bold** [](https://x.org) and a note[^1]\n\n[^1]: Note."
    preview = preview_of(text)
    assert preview.html == render_markdown(text, doc_id="preview")
    assert [w.kind for w in preview.warnings] == ["link-without-text"]
    assert preview_of("   ") == preview_of("")
    assert preview_of("").html == ""
