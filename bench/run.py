"""make bench: Tabled under load, the way a user runs it, on SQLite and on PostgreSQL.

For each engine this starts `tabled serve` as its own process on a fresh database
(SQLite in a temporary folder; PostgreSQL in a database made for the run and dropped
after it, served by two workers), seeds it - a director and reviewers, a response of
60 positions with 500 comments, responses ready to publish - and then drives it from
another process on loopback: `wrk` when it is installed, else bench/load.py. It
measures, in the same run:

- /healthz requests/s, the baseline every other throughput is divided by;
- the response page (60 positions, 500 comments) requests/s (target >= 0.4 x /healthz);
- comment posting requests/s (no target; its ratio is shown);
- the time to publish a 60-position response over the API (target < 0.5 s);
- PDF download requests/s (target >= 0.5 x /healthz);
- a burst of 100 comment posts sent at the same moment from 100 clients: the wall
  time, the slowest answer, the status counts, and whether each was stored once;
- the server's memory (VmRSS and peak VmHWM of the server and its workers).

It prints a table and writes the figures to bench/results/<timestamp>.json.

    .venv/bin/python bench/run.py [--engine sqlite|postgresql|both] [--duration S]
                                  [--only healthz,page,comment,publish,pdf,burst]
                                  [--pg-workers N]

--only measures a subset (/healthz always: it is the baseline); by default, everything.

PostgreSQL: TABLED_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1/
postgres) is the server to make the throwaway database on; when it cannot be reached
the PostgreSQL half is skipped with a note."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH)]

import httpx2  # noqa: E402
from publish import PARAGRAPH  # noqa: E402  (bench/publish.py: the same position text)

BIN = Path(sys.executable).parent
TABLED = BIN / "tabled"
RESULTS = BENCH / "results"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1/postgres"

POSITIONS = 60
COMMENTS = 500  # 300 on positions (120 of them quoting a passage), 150 replies, 50 general
PUBLISHES = 3  # responses published one after another; the median time is reported
CONNECTIONS = 20  # as in shared/NOTES.md: wrk, 2 threads, 20 connections
THREADS = 2
MAX_POSTS = 4000  # comment posting stops here even if time is left
# The response page is heavy (about 2 MB of HTML for the owner): 4 connections keep
# one or two workers busy; it is also measured at 20, where it collapses (README).
PAGE_CONNECTIONS = 4

THEMES = ("climate-change", "social-inclusion", "efficiency")
USERS = (  # email, name, role, groups
    ("director@bench.example", "Dana Director", "director", ()),
    ("futures1@bench.example", "Farah Futures", "member", ("futures",)),
    ("futures2@bench.example", "Felix Futures", "member", ("futures",)),
    ("council1@bench.example", "Cora Council", "member", ("advisory-council",)),
    ("council2@bench.example", "Colin Council", "member", ("advisory-council",)),
)
TOOL = "wrk"  # or "python": set from --load in main()
# The page: issue 12; publishing: issue 17 (0.5 s median, 60 positions); the PDF: issue 5.
TARGETS = {"page_ratio": 0.4, "pdf_ratio": 0.5, "publish_seconds": 0.5}
MEASURES = ("healthz", "page", "comment", "publish", "pdf", "burst")
BURST = 100  # simultaneous comment posts, one client (and connection) each


def say(message: str) -> None:
    print(message, flush=True)


# -- the draft ------------------------------------------------------------------------


def passage(n: int) -> str:
    """A sentence found once in position n: what the quoting comments quote."""
    return f"In area {n}, councils should publish the energy use of each service"


def position_body(n: int) -> str:
    return (
        f"{passage(n)} every quarter, beside its cost.\n\n{PARAGRAPH}\n\n"
        f"- one point\n- another point[^n]\n\n[^n]: A note.\n\n"
        f"| Measure | Why |\n|---|---|\n| kWh | cost |\n\n{PARAGRAPH}"
    )


def draft_text(title: str) -> str:
    lines = [
        "---",
        f"title: {title}",
        "responding_to:",
        '  title: "A long consultation"',
        "  publisher: HM Treasury",
        "  date: 2009-04-22",
        "summary: >-",
        f"  {PARAGRAPH}",
        "workflow: socitm-policy",
        "---",
        "",
    ]
    for n in range(1, POSITIONS + 1):
        themes = f"{THEMES[n % 3]}, {THEMES[(n + 1) % 3]}"
        lines += [f"## Position {n}: measure what matters", "", f"Themes: {themes}", ""]
        lines += [position_body(n), ""]
    return "\n".join(lines)


def comment_body(k: int) -> str:
    if k % 4 == 0:
        return (
            f"Comment {k}. We agree in principle, but:\n\n- the **cost** figures need a source;\n"
            f"- see [the evidence](https://example.org/evidence/{k}).\n\nCould we say more?"
        )
    return f"Comment {k}: this should mention *procurement* and say who pays for it."


# -- processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_tabled(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [str(TABLED), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(f"tabled {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def pids(self) -> list[int]:
        """The server and every process under it (uvicorn's workers)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                with suppress(OSError):
                    todo += [int(c) for c in task.read_text().split()]
        return found

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            with suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def memory(self) -> dict[str, Any]:
        processes = []
        for pid in self.pids():
            status: dict[str, int] = {}
            with suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        status[key] = int(value.split()[0])  # kB
            if status:
                processes.append({"pid": pid, "rss_kib": status["VmRSS"],
                                  "peak_kib": status["VmHWM"]})  # fmt: skip
        return {
            "processes": processes,
            "rss_mib": round(sum(p["rss_kib"] for p in processes) / 1024, 1),
            "peak_mib": round(sum(p["peak_kib"] for p in processes) / 1024, 1),
        }


@contextmanager
def serving(env: dict[str, str], log: Path, workers: int) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(TABLED), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, url, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise SystemExit(f"tabled serve exited early:\n{log.read_text()[-2000:]}")
            with suppress(httpx2.HTTPError):
                if httpx2.get(f"{url}/healthz", timeout=1, trust_env=False).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"tabled serve did not answer in 30 s:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)
        if workers > 1:  # every worker answers before we measure
            while len(server.pids()) < workers + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- load -----------------------------------------------------------------------------


@dataclass
class Load:
    """One measurement: requests sent in turn with the same headers."""

    name: str
    requests: list[dict[str, Any]]
    headers: dict[str, str] = field(default_factory=dict)
    max_requests: int = 0  # 0: only the time bounds it
    connections: int = CONNECTIONS


def lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


WRK_SCRIPT = """
local specs = {%(specs)s}
local headers = {%(headers)s}
local limit = %(limit)d
local built, turn, answered = {}, 0, 0

function init(args)
  for k, s in ipairs(specs) do
    built[k] = wrk.format(s[1], s[2], headers, s[3])
  end
end

function request()
  turn = turn %% #built + 1
  return built[turn]
end
%(response)s
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %%d, "micros": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50": %%.3f, "p90": %%.3f, "p99": %%.3f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
"""

WRK_LIMIT = """
function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end
"""


def run_wrk(url: str, load: Load, seconds: float, folder: Path) -> dict[str, Any]:
    specs = ", ".join(
        "{" + ", ".join([lua_string(r.get("method", "GET")), lua_string(r["path"]),
                         lua_string(r["body"]) if r.get("body") is not None else "nil"]) + "}"
        for r in load.requests
    )  # fmt: skip
    headers = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in load.headers.items())
    threads = min(THREADS, load.connections)
    per_thread = -(-load.max_requests // threads) if load.max_requests else 0
    script = folder / f"{load.name.replace(' ', '-')}.lua"
    script.write_text(WRK_SCRIPT % {
        "specs": specs, "headers": headers, "limit": per_thread,
        "response": WRK_LIMIT if per_thread else "",
    })  # fmt: skip
    done = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", f"-t{threads}", f"-c{load.connections}",
         f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed: {done.stdout}{done.stderr}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "tool": "wrk",
        "requests": raw["requests"],
        "seconds": round(raw["micros"] / 1e6, 3),
        "bad_status": raw["status"],
        "errors": socket_errors,
        "latency_ms": {"p50": raw["p50"], "p90": raw["p90"], "p99": raw["p99"]},
    }


