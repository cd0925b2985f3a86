"""The JSON API for publications: the versions of a response and their files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import ApiActor, BearerCredentials, SessionDep
from ..publishing import service
from ..schemas import ERRORS, PublicationOut
from .downloads import download, is_public
from .params import Id

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)

PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF, as published"},
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


@router.get("/responses/{response_id}/publications", response_model=list[PublicationOut])
def list_publications(
    request: Request, session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> list[PublicationOut]:
    """Every published version, newest first; older ones are superseded."""
    service.published_response(session, actor, response_id, public=is_public(request))
    base = f"/api/v1/responses/{response_id}/publications"
    page = f"/library/{response_id}/versions"
    return [
        PublicationOut(
            version=v.version,
            published_at=v.publication.published_at,
            superseded=v.superseded,
            change_note=v.publication.change_note,
            revision=v.publication.revision,
            pdf_url=f"{base}/{v.version}/pdf",
            docx_url=f"{page}/{v.version}/docx",
            html_url=f"{page}/{v.version}/html",
        )
        for v in service.versions(session, response_id)
    ]


@router.get(
    "/responses/{response_id}/publications/{version}/pdf",
    response_class=Response,
    responses=PDF_ANSWER,
)
async def publication_pdf(  # reads in downloads.download, in one thread hop
    request: Request,
    _credentials: BearerCredentials,
    response_id: int = Id(),
    version: int = Id(),
) -> Response:
    """The PDF of one version: a strong ETag, cached for a year, 304 on If-None-Match."""
    return await download(request, response_id, version, "pdf", api=True, public=is_public(request))
