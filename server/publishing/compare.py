"""What changed between two published versions, section by section, word by word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..text.diff import diff_html, has_changes, word_diff
from ..text.mddiff import markdown_diff_html


@dataclass
class Change:
    label: str
    diff: Markup
    changed: bool


def _position_text(position: dict[str, Any] | None, names: dict[str, str]) -> str:
    if position is None:
        return ""
    themes = ", ".join(names.get(s, s) for s in position["themes"])
    return f"{position['heading']}\n\nThemes: {themes}\n\n{position['body']}"


def _change(label: str, old: str, new: str, *, markdown: bool = True) -> Change:
    shown = markdown_diff_html(old, new) if markdown else diff_html(old, new)
    return Change(label, shown, has_changes(word_diff(old, new)))


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Title, summary, then positions paired by their number (an added or removed
    position shows as wholly inserted or deleted)."""
    names = {t["slug"]: t["name"] for t in old["themes"] + new["themes"]}
    changes = [
        _change("Title", old["title"], new["title"], markdown=False),
        _change("Summary", old["summary"], new["summary"]),
    ]
    before, after = old["positions"], new["positions"]
    for i in range(max(len(before), len(after))):
        a = before[i] if i < len(before) else None
        b = after[i] if i < len(after) else None
        changes.append(
            _change(f"Position {i + 1}", _position_text(a, names), _position_text(b, names))
        )
    return changes
