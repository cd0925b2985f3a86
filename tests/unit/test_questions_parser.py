"""Reading pasted consultation questions the way a director would paste them."""

from __future__ import annotations

import pytest

from server.drafting.questions import (
    BLOCK_MAX,
    QuestionBlockError,
    count_words,
    normalise_ref,
    parse_questions,
)

GOVUK = """Consultation on digital inclusion

This consultation closes at 11:59pm on 30 June.

Question 1: Do you agree with the proposed definition of digital exclusion?

Question 2: What barriers stop people in your area getting online?
Please give examples.

Question 3a: Should councils lend devices?
Question 3b: Who should pay for data?
"""

LAYOUTS = [
    # (what the block looks like, the refs expected, the text of the first one)
    (
        GOVUK,
        ["1", "2", "3a", "3b"],
        "Do you agree with the proposed definition of digital exclusion?",
    ),
    ("Q1. Is the aim right?\nQ2. Is the timetable right?", ["1", "2"], "Is the aim right?"),
    ("1. First question?\n2. Second question?", ["1", "2"], "First question?"),
    ("1) First question?\n2) Second question?", ["1", "2"], "First question?"),
    ("Q3a. Part one?\nQ3b. Part two?", ["3a", "3b"], "Part one?"),
    ("Q.4) Dotted label?\nQn 5 - Dashed label?", ["4", "5"], "Dotted label?"),
    ("**Question 1:** Bold label?\n**Question 2:** Another?", ["1", "2"], "Bold label?"),
    (
        "## Question 1\n\nHeading on its own, text below.\n\n## Question 2\n\nMore.",
        ["1", "2"],
        "Heading on its own, text below.",
    ),
    ("• Q1: Bulleted?\n• Q2: Also bulleted?", ["1", "2"], "Bulleted?"),
    ("CONSULTATION QUESTION 7: Shouting?", ["7"], "Shouting?"),
    ("Question 01: Leading zero?", ["1"], "Leading zero?"),
    ("Question 2A: Capital letter part?", ["2a"], "Capital letter part?"),
    ("Question 4(a): Bracketed part?\nQuestion 4(b): And?", ["4a", "4b"], "Bracketed part?"),
    ("4(a) Bare bracketed part?\n4(b) And?", ["4a", "4b"], "Bare bracketed part?"),
    ("1.\nNumber alone, text below.\n2.\nNext.", ["1", "2"], "Number alone, text below."),
    ("Q1 – Dash after the label?\nQ2 — Em dash?", ["1", "2"], "Dash after the label?"),
]


@pytest.mark.parametrize(("block", "refs", "first"), LAYOUTS)
def test_common_layouts_are_split_into_numbered_questions(
    block: str, refs: list[str], first: str
) -> None:
    questions = parse_questions(block)
    assert [q.ref for q in questions] == refs
    assert questions[0].text == first


def test_introduction_before_the_first_question_is_left_out() -> None:
    questions = parse_questions(GOVUK)
    assert all("closes at" not in q.text for q in questions)


def test_a_question_running_over_lines_and_paragraphs_keeps_its_paragraphs() -> None:
    block = (
        "Question 1: Tell us\nabout your area.\n\nInclude figures if you have them.\n"
        "Question 2: Next?"
    )
    first = parse_questions(block)[0]
    assert first.text == "Tell us about your area.\n\nInclude figures if you have them."


def test_lettered_sub_parts_become_questions_carrying_the_lead_in() -> None:
    block = (
        "Question 3: Should the duty apply to\n(a) councils?\n(b) schools?\n"
        "Question 4: Anything else?"
    )
    questions = parse_questions(block)
    assert [q.ref for q in questions] == ["3a", "3b", "4"]
    assert questions[0].text == "Should the duty apply to\n\n(a) councils?"
    assert questions[1].text.endswith("(b) schools?")


def test_sub_parts_written_a_bracket_work_too() -> None:
    questions = parse_questions("5. Which of these?\na) devices\nb) data")
    assert [q.ref for q in questions] == ["5a", "5b"]


def test_a_numbered_list_inside_labelled_questions_stays_in_the_text() -> None:
    block = "Question 1: Rank these options:\n1. lending devices\n2. free data\nQuestion 2: Why?"
    questions = parse_questions(block)
    assert [q.ref for q in questions] == ["1", "2"]
    assert "1. lending devices 2. free data" in questions[0].text


def test_figures_at_the_start_of_a_line_are_not_questions() -> None:
    block = "1. How many people are offline?\n2020 figures show 1.5 million.\n2. Why?"
    questions = parse_questions(block)
    assert [q.ref for q in questions] == ["1", "2"]
    assert questions[0].text == "How many people are offline? 2020 figures show 1.5 million."


def test_windows_line_endings_and_a_byte_order_mark_are_read() -> None:
    assert [q.ref for q in parse_questions("\ufeffQ1: One?\r\nQ2: Two?\r\n")] == ["1", "2"]


def test_a_word_limit_in_the_question_is_noticed() -> None:
    questions = parse_questions(
        "Q1: Explain (maximum 250 words).\nQ2: Explain again (300 words)\nQ3: No limit here."
    )
    assert [q.word_limit for q in questions] == [250, 300, None]


@pytest.mark.parametrize("block", ["", "   \n\n  \t"])
def test_an_empty_block_is_refused_with_the_reason(block: str) -> None:
    with pytest.raises(QuestionBlockError, match="empty"):
        parse_questions(block)


def test_text_with_no_numbered_questions_is_refused_saying_what_is_expected() -> None:
    with pytest.raises(QuestionBlockError, match="no numbered questions found"):
        parse_questions("We welcome views on the proposals set out above.")


def test_a_duplicate_number_is_refused_naming_both_lines() -> None:
    with pytest.raises(QuestionBlockError, match=r"question 2 appears twice \(lines 2 and 3\)"):
        parse_questions("Q1: a?\nQ2: b?\nQ2: c?")


def test_a_label_without_any_text_is_refused() -> None:
    with pytest.raises(QuestionBlockError, match="question 2 .* has no text"):
        parse_questions("Q1: a?\nQ2:")


def test_an_over_long_block_is_refused_before_reading() -> None:
    with pytest.raises(QuestionBlockError, match="at most"):
        parse_questions("Q1: " + "x" * BLOCK_MAX)


def test_a_large_block_of_many_questions_parses() -> None:
    block = "\n".join(f"Question {n}: Is point {n} right?" for n in range(1, 201))
    assert len(parse_questions(block)) == 200


def test_refs_are_compared_without_their_label_or_case() -> None:
    assert normalise_ref(" Q3A ") == "3a"
    assert normalise_ref("Question 12") == "12"


def test_words_are_counted_as_a_reader_would() -> None:
    assert count_words("Digital-by-default isn't for everyone: 1 in 10 adults.") == 8