def run_python(url: str, load: Load, seconds: float, folder: Path) -> dict[str, Any]:
    spec = folder / f"{load.name.replace(' ', '-')}.json"
    requests = [{**r, "headers": load.headers} for r in load.requests]
    spec.write_text(json.dumps({
        "url": url, "requests": requests, "duration": seconds, "connections": load.connections,
        "max_requests": load.max_requests,
    }))  # fmt: skip
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(BENCH / "load.py"), str(spec)],
        capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench/load.py failed: {done.stderr.strip()[-2000:]}")
    raw = json.loads(done.stdout)
    raw["bad_status"] = sum(n for s, n in raw.pop("statuses").items() if not s.startswith("2"))
    return raw


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    server: Server, load: Load, seconds: float, folder: Path, warmup: float = 0
) -> dict[str, Any]:
    runner = run_wrk if TOOL == "wrk" else run_python
    if warmup:  # templates compiled, caches filled, every worker's connections open
        runner(server.url, Load(load.name + "-warmup", load.requests, load.headers,
                                connections=load.connections), warmup, folder)  # fmt: skip
    client_before, server_before = children_cpu(), server.cpu_seconds()
    result = runner(server.url, load, seconds, folder)
    wall = result["seconds"] or seconds
    result["rps"] = round(result["requests"] / wall, 1) if wall else 0.0
    result["client_cpu"] = round((children_cpu() - client_before) / wall, 2)
    result["server_cpu"] = round((server.cpu_seconds() - server_before) / wall, 2)
    if result["bad_status"] or result["errors"]:
        say(f"  ! {load.name}: {result['bad_status']} bad answers, "
            f"{result['errors']} socket errors")  # fmt: skip
    result["connections"] = load.connections
    say(
        f"  {load.name:<18} {result['rps']:>8.1f} req/s  p50 {result['latency_ms']['p50']} ms"
        f"  (server CPU {result['server_cpu']:.2f}, load CPU {result['client_cpu']:.2f} cores)"
    )
    return result


