"""The HTTP protocol `tabled serve --workers N` runs: uvicorn's, with TCP_NODELAY.

With several workers uvicorn binds the listening socket itself and leaves its `proto`
at 0; asyncio then does not set TCP_NODELAY on the connections it accepts (uvicorn
issue #3149), so Nagle's algorithm holds back the body of each answer until the
client's delayed ACK: about 40 ms added to every request on a keep-alive connection
(bench/run.py measured 400 requests/s for /healthz with two workers, 1,500 with one)."""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
