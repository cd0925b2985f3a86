"""The consultation's closing date: checked, said in words, and kept in draft files."""

from datetime import date

import pytest

from server.drafting.closing import check_closes, closing_note, is_closed
from server.drafting.draftfile import DraftFileError, parse_draft, render_draft
from server.errors import Invalid

DRAFT = """---
title: Our answer
responding_to:
  title: A consultation
  date: 2009-04-22
  closes: 2009-07-15
---

## A position

Text.
"""


@pytest.mark.parametrize(
    ("closes", "on", "said"),
    [
        (date(2009, 7, 15), date(2009, 7, 3), "closes in 12 days"),
        (date(2009, 7, 15), date(2009, 7, 14), "closes tomorrow"),
        (date(2009, 7, 15), date(2009, 7, 15), "closes today"),
        (date(2009, 7, 15), date(2009, 7, 16), "closed yesterday"),
        (date(2009, 7, 15), date(2009, 8, 14), "closed 30 days ago"),
    ],
)
def test_the_closing_date_is_said_in_days_from_today(closes, on, said):
    assert closing_note(closes, on) == said


def test_a_consultation_is_closed_only_after_its_last_day():
    assert not is_closed(date(2009, 7, 15), date(2009, 7, 15))
    assert is_closed(date(2009, 7, 15), date(2009, 7, 16))
    assert not is_closed(None, date(2009, 7, 16))


def test_a_closing_date_before_publication_or_out_of_range_is_refused():
    check_closes(date(2009, 7, 15), date(2009, 4, 22))
    check_closes(None, date(2009, 4, 22))
    with pytest.raises(Invalid, match="before it was published"):
        check_closes(date(2009, 4, 21), date(2009, 4, 22))
    with pytest.raises(Invalid, match="between 1900 and 2199"):
        check_closes(date(1066, 10, 14), None)


def test_the_draft_file_reads_and_writes_the_closing_date():
    draft = parse_draft(DRAFT)
    assert draft.rt_closes == date(2009, 7, 15)
    again = parse_draft(render_draft(draft))
    assert again.rt_closes == date(2009, 7, 15)
    assert "closes: 2009-07-15" in render_draft(draft)


def test_a_closing_date_that_is_not_a_date_names_the_key():
    with pytest.raises(DraftFileError, match="closes"):
        parse_draft(DRAFT.replace("closes: 2009-07-15", "closes: mid-July"))