# -- seeding --------------------------------------------------------------------------


@dataclass
class Seeded:
    tokens: dict[str, str]  # email -> API token
    page_id: int
    publish_ids: list[int]


def seed_database(database_url: str) -> Seeded:
    """Users, tokens and draft responses, through the service layer the CLI uses."""
    from server.accounts.tokens import create_token
    from server.accounts.users import actor_for, create_user
    from server.db import make_engine, write_session
    from server.drafting.transfer import import_text

    engine = make_engine(database_url)
    try:
        with write_session(engine) as session:
            tokens = {}
            director = None
            for email, name, role, groups in USERS:
                user = create_user(session, email=email, name=name, role=role, groups=groups)
                assert user.id is not None
                tokens[email] = create_token(session, user.id, "bench")[1]
                director = director or user
            assert director is not None
            owner = actor_for(session, director)
            page = import_text(session, owner, draft_text("Response with 500 comments"))
            published = [
                import_text(session, owner, draft_text(f"Response to publish {k}"))
                for k in range(1, PUBLISHES + 1)
            ]
            session.commit()
            return Seeded(tokens, page.id or 0, [r.id or 0 for r in published])
    finally:
        engine.dispose()


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.client = httpx2.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60,
            trust_env=False,
        )  # fmt: skip

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        reply = self.client.request(method, path, json=body)
        if reply.status_code != expect:
            raise SystemExit(f"{method} {path}: {reply.status_code} {reply.text[:500]}")
        return reply.json() if reply.content else None

    def act(self, response_id: int, action: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "POST", f"/api/v1/responses/{response_id}/actions", {"action": action}
        )
        return result


def in_parallel(jobs: list[Callable[[], Any]], threads: int = 4) -> list[Any]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda job: job(), jobs))


