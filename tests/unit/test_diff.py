"""Word-level diffs that do not rely on colour alone."""

from server.rendering.diff import diff_html, has_changes, word_diff


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
