"""Dates typed into forms as GOV.UK date inputs (day, month, year), checked in words.

A form sends `{name}-day`, `{name}-month` and `{name}-year`; read_date() turns them
into a date or refuses with the message GOV.UK's date-input pattern gives ("The
deadline must include a month", "The deadline must be a real date", "The deadline
must be in the future"). For scripts and older forms the same field may still come
as one ISO value (`{name}=2026-05-01`). The JSON API keeps ISO dates throughout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import Invalid

_DIGITS = re.compile(r"[0-9]{1,4}")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class DateParts:
    """What was typed in the three boxes, kept to show the form again."""

    day: str = ""
    month: str = ""
    year: str = ""

    @classmethod
    def of(cls, value: date | None) -> DateParts:
        if value is None:
            return cls()
        return cls(str(value.day), str(value.month), str(value.year))

    def or_iso(self, iso: str) -> DateParts:
        """These parts, or, when all are empty, the parts of an ISO date sent instead."""
        found = _ISO.fullmatch(iso.strip())
        if not self.empty or found is None:
            return self
        year, month, day = found.groups()
        return DateParts(str(int(day)), str(int(month)), year)

    @property
    def empty(self) -> bool:
        return not (self.day.strip() or self.month.strip() or self.year.strip())


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def _month(text: str) -> int | None:
    # GOV.UK's pattern accepts a month's name as well as its number.
    return _number(text) if _number(text) is not None else _MONTHS.get(text.strip().lower())


def read_date(
    parts: DateParts,
    *,
    field: str,
    label: str,
    required: bool = False,
    after: date | None = None,
    iso: str = "",
) -> date | None:
    """The date the boxes (or, when they are empty, an ISO `iso`) name.

    `label` starts each message ("The deadline"); `after`, when given, is the last
    day the date may not be (today, for "must be in the future"). Invalid carries
    `field`, which is also the id of the day box the error summary links to."""
    if parts.empty and iso.strip():
        try:
            value = date.fromisoformat(iso.strip())
        except ValueError:
            raise Invalid(f"{label} must be a real date", field=field) from None
        return _after(value, field=field, label=label, after=after)
    if parts.empty:
        if required:
            raise Invalid(f"Enter {_lower(label)}", field=field)
        return None
    missing = [
        name
        for name, text in (("day", parts.day), ("month", parts.month), ("year", parts.year))
        if not text.strip()
    ]
    if missing:
        raise Invalid(f"{label} must include a {' and a '.join(missing)}", field=field)
    day, month, year = _number(parts.day), _month(parts.month), _number(parts.year)
    if year is not None and len(parts.year.strip()) != 4:
        raise Invalid(
            f"The year must include 4 numbers, for example {date.today().year}", field=field
        )
    if day is None or month is None or year is None:
        raise Invalid(f"{label} must be a real date", field=field)
    try:
        value = date(year, month, day)
    except ValueError:
        raise Invalid(f"{label} must be a real date", field=field) from None
    return _after(value, field=field, label=label, after=after)


def _after(value: date, *, field: str, label: str, after: date | None) -> date:
    if after is not None and value <= after:
        raise Invalid(f"{label} must be in the future", field=field)
    return value


def _lower(label: str) -> str:
    # "The deadline" -> "the deadline", for "Enter the deadline".
    return label[:1].lower() + label[1:]
