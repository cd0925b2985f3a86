"""Backups: every table as JSON Lines plus a manifest; restore into an empty database.

A backup is a folder: `manifest.json` (the schema's Alembic revision, and per
table its file, row count and SHA-256) and one `<table>.jsonl` per table of
SQLModel.metadata, one JSON object per row (binary columns base64, dates and
times ISO 8601). It moves a whole site between SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Date, DateTime, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from . import models  # noqa: F401  (registers every table on SQLModel.metadata)
from .config import open_private, private_folder
from .db import WRITE_OPTION, is_sqlite
from .migrate import alembic_config, upgrade

MANIFEST = "manifest.json"
FORMAT = "tabled-backup"
FORMAT_VERSION = 1
BATCH = 500
# Tables that a freshly upgraded database already holds (the seeded core themes);
# they do not make a database "in use", and restore replaces them with the backup's.
SEEDED_TABLES = frozenset({"theme"})


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, in one line."""


@dataclass(frozen=True)
class Summary:
    folder: Path
    schema_revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table, parents before children (the order restore loads them in)."""
    return list(SQLModel.metadata.sorted_tables)


def head_revision(engine: Engine) -> str:
    """The newest schema revision this version of Tabled knows."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    return head or ""


def current_revision(connection: Connection) -> str:
    """The schema revision the database is at ('' when it has no schema yet)."""
    return MigrationContext.configure(connection).get_current_revision() or ""


# --- values -----------------------------------------------------------------


def _kind(column: Column[Any]) -> str:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, LargeBinary):
        return "bytes"
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    return "plain"  # numbers, text, booleans and JSON documents go as they are


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "datetime":
        if value.tzinfo is None:  # stored naive means stored in UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    return value


def _primary_key_order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of a table as encoded JSON values, in primary-key order."""
    kinds = {c.name: _kind(c) for c in table.columns}
    query = select(table).order_by(*_primary_key_order(table))
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for row in result.mappings():
        yield {name: _encode(kinds[name], row[name]) for name in kinds}


# --- backup -----------------------------------------------------------------


def backup(engine: Engine, folder: Path) -> Summary:
    """Write every table to a new (or empty) folder, from one consistent snapshot."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder: choose a new one")
    try:
        private_folder(folder)  # 0700, files 0600: a backup holds every password hash
    except OSError as exc:
        raise BackupError(f"cannot create {folder}: {exc.strerror}") from None
    manifest_tables: dict[str, dict[str, Any]] = {}
    options: dict[str, Any] = {} if is_sqlite(engine) else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection:
        revision = current_revision(connection)
        if not revision:
            raise BackupError("the database has no Tabled schema: nothing to back up")
        for table in tables():
            manifest_tables[table.name] = _write_table(connection, table, folder)
        connection.rollback()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "created_at": datetime.now(UTC).isoformat(),
        "source": engine.dialect.name,
        "tables": manifest_tables,
    }
    with open_private(folder / MANIFEST) as out:
        out.write((json.dumps(manifest, indent=2) + "\n").encode())
    return Summary(folder, revision, {n: t["rows"] for n, t in manifest_tables.items()})


def _write_table(connection: Connection, table: Table, folder: Path) -> dict[str, Any]:
    name = f"{table.name}.jsonl"
    digest = hashlib.sha256()
    count = 0
    with open_private(folder / name) as out:
        for row in table_rows(connection, table):
            line = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            digest.update(line)
            out.write(line)
            count += 1
    return {"file": name, "rows": count, "sha256": digest.hexdigest()}


# --- restore ----------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"no backup at {folder}: it is not a folder")
    if not path.is_file():
        raise BackupError(f"no backup at {folder}: {MANIFEST} is missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"{path} is not a readable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Tabled backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {manifest.get('format_version')!r}; "
            f"this Tabled reads format {FORMAT_VERSION}"
        )
    if not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{path} lists no tables")
    return manifest


def _check_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Every table is there, whole: right file, right checksum, nothing unknown."""
    listed: dict[str, Any] = manifest["tables"]
    known = {t.name for t in tables()}
    unknown = sorted(set(listed) - known)
    if unknown:
        raise BackupError(f"the backup has tables this Tabled does not know: {', '.join(unknown)}")
    missing = sorted(known - set(listed))
    if missing:
        raise BackupError(f"the backup lacks tables: {', '.join(missing)}")
    for name, entry in listed.items():
        path = folder / str(entry.get("file", ""))
        if path.parent != folder or not path.is_file():
            raise BackupError(f"the backup lacks the file for table {name}: {path.name}")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != entry.get("sha256"):
            raise BackupError(f"{path} is corrupted (its checksum does not match the manifest)")


def _read_rows(path: Path, table: Table) -> Iterator[dict[str, Any]]:
    kinds = {c.name: _kind(c) for c in table.columns}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict) or set(raw) != set(kinds):
                    raise ValueError("its columns are not the table's")
                yield {name: _decode(kinds[name], raw[name]) for name in kinds}
            except (ValueError, TypeError) as exc:
                raise BackupError(f"{path.name} line {number}: {exc}") from None


def in_use_tables(connection: Connection) -> list[str]:
    """Tables holding rows, leaving out the seed data a new schema comes with."""
    return [
        table.name
        for table in tables()
        if table.name not in SEEDED_TABLES
        and connection.execute(select(func.count()).select_from(table)).scalar_one() > 0
    ]


def restore(engine: Engine, folder: Path) -> Summary:
    """Load a backup into an empty database of the same schema revision, in one transaction."""
    manifest = read_manifest(folder)
    wanted = str(manifest.get("schema_revision", ""))
    head = head_revision(engine)
    if wanted != head:
        raise BackupError(
            f"the backup is of schema revision {wanted or 'unknown'} but this Tabled is at "
            f"{head}: restore it with the Tabled that made it, then upgrade"
        )
    _check_files(folder, manifest)
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision and revision != head:
        raise BackupError(
            f"the database is at schema revision {revision}, not {head}: "
            "restore only into a new database"
        )
    upgrade(engine)  # a new database gets the schema first
    rows: dict[str, int] = {}
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            busy = in_use_tables(connection)
            if busy:
                raise BackupError(
                    "the database is not empty (rows in " + ", ".join(busy) + "): "
                    "restore only into a new database"
                )
            for table in reversed(tables()):
                if table.name in SEEDED_TABLES:
                    connection.execute(table.delete())
            for table in tables():
                entry = manifest["tables"][table.name]
                rows[table.name] = _load_table(connection, table, folder / entry["file"])
                if rows[table.name] != entry.get("rows"):
                    raise BackupError(
                        f"{entry['file']} has {rows[table.name]} rows, "
                        f"the manifest says {entry.get('rows')}"
                    )
            if not is_sqlite(engine):
                _reset_sequences(connection)
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise BackupError(
            f"the database refused the backup, nothing was restored: {reason}"
        ) from None
    return Summary(folder, wanted, rows)


def _load_table(connection: Connection, table: Table, path: Path) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _read_rows(path, table):
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    return count


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must continue past the largest one."""
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].autoincrement is False or _kind(keys[0]) != "plain":
            continue
        key = connection.dialect.identifier_preparer.quote(keys[0].name)
        quoted = connection.dialect.identifier_preparer.quote(table.name)
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quoted, "column": keys[0].name},
        ).scalar()
        if sequence is None:
            continue
        connection.execute(
            text(
                f"SELECT setval(:sequence, COALESCE(MAX({key}), 1), MAX({key}) IS NOT NULL) "  # noqa: S608
                f"FROM {quoted}"
            ),
            {"sequence": sequence},
        )
