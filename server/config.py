"""Settings read from TABLED_* environment variables, with safe defaults."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def private_folder(path: Path) -> None:
    """Create a folder (and its parents) that only this user may enter: 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file only this user may read (0600), unless it exists already.
    SQLite gives a database's -wal and -shm files the database file's mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def open_private(path: Path) -> BinaryIO:
    """A new file for writing that only this user may read (0600)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TABLED_", extra="ignore")

    database_url: str = "sqlite:///var/tabled.db"
    secret_key: str = ""
    data_dir: Path = Path("var")
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    drafts_dir: Path = PROJECT_ROOT / "drafts"
    # Served over HTTPS? Then the session cookie is marked Secure.
    https: bool = False
    session_max_age: int = 14 * 24 * 3600
    max_body_bytes: int = 2 * 1024 * 1024
    # Sign-in throttling (accounts/signin.py): wrong passwords one address may send for
    # one account before each further try waits (1, 2, 4... minutes, at most the window),
    # and failures on one account from all addresses after which only addresses that
    # signed in to it before may try, within the window.
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    login_account_limit: int = 100
    # The body that publishes the briefings, named on every cover and in the feed.
    body_name: str = ""
    # May visitors who are not signed in read the library and download briefings?
    library_public: bool = False
    # One JSON object per log line, for log collectors.
    log_json: bool = False
    # Where the readers are: pages show times in this zone (an IANA name), and a
    # review deadline closes at 17:00 there.
    timezone: str = "Europe/London"
    # Links in emails point here.
    base_url: str = "http://127.0.0.1:8000"
    # Email: with no SMTP host, messages stay in the outbox that admins read.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = "tabled@localhost"
    # Single sign-on with an OpenID Connect provider (accounts/oidc.py): off unless the
    # issuer and client id are set. The provider redirects to {base_url}/auth/oidc/callback.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_name: str = ""
    # Microsoft Entra ID's multi-tenant endpoints (common, organizations) name a template
    # issuer, one per tenant: only tokens from these tenant ids are let in (comma- or
    # space-separated; empty lets no tenant in). Ignored for a single-tenant issuer.
    oidc_tenants: str = ""
    # Email domains whose people, unknown to Tabled but with a verified email, are given
    # a plain-member account on their first sign-on (comma- or space-separated).
    oidc_member_domains: str = ""
    # Password sign-in (the /login form and forgotten-password emails); turning it off
    # takes effect only while single sign-on is set up. API tokens work either way.
    password_sign_in: bool = True
    # Memory for the caches of one server process, in bytes (server/cache.py).
    page_cache_bytes: int = 96 * 1024 * 1024
    comments_cache_bytes: int = 64 * 1024 * 1024
    document_cache_bytes: int = 64 * 1024 * 1024
    text_cache_bytes: int = 32 * 1024 * 1024
    file_cache_bytes: int = 64 * 1024 * 1024

    # -- the publishing body's identity on briefings (publishing/identity.py) --
    # A PNG, JPEG or SVG file for the cover (at most 1 MiB), the accent colour of
    # headings and rules (#rrggbb, darkened if too light to read on white), and a
    # contact line and website printed on the cover and in the footer.
    body_logo: Path | None = None
    body_colour: str = "#1d4f91"
    body_contact: str = ""
    body_website: str = ""
    # Memory for draft previews of briefings (GET /responses/{id}/preview.pdf).
    preview_cache_bytes: int = 32 * 1024 * 1024

    @field_validator("body_colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value.strip()):
            raise ValueError("TABLED_BODY_COLOUR must be a colour like #1d4f91")
        return value.strip().lower()

    def tenant_ids(self) -> frozenset[str]:
        return _words(self.oidc_tenants)

    def member_domains(self) -> frozenset[str]:
        return frozenset(word.lstrip("@") for word in _words(self.oidc_member_domains))

    def passwords_on(self) -> bool:
        """Whether password sign-in is open: always, unless single sign-on can replace it,
        so a mistaken setting cannot shut everyone out."""
        sso = bool(self.oidc_issuer and self.oidc_client_id)
        return self.password_sign_in or not sso

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "TABLED_TIMEZONE must be a time zone name like Europe/London"
            ) from None
        return value.strip()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        private_folder(self.data_dir)
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race; use its key
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def _words(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in re.split(r"[\s,]+", text) if word)


@lru_cache
def get_settings() -> Settings:
    return Settings()
