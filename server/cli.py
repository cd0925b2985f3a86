"""The tabled command: database, users, tokens, draft files, demo and serving."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, col, select

from .accounts.tokens import create_token
from .accounts.users import actor_for, create_user, find_by_email
from .config import get_settings
from .db import DatabaseConfigError, make_engine, write_session
from .drafting.draftfile import DraftFileError
from .drafting.transfer import export_text, import_text
from .errors import DomainError
from .models import Role, User
from .routes.params import parse_id
from .workflow.definitions import WorkflowError, load_workflow_file
from .workflow.registry import use_folder


class CliError(Exception):
    """Shown as one line on stderr, with exit status 1."""


def _id(text: str) -> int:
    """An id argument, read as the web app reads ids (routes/params.py)."""
    try:
        return parse_id(text, "the id")
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def number(text: str) -> int:
        if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}")
        return int(text)

    return number


def _engine() -> Engine:
    return make_engine(get_settings().database_url)


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    from .migrate import upgrade

    upgrade(_engine())
    print("database is up to date")


def cmd_users_add(args: argparse.Namespace) -> None:
    with write_session(_engine()) as session:
        user = create_user(
            session,
            email=args.email,
            name=args.name,
            role=args.role,
            groups=args.group or [],
            password=args.password,
        )
        session.commit()
        print(f"added {user.email} ({user.role}) with id {user.id}")


def cmd_users_sign_in_link(args: argparse.Namespace) -> None:
    from .accounts.links import make_sign_in_link

    with write_session(_engine()) as session:
        user, url = make_sign_in_link(session, args.email, base_url=get_settings().base_url)
        session.commit()
    print(f"a one-time sign-in link for {user.email}, valid for 15 minutes:")
    print(url)


def cmd_tokens_create(args: argparse.Namespace) -> None:
    with write_session(_engine()) as session:
        user = find_by_email(session, args.email)
        if user is None or user.id is None:
            raise CliError(f"no user with email {args.email}")
        _token, plain = create_token(session, user.id, args.label or "created on the command line")
        session.commit()
    print(plain)


def _default_owner(session: Session) -> User:
    query = (
        select(User)
        .where(col(User.role).in_([Role.DIRECTOR, Role.ADMIN]), col(User.active).is_(True))
        .order_by(col(User.id))
    )
    for user in session.exec(query):
        if user.role == Role.DIRECTOR:
            return user
    admin = session.exec(query).first()
    if admin is None:
        raise CliError(
            "no director or admin to own the response: add one with "
            "'tabled users add' or pass --owner EMAIL"
        )
    return admin


def cmd_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if path.suffix.lower() == ".docx":
        _import_word(args, path)
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    with write_session(_engine()) as session:
        if args.owner:
            owner = find_by_email(session, args.owner)
            if owner is None:
                raise CliError(f"no user with email {args.owner}")
        else:
            owner = _default_owner(session)
        try:
            response = import_text(session, actor_for(session, owner), text)
        except DraftFileError as exc:
            session.rollback()
            raise CliError(f"{path}: {exc}") from None
        session.commit()
    print(response.id)


def _import_word(args: argparse.Namespace, path: Path) -> None:
    """A Word file: converted before the write transaction, then created all or nothing."""
    from .drafting.transfer import import_draft
    from .drafting.wordimport import read_word

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    try:
        word = read_word(data, track=args.track_changes, level=args.level)
    except DomainError as exc:
        raise CliError(f"{path}: {exc.message}") from None
    for warning in word.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    with write_session(_engine()) as session:
        owner = find_by_email(session, args.owner) if args.owner else _default_owner(session)
        if owner is None:
            raise CliError(f"no user with email {args.owner}")
        try:
            response = import_draft(session, actor_for(session, owner), word.draft)
        except (DraftFileError, DomainError) as exc:
            session.rollback()
            raise CliError(f"{path}: {getattr(exc, 'problem', None) or exc}") from None
        session.commit()
    print(response.id)


def cmd_export(args: argparse.Namespace) -> None:
    with write_session(_engine()) as session:
        text = export_text(session, args.id)
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)


def cmd_demo(args: argparse.Namespace) -> None:
    from .demo import DemoRefused, is_empty, load_demo, logins_text

    if args.if_empty and not is_empty(_engine()):
        print("the database already has data; the demo was not loaded")
        print(logins_text())
        return
    try:
        settings = get_settings()
        ids = load_demo(_engine(), settings.drafts_dir, settings)
    except DemoRefused as exc:
        raise CliError(str(exc)) from None
    print(f"loaded the demo: {len(ids)} responses")
    print(logins_text())


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from .workflow.registry import workflows

    workflows()  # refuse to start on an invalid workflow, with its one-line error
    _engine().dispose()  # a bad database URL stops us here, not on the first request
    uvicorn.run(
        "server.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        # Several workers lose TCP_NODELAY in uvicorn (40 ms per request): see serving.py.
        http="server.serving:NoDelayH11Protocol" if args.workers > 1 else "auto",
        proxy_headers=True,
        log_level="info",
        access_log=False,  # our request log (server/observability.py) has the request id
        # uvicorn kills a worker that misses a 5 s ping, and a worker still importing the
        # app on a busy host misses it: it would be killed and restarted over and over.
        timeout_worker_healthcheck=30,
    )


def cmd_remind(args: argparse.Namespace) -> None:
    from .notifications.service import send_due_reminders

    settings = get_settings()
    with write_session(_engine()) as session:
        count = send_due_reminders(session, settings.base_url, zone=settings.zone)
        session.commit()
    print(f"reminded {count} reviewers")
    cmd_mail(args)


def cmd_digest(args: argparse.Namespace) -> None:
    from .notifications.digest import send_digests

    settings = get_settings()
    with write_session(_engine()) as session:
        count = send_digests(session, settings.base_url)
        session.commit()
    print(f"queued {count} digest emails")
    cmd_mail(args)


def cmd_mail(args: argparse.Namespace) -> None:
    from .notifications.mailer import deliver_due

    settings = get_settings()
    if not settings.smtp_host:
        print("no SMTP server is configured (TABLED_SMTP_HOST): emails wait in the outbox")
        return
    done = deliver_due(_engine(), settings)
    print(f"{done.sent} emails sent, {done.failed} failed (retried later or given up)")
    if done.unavailable:
        raise CliError(f"emails wait for their next attempt: {done.unavailable}")


def cmd_backup(args: argparse.Namespace) -> None:
    from .backup import BackupError, backup

    try:
        summary = backup(_engine(), Path(args.dir))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"backed up {summary.total} rows in {len(summary.rows)} tables to {summary.folder}")


def cmd_restore(args: argparse.Namespace) -> None:
    from .backup import BackupError, restore

    try:
        summary = restore(_engine(), Path(args.dir))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"restored {summary.total} rows in {len(summary.rows)} tables from {summary.folder}")


def cmd_workflows_check(args: argparse.Namespace) -> None:
    for name in args.files:
        workflow = load_workflow_file(Path(name))
        print(f"{name}: ok ({len(workflow.stages)} stages)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tabled", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="create or upgrade the schema").set_defaults(func=cmd_db_upgrade)

    users = sub.add_parser("users", help="user accounts").add_subparsers(dest="u", required=True)
    add = users.add_parser("add", help="add a user")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help="admin, director or member")
    add.add_argument("--group", action="append", help="a review group; repeat for more")
    add.add_argument(
        "--password",
        help="at least 10 characters; without one the user cannot sign in until an admin sets one",
    )
    add.set_defaults(func=cmd_users_add)
    link = users.add_parser(
        "sign-in-link",
        help="print a one-time link (15 minutes) that signs an active user in, even with "
        "password sign-in off: the way back in when single sign-on fails",
    )
    link.add_argument("email")
    link.set_defaults(func=cmd_users_sign_in_link)

    tokens = sub.add_parser("tokens", help="API tokens").add_subparsers(dest="t", required=True)
    create = tokens.add_parser("create", help="print a new API token for a user")
    create.add_argument("email")
    create.add_argument("--label", default="")
    create.set_defaults(func=cmd_tokens_create)

    imp = sub.add_parser("import", help="import a draft file or a Word .docx as a new response")
    imp.add_argument("file")
    imp.add_argument("--owner", help="email of the owning director (default: the first)")
    imp.add_argument(
        "--track-changes",
        choices=("accept", "reject"),
        default="accept",
        help="Word files: accept or reject the tracked changes in them",
    )
    imp.add_argument(
        "--level",
        type=int,
        choices=range(1, 7),
        default=None,
        help="Word files: the heading level that starts a position (default: found)",
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="write a response as a draft file")
    exp.add_argument("id", type=_id)
    exp.add_argument("-o", "--output", help="file to write (default: stdout)")
    exp.set_defaults(func=cmd_export)

    demo = sub.add_parser("demo", help="load demo users and drafts into an empty database")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (and succeed) when the database has data already",
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_bounded(1, 65535), default=8000)
    serve.add_argument("--workers", type=_bounded(1, 64), default=1)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser(
        "remind",
        help="email reviewers whose deadline is two days away (run it daily, e.g. from cron)",
    ).set_defaults(func=cmd_remind)

    sub.add_parser(
        "digest",
        help="email each person who chose a daily digest what waited for it (run it daily)",
    ).set_defaults(func=cmd_digest)

    sub.add_parser(
        "mail", help="send the emails that are due (the server does it too; for cron)"
    ).set_defaults(func=cmd_mail)

    bak = sub.add_parser("backup", help="write every table to a new folder (JSON Lines)")
    bak.add_argument("dir")
    bak.set_defaults(func=cmd_backup)

    res = sub.add_parser("restore", help="load a backup folder into an empty database")
    res.add_argument("dir")
    res.set_defaults(func=cmd_restore)

    wf = sub.add_parser("workflows", help="workflow files").add_subparsers(dest="w", required=True)
    check = wf.add_parser("check", help="validate workflow files")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=cmd_workflows_check)
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], None] = args.func
    try:
        # The command line's settings are the environment's, read once here.
        use_folder(get_settings().workflows_dir)
        func(args)
    except (CliError, DomainError, DatabaseConfigError, WorkflowError) as exc:
        print(f"tabled: {_one_line(exc)}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(
            f"tabled: cannot use the database: {_one_line(exc.orig or exc)[:300]}", file=sys.stderr
        )
        return 1
    except SQLAlchemyError as exc:
        print(f"tabled: database error: {_one_line(exc)[:300]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tabled: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or a case not foreseen: still one line, not a traceback
        if os.environ.get("TABLED_TRACEBACK"):
            raise
        print(
            f"tabled: unexpected {type(exc).__name__}: {_one_line(exc)[:300]} "
            "(set TABLED_TRACEBACK=1 to see where)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