def seed_comments(url: str, seeded: Seeded) -> None:
    """500 comments over the API (as the reviewers and the director would post them)."""
    tokens = seeded.tokens
    local = threading.local()
    rid = seeded.page_id

    def api(email: str) -> Api:
        clients = local.__dict__.setdefault("clients", {})
        if email not in clients:
            clients[email] = Api(url, tokens[email])
        return clients[email]

    director = Api(url, tokens["director@bench.example"])
    positions = director.call("GET", f"/api/v1/responses/{rid}")["positions"]
    director.act(rid, "submit")  # into Futures review: the Futures group may comment
    writers = ["futures1@bench.example", "futures2@bench.example", "director@bench.example"]
    path = f"/api/v1/responses/{rid}/comments"

    def post(k: int, body: dict[str, Any]) -> Callable[[], int]:
        def job() -> int:
            made = api(writers[k % 3]).call("POST", path, {"body": comment_body(k), **body}, 201)
            return int(made["id"])

        return job

    jobs = []
    for n, position in enumerate(positions, start=1):
        for j in range(5):
            k = len(jobs)
            quote = {"quote": passage(n)} if j < 2 else {}
            jobs.append(post(k, {"position_id": position["id"], **quote}))
    jobs += [post(len(jobs) + i, {}) for i in range(50)]
    roots = in_parallel(jobs)
    replies = [post(1000 + i, {"parent_id": roots[(i * 7) % 300]}) for i in range(150)]
    in_parallel(replies)
    answers = [
        (lambda cid=roots[5 * i]: director.call(
            "PATCH", f"/api/v1/comments/{cid}",
            {"disposition": "accepted", "disposition_note": "Added to the next draft."}))
        for i in range(POSITIONS)
    ]  # fmt: skip
    in_parallel(answers, threads=1)
    count = len(director.call("GET", path))
    assert count == COMMENTS, f"expected {COMMENTS} comments, found {count}"


def burst(url: str, seeded: Seeded) -> dict[str, Any]:
    """BURST comment posts released at one moment, each from its own client."""
    token = seeded.tokens["director@bench.example"]
    path = f"/api/v1/responses/{seeded.page_id}/comments"
    barrier = threading.Barrier(BURST + 1)
    answers: list[tuple[int, float, int | None]] = [(0, 0.0, None)] * BURST

    def post(n: int) -> None:
        with httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                           timeout=60, trust_env=False) as client:  # fmt: skip
            client.get("/healthz")  # connected before the burst
            barrier.wait()
            began = time.perf_counter()
            try:
                reply = client.post(path, json={"body": f"Burst comment {n}."})
                made = reply.json().get("id") if reply.status_code == 201 else None
                answers[n] = (reply.status_code, time.perf_counter() - began, made)
            except httpx2.HTTPError:
                answers[n] = (-1, time.perf_counter() - began, None)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    listed = Api(url, token).call("GET", path)
    stored = [c["id"] for c in listed if c["body"].startswith("Burst comment ")]
    acknowledged = sorted(made for _, _, made in answers if made is not None)
    statuses: dict[str, int] = {}
    for status, _, _ in answers:
        key = str(status) if status > 0 else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
    result = {
        "posts": BURST,
        "wall_seconds": round(wall, 3),
        "slowest_seconds": round(max(t for _, t, _ in answers), 3),
        "statuses": statuses,
        "stored_once": sorted(stored) == acknowledged,
    }
    say(f"  {'burst of ' + str(BURST):<18} {wall:8.2f} s wall, slowest answer "
        f"{result['slowest_seconds']:.2f} s, {statuses}, "
        f"{'each stored once' if result['stored_once'] else 'STORED != ACKNOWLEDGED'}")  # fmt: skip
    return result


def approve_for_publishing(url: str, seeded: Seeded) -> None:
    for rid in seeded.publish_ids:
        Api(url, seeded.tokens["director@bench.example"]).act(rid, "submit")
        for email in ("futures1", "futures2", "council1", "council2"):
            Api(url, seeded.tokens[f"{email}@bench.example"]).act(rid, "approve")


