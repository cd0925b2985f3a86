"""Publications: made once when a response is published, then only read.

Making one is the workflow's publish-briefing hook, in three steps so that no
converter runs inside a write transaction: prepare_publication (a snapshot, read),
render_publication (no transaction) and store_publication (a short write); see
workflow/service.py. The rest answers who may read which version, and hands out
the stored files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..drafting.access import can_view
from ..errors import Conflict, Invalid, NotFound
from ..models import Publication, PublicationFile, Response, utcnow
from .annex import consultation_rows
from .filecache import FILES
from .identity import Body
from .render import MEDIA_TYPES, Edition, render_all
from .snapshot import build_snapshot, search_text, theme_index

FORMATS = tuple(MEDIA_TYPES)


def latest_version(session: Session, response_id: int) -> int:
    found = session.exec(
        select(func.max(Publication.version)).where(Publication.response_id == response_id)
    ).one()
    return int(found or 0)


@dataclass(frozen=True)
class PreparedPublication:
    """A publication rendered from a snapshot, not yet stored: what the snapshot was
    taken from (stage, revision, comment serial) travels with it, so storing can
    check nothing moved while it was rendered."""

    response_id: int
    version: int
    stage: str
    revision: int
    comment_serial: int
    title: str
    rt_title: str
    note: str
    published_at: datetime
    snapshot: dict[str, Any]
    files: dict[str, bytes]


def prepare_publication(
    session: Session,
    response: Response,
    note: str,
    *,
    body_name: Body | str,
    annex: bool = False,
) -> tuple[dict[str, Any], int, str]:
    """The snapshot, its version and the note, read in the caller's (read) transaction.

    Raises Invalid when a correction comes without a change note."""
    assert response.id is not None
    previous = latest_version(session, response.id)
    note = note.strip()
    if previous and not note:
        raise Invalid(
            f"this publication replaces version {previous}: say in the note what changed, "
            f"so readers of version {previous} know why it was superseded",
            field="note",
        )
    snapshot = build_snapshot(session, response, body_name)
    if annex:
        snapshot["annex"] = consultation_rows(session, response)
    return snapshot, previous + 1, note


def render_publication(
    response: Response, snapshot: dict[str, Any], version: int, note: str
) -> PreparedPublication:
    """Every format of the snapshot (RenderFailed if one fails): the slow part, run
    with no transaction open."""
    assert response.id is not None
    published_at = utcnow()
    rendered = render_all(snapshot, Edition(version, published_at, note if version > 1 else ""))
    return PreparedPublication(
        response_id=response.id,
        version=version,
        stage=response.stage,
        revision=response.revision,
        comment_serial=response.comment_serial,
        title=response.title,
        rt_title=response.rt_title,
        note=note,
        published_at=published_at,
        snapshot=snapshot,
        files=rendered.by_format(),
    )


def store_publication(session: Session, actor: Actor, prepared: PreparedPublication) -> Publication:
    """Store a rendered publication, in the caller's short write transaction. The
    caller has checked the response did not move; the version is checked here."""
    if latest_version(session, prepared.response_id) != prepared.version - 1:
        raise Conflict("another publication was made meanwhile; reload and try again")
    snapshot = prepared.snapshot
    publication = Publication(
        response_id=prepared.response_id,
        version=prepared.version,
        published_at=prepared.published_at,
        publisher_id=actor.id,
        change_note=prepared.note,
        revision=prepared.revision,
        title=prepared.title,
        rt_title=prepared.rt_title,
        snapshot=snapshot,
        search_text=search_text(snapshot),
        theme_slugs=theme_index(snapshot),
    )
    session.add(publication)
    session.flush()
    assert publication.id is not None
    for fmt, content in prepared.files.items():
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
class StoredFile:
    """One rendered file of a publication: its facts, without its bytes."""

    publication_id: int
    format: str
    media_type: str
    sha256: str
    filename: str
    published_at: datetime


def briefing_filename(publication: Publication, fmt: str) -> str:
    """operational-efficiency-programme-response-v2.pdf: what is answered, and which version.

    Named after the publication responded to (before any subtitle), which says more
    in a downloads folder than 'response-to-the-...'."""
    return _filename(publication.title, publication.rt_title, publication.version, fmt)


def draft_filename(response: Response, version: int) -> str:
    """operational-efficiency-programme-response-v2-draft.pdf, for a preview."""
    return (
        _filename(response.title, response.rt_title, version, "pdf")[: -len(".pdf")] + "-draft.pdf"
    )


def _filename(title: str, rt_title: str, version: int, fmt: str) -> str:
    subject = rt_title.split(":", 1)[0] or title
    stem = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60].strip("-") or "briefing"
    return f"{stem}-response-v{version}.{fmt}"


def find_file(
    session: Session,
    actor: Actor | None,
    response_id: int,
    version: int,
    fmt: str,
    *,
    public: bool,
) -> StoredFile:
    """A version's file, if the reader may have it: published_response() and the file's
    facts in one query, the bytes left in place (file_content reads them).

    The rule is require_publications_view's: a signed-in reader, or anyone when the
    library is public, may read every published version of any response - so finding
    the version settles it. Whatever is not found takes the long way round, which
    raises the error it always has (a hidden response is reported missing)."""
    row = None
    if fmt in FORMATS and (actor is not None or public):
        row = _file_row(session, response_id, version, fmt)
    if row is None or row.sha256 is None:
        published_response(session, actor, response_id, public=public)
        if fmt not in FORMATS:
            raise NotFound(f"briefings come as {', '.join(FORMATS)}, not {fmt!r}")
        row = _file_row(session, response_id, version, fmt)
        if row is None:
            raise NotFound(f"version {version} of this briefing does not exist")
        if row.sha256 is None:
            raise NotFound(f"version {version} has no {fmt.upper()} file")
    return StoredFile(
        row.id,
        fmt,
        row.media_type,
        row.sha256,
        _filename(row.title, row.rt_title, row.version, fmt),
        row.published_at,
    )


# The outer join's file columns are None when the version has no file of that format.
FileRow = Row[int | None, int, datetime, str, str, str, str]


def _file_row(session: Session, response_id: int, version: int, fmt: str) -> FileRow | None:
    """The version (or None) and its file's facts (None when it has no such file)."""
    found = session.connection().execute(
        _file_query(), {"response_id": response_id, "version": version, "fmt": fmt}
    )
    return found.first()


