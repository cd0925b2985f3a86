"""Operations: health and readiness, request ids, security headers."""

from __future__ import annotations

import json
import logging

from sqlalchemy import create_engine

from server.app import create_app
from server.observability import JsonFormatter


def test_readyz_says_ready_when_the_database_answers(web):
    reply = web.get("/readyz")
    assert reply.status_code == 200 and reply.json() == {"status": "ready"}


def test_readyz_is_503_with_a_reason_when_the_database_is_gone(settings, tmp_path):
    broken = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    app = create_app(settings, broken)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.json()["detail"].startswith("database unavailable")
    assert client.get("/healthz").status_code == 200


def test_every_answer_carries_a_request_id_and_keeps_a_sane_one_from_a_proxy(web):
    made = web.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    assert (
        web.get("/healthz", headers={"X-Request-ID": "edge-42"}).headers["x-request-id"]
        == "edge-42"
    )
    hostile = web.get("/healthz", headers={"X-Request-ID": "bad\nid<script>"})
    assert hostile.headers["x-request-id"] != "bad\nid<script>"


def test_request_log_lines_are_json_with_the_request_id(web, caplog):
    # caplog listens on the logger itself, so the app's own handler and the
    # logger's propagation (which later log tests rely on) are left as they are.
    with caplog.at_level(logging.INFO, logger="tabled.request"):
        web.get("/healthz", headers={"X-Request-ID": "trace-1"})
    record = next(r for r in caplog.records if r.name == "tabled.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-1" and line["status"] == 200 and line["path"] == "/healthz"


def test_pages_send_security_headers(web):
    reply = web.get("/login")
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "same-origin"
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
