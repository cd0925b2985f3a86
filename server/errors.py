"""Domain errors: one type per failure a user can cause, mapped to HTTP in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: carries a message a person can act on."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, extra: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class Invalid(DomainError):
    """The input breaks a rule (too long, empty, unknown theme...)."""

    status_code = 422


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The action clashes with the current state (wrong stage, duplicate)."""

    status_code = 409


class StaleRevision(Conflict):
    """A save was based on a revision that is no longer the current one."""

    def __init__(self, base: int, current: int) -> None:
        super().__init__(
            f"This response has changed since you opened it: you edited revision {base}, "
            f"the current revision is {current}."
        )
        self.base = base
        self.current = current


class Throttled(DomainError):
    status_code = 429


class RenderFailed(Invalid):
    """A briefing could not be rendered; nothing was published."""
