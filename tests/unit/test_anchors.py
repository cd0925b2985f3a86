"""Re-anchoring a quoted passage after the text is redrafted: never dropped."""

from __future__ import annotations

import difflib

from server.comments import anchors
from server.comments.anchors import ATTACHED, CHANGED, OUTDATED, locate
from server.text.markdown import render_markdown

FIRST = (
    "Shared services save money only when councils keep control of the data they share. "
    "The report assumes that savings follow from scale alone."
)
SECOND = (
    "Green IT is not a side issue. Data centres that run at a fraction of their capacity "
    "waste power as well as money, and the carbon cost falls on every council."
)
QUOTE = "savings follow from scale alone"


def _texts(*bodies: str) -> dict[int, str]:
    return {n: anchors.plain_text(body) for n, body in enumerate(bodies, start=1)}


def _made_on(text: str, quote: str) -> anchors.Context:
    start = text.index(quote)
    return anchors.context_at(text, start, start + len(quote))


def test_an_unchanged_passage_stays_attached_where_it_was() -> None:
    texts = _texts(FIRST, SECOND)
    ctx = _made_on(texts[1], QUOTE)
    found = locate(QUOTE, ctx.prefix, ctx.suffix, 1, texts)
    assert (found.state, found.position_id) == (ATTACHED, 1)
    assert texts[1][found.start : found.end] == QUOTE


def test_markdown_and_line_breaks_do_not_hide_a_passage() -> None:
    body = "The report **assumes** that savings\nfollow from [scale](https://example.org) alone."
    found = locate("assumes that savings follow from scale alone", "", "", 1, _texts(body))
    assert found.state == ATTACHED


def test_a_reworded_passage_is_marked_text_changed_with_its_new_wording() -> None:
    before = _texts(FIRST)
    ctx = _made_on(before[1], QUOTE)
    redrafted = FIRST.replace(QUOTE, "savings follow from sheer scale on its own")
    found = locate(QUOTE, ctx.prefix, ctx.suffix, 1, _texts(redrafted))
    assert (found.state, found.position_id) == (CHANGED, 1)
    assert "savings follow from sheer scale" in found.passage
    assert found.score >= anchors.FUZZY_THRESHOLD


def test_a_deleted_passage_is_outdated_and_keeps_its_original_quote() -> None:
    redrafted = "Shared services save money only when councils keep control of their data."
    found = locate(QUOTE, "", "", 1, _texts(redrafted, SECOND))
    assert (found.state, found.position_id, found.passage) == (OUTDATED, 1, QUOTE)


def test_a_passage_moved_to_another_paragraph_is_followed_there() -> None:
    moved = "An opening paragraph.\n\nAnother one, then: " + FIRST
    found = locate(QUOTE, "", "", 1, _texts(moved))
    assert found.state == ATTACHED
    blocks = anchors.blocks(moved)
    assert QUOTE in blocks[1].text and QUOTE not in blocks[0].text


def test_a_passage_moved_to_another_position_is_followed_there() -> None:
    first_without = FIRST.replace(" The report assumes that savings follow from scale alone.", "")
    second_with = SECOND + " The report assumes that savings follow from scale alone."
    found = locate(QUOTE, "", "", 1, _texts(first_without, second_with))
    assert (found.state, found.position_id) == (ATTACHED, 2)


def test_a_passage_on_a_deleted_position_is_found_in_the_live_ones() -> None:
    found = locate(QUOTE, "", "", 99, _texts(SECOND, FIRST))
    assert (found.state, found.position_id) == (ATTACHED, 2)


def test_the_context_words_pick_the_right_one_of_two_repeats() -> None:
    body = (
        "In finance, shared services work well. In social care, shared services work well "
        "only with consent."
    )
    text = anchors.plain_text(body)
    second = text.index("shared services work well", 20)
    ctx = anchors.context_at(text, second, second + len("shared services work well"))
    found = locate("shared services work well", ctx.prefix, ctx.suffix, 1, {1: text})
    assert found.start == second
    plain = locate("shared services work well", "", "", 1, {1: text})
    assert plain.start == text.index("shared services work well")


