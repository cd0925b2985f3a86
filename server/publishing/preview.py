"""A draft's briefing as it would be printed, before anything is published.

Reviewers approve what readers will get: the same layout and renderer as a
publication, marked "Draft" on every page, never stored. Made from a snapshot read
in the caller's transaction, which is ended before the compiler runs, and kept in
a byte-bounded cache keyed by the snapshot's content, so each revision is rendered
once (and a change of settings or of the date makes a new one)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from ..cache import ByteCache
from ..models import Response
from .identity import Body
from .render import Edition, long_date, render_pdf
from .service import latest_version
from .snapshot import build_snapshot


def draft_snapshot(session: Session, response: Response, body: Body) -> tuple[dict[str, Any], int]:
    """The snapshot publishing now would take, and the version it would be."""
    assert response.id is not None
    return build_snapshot(session, response, body), latest_version(session, response.id) + 1


def preview_key(snapshot: dict[str, Any], version: int, today: str) -> str:
    content = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{version}\n{today}\n{content}".encode()).hexdigest()


def preview_pdf(
    snapshot: dict[str, Any], version: int, cache: ByteCache[bytes], now: datetime | None = None
) -> bytes:
    """The draft PDF (RenderFailed with the reason if it cannot be made); call
    with no transaction open. Dated today, as publishing now would date it."""
    now = now or datetime.now(UTC)
    key = preview_key(snapshot, version, long_date(now))
    return cache.get_or_make(
        key, lambda: render_pdf(snapshot, Edition(version, now, draft=True)), len
    )
