"""create_app(): wiring only - settings, database, middleware, routes, error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from .cache import ByteCache
from .comments import anchors, highlights, threads
from .config import PROJECT_ROOT, Settings, get_settings
from .cookies import COOKIE_FIELD
from .db import THREADS, make_engine
from .deps import NotSignedIn
from .errors import DomainError
from .notifications.delivery import delivering
from .observability import RequestId, configure_logging
from .publishing.filecache import FILES
from .rendering.comments import RenderedBoard
from .rendering.document import RenderedDocument
from .rendering.page_cache import CachedPage
from .rendering.templates import render
from .routes import (
    account,
    admin,
    api,
    auth,
    comments_api,
    comments_pages,
    invitations,
    library,
    notifications_pages,
    oidc,
    pages,
    positions_pages,
    preview,
    publications_api,
    questions_api,
    questions_pages,
    revisions_pages,
    themes_pages,
    word_api,
    word_pages,
    workflow_pages,
)
from .routes.post_only import page_above
from .security import BodySizeLimit, SecurityHeaders, is_secret_field
from .workflow.registry import use_folder
from .writelock import DatabaseBusy

API_DESCRIPTION = """Tabled's JSON API. Authenticate with `Authorization: Bearer TOKEN`;
create a token on your profile page or with `tabled tokens create EMAIL`.
Errors are `{"detail": ...}`: 401 no or bad token, 403 not allowed, 404 unknown or
not visible to you, 409 stale revision or wrong stage, 422 invalid input."""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    use_folder(settings.workflows_dir)  # an invalid workflow stops start-up, in one line
    configure_logging(settings.log_json)
    app = FastAPI(
        title="Tabled",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    _caches(app, settings)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="tabled_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.https,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestId)

    static = PROJECT_ROOT / "static"
    app.mount("/static", StaticFiles(directory=str(static), check_dir=False), name="static")

    app.include_router(api.health)
    app.include_router(api.docs)
    # Matching walks the routes in this order, so the pages read most come first
    # (no path of one router is matched by another's; test_routes_do_not_shadow_one_another).
    # word_pages first: its /responses/import would otherwise be read as a response id.
    for module in (
        word_pages,
        pages,
        word_api,
        api,
        questions_api,
        questions_pages,
        publications_api,
        comments_api,
        comments_pages,
        library,
        auth,
        invitations,
        oidc,
        positions_pages,
        revisions_pages,
        account,
        admin,
        themes_pages,
        workflow_pages,
        notifications_pages,
        preview,
    ):
        app.include_router(module.router)
    _error_handlers(app)
    return app


def _caches(app: FastAPI, settings: Settings) -> None:
    """Every cache of the app, each bounded by the bytes its setting allows: rendered
    comment threads, response documents and whole pages (kept until what they show
    changes), and the position blocks, quote locations and published files (kept by
    content, so never stale; shared by the process, sized here)."""
    app.state.board_cache = ByteCache[RenderedBoard](settings.comments_cache_bytes)
    app.state.document_cache = ByteCache[RenderedDocument](settings.document_cache_bytes)
    app.state.page_cache = ByteCache[CachedPage](settings.page_cache_bytes)
    app.state.preview_cache = ByteCache[bytes](settings.preview_cache_bytes)
    anchors.BLOCKS.resize(settings.text_cache_bytes // 2)
    threads.LOCATIONS.resize(settings.text_cache_bytes // 4)
    highlights.HIGHLIGHTS.resize(settings.text_cache_bytes // 4)
    FILES.resize(settings.file_cache_bytes)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The worker threads the database limits are sized against (server/db.py).
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    async with delivering(app.state.engine, app.state.settings):
        yield


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _error_page(
    request: Request, status: int, message: str, reasons: list[str] | None = None
) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"detail": message}
        if reasons:
            body["reasons"] = reasons
        return JSONResponse(body, status_code=status)
    if status == 401 and request.method == "GET" and "authorization" not in request.headers:
        # A person is sent to sign in; a script with a bad token gets the 401 itself.
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(
        request,
        "errors/error.html",
        {"status": status, "message": message, "kept": _kept_text(request)},
        status_code=status,
    )


def _kept_text(request: Request) -> list[tuple[str, str]]:
    # Text typed into a form that could not be saved is shown back, never lost.
    form = getattr(request, "_form", None)
    if not form:
        return []
    return [
        (k, v)
        for k, v in form.multi_items()
        if isinstance(v, str) and not is_secret_field(k) and len(v) > 0
    ][:20]


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, NotSignedIn) and not _wants_json(request):
            request.session.pop(COOKIE_FIELD, None)
        reasons = exc.extra if isinstance(exc.extra, list) else None
        response = _error_page(request, exc.status_code, exc.message, reasons)
        if isinstance(exc, NotSignedIn) and _wants_json(request):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors = [
                {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type")}
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", [])[1:])
        return _error_page(request, 422, f"{where}: {first.get('msg', 'invalid input')}")

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> Response:
        # The database refused a value the checks let through (PostgreSQL and NUL, say).
        return _error_page(
            request,
            422,
            "Something you sent cannot be stored, such as a NUL character. Nothing was saved.",
        )

    @app.exception_handler(OperationalError)
    async def busy(request: Request, exc: OperationalError) -> Response:
        # Another process held the database past the busy timeout: the transaction
        # was rolled back, so the answer can say that nothing was saved.
        if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
            raise exc
        return await domain_error(request, DatabaseBusy())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's answer to a body it cannot decode: to us, invalid input.
            return _error_page(request, 422, "the request body is not valid JSON")
        if (
            exc.status_code == 405
            and request.method in ("GET", "HEAD")
            and not _wants_json(request)
        ):
            return RedirectResponse(page_above(app.routes, request.url.path), status_code=303)
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        return _error_page(request, exc.status_code, message)
