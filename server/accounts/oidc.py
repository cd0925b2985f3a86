"""Signing in with an OpenID Connect provider: discovery, code flow with PKCE, and the
ID token checked (signature, issuer, audience, expiry, nonce) before anyone is let in.

Authlib builds the authorization request and exchanges the code; joserfc verifies the
token against the provider's published keys, cached for an hour and fetched again at
once when a token names a key we do not hold (the provider rotated). Microsoft Entra
ID's multi-tenant endpoints publish an issuer template: the token's own tenant (`tid`)
fills it in, the result must be the token's issuer, and the tenant must be one the
settings allow. A person gets in as an existing, active user whose email the provider
says it has verified, or, for an email domain the settings list, as a new plain member.
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
from ..errors import DomainError, Invalid
from ..models import Role, User
from ..textfields import check_line
from .users import create_user, find_by_email, normalise_email

CACHE_SECONDS = 3600
TIMEOUT = 10.0  # seconds for each call to the provider
SCOPE = "openid email profile"


TENANT = "{tenantid}"  # the placeholder in Entra ID's multi-tenant issuer


class OidcRefused(Exception):
    """The provider's answer does not let this person in; `message` says why, `reason`
    names the refusal in the audit trail."""

    def __init__(
        self, message: str, *, status_code: int = 403, reason: str = "untrusted", email: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    name: str
    redirect_uri: str
    tenants: frozenset[str] = frozenset()
    member_domains: frozenset[str] = frozenset()


def provider_from(settings: Settings) -> Provider | None:
    if not (settings.oidc_issuer and settings.oidc_client_id):
        return None
    return Provider(
        issuer=settings.oidc_issuer.rstrip("/"),
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        name=settings.oidc_name or "your organisation",
        redirect_uri=f"{settings.base_url.rstrip('/')}/auth/oidc/callback",
        tenants=settings.tenant_ids(),
        member_domains=settings.member_domains(),
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


def _untrusted() -> OidcRefused:
    return OidcRefused(
        "The sign-in provider's answer could not be trusted, so you are not signed in. "
        "Start again from the sign-in page.",
        status_code=400,
    )


def expected_issuer(published: str, claims: dict[str, Any]) -> str:
    """The issuer this token must carry: the published one, or for a multi-tenant
    template the template with the token's own tenant put in."""
    if TENANT not in published:
        return published
    tenant = claims.get("tid")
    if not isinstance(tenant, str) or not tenant or len(tenant) > 100:
        raise _untrusted()
    return published.replace(TENANT, tenant)


def _check_tenant(provider: Provider, published: str, claims: dict[str, Any]) -> None:
    if TENANT not in published:
        return  # one tenant's own issuer already pins the tenant
    tenant = str(claims["tid"]).lower()
    if tenant not in provider.tenants:
        raise OidcRefused(
            f"Your organisation's {provider.name} directory (tenant {tenant}) is not one "
            "whose members may sign in to Tabled, so you are not signed in and no account "
            "has been made. If your organisation should be, ask a Tabled admin to add it.",
            reason="tenant",
            email=str(claims.get("email") or "")[:254],
        )


def _claims(provider: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    meta, keys = discovery(provider.issuer)
    published = str(meta.get("issuer") or provider.issuer)
    try:
        try:
            token = jwt.decode(id_token, keys)
        except JoseError:  # perhaps a new key: fetch the set again, once
            _, keys = discovery(provider.issuer, refresh=True)
            token = jwt.decode(id_token, keys)
        # Only now, with the signature checked, may the token's tenant shape the check.
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": expected_issuer(published, token.claims)},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise _untrusted() from exc
    _check_tenant(provider, published, token.claims)
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
                reason="code",
            ) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcRefused("The sign-in provider sent no identity.", status_code=400)
    return _claims(provider, id_token, kept["nonce"])


def verified_email(claims: dict[str, Any]) -> str:
    """The email the provider vouches for, or "" when it does not. Entra ID sends no
    `email_verified`; in its place its optional `xms_edov` claim (the email's domain is
    verified by the tenant) counts, only on a tenant's token that has no email_verified."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return ""
    if "email_verified" in claims:
        return email if claims["email_verified"] is True else ""
    return email if "tid" in claims and claims.get("xms_edov") is True else ""


def _display_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip() and len(name) <= 200:
        try:
            check_line(name, field="name", label="The name")
            return name.strip()
        except Invalid:
            pass
    return email.split("@", 1)[0][:200]


@dataclass(frozen=True)
class Admitted:
    user: User
    created: bool  # a plain-member account made just now, for an allowed email domain


def admit(session: Session, claims: dict[str, Any], provider: Provider) -> Admitted:
    """Who these checked claims let in: the active user their verified email names or,
    for an allowed email domain, a new plain member (flushed; the caller commits).
    OidcRefused with the reason otherwise, and nothing made."""
    email = verified_email(claims)
    if not email:
        raise OidcRefused(
            f"{provider.name} did not confirm a verified email address for you, so Tabled "
            "cannot tell who you are. Ask an admin for an invitation instead.",
            reason="unverified",
            email=str(claims.get("email") or "")[:254],
        )
    user = find_by_email(session, email)
    if user is not None:
        if not user.active:
            raise OidcRefused(
                f"The Tabled account for {email} has been deactivated.",
                reason="deactivated",
                email=email,
            )
        return Admitted(user, created=False)
    domain = normalise_email(email).rsplit("@", 1)[1]
    if domain not in provider.member_domains:
        raise OidcRefused(
            f"There is no Tabled account for {email}. Ask an admin to invite you; "
            "no account has been made.",
            reason="unknown",
            email=email,
        )
    try:
        made = create_user(
            session, email=email, name=_display_name(claims, email), role=Role.MEMBER
        )
    except DomainError as exc:  # an address Tabled cannot hold
        raise OidcRefused(
            f"Tabled cannot make an account for {email}: {exc.message}.",
            reason="invalid",
            email=email,
        ) from exc
    return Admitted(made, created=True)