def time_publishing(url: str, seeded: Seeded) -> dict[str, Any]:
    director = Api(url, seeded.tokens["director@bench.example"])
    times = []
    for rid in seeded.publish_ids:
        started = time.perf_counter()
        result = director.act(rid, "publish")
        times.append(time.perf_counter() - started)
        assert result["stage"] == "published", result
    say(f"  {'publish':<18} {statistics.median(times):>8.3f} s median of {len(times)} "
        f"({', '.join(f'{t:.3f}' for t in times)})")  # fmt: skip
    return {
        "seconds_median": round(statistics.median(times), 3),
        "seconds_max": round(max(times), 3),
        "seconds": [round(t, 3) for t in times],
    }


# -- one engine -----------------------------------------------------------------------


def clean_env(database_url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TABLED_")}
    env.update(
        TABLED_DATABASE_URL=database_url,
        TABLED_DATA_DIR=str(folder / "data"),
        TABLED_SECRET_KEY=secrets.token_urlsafe(32),
    )
    return env


def bench_engine(
    label: str,
    database_url: str,
    workers: int,
    seconds: float,
    only: frozenset[str] = frozenset(MEASURES),
) -> dict[str, Any]:
    say(f"\n{label}: {workers} worker(s)")
    with tempfile.TemporaryDirectory(prefix="tabled-bench-") as tmp:
        folder = Path(tmp)
        env = clean_env(database_url, folder)
        started = time.perf_counter()
        load_before = os.getloadavg()
        if load_before[0] > (os.cpu_count() or 1) / 2:
            say(
                f"  ! the machine is busy (load average {load_before[0]:.1f} on "
                f"{os.cpu_count()} CPUs): absolute figures will be low, ratios less so"
            )
        run_tabled(["db", "upgrade"], env)
        seeded = seed_database(database_url)
        with serving(env, folder / "server.log", workers) as server:
            if only & {"page", "comment"}:
                seed_comments(server.url, seeded)
            if only & {"publish", "pdf"}:
                approve_for_publishing(server.url, seeded)
            comments = COMMENTS if only & {"page", "comment"} else 0
            say(f"  seeded in {time.perf_counter() - started:.1f} s "
                f"({POSITIONS} positions, {comments} comments)")  # fmt: skip
            director = {"Authorization": f"Bearer {seeded.tokens['director@bench.example']}"}
            futures = {"Authorization": f"Bearer {seeded.tokens['futures1@bench.example']}",
                       "Content-Type": "application/json"}  # fmt: skip
            page = f"/responses/{seeded.page_id}"
            found: dict[str, Any] = {}

            found["healthz"] = measure(server, Load("healthz", [{"path": "/healthz"}]), seconds,
                                       folder, warmup=1)  # fmt: skip
            base = found["healthz"]["rps"] or 1.0
            if "page" in only:
                check = httpx2.get(server.url + page, headers=director, trust_env=False,
                                   timeout=30)  # fmt: skip
                assert check.status_code == 200 and "Comment 1149" in check.text, check.status_code
                page_load = measure(server, Load("response page", [{"path": page}], director,
                                                 connections=PAGE_CONNECTIONS),
                                    seconds, folder, warmup=1)  # fmt: skip
                found["page"] = {**page_load, "ratio": round(page_load["rps"] / base, 3),
                                 "html_bytes": len(check.content)}  # fmt: skip
                page_crowd = measure(server, Load("page, 20 conns", [{"path": page}], director),
                                     seconds, folder)  # fmt: skip
                found["page_20_connections"] = {
                    **page_crowd,
                    "ratio": round(page_crowd["rps"] / base, 3),
                }
            if "burst" in only:
                found["burst"] = burst(server.url, seeded)
            if only & {"publish", "pdf"}:  # the PDF downloaded is one published here
                found["publish"] = time_publishing(server.url, seeded)
            if "pdf" in only:
                pdf_path = f"/api/v1/responses/{seeded.publish_ids[0]}/publications/1/pdf"
                pdf_check = httpx2.get(server.url + pdf_path, headers=director, trust_env=False)
                assert pdf_check.status_code == 200 and pdf_check.content.startswith(b"%PDF")
                pdf = measure(server, Load("PDF download", [{"path": pdf_path}], director),
                              seconds, folder, warmup=1)  # fmt: skip
                found["pdf"] = {**pdf, "ratio": round(pdf["rps"] / base, 3),
                                "bytes": len(pdf_check.content)}  # fmt: skip
            if "comment" in only:
                positions = httpx2.get(
                    f"{server.url}/api/v1/responses/{seeded.page_id}", headers=director,
                    trust_env=False,
                ).json()["positions"]  # fmt: skip
                posts = [
                    {"method": "POST", "path": f"/api/v1/responses/{seeded.page_id}/comments",
                     "body": json.dumps({"body": comment_body(2000 + i),
                                         "position_id": positions[i % POSITIONS]["id"],
                                         **({"quote": passage(i % POSITIONS + 1)} if i % 3 == 0
                                            else {})})}
                    for i in range(POSITIONS)
                ]  # fmt: skip
                comment = measure(server, Load("comment post", posts, futures, MAX_POSTS),
                                  seconds, folder)  # fmt: skip
                found["comment_post"] = {**comment, "ratio": round(comment["rps"] / base, 3)}
            memory = server.memory()
            say(
                f"  {'memory':<18} {memory['rss_mib']:>8.1f} MiB RSS, peak "
                f"{memory['peak_mib']:.1f} MiB ({len(memory['processes'])} processes)"
            )
        return {
            "workers": workers,
            **found,
            "memory": memory,
            "total_seconds": round(time.perf_counter() - started, 1),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        }


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str | None]:
    """A fresh database on the server at admin_url, dropped afterwards; None if unreachable."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"tabled_bench_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        say(f"\nPostgreSQL skipped: cannot reach {admin.render_as_string()} "
            f"({' '.join(str(exc).split())[:160]})")  # fmt: skip
        yield None
        return
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            say(f"could not drop the benchmark database {name}: {exc}")


# -- report ---------------------------------------------------------------------------


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    heads = [f"{n} ({results[n]['workers']}w)" for n in names]
    rows: list[tuple[str, list[str], str]] = []

    def rate(key: str) -> list[str]:
        out = []
        for n in names:
            r = results[n][key]
            rps = f"{r['rps']:.1f}" if r["rps"] < 10 else f"{r['rps']:.0f}"
            if "ratio" in r:
                rps += f" ({r['ratio']:.3f})" if r["ratio"] < 0.1 else f" ({r['ratio']:.2f})"
            out.append(rps)
        return out

    def verdict(ok: list[bool]) -> str:
        return "met" if all(ok) else "MISSED"

    def has(key: str) -> bool:
        return all(key in results[n] for n in names)

    rows.append(("/healthz req/s (baseline)", rate("healthz"), ""))
    if has("page"):
        rows.append(
            (
                "response page req/s (ratio)",
                rate("page"),
                f">= {TARGETS['page_ratio']}: "
                + verdict([results[n]["page"]["ratio"] >= TARGETS["page_ratio"] for n in names]),
            )
        )
        rows.append(("  same, 20 connections", rate("page_20_connections"), ""))
    if has("comment_post"):
        rows.append(("comment post req/s (ratio)", rate("comment_post"), "-"))
    if has("publish"):
        rows.append(
            (
                "publish 60 positions, s",
                [f"{results[n]['publish']['seconds_median']:.3f}" for n in names],
                f"< {TARGETS['publish_seconds']}: "
                + verdict(
                    [
                        results[n]["publish"]["seconds_median"] < TARGETS["publish_seconds"]
                        for n in names
                    ]
                ),
            )
        )
    if has("pdf"):
        rows.append(
            (
                "PDF download req/s (ratio)",
                rate("pdf"),
                f">= {TARGETS['pdf_ratio']}: "
                + verdict([results[n]["pdf"]["ratio"] >= TARGETS["pdf_ratio"] for n in names]),
            )
        )
    if has("burst"):
        rows.append((f"burst of {BURST} posts: wall s",
                     [f"{results[n]['burst']['wall_seconds']:.2f}" for n in names],
                     "every one 201, stored once: " + verdict(
                         [results[n]["burst"]["statuses"] == {"201": BURST}
                          and results[n]["burst"]["stored_once"] for n in names])))  # fmt: skip
        rows.append(
            (
                "  slowest answer, s",
                [f"{results[n]['burst']['slowest_seconds']:.2f}" for n in names],
                "",
            )
        )
        counts = [sorted(results[n]["burst"]["statuses"].items()) for n in names]
        rows.append(("  answers", [" ".join(f"{k}x{v}" for k, v in c) for c in counts], ""))
    rows.append(("server memory MiB (peak)",
                 [f"{results[n]['memory']['rss_mib']:.0f} ({results[n]['memory']['peak_mib']:.0f})"
                  for n in names], ""))  # fmt: skip
    width = max(len(r[0]) for r in rows)
    cols = [max(len(h), *(len(r[1][i]) for r in rows)) for i, h in enumerate(heads)]
    lines = ["  ".join([" " * width, *(h.rjust(c) for h, c in zip(heads, cols, strict=True)),
                        "target"])]  # fmt: skip
    for label, values, target in rows:
        cells = [v.rjust(c) for v, c in zip(values, cols, strict=True)]
        lines.append("  ".join([label.ljust(width), *cells, target]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument(
        "--pg-workers", type=int, default=2, choices=range(1, 9), metavar="N",
        help="PostgreSQL server processes (2); 1 compares with SQLite process for process, "
             "as wrk's keep-alive connections may not spread over several",
    )  # fmt: skip
    parser.add_argument(
        "--load", choices=["auto", "wrk", "python"], default="auto",
        help="load generator: wrk when installed (auto), or bench/load.py",
    )  # fmt: skip
    parser.add_argument(
        "--only", default=",".join(MEASURES),
        help=f"comma-separated subset of {','.join(MEASURES)} (healthz is always measured)",
    )  # fmt: skip
    args = parser.parse_args()
    only = frozenset(x.strip() for x in args.only.split(",") if x.strip()) | {"healthz"}
    if only - set(MEASURES):
        parser.error(f"--only: unknown {', '.join(sorted(only - set(MEASURES)))}")
    global TOOL
    TOOL = args.load if args.load != "auto" else ("wrk" if shutil.which("wrk") else "python")
    if TOOL == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --load python")
    tool = "wrk" if TOOL == "wrk" else "bench/load.py (asyncio, httpx2)"
    say(f"Load from {tool}: {THREADS if TOOL == 'wrk' else 1} thread(s), "
        f"{CONNECTIONS} connections ({PAGE_CONNECTIONS} for the response page), "
        f"{args.duration:g} s per measurement, loopback")  # fmt: skip
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tabled-bench-sqlite-") as tmp:
        if args.engine in ("sqlite", "both"):
            results["SQLite"] = bench_engine(
                "SQLite", f"sqlite:///{tmp}/tabled.db", 1, args.duration, only
            )
    if args.engine in ("postgresql", "both"):
        admin = os.environ.get("TABLED_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
        with postgres_database(admin) as url:
            if url is not None:
                results["PostgreSQL"] = bench_engine(
                    "PostgreSQL", url, args.pg_workers, args.duration, only
                )
    if not results:
        raise SystemExit("nothing was measured")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}.json"
    out.write_text(json.dumps({
        "at": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "load": {"tool": TOOL, "connections": CONNECTIONS,
                 "page_connections": PAGE_CONNECTIONS, "seconds": args.duration},
        "data": {"positions": POSITIONS, "comments": COMMENTS},
        "targets": TARGETS,
        "engines": results,
    }, indent=2) + "\n")  # fmt: skip
    say("\n" + table(results))
    say(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
