"""Log lines cannot be forged through a request path; links in the feed come from
TABLED_BASE_URL, never from the Host header a client sends."""

from __future__ import annotations

import io
import json
import re
import sys
import xml.etree.ElementTree as ET

from server.app import create_app
from server.observability import escape_log
from tests.conftest import Web

LINE_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ tabled")
FORGED = "2026-12-01 09:00:00,000 INFO tabled.request POST /admin/users 303 1.0ms"


def _stderr(monkeypatch) -> io.StringIO:  # type: ignore[no-untyped-def]
    """The app's log handler writes to sys.stderr as it is when the app is made: a
    stream of the test's own, whatever the test runner does with the real one."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_a_newline_in_the_path_cannot_start_a_log_line_of_its_own(settings, engine, monkeypatch):
    stderr = _stderr(monkeypatch)
    app = create_app(settings, engine)
    with Web(app, base_url="http://testserver") as client:
        client.get("/library%0A" + FORGED.replace(" ", "%20"))
    lines = [line for line in stderr.getvalue().splitlines() if line]
    assert lines, "the request was logged"
    assert all(LINE_START.match(line) for line in lines), lines
    [logged] = [line for line in lines if "/library" in line]
    assert "/library\\x0a2026-12-01" in logged


def test_json_log_lines_stay_one_line_each_and_carry_the_path_as_sent(
    settings, engine, monkeypatch
):
    stderr = _stderr(monkeypatch)
    app = create_app(settings.model_copy(update={"log_json": True}), engine)
    with Web(app, base_url="http://testserver") as client:
        client.get("/themes%0D%0Aforged")
    entries = [json.loads(line) for line in stderr.getvalue().splitlines() if line]
    [entry] = [e for e in entries if e.get("path", "").startswith("/themes")]
    assert entry["path"] == "/themes\r\nforged"  # JSON escapes it within the line


def test_log_escaping_keeps_ordinary_text_and_marks_the_rest():
    assert escape_log("/responses/12/comments") == "/responses/12/comments"
    assert escape_log("/café/résumé") == "/café/résumé"
    assert escape_log("a\\b") == "a\\\\b"  # so an escape in the log is never ambiguous
    assert escape_log("\x1b[31mred") == "\\x1b[31mred"
    assert escape_log("line\u2028separator") == "line\\u2028separator"
    assert escape_log("\U000e0041") == "\\U000e0041"


def test_the_feed_links_to_the_configured_address_whatever_the_host_header(
    settings, engine, browser_for, people
):
    app = create_app(
        settings.model_copy(update={"base_url": "https://briefings.example.org/"}), engine
    )
    with Web(app, base_url="http://testserver") as client:
        client.sign_in(people.member.email)
        feed = client.get("/library/feed.xml", headers={"Host": "attacker.example"})
    assert feed.status_code == 200
    assert "attacker.example" not in feed.text
    root = ET.fromstring(feed.content)  # noqa: S314  (our own output)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [link.get("href") for link in root.findall(f"{atom}link")]
    assert links == [
        "https://briefings.example.org/library/feed.xml",
        "https://briefings.example.org/library",
    ]
