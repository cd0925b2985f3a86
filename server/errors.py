"""Domain errors: one type per failure a user can cause, mapped to HTTP in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


class InvalidFields(Invalid):
    """Several fields break their rules at once: a form shows every one of them.

    `message` and `field` are the first problem's, so an API answer (one detail)
    and code that reads a single error keep working."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = dict(errors)


class Problems:
    """Collects each field's first problem, so one submission reports them all.

    `with problems.check("title"): ...` keeps an Invalid raised inside (under its
    own field, or the one given) and carries on; `raise_any()` then raises every
    problem found as one InvalidFields."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, message)

    @contextmanager
    def check(self, field: str = "") -> Iterator[None]:
        try:
            yield
        except InvalidFields as exc:
            for name, message in exc.errors.items():
                self.add(name, message)
        except Invalid as exc:
            self.add(exc.field or field, exc.message)

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self, order: tuple[str, ...] = ()) -> None:
        """Raise every problem found; in `order` (the form's own, top to bottom) when given."""
        if self.found:
            rank = {name: i for i, name in enumerate(order)}
            ranked = sorted(self.found.items(), key=lambda item: rank.get(item[0], len(rank)))
            raise InvalidFields(dict(ranked))


def errors_of(exc: DomainError, default_field: str) -> dict[str, str]:
    """Every field's message in `exc`: one, or all of an InvalidFields."""
    if isinstance(exc, InvalidFields):
        return dict(exc.errors)
    return {exc.field or default_field: exc.message}


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
