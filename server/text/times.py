"""Times as a reader reads them: in the body's own time zone, and deadlines in words.

Times are stored in UTC (SQLite hands them back without a zone: those are UTC too);
pages show them in TABLED_TIMEZONE (Europe/London unless set), with the zone's
abbreviation (GMT, BST), and a deadline with how far off it is ("due in 3 days",
"overdue by 2 days"), counted in calendar days where the reader is."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("Europe/London")


def local(moment: datetime, zone: tzinfo = DEFAULT_ZONE) -> datetime:
    """`moment` in `zone`; a moment without a zone is read as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def when(value: datetime | date | None, zone: tzinfo = DEFAULT_ZONE) -> str:
    """ "1 Dec 2026, 14:05 GMT" for a moment, "1 December 2026" for a day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local(value, zone).strftime("%-d %b %Y, %H:%M %Z")
    return value.strftime("%-d %B %Y")


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def due_in(due: datetime, now: datetime, zone: tzinfo = DEFAULT_ZONE) -> str:
    """How far off a deadline is, in whole days on the reader's calendar."""
    due_local, now_local = local(due, zone), local(now, zone)
    days = (due_local.date() - now_local.date()).days
    if due_local > now_local:
        if days <= 0:
            return "due today"
        if days == 1:
            return "due tomorrow"
        return f"due in {_days(days)}"
    if days >= 0:
        return "overdue since " + due_local.strftime("%H:%M today")
    return f"overdue by {_days(-days)}"
