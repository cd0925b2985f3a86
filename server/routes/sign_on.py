"""What the sign-in pages need to know about how people sign in here: shared by the
sign-in and the invitation pages."""

from __future__ import annotations

from fastapi import Request

from ..accounts import oidc
from ..config import Settings


def oidc_name(request: Request) -> str:
    """The single sign-on provider's name for its button, or "" when there is none."""
    provider = oidc.provider_from(request.app.state.settings)
    return provider.name if provider else ""


def passwords_on(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.passwords_on()
