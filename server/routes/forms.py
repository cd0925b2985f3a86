"""Small helpers shared by the HTML form routes."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from ..errors import DomainError, errors_of


def redirect(
    url: str, flash: str | None = None, request: Request | None = None
) -> RedirectResponse:
    if flash and request is not None:
        request.session["flash"] = flash
    return RedirectResponse(url, status_code=303)


def pop_flash(request: Request) -> str | None:
    value = request.session.pop("flash", None)
    return value if isinstance(value, str) else None


def field_errors(exc: DomainError, default_field: str) -> dict[str, str]:
    """Each field's message, for the error summary and beside the fields."""
    return errors_of(exc, default_field)


def safe_next(target: str | None) -> str:
    # Only paths on this site, so the login form cannot bounce people elsewhere.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def commit(session: Session) -> None:
    session.commit()
