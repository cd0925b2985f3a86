"""Listing, adding, renaming and retiring themes, and resolving theme slugs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from ..errors import Conflict, Invalid, NotFound, Problems
from ..models import PositionTheme, Theme
from ..textfields import check_line

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def list_themes(session: Session, *, include_retired: bool = True) -> list[Theme]:
    query = select(Theme).order_by(col(Theme.core).desc(), col(Theme.name))
    if not include_retired:
        query = query.where(col(Theme.retired).is_(False))
    return list(session.exec(query).all())


def core_themes(session: Session) -> list[Theme]:
    return [t for t in list_themes(session) if t.core and not t.retired]


def get_theme(session: Session, slug: str) -> Theme:
    theme = session.exec(select(Theme).where(Theme.slug == slug)).first()
    if theme is None:
        raise NotFound(f"no theme {slug!r}")
    return theme


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("Enter a name for the theme, of at most 100 characters", field="name")
    return check_line(name, field="name", label="The theme's name")


def create_theme(session: Session, name: str, slug: str | None = None) -> Theme:
    problems = Problems()  # the name and the slug, both at once
    with problems.check("name"):
        name = _check_name(name)
    typed = (slug or "").strip()
    slug = typed or slugify(name.strip())
    # A slug made from a name already refused would only repeat that refusal.
    if (typed or not problems) and (not SLUG_RE.match(slug) or len(slug) > 60):
        problems.add(
            "slug", f"{slug!r} is not a valid slug: use lower-case words joined by hyphens"
        )
    problems.raise_any()
    if session.exec(select(Theme).where(Theme.slug == slug)).first():
        raise Conflict(f"a theme with slug {slug!r} already exists", field="slug")
    theme = Theme(slug=slug, name=name)
    session.add(theme)
    session.flush()
    return theme


def rename_theme(session: Session, slug: str, name: str) -> Theme:
    theme = get_theme(session, slug)
    theme.name = _check_name(name)
    session.add(theme)
    session.flush()
    return theme


def positions_using(session: Session, theme: Theme) -> int:
    """How many positions carry the theme now (what retiring it leaves in place)."""
    using = select(func.count()).select_from(PositionTheme)
    return int(session.exec(using.where(PositionTheme.theme_id == theme.id)).one())


def set_retired(session: Session, slug: str, retired: bool) -> Theme:
    theme = get_theme(session, slug)
    theme.retired = retired
    session.add(theme)
    session.flush()
    return theme


def resolve(
    session: Session, refs: Iterable[str], *, already_linked: Iterable[int] = ()
) -> list[Theme]:
    """Themes named by slug (or by name, ignoring case), in the order given.

    A retired theme is accepted only if the position already had it, so old
    positions keep their links but new links go to live themes only."""
    keep = set(already_linked)
    themes = list_themes(session)
    by_key: dict[str, Theme] = {}
    for theme in themes:
        by_key[theme.slug] = theme
        by_key[theme.name.lower()] = theme
    result: list[Theme] = []
    for ref in refs:
        key = ref.strip().lower()
        if not key:
            continue
        found = by_key.get(key)
        if found is None:
            known = ", ".join(t.slug for t in themes if not t.retired)
            raise Invalid(f"unknown theme {ref.strip()!r}: use one of {known}", field="themes")
        if found.retired and found.id not in keep:
            raise Invalid(f"theme {found.slug!r} is retired and cannot be added", field="themes")
        if found not in result:
            result.append(found)
    return result
