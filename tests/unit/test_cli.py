"""The tabled command, run as a user runs it: exit codes and one-line errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLED = Path(sys.executable).parent / "tabled"
OEP = ROOT / "drafts" / "operational-efficiency-programme.md"


@pytest.fixture
def run(tmp_path):
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "TABLED_DATA_DIR": str(tmp_path / "var"),
    }

    def call(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(TABLED), *args], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=60
        )
        if ok:
            assert done.returncode == 0, done.stderr
        else:
            assert done.returncode != 0
            assert "Traceback" not in done.stderr
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        return done

    call("db", "upgrade")
    return call


def test_db_upgrade_is_idempotent(run):
    assert "up to date" in run("db", "upgrade").stdout


def test_users_add_then_duplicate_and_unknown_role_fail_in_one_line(run):
    run(
        "users",
        "add",
        "dana@example.org",
        "--name",
        "Dana",
        "--role",
        "director",
        "--password",
        "long-enough-pw",
    )
    dup = run("users", "add", "dana@example.org", "--name", "Dana", "--role", "director", ok=False)
    assert "already exists" in dup.stderr
    bad = run("users", "add", "x@example.org", "--name", "X", "--role", "boss", ok=False)
    assert "unknown role" in bad.stderr


def test_tokens_create_prints_the_token_last(run):
    run("users", "add", "m@example.org", "--name", "M", "--role", "member")
    token = run("tokens", "create", "m@example.org").stdout.strip().splitlines()[-1]
    assert token.startswith("tbl_") and len(token) > 30
    assert "no user" in run("tokens", "create", "nobody@example.org", ok=False).stderr


def test_import_then_export_then_import_gives_the_same_response(run, tmp_path):
    run("users", "add", "d@example.org", "--name", "D", "--role", "director")
    first = run("import", str(OEP)).stdout.strip().splitlines()[-1]
    exported = tmp_path / "out.md"
    run("export", first, "-o", str(exported))
    second = run("import", str(exported)).stdout.strip().splitlines()[-1]
    assert first != second
    a = run("export", first).stdout
    b = run("export", second).stdout
    assert a == b
    assert a.count("\n## ") >= 6


def test_a_broken_draft_names_its_line_and_imports_nothing(run, tmp_path):
    run("users", "add", "d@example.org", "--name", "D", "--role", "director")
    broken = tmp_path / "broken.md"
    broken.write_text(OEP.read_text().replace("Themes: efficiency", "Themes: wellbeing", 1))
    failed = run("import", str(broken), ok=False)
    assert "unknown theme 'wellbeing'" in failed.stderr and "line " in failed.stderr
    assert "no response with id 1" in run("export", "1", ok=False).stderr
    workflow = tmp_path / "wf.md"
    workflow.write_text(OEP.read_text().replace("workflow: socitm-policy", "workflow: nope"))
    assert "unknown workflow 'nope'" in run("import", str(workflow), ok=False).stderr
    assert "cannot read" in run("import", str(tmp_path / "missing.md"), ok=False).stderr


def test_demo_loads_once_and_if_empty_is_quiet_afterwards(run, tmp_path):
    out = run("demo").stdout
    assert "director@example.org" in out and "loaded the demo: 5 responses" in out
    # A newcomer sees every stage without signing in four times to make them.
    with sqlite3.connect(tmp_path / "cli.db") as db:
        stages = sorted(s for (s,) in db.execute("SELECT stage FROM response"))
        versions = db.execute("SELECT version FROM publication ORDER BY version").fetchall()
        annex = db.execute("SELECT snapshot FROM publication WHERE version = 2").fetchone()[0]
        reviewed = db.execute(
            "SELECT c.suggestion != '', c.status, c.parent_id IS NOT NULL FROM comment c "
            "JOIN response r ON r.id = c.response_id WHERE r.stage = 'futures-review'"
        ).fetchall()
    assert stages == ["council-review", "draft", "draft", "futures-review", "published"]
    assert versions == [(1,), (2,)]  # version 1 superseded by version 2
    assert '"annex"' in annex
    assert (1, "open", 0) in reviewed  # a suggested edit waiting for an answer
    assert (0, "resolved", 0) in reviewed  # an answered thread
    assert any(reply for _s, _st, reply in reviewed)
    assert "already has users" in run("demo", ok=False).stderr
    assert "not loaded" in run("demo", "--if-empty").stdout


def test_a_bad_database_url_is_one_line(run, tmp_path):
    env_url = "mysql://nowhere/db"
    done = subprocess.run(
        [str(TABLED), "db", "upgrade"],
        capture_output=True,
        text=True,
        env={**os.environ, "TABLED_DATABASE_URL": env_url},
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("tabled: unsupported database")


def test_workflows_check_reports_a_broken_file(run, tmp_path):
    good = run("workflows", "check", str(ROOT / "workflows" / "socitm-policy.yaml")).stdout
    assert "ok (5 stages)" in good
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ninitial: draft\nstages:\n  draft:\n    kind: draft\n    actions: {}\n"
    )
    assert "no published stage" in run("workflows", "check", str(bad), ok=False).stderr


def test_workflows_check_refuses_a_quorum_where_nothing_is_approved(run, tmp_path):
    """A quorum on a stage without an approval would never be counted: refused."""
    text = (ROOT / "workflows" / "socitm-policy.yaml").read_text()
    bad = tmp_path / "socitm-policy.yaml"
    bad.write_text(text.replace("    kind: approved\n", "    kind: approved\n    quorum: 2\n"))
    refused = run("workflows", "check", str(bad), ok=False).stderr
    assert "sets a quorum but is not a review stage" in refused
    assert len(refused.strip().splitlines()) == 1 and "Traceback" not in refused


def test_the_server_refuses_to_start_on_an_invalid_workflow(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "broken.yaml").write_text(
        "name: broken\ninitial: draft\nstages:\n  draft:\n    kind: draft\n    actions:\n"
        "      submit: {kind: advance, who: owner, to: limbo}\n"
    )
    env = {
        **os.environ,
        "TABLED_WORKFLOWS_DIR": str(flows),
        "TABLED_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    done = subprocess.run(
        [str(TABLED), "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    assert "broken.yaml:4: action 'submit' of stage 'draft' goes to unknown stage 'limbo'" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("front", "words"),
    [
        ("responding_to: {title: r, date: 2009-13-45}", "'2009-13-45' is not YYYY-MM-DD"),
        ("responding_to: {title: r}\nx: " + "[" * 5000 + "]" * 5000, "nested more than 20"),
        (
            "responding_to: {title: r}\nx:\n"
            + "".join("  " * (n + 1) + "a:\n" for n in range(5000)),
            "nested more than 20",
        ),
    ],
)
def test_an_unreadable_front_matter_is_one_line_and_imports_nothing(run, tmp_path, front, words):
    run("users", "add", "d@example.org", "--name", "D", "--role", "director")
    broken = tmp_path / "broken.md"
    broken.write_text(f"---\ntitle: t\n{front}\n---\n\n## P\n\nText.\n")
    failed = run("import", str(broken), ok=False)
    assert failed.returncode == 1
    assert words in failed.stderr
    assert "no response with id 1" in run("export", "1", ok=False).stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("export", "٣"), "digits 0-9"),
        (("export", "0"), "between 1 and"),
        (("serve", "--port", "99999"), "from 1 to 65535"),
        (("serve", "--workers", "0"), "from 1 to 64"),
    ],
)
def test_bad_numbers_on_the_command_line_are_refused_before_anything_runs(run, args, words):
    done = subprocess.run(
        [str(TABLED), *args], capture_output=True, text=True, timeout=30, env=os.environ
    )
    assert done.returncode == 2  # argparse's usage error
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_word_draft_imports_from_the_command_line_and_a_broken_one_is_one_line(run, tmp_path):
    from tests.wordfiles import draft_docx

    run("users", "add", "d@example.org", "--name", "D", "--role", "director")
    word = tmp_path / "draft.docx"
    word.write_bytes(draft_docx("From Word", [("One", ["First."]), ("Two", ["Second."])]))
    made = run("import", str(word), "--owner", "d@example.org").stdout.strip().splitlines()[-1]
    exported = run("export", made).stdout
    assert "title: From Word" in exported and "## One" in exported and "## Two" in exported
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "encrypted" in run("import", str(broken), ok=False).stderr