@cache  # built once, and Core rows, not ORM objects: a download runs it every time
def _file_query() -> Select[int | None, int, datetime, str, str, str, str]:
    return (
        core_select(
            col(Publication.id),
            col(Publication.version),
            col(Publication.published_at),
            col(Publication.title),
            col(Publication.rt_title),
            col(PublicationFile.media_type),
            col(PublicationFile.sha256),
        )
        .select_from(Publication)
        .outerjoin(
            PublicationFile,
            and_(
                col(PublicationFile.publication_id) == col(Publication.id),
                col(PublicationFile.format) == bindparam("fmt"),
            ),
        )
        .where(
            col(Publication.response_id) == bindparam("response_id"),
            col(Publication.version) == bindparam("version"),
        )
    )


def file_content(session: Session, stored: StoredFile) -> bytes:
    """The file's bytes: from memory when this process has sent them before."""
    content = FILES.get(stored.sha256)
    if content is None:
        found = session.connection().execute(
            _content_query(), {"publication_id": stored.publication_id, "fmt": stored.format}
        )
        content = found.scalar_one()
        FILES.put(stored.sha256, content)
    return content


@cache
def _content_query() -> Select[bytes]:
    return core_select(col(PublicationFile.content)).where(
        col(PublicationFile.publication_id) == bindparam("publication_id"),
        col(PublicationFile.format) == bindparam("fmt"),
    )
