"""oidc-provider-mock, a real OpenID Connect server, on a loopback port for the tests,
and the step a person takes there: approve the sign-in as one of its users."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

with warnings.catch_warnings():  # the mock provider still uses authlib.jose; Tabled does not
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

# For test modules that run it: only the mock's own use of older Authlib interfaces passes.
MOCK_WARNINGS = [
    "ignore::authlib.deprecate.AuthlibDeprecationWarning",
    "ignore:get_jwt_config:DeprecationWarning",
]


@contextmanager
def mock_provider() -> Iterator[str]:
    """The provider's issuer URL while it runs."""
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def set_claims(provider: str, sub: str, **claims: object) -> None:
    """What the provider says about the person `sub` from now on."""
    httpx.put(f"{provider}/users/{sub}", json=claims).raise_for_status()


def approve(authorize_url: str, sub: str) -> str:
    """Approve the sign-in at the provider as `sub`: where it sends the browser back."""
    reply = httpx.post(authorize_url, data={"sub": sub})
    assert reply.status_code == 302, reply.text
    return reply.headers["location"]


def callback_path(location: str) -> str:
    back = urlsplit(location)
    assert back.path == "/auth/oidc/callback"
    return f"{back.path}?{back.query}"
