"""The closing date of the consultation a response answers: checked, and said in words."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..errors import Invalid

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def today() -> date:
    """The day in the UK's reckoning is close enough to UTC's for a closing date."""
    return datetime.now(UTC).date()


def check_closes(closes: date | None, published: date | None, field: str = "rt_closes") -> None:
    """A closing date is a real day, and not before the consultation was published."""
    if closes is None:
        return
    if not EARLIEST <= closes <= LATEST:
        raise Invalid(
            f"the closing date must be between {EARLIEST.year} and {LATEST.year}", field=field
        )
    if published is not None and closes < published:
        raise Invalid(
            f"the consultation cannot close ({closes.isoformat()}) before it was published "
            f"({published.isoformat()})",
            field=field,
        )


def closing_note(closes: date, on: date) -> str:
    """'closes in 12 days', 'closes tomorrow', 'closes today', 'closed 3 days ago'."""
    days = (closes - on).days
    if days > 1:
        return f"closes in {days} days"
    if days == 1:
        return "closes tomorrow"
    if days == 0:
        return "closes today"
    if days == -1:
        return "closed yesterday"
    return f"closed {-days} days ago"


def is_closed(closes: date | None, on: date) -> bool:
    return closes is not None and closes < on
