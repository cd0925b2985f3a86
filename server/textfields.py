"""Single-line text fields (titles, headings, names, publisher): one check for all of them.

A title travels into email headers, PDF metadata, file names and the feed. A line
break there can forge a header ("Poison\\nBcc: someone"), a NUL is refused by
PostgreSQL but kept by SQLite, and the invisible bidi controls (U+202A-U+202E,
U+2066-U+2069) make a name read differently from what it is. So these fields refuse
every control character (line breaks, tab, NUL, the C1 range), the Unicode line and
paragraph separators and the bidi controls, on every engine, with a reason. The API
schemas (server/schemas.py: SingleLine) and the domain checks behind the forms call
the same function, line_problem()."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from .errors import Invalid

_BIDI = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    **{chr(c): unicodedata.name(chr(c)) for c in range(0x202A, 0x202F)},
    **{chr(c): unicodedata.name(chr(c)) for c in range(0x2066, 0x206A)},
}
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Everything a single line must not contain, for one_line() below.
_NOT_IN_A_LINE = re.compile(
    "[" + "".join(re.escape(c) for c in _BIDI) + "\x00-\x1f\x7f-\x9f\u2028\u2029]"
)


def line_problem(value: str) -> str | None:
    """Why `value` cannot be a single-line field, or None when it can. Linear time."""
    for char in value:
        if char in _BREAKS:
            return "must be on one line: remove the line break"
        if char == "\x00":
            return "contains a NUL character, which cannot be stored"
        if char in _BIDI:
            return (
                f"contains an invisible text-direction control (U+{ord(char):04X} "
                f"{_BIDI[char]}), which can disguise what the text says: remove it"
            )
        if unicodedata.category(char) == "Cc":
            return f"contains a control character (U+{ord(char):04X}): remove it"
    return None


def check_line(value: str, *, field: str, label: str) -> str:
    """`value` when it can be a single-line field, else Invalid naming `label`."""
    problem = line_problem(value)
    if problem is not None:
        raise Invalid(f"{label} {problem}", field=field)
    return value


def _validated(value: str) -> str:
    problem = line_problem(value)
    if problem is not None:
        raise ValueError(f"the text {problem}")
    return value


# For pydantic models: `title: SingleLine = Field(...)` answers 422 with the reason.
SingleLine = Annotated[str, AfterValidator(_validated)]


def one_line(value: str) -> str:
    """`value` with every character a line must not contain replaced by a space, and
    runs of spaces squeezed: for email headers made from text stored before the
    check existed."""
    return " ".join(_NOT_IN_A_LINE.sub(" ", value).split())
