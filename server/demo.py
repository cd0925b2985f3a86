"""Demo data: one user of each role and group, the example drafts, and responses at
every later stage - in Futures review with comments, in Council review, and a
published briefing with a superseded version and its annex.

The staged responses walk the workflow through its real actions, so their history,
approvals and notifications are those a user would make; only two publications are
rendered, to keep loading quick."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from .accounts.users import Actor, actor_for, create_user
from .comments import service as comments
from .config import Settings
from .db import write_session
from .drafting import editing
from .drafting.responses import get_response, positions_of
from .drafting.transfer import import_text
from .models import User
from .workflow.kinds import ActionKind
from .workflow.registry import workflow_for
from .workflow.service import take_action

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


def load_demo(engine: Engine, drafts_dir: Path, settings: Settings) -> list[int]:
    """Fill an empty database; returns the ids of the responses made."""
    if not is_empty(engine):
        raise DemoRefused("the database already has users; the demo loads only into an empty one")
    imported: list[int] = []
    with write_session(engine) as session:
        people: dict[str, Actor] = {}
        for demo in DEMO_USERS:
            user = create_user(
                session,
                email=demo.email,
                name=demo.name,
                role=demo.role,
                groups=demo.groups,
                password=DEMO_PASSWORD,
            )
            people[demo.email.split("@")[0]] = actor_for(session, user)
        owner = people["director"]
        for path in sorted(drafts_dir.glob("*.md")):
            response = import_text(session, owner, path.read_text(encoding="utf-8"))
            imported.append(response.id or 0)
        session.commit()
        stages = drafts_dir / "stages"
        if stages.is_dir():
            imported += _staged(session, people, stages, settings)
    return imported


def _staged(
    session: Session, people: dict[str, Actor], folder: Path, settings: Settings
) -> list[int]:
    def load(name: str) -> int:
        response = import_text(session, people["director"], (folder / name).read_text("utf-8"))
        session.commit()
        assert response.id is not None
        return response.id

    def act(who: str, rid: int, kind: ActionKind, note: str = "", annex: bool = False) -> None:
        # By kind, never by name: the demo walks whatever the workflow file calls it.
        response = get_response(session, rid)
        stage = workflow_for(response).stages[response.stage]
        action = next(a.name for a in stage.actions.values() if a.kind is kind)
        take_action(session, people[who], rid, action, note, settings=settings, annex=annex)
        session.commit()

    def comment(who: str, rid: int, body: str, **where: object) -> int:
        made = comments.create_comment(
            session,
            people[who],
            rid,
            body=body,
            base_url=settings.base_url,
            **where,  # type: ignore[arg-type]
        )
        session.commit()
        assert made.id is not None
        return made.id

    def answer(rid: int, cid: int, disposition: str, note: str) -> None:
        comments.answer_comment(
            session,
            people["director"],
            cid,
            comments.Answer(disposition=disposition, disposition_note=note),
            base_url=settings.base_url,
        )
        session.commit()

    def through_review(rid: int) -> None:
        act("director", rid, ActionKind.ADVANCE)
        act("futures1", rid, ActionKind.APPROVE)
        act("futures2", rid, ActionKind.APPROVE)

    # Published twice: version 1, then a revision answering a comment, with its annex.
    published = load("published-cloud-hosting.md")
    through_review(published)
    act("council1", published, ActionKind.APPROVE)
    act("council2", published, ActionKind.APPROVE)
    act("director", published, ActionKind.PUBLISH)
    act("director", published, ActionKind.REVISE, "Adding a deadline for exit plans.")
    first = positions_of(session, published)[0]
    editing.update_position(
        session,
        people["director"],
        published,
        first.id,
        heading=first.heading,
        body=first.body + " Exit plans should be tested within a year of signing.",
        themes_refs=first.theme_slugs,
        base_revision=get_response(session, published).revision,
        description="Exit plans are tested within a year",
    )
    session.commit()
    act("director", published, ActionKind.ADVANCE)
    cid = comment("futures1", published, "An exit plan nobody has tried is only a hope.")
    answer(published, cid, "accepted", "We now ask for exit plans to be tested within a year.")
    act("futures1", published, ActionKind.APPROVE)
    act("futures2", published, ActionKind.APPROVE)
    act("council1", published, ActionKind.APPROVE)
    act("council2", published, ActionKind.APPROVE)
    act(
        "director",
        published,
        ActionKind.PUBLISH,
        "Exit plans must now be tested within a year.",
        True,
    )

    # In Futures review: comments, a suggested edit, and threads answered both ways.
    futures = load("futures-shared-records.md")
    act("director", futures, ActionKind.ADVANCE)
    build, see, retire = positions_of(session, futures)[:3]
    asked = comment(
        "futures1",
        futures,
        "Which standards do we mean? Naming one would make this stronger. @futures",
        position_id=build.id,
        quote="one set of open standards",
    )
    comment("futures2", futures, "FHIR is the obvious candidate.", parent_id=asked)
    comment("director", futures, "Agreed; I will name it in the next draft.", parent_id=asked)
    answer(futures, asked, "accepted", "The next draft names the standard.")
    noted = comment(
        "futures2", futures, "Should we give a figure for the savings?", position_id=retire.id
    )
    answer(futures, noted, "noted", "No reliable figure exists yet; we say so instead.")
    comment(
        "futures2",
        futures,
        "Plainer words for the same right.",
        position_id=see.id,
        quote="who has opened their record and why",
        suggestion="who has looked at their record, and for what reason",
    )
    comment("futures1", futures, "@director is the phone route funded?", position_id=see.id)

    # In Council review: Futures has approved it.
    council = load("council-open-data.md")
    through_review(council)
    comment("council1", council, "A timetable for the ten datasets would help councils plan.")
    return [published, futures, council]


def logins_text() -> str:
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    for demo in DEMO_USERS:
        groups = f", groups: {', '.join(demo.groups)}" if demo.groups else ""
        lines.append(f"  {demo.email:<24} {demo.role}{groups}")
    return "\n".join(lines)
