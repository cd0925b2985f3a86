"""A stand-in for Microsoft Entra ID's multi-tenant endpoints on a loopback port.

It publishes what `https://login.microsoftonline.com/common/v2.0` publishes that
matters to a client: a discovery document whose issuer is the template
`{base}/{tenantid}/v2.0`, a key set, an authorization endpoint and a token endpoint
that checks the code (once), the client and the PKCE verifier, and answers with an ID
token signed by joserfc, as the real one would, for whichever tenant the test says the
person belongs to. A test may also have it sign with a new key (rotation), or put
another issuer in the token than the one its tenant implies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

TEMPLATE = "{tenantid}"
MULTI = ("common", "organizations")


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig"})


@dataclass
class EntraDouble:
    base: str = ""
    client_id: str = "tabled"
    client_secret: str = "tabled-secret"
    key: RSAKey = field(default_factory=_new_key)
    published: list[RSAKey] = field(default_factory=list)
    person: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.published.append(self.key)

    def issuer_for(self, tenant: str) -> str:
        return f"{self.base}/{tenant}/v2.0"

    def next_person(self, tenant: str, **claims: Any) -> None:
        """Who signs in at the next authorization: their tenant and claims (an `iss`
        among them replaces the tenant's own issuer)."""
        with self.lock:
            self.person = {"tid": tenant, **claims}

    def rotate(self) -> None:
        """Sign with a new key from now on, publishing it beside the old one."""
        with self.lock:
            self.key = _new_key()
            self.published.append(self.key)

    # -- the endpoints --

    def discovery(self, tenant: str) -> dict[str, Any]:
        issuer_tenant = TEMPLATE if tenant in MULTI else tenant
        return {
            "issuer": self.issuer_for(issuer_tenant),
            "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
            "jwks_uri": f"{self.base}/{tenant}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "code_challenge_methods_supported": ["S256"],
        }

    def keys(self) -> dict[str, Any]:
        with self.lock:
            return {"keys": [key.as_dict(private=False) for key in self.published]}

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the client, with a fresh code for the next person."""
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            raise ValueError("unknown client or response type")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise ValueError("PKCE is required")
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "person": dict(self.person),
                "nonce": query.get("nonce", ""),
                "challenge": query["code_challenge"],
                "redirect_uri": query.get("redirect_uri", ""),
            }
        back = urlencode({"code": code, "state": query.get("state", "")})
        return f"{query.get('redirect_uri', '')}?{back}"

    def token(self, form: dict[str, str], authorization: str) -> dict[str, Any]:
        if not self._client_ok(form, authorization):
            raise PermissionError("invalid_client")
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
            key = self.key
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            raise PermissionError("invalid_grant")
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            raise PermissionError("invalid_grant")
        person = dict(grant["person"])
        now = int(time.time())
        claims = {
            "iss": self.issuer_for(person["tid"]),
            "aud": self.client_id,
            "sub": person.get("oid", secrets.token_hex(8)),
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "nonce": grant["nonce"],
            "ver": "2.0",
            **person,
        }
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
        id_token = jwt.encode(header, claims, key)
        return {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(16),
            "expires_in": 3600,
            "id_token": id_token,
        }

    def _client_ok(self, form: dict[str, str], authorization: str) -> bool:
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            return pair == f"{self.client_id}:{self.client_secret}"
        return (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )


def _handler(double: EntraDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet tests
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            tenant = parts[0] if parts else ""
            rest = "/".join(parts[1:])
            if rest == "v2.0/.well-known/openid-configuration":
                self._json(200, double.discovery(tenant))
            elif rest == "discovery/v2.0/keys":
                self._json(200, double.keys())
            elif rest == "oauth2/v2.0/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                try:
                    location = double.authorize(query)
                except ValueError as exc:
                    self._json(400, {"error": "invalid_request", "error_description": str(exc)})
                    return
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if not urlsplit(self.path).path.endswith("/oauth2/v2.0/token"):
                self._json(404, {"error": "not_found"})
                return
            try:
                self._json(200, double.token(form, self.headers.get("Authorization", "")))
            except PermissionError as exc:
                self._json(400, {"error": str(exc)})

    return Handler


@contextmanager
def running_entra_double() -> Iterator[EntraDouble]:
    """The double served on a free loopback port for the duration."""
    double = EntraDouble()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(double))
    double.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
