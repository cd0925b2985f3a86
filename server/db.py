"""Database engine and sessions: SQLite tuned for a web app, or PostgreSQL."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from . import writelock
from .config import create_private_file, private_folder

WRITE_OPTION = "tabled_write"

# Worker threads per server process (anyio's default, set in the app's lifespan): sync
# handlers and dependencies run there, one thread hop each.
THREADS = 40
# Connections beyond the request sessions: the mail delivery loop, and one to spare.
SPARE_CONNECTIONS = 2


@dataclass(frozen=True)
class Limits:
    """How many requests of each kind one server process lets use the database at once.

    The numbers are chosen together, so that nothing waits on something that waits
    on it. A request holds its session from its first dependency until it is closed,
    across several thread hops, and holds a connection from its first query: so a
    request first takes a `sessions` slot, on the event loop, holding no thread and no
    connection while it waits; and the pool has a connection for every slot, so a
    thread never waits for a connection (the old "QueuePool limit reached", where
    threads waiting for connections left none for the requests holding them).

    A write request (POST, PUT, PATCH, DELETE) takes a `writers` slot before its
    session slot (always in that order). Its writes wait for the write lock
    (server/writelock.py on SQLite, row locks on PostgreSQL) in a thread, so at most
    writers - 1 threads are parked on a lock while the other ~36 serve reads.
    SQLite writes one transaction at a time anyway: 4 writers let one request's reads
    (sign-in, permission checks, anchoring, rendering its answer) overlap another's
    write. Closing a session runs on its own few threads (`closers`), so a session
    that still holds the lock can always let go of it, however busy the pool is."""

    sessions: int
    writers: int
    quick_reads: int  # threads for the quick reads (downloads, kept response pages)
    closers: int = 4

    @property
    def connections(self) -> int:
        return self.sessions + self.quick_reads + SPARE_CONNECTIONS


SQLITE_LIMITS = Limits(sessions=32, writers=4, quick_reads=1)
POSTGRES_LIMITS = Limits(sessions=16, writers=8, quick_reads=4)


def limits_for(engine: Engine) -> Limits:
    return SQLITE_LIMITS if is_sqlite(engine) else POSTGRES_LIMITS


@dataclass
class Limiters:
    sessions: anyio.CapacityLimiter
    writers: anyio.CapacityLimiter
    quick_reads: anyio.CapacityLimiter
    closers: anyio.CapacityLimiter


def limiters(state: Any) -> Limiters:
    """The limiters of this process's event loop (state: app.state), made on first use.

    Kept per loop because a limiter works within one loop only: a server process has
    one, but each of the tests' TestClients runs the app in a loop of its own."""
    per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Limiters] | None = getattr(
        state, "db_limiters", None
    )
    if per_loop is None:
        per_loop = state.db_limiters = weakref.WeakKeyDictionary()
    loop = asyncio.get_running_loop()
    found = per_loop.get(loop)
    if found is None:
        limits = limits_for(state.engine)
        found = per_loop[loop] = Limiters(
            anyio.CapacityLimiter(limits.sessions),
            anyio.CapacityLimiter(limits.writers),
            anyio.CapacityLimiter(limits.quick_reads),
            anyio.CapacityLimiter(limits.closers),
        )
    return found


class DatabaseConfigError(Exception):
    """The database URL cannot be used; the message says why."""


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseConfigError(f"TABLED_DATABASE_URL is not a database URL: {url!r}") from exc
    if parsed.drivername.startswith("sqlite"):
        return _sqlite_engine(parsed)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("postgresql"):
        raise DatabaseConfigError(
            f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql+psycopg://"
        )
    limits = POSTGRES_LIMITS
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=limits.connections,
        max_overflow=0,
        pool_timeout=writelock.WAIT_SECONDS,
    )


def _sqlite_engine(parsed: Any) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not parsed.query.get("uri"):
        folder = Path(database).parent
        try:
            if not folder.exists():
                private_folder(folder)
            create_private_file(Path(database))  # 0600: SQLite's -wal and -shm follow it
        except OSError as exc:
            raise DatabaseConfigError(f"cannot create the database folder {folder}: {exc}") from exc
    in_memory = not database or database == ":memory:"
    # A SQLite file connection is a file handle: the pool keeps enough open for every
    # session the limits allow and never makes a thread wait for one. An in-memory
    # database has one connection per thread (SQLAlchemy's own pool), no sizes.
    pool = {} if in_memory else {"pool_size": SQLITE_LIMITS.connections, "max_overflow": -1}
    engine = create_engine(
        parsed,
        connect_args={
            "check_same_thread": False,
            "timeout": writelock.WAIT_SECONDS,
            "factory": writelock.connection_class(database or ""),
        },
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let pysqlite leave transactions alone: the events below begin them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(writelock.WAIT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Every transaction begins as a read; its first write takes the lock (below).
        # A unit of work that must read under the lock (a CLI command, a restore)
        # asks for it up front with write_session().
        raw = connection.connection.dbapi_connection
        if connection.get_execution_options().get(WRITE_OPTION):
            raw.begin_writing()
        else:
            raw.execute("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _write_lock(
        _conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if writelock.writes(statement, context):
            cursor.connection.begin_writing()

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_session(engine: Engine) -> Session:
    """A session for a unit of work that reads under the write lock from its start
    (a CLI command). Request sessions use read_session: their first write takes it."""
    return Session(engine, expire_on_commit=False, execution_options={WRITE_OPTION: True})


def read_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def quick_read_session(engine: Engine) -> Session:
    """A session for a request that only reads and is read often (a download, the
    response page). On PostgreSQL it runs without a transaction: at READ COMMITTED
    each statement sees what was committed when it started either way, and a BEGIN
    and a ROLLBACK are two round trips spared. SQLite keeps its one snapshot."""
    session = read_session(engine)
    if not is_sqlite(engine):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def quick_read_limiter(state: Any) -> anyio.CapacityLimiter:
    """How many quick reads (downloads, kept response pages) run at once in this
    process (state: app.state).

    Twenty threads each making a few short queries spend their time waiting for the
    GIL each other hold: with SQLite, one thread at a time sent 1.5 to 2.5 times as
    many PDFs as the shared pool of 40 (bench/run.py). PostgreSQL queries wait on the
    network instead, so a few overlap."""
    return limiters(state).quick_reads
