"""Demo data: one user of each role and group, and the example drafts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from .accounts.users import actor_for, create_user
from .db import write_session
from .drafting.transfer import import_text
from .models import User

DEMO_PASSWORD = "tabled-demo-2026"  # noqa: S105  (demo data, printed by make run)


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    groups: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("admin@example.org", "Alex Admin", "admin"),
    DemoUser("director@example.org", "Dana Director", "director"),
    DemoUser("futures1@example.org", "Farah Futures", "member", ("futures",)),
    DemoUser("futures2@example.org", "Felix Futures", "member", ("futures",)),
    DemoUser("council1@example.org", "Cora Council", "member", ("advisory-council",)),
    DemoUser("council2@example.org", "Colin Council", "member", ("advisory-council",)),
    DemoUser("member@example.org", "Morgan Member", "member"),
)


class DemoRefused(Exception):
    pass


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(User)).one() == 0


def load_demo(engine: Engine, drafts_dir: Path) -> list[int]:
    """Fill an empty database; returns the ids of the imported responses."""
    if not is_empty(engine):
        raise DemoRefused("the database already has users; the demo loads only into an empty one")
    imported: list[int] = []
    with write_session(engine) as session:
        director = None
        for demo in DEMO_USERS:
            user = create_user(
                session,
                email=demo.email,
                name=demo.name,
                role=demo.role,
                groups=demo.groups,
                password=DEMO_PASSWORD,
            )
            if demo.role == "director":
                director = user
        assert director is not None
        owner = actor_for(session, director)
        for path in sorted(drafts_dir.glob("*.md")):
            response = import_text(session, owner, path.read_text(encoding="utf-8"))
            imported.append(response.id or 0)
        session.commit()
    return imported


def logins_text() -> str:
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    for demo in DEMO_USERS:
        groups = f", groups: {', '.join(demo.groups)}" if demo.groups else ""
        lines.append(f"  {demo.email:<24} {demo.role}{groups}")
    return "\n".join(lines)
