"""Backups: a populated site moves SQLite -> PostgreSQL -> SQLite with every row intact,
and a bad backup or a database in use is refused in one line, with nothing loaded."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.accounts.sessions import create_session
from server.accounts.tokens import create_token, revoke_token
from server.backup import BackupError, backup, restore, tables
from server.cli import main
from server.comments.service import Answer, answer_comment, create_comment
from server.config import Settings, get_settings
from server.db import make_engine
from server.drafting import editing
from server.drafting.responses import positions_of
from server.drafting.transfer import import_text
from server.models import Reminder, Response, SignInAttempt
from server.workflow.service import take_action
from tests.conftest import PG_URL, _drop_pg_schema, _pg_engine_in_fresh_schema, add_user
from tests.http.conftest import SMALL_DRAFT, oep_text


def populate(engine: Engine) -> None:
    """A site in use: people, tokens, drafts, revisions, comments, a publication."""
    with Session(engine, expire_on_commit=False) as s:
        admin = add_user(s, "admin@example.org", "admin")
        director = add_user(s, "director@example.org", "director")
        futures = [add_user(s, f"f{i}@example.org", "member", ("futures",)) for i in (1, 2)]
        council = [
            add_user(s, f"c{i}@example.org", "member", ("advisory-council",)) for i in (1, 2)
        ]
        add_user(s, "member@example.org", "member")
        create_token(s, director.id, "laptop")
        old, _plain = create_token(s, admin.id, "old")
        s.commit()
        revoke_token(s, admin.id, old.id or 0)
        s.add(SignInAttempt(email="nobody@example.org", address="192.0.2.1"))
        create_session(s, director.id, method="password", user_agent="Firefox", address="::1")
        s.commit()

        import_text(s, director, oep_text())
        small = import_text(s, director, SMALL_DRAFT)
        s.commit()
        rid = small.id or 0
        first = positions_of(s, rid)[0]
        editing.update_position(
            s,
            director,
            rid,
            first.id,
            heading="First position, redrafted",
            body="Naïve “quotes”, a tab\tand € ß survive.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            themes_refs=["efficiency", "social-inclusion"],
            base_revision=small.revision,
        )
        s.commit()
        take_action(s, director, rid, "submit", settings=Settings())
        s.commit()
        root = create_comment(
            s, futures[0], rid, body="Say *why*.", position_id=first.id, quote="survive"
        )
        s.commit()
        create_comment(s, director, rid, body="Done.", parent_id=root.id)
        s.commit()
        answer_comment(
            s,
            director,
            root.id or 0,
            Answer(status="resolved", disposition="accepted", disposition_note="Reworded."),
        )
        s.commit()
        for reviewer in (*futures, *council):
            take_action(s, reviewer, rid, "approve", settings=Settings())
            s.commit()
        take_action(s, director, rid, "publish", settings=Settings())
        s.commit()
        s.add(Reminder(response_id=rid, round=1, sent_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
        s.commit()


def every_row(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in tables()
        }


@pytest.fixture
def sqlite_engines(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[Engine, Engine]]:
    """A migrated source database, and a target file that does not exist yet."""
    shutil.copy(sqlite_template, tmp_path / "source.db")
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    target = make_engine(f"sqlite:///{tmp_path / 'restored' / 'target.db'}")
    yield source, target
    source.dispose()
    target.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL schema: required under CI, skipped (saying why) elsewhere."""
    if not PG_URL:
        reason = "TABLED_TEST_DATABASE_URL is not set: no PostgreSQL to round-trip through"
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    engine, schema = _pg_engine_in_fresh_schema()
    yield engine
    engine.dispose()
    _drop_pg_schema(schema)


def _populated(source: Engine) -> dict[str, list[tuple[Any, ...]]]:
    populate(source)
    original = every_row(source)
    for table in (
        "user",
        "api_token",
        "sign_in_attempt",
        "user_session",
        "response",
        "position",
        "revision",
        "approval",
        "audit_event",
        "notification",
        "outbox_message",
        "reminder",
        "publication",
        "publication_file",
        "comment",
        "position_theme",
        "user_group",
    ):
        assert original[table], f"the populated site has no {table} rows"
    assert {row[1] for row in original["publication_file"]} == {"pdf", "docx", "html"}
    return original


def _restored_intact(target: Engine, via: Path, original: dict[str, list[tuple[Any, ...]]]) -> None:
    restore(target, via)
    assert every_row(target) == original
    with Session(target) as s:
        assert add_user(s, "later@example.org", "member").id is not None
        assert s.get(Response, 2).stage == "published"


def test_a_populated_site_round_trips_through_sqlite(sqlite_engines, tmp_path):
    source, target = sqlite_engines
    original = _populated(source)
    first = backup(source, tmp_path / "one")
    assert first.rows == {name: len(rows) for name, rows in original.items()}
    _restored_intact(target, tmp_path / "one", original)


