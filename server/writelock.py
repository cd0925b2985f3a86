"""SQLite's write lock, taken at a transaction's first write and held only until it ends.

Every transaction starts as a deferred read (BEGIN): sign-in, permission checks,
anchoring and rendering read a WAL snapshot and never wait for anyone. The first
statement that writes (INSERT, UPDATE, DELETE, DDL, or a SELECT ... FOR UPDATE, which
on PostgreSQL takes a row lock) first takes this process's writer lock, then ends the
read snapshot and starts BEGIN IMMEDIATE, so the write sees everything committed
before it, as a statement does at PostgreSQL's READ COMMITTED. A check made on the
earlier snapshot must therefore be re-made in SQL (the compare-and-set UPDATEs on
revisions and stages do that), exactly as it must on PostgreSQL. The lock is released
by COMMIT or ROLLBACK, in the same call that made them.

The in-process lock hands the database over to the next writer of this process the
moment the last one commits (SQLite's own busy handler would poll with sleeps of up
to 100 ms); SQLite's busy_timeout is left to arbitrate between processes (a second
worker, the CLI, a backup)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from .errors import DomainError

# How long a write waits for the writers before it, in this process and in others.
# A write holds the lock for milliseconds (no rendering, email or hashing inside it),
# so 10 s means the database is stuck, and the request fails cleanly: nothing stored.
WAIT_SECONDS = 10.0

_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "RELEASE", "EXPLAIN")


class DatabaseBusy(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            "The database is busy with other changes; nothing was saved. Try again in a moment."
        )


_gates: dict[str, threading.Lock] = {}
_gates_guard = threading.Lock()


def gate_for(database: str) -> threading.Lock:
    """One writer lock per database file in this process (one per in-memory engine)."""
    key = str(Path(database).resolve()) if database and database != ":memory:" else ""
    with _gates_guard:
        if not key:
            return threading.Lock()
        return _gates.setdefault(key, threading.Lock())


class LockingConnection(sqlite3.Connection):
    """A sqlite3 connection that holds its database's writer lock while it writes.

    `gate` is set on the per-engine subclass that connection_class() makes."""

    gate: threading.Lock
    writing = False

    def begin_writing(self) -> None:
        """Take the write lock for the rest of this transaction (no-op if held)."""
        if self.writing:
            return
        if not self.gate.acquire(timeout=WAIT_SECONDS):
            raise DatabaseBusy()
        try:
            if self.in_transaction:
                # Only reads ran so far: end their snapshot, so the write starts from
                # the newest committed state instead of failing with SQLITE_BUSY_SNAPSHOT.
                sqlite3.Connection.rollback(self)
            self.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self.gate.release()
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusy() from exc
            raise
        except BaseException:
            self.gate.release()
            raise
        self.writing = True

    def _written(self) -> None:
        if self.writing and not self.in_transaction:
            self.writing = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._written()  # a failed COMMIT keeps the lock until the rollback

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._written()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.writing:
                self.writing = False
                self.gate.release()


def connection_class(database: str) -> type[LockingConnection]:
    return type("LockingConnection", (LockingConnection,), {"gate": gate_for(database)})


def writes(statement: str, context: Any) -> bool:
    """Does this statement need the write lock? Unknown statements are taken to write."""
    head = statement.lstrip()[:8].upper()
    if not head.startswith(_READS):
        return True
    if head.startswith("SELECT") and context is not None:
        compiled = getattr(context, "compiled", None)
        statement_object = getattr(compiled, "statement", None)
        return getattr(statement_object, "_for_update_arg", None) is not None
    return False
