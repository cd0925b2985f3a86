"""Quoted passages highlighted in a position's text (comments/highlights.py), and a
paragraph's quote narrowed by the reviewer (comments/paragraphs.py)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from server.comments import anchors, highlights, paragraphs
from server.comments.highlights import Mark, highlight
from server.errors import Invalid, NotFound


def _span(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    return at, at + len(words)


def _mark(body: str, words: str, thread: int, open_: bool = True) -> Mark:
    start, end = _span(anchors.plain_text(body), words)
    return Mark(start, end, thread, open_)


def _html(found: highlights.Highlighted) -> str:
    return "".join(b.html for b in found.blocks)


def _marked_words(page: str, thread: int) -> str:
    """The words inside the <mark>s that name this thread, joined as a reader reads them."""

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0  # open <mark>s of this thread around the current text
            self.words: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "mark" and str(thread) in (dict(attrs).get("data-threads") or "").split():
                self.depth += 1
            elif tag == "mark":
                self.depth += 100  # another thread's mark: counted to be closed again

        def handle_endtag(self, tag: str) -> None:
            if tag == "mark":
                self.depth -= 100 if self.depth >= 100 else 1

        def handle_data(self, data: str) -> None:
            if self.depth % 100:
                self.words.append(data)

    collect = Collect()
    collect.feed(page)
    return " ".join("".join(collect.words).split())


def _well_formed(page: str) -> None:
    """Every element closed in the order opened: no <mark> crosses a tag."""
    stack: list[str] = []
    void = {"br", "hr", "img", "input"}

    class Check(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in void:
                stack.append(tag)

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            pass  # <img ... />: opens and closes itself

        def handle_endtag(self, tag: str) -> None:
            assert stack and stack[-1] == tag, f"</{tag}> closes <{stack[-1] if stack else ''}>"
            stack.pop()

    Check().feed(page)
    assert not stack


def _without_marks(page: str) -> str:
    return re.sub(r"</?mark\b[^>]*>", "", page)


def test_a_quoted_passage_is_wrapped_in_a_mark_with_its_thread():
    body = "Councils save most when they share the data.\n\nA second paragraph."
    found = highlight(body, "p1", [_mark(body, "share the data", 7)])
    page = _html(found)
    assert _marked_words(page, 7) == "share the data"
    assert found.target(7) == "mark-7" and 'id="mark-7"' in page
    assert _without_marks(page) == "".join(b.html for b in anchors.blocks(body, "p1"))


def test_a_quote_across_bold_code_and_a_link_is_marked_piece_by_piece():
    body = "Start **bold words** then `a code span` and [a link](https://example.org) end."
    mark = _mark(body, "words then a code span and a link", 3)
    page = _html(highlight(body, "p1", [mark]))
    _well_formed(page)
    assert _marked_words(page, 3) == "words then a code span and a link"
    assert page.count('data-threads="3"') >= 4  # one <mark> per piece, none across a tag
    assert "<strong>bold <mark" in page and '<a href="https://example.org"><mark' in page
    assert _without_marks(page) == anchors.blocks(body, "p1")[0].html
    assert page.count('id="mark-3"') == 1  # the first piece is the thread's target


def test_overlapping_threads_share_the_words_they_both_quote():
    body = "One two three four five six seven."
    first = _mark(body, "two three four", 1)
    second = _mark(body, "four five six", 2, open_=False)
    found = highlight(body, "p1", [first, second])
    page = _html(found)
    _well_formed(page)
    assert _marked_words(page, 1) == "two three four"
    assert _marked_words(page, 2) == "four five six"
    shared = re.search(r'<mark class="([^"]*)" data-threads="([^"]*)"[^>]*>four</mark>', page)
    assert shared is not None
    assert "tbl-mark--overlap" in shared[1] and sorted(shared[2].split()) == ["1", "2"]
    # Words only the answered thread quotes look answered; shared words do not.
    assert re.search(r'class="tbl-mark tbl-mark--closed" data-threads="2"[^>]*> five six', page)
    assert found.target(1) == "mark-1" and found.target(2) == "mark-2"
    assert _without_marks(page) == anchors.blocks(body, "p1")[0].html


def test_two_threads_on_the_same_words_point_at_the_same_mark():
    body = "The same words, quoted twice."
    found = highlight(body, "p1", [_mark(body, "same words", 4), _mark(body, "same words", 9)])
    assert found.target(4) == found.target(9) == "mark-4"
    assert 'data-threads="4 9"' in _html(found)


def test_a_passage_over_two_paragraphs_is_marked_in_both():
    body = "The end of the first paragraph.\n\nThe start of the second one."
    found = highlight(body, "p1", [_mark(body, "first paragraph. The start", 5)])
    first, second = found.blocks[0].html, found.blocks[1].html
    assert _marked_words(first, 5) == "first paragraph."
    assert _marked_words(second, 5) == "The start"
    assert 'id="mark-5"' in first and 'id="mark-5"' not in second


def test_a_quote_that_no_longer_matches_is_not_highlighted():
    """An outdated quote has no place in the text: nothing is marked, and the text is
    exactly what it was (the thread keeps the original words below)."""
    body = "Councils should buy one finance system together."
    where = anchors.locate("share the data centre", "", "", 1, {1: anchors.plain_text(body)})
    assert where.state == anchors.OUTDATED
    found = highlight(body, "p1", [])
    assert "<mark" not in _html(found) and found.targets == ()
    # A range outside the text (the text shrank) draws nothing either.
    past = highlight(body, "p1", [Mark(500, 520, 1)])
    assert "<mark" not in _html(past)


def test_a_reworded_passage_is_marked_where_its_new_words_are():
    body = "Councils that share a finance system save the most when they share data."
    texts = {1: anchors.plain_text(body)}
    where = anchors.locate("Councils that share one finance system save most", "", "", 1, texts)
    assert where.state == anchors.CHANGED
    page = _html(highlight(body, "p1", [Mark(where.start, where.end, 8)]))
    assert _marked_words(page, 8) == where.passage


def test_words_in_a_mark_stay_escaped():
    body = "Never <script>alert(1)</script> & friends."
    page = _html(highlight(body, "p1", [_mark(body, "<script>alert(1)</script> &", 2)]))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert html.unescape(_marked_words(page, 2)) == "<script>alert(1)</script> &"


def test_lists_tables_and_images_are_marked_without_breaking_them():
    body = (
        "- one item\n- two item\n\n| a | b |\n|---|---|\n| cell x | cell y |\n\n"
        "![a chart](c.png) after"
    )
    text = anchors.plain_text(body)
    marks = [
        _mark(body, "item two", 1),
        _mark(body, "cell x cell", 2),
        _mark(body, "chart after", 3),
    ]
    page = _html(highlight(body, "p1", marks))
    _well_formed(page)
    # The two items' words, each marked inside its own <li>.
    assert re.search(r'item</mark></li>\s*<li><mark [^>]*data-threads="1"[^>]*>two</mark>', page)
    assert re.search(r'<td><mark [^>]*data-threads="2"[^>]*>cell x</mark></td>\s*<td><mark ', page)
    assert re.search(r'<mark [^>]*data-threads="3"[^>]*><img src="c.png" alt="a chart"', page)
    assert text  # the same plain text the anchoring used


def test_at_most_max_marked_threads_are_drawn_open_ones_first(monkeypatch):
    monkeypatch.setattr(highlights, "MAX_MARKED", 3)
    body = "Alpha beta gamma delta epsilon zeta eta theta."
    words = body.rstrip(".").split()
    marks = [_mark(body, w, i + 1, open_=i % 2 == 0) for i, w in enumerate(words)]
    page = _html(highlight(body, "p1", marks))
    drawn = sorted(int(n) for n in re.findall(r'data-threads="(\d+)"', page))
    assert drawn == [1, 3, 5]  # three, all of them open


def test_a_highlighted_position_is_kept_by_content():
    body = "Kept words here and there."
    mark = _mark(body, "words here", 1)
    first = highlight(body, "p1", [mark])
    assert highlight(body, "p1", [mark]) is first
    assert highlight(body, "p1", [Mark(mark.start, mark.end, 1, open=False)]) is not first


# Narrowing a paragraph's quote.

BODY = "First paragraph words.\n\n---\n\nThe second paragraph says share the data.\n\nLast one."


def test_paragraphs_are_numbered_as_the_page_numbers_them():
    assert paragraphs.paragraph(BODY, 3, "position 1").text.startswith("The second")
    with pytest.raises(NotFound):
        paragraphs.paragraph(BODY, 2, "position 1")  # the rule: nothing to quote
    with pytest.raises(NotFound):
        paragraphs.paragraph(BODY, 9, "position 1")


def test_a_paragraph_quote_narrowed_to_some_of_its_words_keeps_their_context():
    narrowed = paragraphs.narrow(BODY, 3, "  share   the data ", "position 1")
    assert narrowed.quote == "share the data"
    assert narrowed.prefix.endswith("paragraph says") and narrowed.suffix == ". Last one."
    text = anchors.plain_text(BODY)
    assert anchors.exact(text, narrowed.quote, narrowed.prefix, narrowed.suffix) is not None


def test_a_narrowed_quote_with_changed_or_added_words_is_refused_beside_the_quote():
    with pytest.raises(Invalid) as refused:
        paragraphs.narrow(BODY, 3, "share all the data", "position 1")
    assert refused.value.field == "quote" and "paragraph 3 of position 1" in refused.value.message
    with pytest.raises(Invalid):
        paragraphs.narrow(BODY, 3, "First paragraph words.", "position 1")  # another paragraph


def test_a_paragraph_gone_since_the_form_opened_is_refused_and_an_emptied_quote_is_none():
    with pytest.raises(Invalid) as refused:
        paragraphs.narrow("Only one paragraph now.", 3, "share the data", "position 1")
    assert "no longer there" in refused.value.message
    assert paragraphs.narrow(BODY, 3, "   ", "position 1").quote == ""
