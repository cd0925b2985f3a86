"""Which positions serve which theme, and which core themes nothing covers yet."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Theme
from .responses import PositionView


@dataclass
class Coverage:
    themes: list[Theme]  # columns: core themes first, then any other theme in use
    rows: list[tuple[PositionView, list[bool]]]
    uncovered_core: list[Theme]
    unthemed: list[PositionView]

    @property
    def complete(self) -> bool:
        return not self.uncovered_core and not self.unthemed


def coverage(positions: list[PositionView], all_themes: list[Theme]) -> Coverage:
    used = {t.slug for p in positions for t in p.themes}
    columns = [t for t in all_themes if (t.core and not t.retired) or t.slug in used]
    rows = [(p, [t.slug in p.theme_slugs for t in columns]) for p in positions]
    uncovered = [t for t in columns if t.core and not t.retired and t.slug not in used]
    return Coverage(columns, rows, uncovered, [p for p in positions if not p.themes])
