"""Database engine and sessions: SQLite tuned for a web app, or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from .config import create_private_file, private_folder

WRITE_OPTION = "tabled_write"


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
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)


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
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let pysqlite leave transactions alone so BEGIN IMMEDIATE below takes the lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the lock at BEGIN and queue there (busy_timeout), instead of
        # failing mid-transaction when a read snapshot cannot be upgraded; readers
        # stay deferred so they never block anyone.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_session(engine: Engine) -> Session:
    """A session for a unit of work that writes: on SQLite it takes the write lock first."""
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
    limiter: anyio.CapacityLimiter | None = getattr(state, "quick_read_limiter", None)
    if limiter is None:
        threads = 1 if is_sqlite(state.engine) else 4
        limiter = state.quick_read_limiter = anyio.CapacityLimiter(threads)
    return limiter
