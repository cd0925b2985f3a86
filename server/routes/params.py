"""Parameter declarations shared by the routes."""

from __future__ import annotations

from typing import Any

from fastapi import Path


def Id() -> Any:  # noqa: N802  (reads like a type in route signatures)
    """A database id in a path. A fresh Path() per parameter: FastAPI writes the
    parameter's name onto the object, so one shared object would make a route's
    second id silently read the first."""
    return Path(ge=1, le=2**31 - 1)
