"""Sizes a person can type; larger input is refused with a message."""

from ..errors import Invalid
from ..text.markdown import MAX_DEPTH, too_deep

TITLE_MAX = 300
PUBLISHER_MAX = 200
URL_MAX = 2000
SUMMARY_MAX = 20_000
HEADING_MAX = 300
BODY_MAX = 50_000


def check_nesting(text: str, field: str) -> None:
    """Invalid when lists or block quotes nest deeper than MAX_DEPTH: deeper text
    would be cut off on the page and could not be laid out in the briefing."""
    line = too_deep(text)
    if line is not None:
        raise Invalid(
            f"lists and quotes can be nested at most {MAX_DEPTH} levels deep; "
            f"the text goes deeper at line {line}",
            field=field,
        )
