"""A small HTTP load generator, used by bench/run.py when `wrk` is not installed.

Run as its own process (so it does not share the server's interpreter):

    .venv/bin/python bench/load.py SPEC.json

SPEC.json: {"url": "http://127.0.0.1:PORT", "requests": [{"method", "path", "headers",
"body"}], "duration": seconds, "connections": N, "max_requests": N}. The requests are
sent in turn by N concurrent keep-alive connections (asyncio, httpx2) until the time
or the request count runs out. Prints one JSON object: requests, seconds, statuses,
errors and latency percentiles in milliseconds - the same fields as bench/run.py reads
from wrk."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx2


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def drive(spec: dict[str, Any]) -> dict[str, Any]:
    connections = int(spec["connections"])
    budget = int(spec.get("max_requests") or 10**9)
    duration = float(spec["duration"])
    requests = spec["requests"]
    turn = itertools.cycle(range(len(requests)))
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    sent = 0
    limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx2.AsyncClient(
        base_url=spec["url"], limits=limits, timeout=30.0, trust_env=False
    ) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def worker() -> None:
            nonlocal errors, sent
            while time.perf_counter() < deadline and sent < budget:
                sent += 1
                one = requests[next(turn)]
                body = one.get("body")
                begun = time.perf_counter()
                try:
                    reply = await client.request(
                        one.get("method", "GET"),
                        one["path"],
                        headers=one.get("headers") or {},
                        content=body.encode() if body is not None else None,
                    )
                    await reply.aread()
                except httpx2.HTTPError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - begun) * 1000)
                key = str(reply.status_code)
                statuses[key] = statuses.get(key, 0) + 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        seconds = time.perf_counter() - started
    return {
        "tool": "python",
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "statuses": statuses,
        "errors": errors,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p90": round(percentile(latencies, 0.90), 2),
            "p99": round(percentile(latencies, 0.99), 2),
        },
    }


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(asyncio.run(drive(spec))))


if __name__ == "__main__":
    main()
