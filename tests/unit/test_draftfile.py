"""Draft files: parsing, line-numbered errors, and the export/import round trip."""

import datetime as dt
from pathlib import Path

import pytest

from server.drafting.draftfile import DraftFileError, parse_draft, render_draft

DRAFTS = sorted((Path(__file__).resolve().parents[2] / "drafts").glob("*.md"))

GOOD = """---
title: A response
responding_to:
  title: A report
  publisher: A department
  date: 2009-04-22
summary: Short.
---

## First position

Themes: efficiency, climate-change

Body one.

```
## not a heading inside code
```

## Second position

Body two, no themes yet.
"""


def test_each_level_two_heading_starts_a_position_with_its_themes():
    draft = parse_draft(GOOD)
    assert draft.title == "A response"
    assert draft.rt_publisher == "A department"
    assert [p.heading for p in draft.positions] == ["First position", "Second position"]
    assert draft.positions[0].themes == ["efficiency", "climate-change"]
    assert "## not a heading inside code" in draft.positions[0].body
    assert draft.positions[1].themes == []


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.name)
def test_shipped_drafts_round_trip(path):
    draft = parse_draft(path.read_text())
    again = parse_draft(render_draft(draft))
    assert again.title == draft.title
    assert [(p.heading, p.body, p.themes) for p in again.positions] == [
        (p.heading, p.body, p.themes) for p in draft.positions
    ]


def test_the_efficiency_example_covers_every_core_theme_in_six_or_more_positions():
    draft = parse_draft((DRAFTS[0].parent / "operational-efficiency-programme.md").read_text())
    assert len(draft.positions) >= 6
    themes = {t for p in draft.positions for t in p.themes}
    assert {"climate-change", "social-inclusion", "efficiency"} <= themes


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("no front matter\n", 1, "must start with '---'"),
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\ntitle: [unclosed\nresponding_to: {title: r}\n---\n## P\n", 3, "not valid YAML"),
        ("---\nresponding_to: {title: r}\n---\n## P\n", 2, "'title' is missing"),
        ("---\ntitle: t\n---\n## P\n", 2, "'responding_to'"),
        ("---\ntitle: t\nresponding_to: {title: r}\n---\n\nJust text.\n## P\n", 6, "text before"),
        ("---\ntitle: t\nresponding_to: {title: r}\n---\n", 5, "no positions"),
        ("---\ntitle: t\nresponding_to: {title: r, date: 22/04/2009}\n---\n## P\n", 2, "YYYY"),
        # PyYAML made these a ValueError (a traceback from the command line)
        (
            "---\ntitle: t\nresponding_to: {title: r, date: 2009-13-45}\n---\n## P\n",
            2,
            "2009-13-45",
        ),
        ("---\ntitle: t\nresponding_to: {title: r, date: 2009-02-30}\n---\n## P\n", 2, "YYYY"),
        # ...and these a RecursionError
        (
            f"---\ntitle: t\nresponding_to: {{title: r}}\nx: {'[' * 5000}{']' * 5000}\n---\n",
            4,
            "nested",
        ),
        (
            "---\ntitle: t\nresponding_to: {title: r}\nx:\n"
            + "".join("  " * (n + 1) + "a:\n" for n in range(5000))
            + "---\n## P\n",
            23,
            "nested more than 20 levels",
        ),
    ],
)
def test_broken_files_get_one_line_naming_the_problem_and_line(text, line, words):
    with pytest.raises(DraftFileError) as caught:
        parse_draft(text)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_date_in_the_front_matter_is_still_read_as_a_date():
    draft = parse_draft(
        "---\ntitle: 2009-04-22\nresponding_to: {title: r, date: 2009-04-22}\n---\n## P\n"
    )
    assert draft.rt_date == dt.date(2009, 4, 22)
    assert draft.title == "2009-04-22"


CONSULTATION = """---
title: Our answer
responding_to:
  title: A consultation
questions:
  - ref: 1
    text: Do you agree?
  - ref: 3a
    text: "Who pays: councils or government?"
    word_limit: 250
  - ref: 3b
    text: Anything else?
    not_answering: Outside our remit.
---

## First position

Answers: 1, Q3A
Themes: efficiency

Body one.

## Second position

Themes: efficiency

Body two.
"""


def test_questions_in_front_matter_and_answers_lines_are_read():
    draft = parse_draft(CONSULTATION)
    assert [(q.ref, q.text) for q in draft.questions] == [
        ("1", "Do you agree?"),
        ("3a", "Who pays: councils or government?"),
        ("3b", "Anything else?"),
    ]
    assert draft.questions[1].word_limit == 250
    assert draft.questions[2].not_answering == "Outside our remit."
    first, second = draft.positions
    assert first.answers == ["1", "3a"]
    assert first.themes == ["efficiency"]
    assert first.body == "Body one."
    assert second.answers == []


def test_a_draft_with_questions_survives_render_and_parse():
    draft = parse_draft(CONSULTATION)
    again = parse_draft(render_draft(draft))
    assert again.questions == draft.questions
    assert [(p.heading, p.body, p.themes, p.answers) for p in again.positions] == [
        (p.heading, p.body, p.themes, p.answers) for p in draft.positions
    ]


def test_an_answers_line_naming_an_unknown_question_points_at_its_line():
    text = CONSULTATION.replace("Answers: 1, Q3A", "Answers: 1, 7")
    with pytest.raises(DraftFileError) as caught:
        parse_draft(text)
    assert caught.value.line == 18
    assert "question 7" in caught.value.problem


def test_a_question_repeated_in_the_front_matter_is_refused():
    text = CONSULTATION.replace("ref: 3b", "ref: 3A")
    with pytest.raises(DraftFileError, match="question 3a appears twice"):
        parse_draft(text)