def test_a_populated_site_round_trips_through_postgresql_and_back(
    sqlite_engines, pg_engine, tmp_path
):
    assert pg_engine.dialect.name == "postgresql"
    source, target = sqlite_engines
    original = _populated(source)
    backup(source, tmp_path / "one")
    restore(pg_engine, tmp_path / "one")
    assert every_row(pg_engine) == original
    second = backup(pg_engine, tmp_path / "two")
    assert second.rows == {name: len(rows) for name, rows in original.items()}
    # Explicit ids were loaded: the sequences carry on after the largest one.
    with Session(pg_engine) as s:
        newcomer = add_user(s, "new@example.org", "member")
        assert newcomer.id == max(row[0] for row in original["user"]) + 1
    # Back to SQLite from what PostgreSQL wrote.
    _restored_intact(target, tmp_path / "two", original)


@pytest.fixture
def saved(sqlite_engines, tmp_path) -> Path:
    source, _target = sqlite_engines
    with Session(source) as s:
        director = add_user(s, "director@example.org", "director")
        import_text(s, director, SMALL_DRAFT)
        s.commit()
    return backup(source, tmp_path / "saved").folder


def _refused(engine: Engine, folder: Path) -> str:
    with pytest.raises(BackupError) as caught:
        restore(engine, folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


def _nothing_loaded(engine: Engine) -> None:
    rows = every_row(engine)
    assert all(not rows[t.name] for t in tables() if t.name != "theme")


def test_a_missing_folder_or_manifest_is_refused(sqlite_engines, tmp_path):
    _source, target = sqlite_engines
    assert "no backup at" in _refused(target, tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    assert "manifest.json is missing" in _refused(target, tmp_path / "empty")


def test_a_changed_file_is_refused_before_anything_is_loaded(sqlite_engines, saved):
    _source, target = sqlite_engines
    rows = (saved / "position.jsonl").read_text(encoding="utf-8")
    (saved / "position.jsonl").write_text(rows.replace("first", "FIRST"), encoding="utf-8")
    assert "position.jsonl is corrupted" in _refused(target, saved)


def test_a_line_that_is_not_json_is_refused_and_nothing_is_kept(sqlite_engines, saved):
    _source, target = sqlite_engines
    path = saved / "revision.jsonl"
    path.write_bytes(path.read_bytes()[:-40] + b"\n")
    manifest = json.loads((saved / "manifest.json").read_text())
    manifest["tables"]["revision"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (saved / "manifest.json").write_text(json.dumps(manifest))
    message = _refused(target, saved)
    assert message.startswith("revision.jsonl line ")
    _nothing_loaded(target)  # users and positions went in first, and were rolled back


def test_a_backup_of_another_schema_revision_is_refused(sqlite_engines, saved):
    _source, target = sqlite_engines
    manifest = json.loads((saved / "manifest.json").read_text())
    manifest["schema_revision"] = "0001"
    (saved / "manifest.json").write_text(json.dumps(manifest))
    assert "schema revision 0001" in _refused(target, saved)


def test_a_database_in_use_is_never_restored_over(sqlite_engines, saved):
    source, _target = sqlite_engines
    before = every_row(source)
    message = _refused(source, saved)
    assert "not empty" in message and "user" in message
    assert every_row(source) == before


def test_backup_refuses_a_folder_that_holds_files(sqlite_engines, saved):
    source, _target = sqlite_engines
    with pytest.raises(BackupError, match="not an empty folder"):
        backup(source, saved)


def test_the_command_line_backs_up_restores_and_refuses_in_one_line(
    tmp_path, sqlite_template, monkeypatch, capsys
):
    shutil.copy(sqlite_template, tmp_path / "a.db")
    monkeypatch.setenv("TABLED_DATA_DIR", str(tmp_path / "var"))

    def tabled(db: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("TABLED_DATABASE_URL", f"sqlite:///{tmp_path / db}")
        get_settings.cache_clear()
        try:
            status = main(list(args))
        finally:
            get_settings.cache_clear()
        out, err = capsys.readouterr()
        return status, out, err

    assert (
        tabled("a.db", "users", "add", "d@example.org", "--name", "D", "--role", "director")[0] == 0
    )
    status, out, err = tabled("a.db", "backup", str(tmp_path / "bk"))
    assert status == 0 and "backed up" in out, err
    status, out, err = tabled("b.db", "restore", str(tmp_path / "bk"))
    assert status == 0 and "restored 4 rows" in out, err
    for args in (("restore", str(tmp_path / "bk")), ("restore", str(tmp_path / "nowhere"))):
        status, out, err = tabled("b.db", *args)
        assert status == 1
        assert err.startswith("tabled: ") and len(err.splitlines()) == 1
