"""The library pages: briefings newest first, one briefing's versions, downloads, Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from markupsafe import escape

from ..accounts.feed_tokens import feed_reader
from ..accounts.users import Actor
from ..deps import NotSignedIn, OptionalActor, SessionDep
from ..models import Publication, utcnow
from ..publishing import library, service
from ..publishing.compare import compare
from ..publishing.render import long_date
from ..rendering.templates import render, templates
from ..text.markdown import render_markdown
from ..themes.service import get_theme, list_themes
from .downloads import download, is_public
from .params import Id, QueryId

router = APIRouter(include_in_schema=False)


def library_reader(request: Request, actor: OptionalActor) -> Actor | None:
    """Members, by cookie or token; anyone when the library is made public."""
    if actor is None and not is_public(request):
        raise NotSignedIn("sign in to read the library")
    return actor


Reader = Annotated[Actor | None, Depends(library_reader)]


@router.get("/library")
def library_page(
    request: Request,
    session: SessionDep,
    reader: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    theme: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    briefings = library.search(session, query=q, theme=theme)
    return render(
        request,
        "library/page.html",
        {
            "briefings": briefings,
            "q": q,
            "theme": theme,
            "themes": list_themes(session),
            "long_date": long_date,
        },
        partial="library/_results.html",
    )


def _atom_date(value: datetime | None) -> str:
    return (value or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get("/themes/{slug}")
def theme_page(
    request: Request,
    session: SessionDep,
    reader: Reader,
    slug: str = Path(pattern=r"^[a-z0-9-]{1,60}$"),
) -> Response:
    theme = get_theme(session, slug)
    return render(
        request,
        "library/theme.html",
        {
            "theme": theme,
            "positions": library.positions_on_theme(session, slug),
            "long_date": long_date,
        },
    )


@router.get("/library/feed.xml")
def feed(
    request: Request,
    session: SessionDep,
    actor: OptionalActor,
    token: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The latest briefings; a feed reader that cannot sign in to a private library
    brings its person's feed token (from /account) in the address instead."""
    if actor is None and not is_public(request) and feed_reader(session, token) is None:
        raise NotSignedIn("sign in, or use the personal feed address on your account page")
    entries = library.recent(session)
    body = templates.get_template("library/feed.xml").render(
        entries=entries,
        # The configured address, never the Host header a client chose.
        base=request.app.state.settings.base_url.rstrip("/"),
        body_name=request.app.state.settings.body_name,
        atom_date=_atom_date,
        summary_html=_summary_html,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _summary_html(entry: Publication) -> str:
    """An entry's summary as HTML (the feed escapes it: `<summary type="html">`), its
    Markdown rendered by the one renderer, raw HTML off."""
    parts = []
    if entry.version > 1 and entry.change_note:
        parts.append(f"<p>What changed: {escape(entry.change_note)}</p>")
    parts.append(f"<p>Responding to {escape(entry.rt_title)}.</p>")
    parts.append(render_markdown(entry.snapshot.get("summary") or ""))
    return "".join(parts)


@router.get("/library/{response_id}")
def briefing_page(
    request: Request,
    session: SessionDep,
    reader: Reader,
    response_id: int = Id(),
    version: Annotated[int | None, QueryId()] = None,
) -> Response:
    service.published_response(session, reader, response_id, public=is_public(request))
    shown, versions = service.choose_version(session, response_id, version)
    snapshot = shown.publication.snapshot
    return render(
        request,
        "library/briefing.html",
        {
            "shown": shown,
            "versions": versions,
            "s": snapshot,
            "names": {t["slug"]: t["name"] for t in snapshot["themes"]},
            "long_date": long_date,
            "response_id": response_id,
        },
    )


@router.get("/library/{response_id}/compare")
def compare_page(
    request: Request,
    session: SessionDep,
    reader: Reader,
    response_id: int = Id(),
    old: Annotated[int | None, QueryId(alias="from")] = None,
    new: Annotated[int | None, QueryId(alias="to")] = None,
) -> Response:
    """What changed between two versions; by default the latest against the one before."""
    service.published_response(session, reader, response_id, public=is_public(request))
    latest, versions = service.choose_version(session, response_id, new)
    before = service.get_version(session, response_id, old or max(latest.version - 1, 1))
    changes = compare(before.publication.snapshot, latest.publication.snapshot)
    return render(
        request,
        "library/compare.html",
        {
            "old": before,
            "new": latest,
            "versions": versions,
            "changes": changes,
            "response_id": response_id,
            "long_date": long_date,
        },
    )


@router.get("/library/{response_id}/versions/{version}/{fmt}")
async def briefing_file(  # reads in downloads.download, in one thread hop
    request: Request,
    fmt: str,
    response_id: int = Id(),
    version: int = Id(),
) -> Response:
    """PDF, DOCX or HTML of one version, as stored when it was published."""
    return await download(request, response_id, version, fmt, api=False, public=is_public(request))
