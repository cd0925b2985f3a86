"""Running `tabled serve` as a real process for tests that need one (or two)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLED = Path(sys.executable).parent / "tabled"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_tabled(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(TABLED), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        pytest.fail(f"tabled {' '.join(args)} failed: {done.stderr.strip()}", pytrace=False)
    return done.stdout


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"tabled serve exited early:\n{log.read_text()[-2000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"tabled serve did not answer in 30 s:\n{log.read_text()[-2000:]}", pytrace=False)


@dataclass
class Server:
    """A running `tabled serve`: its URL and its process (to kill it mid-request)."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown, no cleanup."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def server_process(env: dict[str, str], log: Path, *extra: str) -> Iterator[Server]:
    """A `tabled serve` process on a free port for the duration; yields the Server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(TABLED), "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(url, server, log)
        yield Server(url, server)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def serving(env: dict[str, str], log: Path, *extra: str) -> Iterator[str]:
    """A `tabled serve` process on a free port for the duration; yields its URL."""
    with server_process(env, log, *extra) as server:
        yield server.url