def test_a_verbatim_passage_elsewhere_beats_a_loose_likeness_at_home() -> None:
    home = "savings come from scale and nothing else"
    other = "We doubt that savings follow from scale alone."
    found = locate(QUOTE, "", "", 1, _texts(home, other))
    assert (found.state, found.position_id) == (ATTACHED, 2)


def test_a_quote_with_little_in_common_is_not_matched_by_accident() -> None:
    found = locate("broadband for rural libraries", "", "", 1, _texts(FIRST, SECOND))
    assert found.state == OUTDATED


def test_blocks_rebuild_the_stored_html_and_give_each_paragraph_its_text() -> None:
    body = "One *para*.[^1]\n\n- a list\n- of two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Note."
    blocks = anchors.blocks(body, "p7")
    assert "".join(b.html for b in blocks) == render_markdown(body, doc_id="p7")
    assert [b.text for b in blocks if b.commentable] == ["One para.", "a list of two", "a b 1 2"]


def test_fuzzy_search_finds_a_reworded_quote_in_a_long_position() -> None:
    # How long it takes is measured in bench/worst.py, not here.
    long_text = " ".join(f"word{i} filler text about councils" for i in range(400))
    quote = " ".join(long_text.split()[1000:1030])
    reworded = long_text.replace("word205 ", "phrase205 ").replace("word206 ", "")
    found = locate(quote, "", "", 1, {1: reworded})
    assert found.state == CHANGED


def test_the_context_words_decide_where_a_reworded_passage_ends() -> None:
    quote = "Councils that share one finance system save most when they also share the data."
    body = f"{quote}\n\nA second paragraph."
    ctx = _made_on(anchors.plain_text(body), quote)
    reworded = (
        "Councils that share a finance system save the most when they share their data too."
        "\n\nA second paragraph."
    )
    found = locate(quote, ctx.prefix, ctx.suffix, 1, _texts(reworded))
    assert found.state == CHANGED
    assert found.passage == (
        "Councils that share a finance system save the most when they share their data too."
    )


def test_a_long_context_is_cut_before_it_is_compared() -> None:
    prefix, suffix = anchors.cap_context("x" * 6_000 + " the words before", "after it" * 900)
    assert prefix.endswith("the words before") and len(prefix) <= anchors.CONTEXT_CHARS
    assert len(suffix) <= anchors.CONTEXT_CHARS and len(suffix.split()) <= anchors.CONTEXT_WORDS


_MATCHER = difflib.SequenceMatcher


class _Counting:
    """difflib.SequenceMatcher, counting how many are made."""

    made = 0

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        type(self).made += 1
        self._inner = _MATCHER(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)


def test_a_common_word_quoted_on_a_long_position_costs_a_bounded_number_of_comparisons(
    monkeypatch,
) -> None:
    monkeypatch.setattr(anchors.difflib, "SequenceMatcher", _Counting)
    _Counting.made = 0
    text = anchors.squeeze("the council and the data " * 4_000)  # 20,000 words
    prefix = "and " * 3_000
    found = locate("the", prefix, "data " * 3_000, 1, {1: text})
    assert found.state == ATTACHED
    assert _Counting.made <= 2 * anchors.MAX_OCCURRENCES


def test_a_reworded_long_quote_on_a_long_position_is_aligned_a_bounded_number_of_times(
    monkeypatch,
) -> None:
    monkeypatch.setattr(anchors.difflib, "SequenceMatcher", _Counting)
    _Counting.made = 0
    words = [f"w{i % 997}" for i in range(8_000)]
    text = " ".join(words)
    quote = " ".join(words[4_000:4_100])
    reworded = text.replace(quote, quote.replace("w13 ", "x13 ").replace("w20 ", ""))
    found = locate(quote, "", "", 1, {1: reworded})
    assert found.state == CHANGED
    # Per candidate place: one alignment, then the few spans it suggests.
    assert _Counting.made <= anchors.FUZZY_CANDIDATES * 20 + 2 * anchors.MAX_OCCURRENCES
