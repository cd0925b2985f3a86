"""Files that hold secrets are made for their owner alone: the SQLite database and its
-wal and -shm files, the generated secret key and backups are 0600, their folders 0700."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from server.backup import backup
from server.config import Settings
from server.db import make_engine
from server.migrate import upgrade


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default, under which files used to come out world-readable."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_sqlite_database_and_its_wal_and_shm_files_are_private(tmp_path):
    path = tmp_path / "var" / "tabled.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        connection.commit()
        for name in ("tabled.db", "tabled.db-wal", "tabled.db-shm"):
            assert _mode(path.parent / name) == 0o600, name
    engine.dispose()
    assert _mode(path.parent) == 0o700


def test_the_generated_secret_key_is_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "var", secret_key="")
    key = settings.resolved_secret_key()
    assert len(key) > 40
    assert _mode(tmp_path / "var" / "secret_key") == 0o600
    assert _mode(tmp_path / "var") == 0o700
    assert settings.resolved_secret_key() == key


def test_a_backup_folder_and_every_file_in_it_are_private(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'site.db'}")
    upgrade(engine)
    folder = tmp_path / "backups" / "today"
    backup(engine, folder)
    engine.dispose()
    assert _mode(folder) == 0o700
    files = list(folder.iterdir())
    assert any(f.name == "manifest.json" for f in files)
    assert all(_mode(f) == 0o600 for f in files), {f.name: oct(_mode(f)) for f in files}
