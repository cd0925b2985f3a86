"""The server's email delivery loop: started with the app, woken by commits that queue mail.

Each server process runs one loop (a background task of the app's lifespan) when an
SMTP host is configured. It delivers what is due (mailer.deliver_due, in a thread of
its own), then sleeps until the next retry is due, at most IDLE_SECONDS (which also
picks up mail queued by another process, such as `tabled remind`), or until a commit
in this process queues a message: a session listener below notices OutboxMessage rows
in a flush and wakes every loop of the process when that transaction commits, so a
notification is sent within moments of the action that caused it, whatever it was."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..config import Settings
from ..models import OutboxMessage, utcnow
from .mailer import deliver_due

log = logging.getLogger("tabled.mail")

IDLE_SECONDS = 60.0
_QUEUED = "tabled_mail_queued"


class Postman:
    """One delivery loop; run() until stop()."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        # Its own thread, so delivery never waits for (or holds up) request threads.
        self._thread = anyio.CapacityLimiter(1)

    def wake(self) -> None:
        """Deliver now (callable from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        with _postmen_guard:
            _postmen.add(self)
        try:
            while not self._stopping:
                self._wake.clear()
                wait = await self._deliver()
                if self._stopping:
                    break
                with anyio.move_on_after(wait):
                    await self._wake.wait()
        finally:
            with _postmen_guard:
                _postmen.discard(self)

    async def _deliver(self) -> float:
        """Deliver what is due; how long to sleep before looking again."""
        try:
            done = await anyio.to_thread.run_sync(
                deliver_due, self.engine, self.settings, limiter=self._thread
            )
        except Exception:  # the database went away, say: log it and try again later
            log.exception("email delivery failed; trying again in %s s", IDLE_SECONDS)
            return IDLE_SECONDS
        if done.next_due is None:
            return IDLE_SECONDS
        return min(max((done.next_due - utcnow()).total_seconds(), 0.0), IDLE_SECONDS)


_postmen: set[Postman] = set()
_postmen_guard = threading.Lock()


def wake_deliverers() -> None:
    """Wake every delivery loop of this process."""
    with _postmen_guard:
        running = list(_postmen)
    for postman in running:
        postman.wake()


@asynccontextmanager
async def delivering(engine: Engine, settings: Settings) -> AsyncIterator[Postman | None]:
    """Run the delivery loop for the duration (none without an SMTP host); on leaving,
    let the message being sent finish and stop."""
    if not settings.smtp_host:
        yield None
        return
    postman = Postman(engine, settings)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(postman.run)
        try:
            yield postman
        finally:
            postman.stop()


@event.listens_for(Session, "after_flush")
def _note_queued_mail(session: Session, _context: Any) -> None:
    if any(isinstance(row, OutboxMessage) for row in session.new):
        session.info[_QUEUED] = True


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(_QUEUED, False):
        wake_deliverers()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)
