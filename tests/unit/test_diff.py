"""Word-level diffs that do not rely on colour alone."""

from server.text.diff import diff_html, has_changes, word_diff


def test_a_changed_word_is_one_deletion_and_one_insertion():
    pieces = word_diff("the cat sat", "the dog sat")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "the "),
        ("del", "cat"),
        ("ins", "dog"),
        ("same", " sat"),
    ]


def test_identical_text_has_no_changes():
    assert not has_changes(word_diff("same words", "same words"))


def test_diff_marks_changes_with_words_for_screen_readers():
    html = str(diff_html("keep old", "keep new"))
    assert '<del class="tbl-del">' in html and '<ins class="tbl-ins">' in html
    assert "[removed: </span>old" in html and "[added: </span>new" in html


def test_diff_escapes_markup_in_the_text():
    html = str(diff_html("", "<script>x</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def _rebuilds(pieces, old, new):
    assert "".join(p.text for p in pieces if p.kind in ("same", "del")) == old
    assert "".join(p.text for p in pieces if p.kind in ("same", "ins")) == new


def test_one_word_changed_in_a_long_text_is_still_shown_word_by_word():
    old = "".join(f"Paragraph {i} about shared services and carbon.\n\n" for i in range(900))
    new = old.replace("Paragraph 450 about shared", "Paragraph 450 about common")
    pieces = word_diff(old, new)
    _rebuilds(pieces, old, new)
    assert [(p.kind, p.text) for p in pieces if p.kind != "same"] == [
        ("del", "shared"),
        ("ins", "common"),
    ]


def test_two_long_unrelated_texts_fall_back_to_paragraphs_with_a_visible_note():
    from server.text.diff import NOTE, PAIR_TOKENS

    old = " ".join(f"old{i}" for i in range(PAIR_TOKENS * 4))
    new = " ".join(f"new{i}" for i in range(PAIR_TOKENS * 4))
    pieces = word_diff(old, new)
    _rebuilds(pieces, old, new)
    assert pieces[0].kind == "note"
    assert [p.kind for p in pieces[1:]] == ["del", "ins"]
    html = str(diff_html(old, new))
    assert NOTE in html and "too large to compare word by word" in html.lower()


def test_many_changed_paragraphs_are_compared_in_pairs_until_the_budget_runs_out():
    from server.text.diff import BUDGET_TOKENS

    count = BUDGET_TOKENS // 100  # each pair differs in about 200 tokens: twice the budget
    drafted, amended = " drafted" * 50, " amended" * 50
    old = "".join(f"Point {i}{drafted} here.\n\n" for i in range(count))
    new = "".join(f"Point {i}{amended} here.\n\n" for i in range(count))
    pieces = word_diff(old, new)
    _rebuilds(pieces, old, new)
    assert pieces[0].kind == "note"
    shown = [(p.kind, p.text) for p in pieces]
    assert ("same", "Point 0 ") in shown  # the first pairs word by word
    assert ("del", f"Point {count - 1}{drafted} here.\n\n") in shown  # the last ones whole


def test_a_text_of_many_tiny_paragraphs_is_bounded_and_still_complete():
    old, new = "a\n\n" * 20_000, "b\n\n" * 20_000
    pieces = word_diff(old, new)
    _rebuilds(pieces, old, new)
    assert pieces[0].kind == "note"
