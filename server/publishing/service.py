"""Publications: made once when a response is published, then only read.

publish_response is the workflow's hook; the rest answers who may read which
version, and hands out the stored files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..config import get_settings
from ..drafting.access import can_view
from ..errors import Invalid, NotFound
from ..models import Publication, PublicationFile, Response, utcnow
from .annex import consultation_rows
from .render import MEDIA_TYPES, Edition, render_all
from .snapshot import build_snapshot, search_text, theme_index

FORMATS = tuple(MEDIA_TYPES)


def latest_version(session: Session, response_id: int) -> int:
    found = session.exec(
        select(func.max(Publication.version)).where(Publication.response_id == response_id)
    ).one()
    return int(found or 0)


def publish_response(
    session: Session, actor: Actor, response: Response, note: str, *, annex: bool = False
) -> Publication:
    """Snapshot the response as the next version and render it, in the caller's transaction.

    Raises Invalid (no change note for a correction) or RenderFailed; either way the
    caller's transaction is rolled back and nothing is published."""
    assert response.id is not None
    previous = latest_version(session, response.id)
    note = note.strip()
    if previous and not note:
        raise Invalid(
            f"this publication replaces version {previous}: say in the note what changed, "
            f"so readers of version {previous} know why it was superseded",
            field="note",
        )
    version = previous + 1
    snapshot = build_snapshot(session, response, get_settings().body_name)
    if annex:
        snapshot["annex"] = consultation_rows(session, response)
    published_at = utcnow()
    rendered = render_all(snapshot, Edition(version, published_at, note if previous else ""))
    publication = Publication(
        response_id=response.id,
        version=version,
        published_at=published_at,
        publisher_id=actor.id,
        change_note=note,
        revision=response.revision,
        title=response.title,
        rt_title=response.rt_title,
        snapshot=snapshot,
        search_text=search_text(snapshot),
        theme_slugs=theme_index(snapshot),
    )
    session.add(publication)
    session.flush()
    assert publication.id is not None
    for fmt, content in rendered.by_format().items():
        session.add(
            PublicationFile(
                publication_id=publication.id,
                format=fmt,
                media_type=MEDIA_TYPES[fmt],
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
            )
        )
    session.flush()
    return publication


# -- reading -----------------------------------------------------------------


def require_publications_view(
    session: Session, actor: Actor | None, response: Response, *, public: bool
) -> None:
    """Anyone who may read the library may read a response's publications, even
    after it went back to draft for a correction; the draft itself stays hidden."""
    if actor is not None and can_view(actor, response):
        return
    if (actor is not None or public) and latest_version(session, response.id or 0):
        return
    raise NotFound(f"no response with id {response.id}")


def published_response(
    session: Session, actor: Actor | None, response_id: int, *, public: bool
) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response with id {response_id}")
    require_publications_view(session, actor, response, public=public)
    return response


def latest_publication(session: Session, response_id: int) -> Publication | None:
    return session.exec(
        select(Publication)
        .where(Publication.response_id == response_id)
        .order_by(col(Publication.version).desc())
        .limit(1)
    ).first()


@dataclass
class VersionInfo:
    publication: Publication
    superseded: bool
    latest: int

    @property
    def version(self) -> int:
        return self.publication.version


def versions(session: Session, response_id: int) -> list[VersionInfo]:
    """Every version, newest first; all but the newest are superseded."""
    rows = list(
        session.exec(
            select(Publication)
            .where(Publication.response_id == response_id)
            .order_by(col(Publication.version).desc())
        ).all()
    )
    latest = rows[0].version if rows else 0
    return [VersionInfo(p, p.version < latest, latest) for p in rows]


def choose_version(
    session: Session, response_id: int, version: int | None
) -> tuple[VersionInfo, list[VersionInfo]]:
    """The version asked for (the newest when none is), and all of them."""
    every = versions(session, response_id)
    if not every:
        raise NotFound("this response has not been published yet")
    if version is None:
        return every[0], every
    return get_version(session, response_id, version), every


def get_version(session: Session, response_id: int, version: int) -> VersionInfo:
    for info in versions(session, response_id):
        if info.version == version:
            return info
    raise NotFound(f"version {version} of this briefing does not exist")


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    sha256: str
    filename: str
    published_at: datetime


def briefing_filename(publication: Publication, fmt: str) -> str:
    """operational-efficiency-programme-response-v2.pdf: what is answered, and which version.

    Named after the publication responded to (before any subtitle), which says more
    in a downloads folder than 'response-to-the-...'."""
    subject = publication.rt_title.split(":", 1)[0] or publication.title
    stem = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60].strip("-") or "briefing"
    return f"{stem}-response-v{publication.version}.{fmt}"


def download(session: Session, response_id: int, version: int, fmt: str) -> Download:
    """The stored file; the caller has checked that the reader may see the response."""
    if fmt not in FORMATS:
        raise NotFound(f"briefings come as {', '.join(FORMATS)}, not {fmt!r}")
    # Not the snapshot (a JSON document of the whole briefing) nor the search text:
    # parsing them cost more than the rest of a download (bench/run.py).
    publication = session.exec(
        select(Publication)
        .options(defer(cast(Any, Publication.snapshot)), defer(cast(Any, Publication.search_text)))
        .where(Publication.response_id == response_id, Publication.version == version)
    ).first()
    if publication is None:
        raise NotFound(f"version {version} of this briefing does not exist")
    stored = session.get(PublicationFile, (publication.id, fmt))
    if stored is None:
        raise NotFound(f"version {version} has no {fmt.upper()} file")
    return Download(
        stored.content,
        stored.media_type,
        stored.sha256,
        briefing_filename(publication, fmt),
        publication.published_at,
    )
