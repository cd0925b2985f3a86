"""Dates typed as day, month and year; times in the reader's zone; deadlines in words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.datefields import DateParts, read_date
from server.errors import Invalid
from server.text.times import due_in, local, when

LONDON = ZoneInfo("Europe/London")


def _read(day: str, month: str, year: str, **kw):  # type: ignore[no-untyped-def]
    return read_date(DateParts(day, month, year), field="due", label="The deadline", **kw)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("22", "4", "2009", date(2009, 4, 22)),
        ("01", "04", "2009", date(2009, 4, 1)),
        (" 29 ", "2", "2024", date(2024, 2, 29)),
        ("3", "Sept", "2027", date(2027, 9, 3)),
        ("3", "december", "2027", date(2027, 12, 3)),
    ],
)
def test_a_real_date_is_read_from_its_three_boxes(day, month, year, expected):
    assert _read(day, month, year) == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "2", "2027", "The deadline must be a real date"),
        ("29", "2", "2027", "The deadline must be a real date"),
        ("31", "6", "2027", "The deadline must be a real date"),
        ("0", "6", "2027", "The deadline must be a real date"),
        ("1", "13", "2027", "The deadline must be a real date"),
        ("1", "0", "2027", "The deadline must be a real date"),
        ("1x", "6", "2027", "The deadline must be a real date"),
        ("-1", "6", "2027", "The deadline must be a real date"),
        ("1", "6", "27", "The year must include 4 numbers, for example"),
        ("", "6", "2027", "The deadline must include a day"),
        ("1", "", "", "The deadline must include a month and a year"),
        ("1", "6", "", "The deadline must include a year"),
    ],
)
def test_a_date_that_cannot_be_is_refused_in_words(day, month, year, message):
    with pytest.raises(Invalid) as refused:
        _read(day, month, year)
    assert refused.value.message.startswith(message)
    assert refused.value.field == "due"


def test_an_empty_date_is_none_unless_it_is_required():
    assert _read("", "", "") is None
    with pytest.raises(Invalid, match="^Enter the deadline$"):
        _read("", "", "", required=True)


def test_a_date_must_be_after_the_day_given_when_asked():
    today = date(2027, 6, 1)
    assert _read("2", "6", "2027", after=today) == date(2027, 6, 2)
    for day in ("1", "31"):
        month = "6" if day == "1" else "5"
        with pytest.raises(Invalid, match="^The deadline must be in the future$"):
            _read(day, month, "2027", after=today)


def test_an_iso_date_sent_instead_of_the_boxes_is_still_read():
    assert _read("", "", "", iso="2099-01-31") == date(2099, 1, 31)
    with pytest.raises(Invalid, match="must be a real date"):
        _read("", "", "", iso="2099-02-30")
    with pytest.raises(Invalid, match="must be in the future"):
        _read("", "", "", iso="2001-01-01", after=date(2026, 1, 1))
    assert DateParts().or_iso("2009-04-22") == DateParts("22", "4", "2009")
    assert DateParts("1", "", "").or_iso("2009-04-22") == DateParts("1", "", "")


def test_times_are_shown_in_the_readers_zone_with_its_abbreviation():
    winter = datetime(2026, 12, 1, 14, 5)  # stored without a zone: UTC
    summer = datetime(2026, 7, 1, 14, 5, tzinfo=UTC)
    assert when(winter, LONDON) == "1 Dec 2026, 14:05 GMT"
    assert when(summer, LONDON) == "1 Jul 2026, 15:05 BST"
    assert when(summer, ZoneInfo("Asia/Kolkata")) == "1 Jul 2026, 19:35 IST"
    assert when(date(2009, 4, 22)) == "22 April 2009"
    assert when(None) == ""
    # Late on 30 June in UTC is already 1 July in London.
    assert local(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), LONDON).date() == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("due", "now", "words"),
    [
        (datetime(2026, 12, 4, 17, 0), datetime(2026, 12, 1, 9, 0), "due in 3 days"),
        (datetime(2026, 12, 2, 17, 0), datetime(2026, 12, 1, 23, 0), "due tomorrow"),
        (datetime(2026, 12, 1, 17, 0), datetime(2026, 12, 1, 9, 0), "due today"),
        (datetime(2026, 12, 1, 17, 0), datetime(2026, 12, 1, 18, 0), "overdue since 17:00 today"),
        (datetime(2026, 11, 30, 17, 0), datetime(2026, 12, 1, 9, 0), "overdue by 1 day"),
        (datetime(2026, 11, 29, 17, 0), datetime(2026, 12, 1, 9, 0), "overdue by 2 days"),
    ],
)
def test_a_deadline_says_how_far_off_it_is_in_calendar_days(due, now, words):
    assert due_in(due.replace(tzinfo=UTC), now.replace(tzinfo=UTC), LONDON) == words


def test_days_left_are_counted_on_the_readers_calendar_not_utcs():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: the deadline on 2 July is
    # tomorrow there, though two UTC days away.
    due = datetime(2026, 7, 2, 16, 0, tzinfo=UTC)
    now = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert due_in(due, now, LONDON) == "due tomorrow"
    assert due_in(due, now, UTC) == "due in 2 days"
