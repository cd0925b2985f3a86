"""SQLite's write lock is taken at a transaction's first write, not at its first read,
and a check made before the lock is made again in SQL, as on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from server.config import Settings
from server.drafting.editing import add_position
from server.drafting.transfer import import_text
from server.errors import StaleRevision
from server.models import Comment, Response
from server.workflow.service import take_action
from tests.http.conftest import oep_text


def _locking(session: Session) -> bool:
    return bool(session.connection().connection.dbapi_connection.writing)  # type: ignore[union-attr]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_reading_session_never_holds_up_a_writer(engine, session, people):
    response = import_text(session, people.director, oep_text())
    session.commit()
    with Session(engine) as reader, Session(engine) as writer:
        assert reader.get(Response, response.id) is not None  # an open read transaction
        assert not _locking(reader)
        writer.add(
            Comment(response_id=response.id, author_id=people.director.id, body="Hi.", revision=1)
        )
        writer.flush()
        assert _locking(writer)
        writer.commit()  # no wait for the reader
        assert not _locking(writer)
        assert reader.exec(select(Response.title)).first()  # the reader still reads


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_save_checked_on_an_old_snapshot_is_refused_as_stale_not_failed(engine, session, people):
    response = import_text(session, people.director, oep_text())
    session.commit()
    base = response.revision
    with Session(engine) as slow, Session(engine) as quick:
        slow.get(Response, response.id)  # reads revision `base` in its snapshot
        add_position(
            quick, people.director, response.id, heading="First", body="A.",
            themes_refs=[], base_revision=base,
        )  # fmt: skip
        quick.commit()
        # The slow save starts from the newest data once it writes, and its revision
        # check, made in the UPDATE, finds that someone saved first.
        with pytest.raises(StaleRevision):
            add_position(
                slow, people.director, response.id, heading="Second", body="B.",
                themes_refs=[], base_revision=base,
            )  # fmt: skip
        slow.rollback()
        assert not _locking(slow)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_workflow_action_locks_the_response_before_deciding(engine, session, people):
    response = import_text(session, people.director, oep_text())
    session.commit()
    take_action(session, people.director, response.id, "submit", settings=Settings())
    session.commit()
    # Two reviewers approve at once: the first to lock decides first, the second sees
    # its approval, so together they reach the quorum of two.
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def approve(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            with Session(engine) as mine:
                barrier.wait()
                take_action(mine, actor, response.id, "approve", settings=Settings())
                mine.commit()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    from tests.conftest import add_user

    second = add_user(session, "futures2@example.org", "member", ("futures",))
    threads = [threading.Thread(target=approve, args=(a,)) for a in (people.futures, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as fresh:
        assert fresh.get(Response, response.id).stage == "council-review"
