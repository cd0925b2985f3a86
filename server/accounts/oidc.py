"""Signing in with an OpenID Connect provider: discovery, code flow with PKCE, and the
ID token checked (signature, issuer, audience, expiry, nonce) before anyone is let in.

Authlib builds the authorization request and exchanges the code; joserfc verifies the
token against the provider's published keys, cached for an hour and fetched again at
once when a token names a key we do not hold (the provider rotated). A person gets in
only as an existing, active user whose email the provider says it has verified;
nobody is ever created here.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session

from ..config import Settings
from ..models import User
from .users import find_by_email

CACHE_SECONDS = 3600
TIMEOUT = 10.0  # seconds for each call to the provider
SCOPE = "openid email profile"


class OidcRefused(Exception):
    """The provider's answer does not let this person in; `message` says why."""

    def __init__(self, message: str, *, status_code: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    name: str
    redirect_uri: str


def provider_from(settings: Settings) -> Provider | None:
    if not (settings.oidc_issuer and settings.oidc_client_id):
        return None
    return Provider(
        issuer=settings.oidc_issuer.rstrip("/"),
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        name=settings.oidc_name or "your organisation",
        redirect_uri=f"{settings.base_url.rstrip('/')}/auth/oidc/callback",
    )


_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Any], KeySet]] = {}


def _fetch(issuer: str) -> tuple[dict[str, Any], KeySet]:
    try:
        config = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
        config.raise_for_status()
        meta = config.json()
        keys = httpx.get(meta["jwks_uri"], timeout=TIMEOUT)
        keys.raise_for_status()
        return meta, KeySet.import_key_set(keys.json())
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise OidcRefused(
            "The sign-in provider could not be reached. Try again in a few minutes.",
            status_code=502,
        ) from exc


def discovery(issuer: str, *, refresh: bool = False) -> tuple[dict[str, Any], KeySet]:
    """The provider's metadata and keys, cached for CACHE_SECONDS."""
    with _lock:
        found = _cache.get(issuer)
    if found and not refresh and time.monotonic() - found[0] < CACHE_SECONDS:
        return found[1], found[2]
    meta, keys = _fetch(issuer)
    with _lock:
        _cache[issuer] = (time.monotonic(), meta, keys)
    return meta, keys


def _client(provider: Provider) -> OAuth2Client:
    return OAuth2Client(
        provider.client_id,
        provider.client_secret,
        scope=SCOPE,
        redirect_uri=provider.redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def begin(provider: Provider) -> tuple[str, dict[str, str]]:
    """Where to send the browser, and what to keep in its signed session until it
    comes back: state, nonce and the PKCE verifier."""
    meta, _ = discovery(provider.issuer)
    kept = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(48),
    }
    with _client(provider) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=kept["state"],
            nonce=kept["nonce"],
            code_verifier=kept["verifier"],
        )
    assert create_s256_code_challenge(kept["verifier"]) in url
    return url, kept


def _claims(provider: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    meta, keys = discovery(provider.issuer)
    try:
        try:
            token = jwt.decode(id_token, keys)
        except JoseError:  # perhaps a new key: fetch the set again, once
            _, keys = discovery(provider.issuer, refresh=True)
            token = jwt.decode(id_token, keys)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta.get("issuer", provider.issuer)},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise OidcRefused(
            "The sign-in provider's answer could not be trusted, so you are not signed in.",
            status_code=400,
        ) from exc
    return dict(token.claims)


def finish(provider: Provider, code: str, kept: dict[str, str]) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the checked ID token claims."""
    meta, _ = discovery(provider.issuer)
    with _client(provider) as client:
        try:
            token = client.fetch_token(
                meta["token_endpoint"], code=code, code_verifier=kept["verifier"]
            )
        except Exception as exc:  # noqa: BLE001  any refusal of the code means the same
            raise OidcRefused(
                "The sign-in provider refused this sign-in (the link may have been used "
                "already). Start again from the sign-in page.",
                status_code=400,
            ) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcRefused("The sign-in provider sent no identity.", status_code=400)
    return _claims(provider, id_token, kept["nonce"])


def match_user(session: Session, claims: dict[str, Any], provider_name: str) -> User:
    """The active user the verified email names; OidcRefused with the reason otherwise."""
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        raise OidcRefused(
            f"{provider_name} did not confirm a verified email address for you, so Tabled "
            "cannot tell who you are. Ask an admin for an invitation instead."
        )
    user = find_by_email(session, email)
    if user is None:
        raise OidcRefused(
            f"There is no Tabled account for {email}. Ask an admin to invite you; "
            "no account has been made."
        )
    if not user.active:
        raise OidcRefused(f"The Tabled account for {email} has been deactivated.")
    return user
