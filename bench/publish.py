"""Time to render a 60-position briefing (PDF, DOCX, HTML), and its draft preview, in
this process.

Run: .venv/bin/python bench/publish.py [positions]. Prints the median wall time of
five publications with each step's seconds, and the CPU seconds they used (this
process and its pandoc and Typst children): on a shared machine the wall time
grows with the load, the CPU time much less. Then the preview (the PDF marked
"Draft", server/publishing/preview.py): its first request per revision renders,
every later one is answered from the cache. Target (issue 17): under 0.5 s median
for both, on an idle 2-core machine."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from datetime import UTC, datetime

from server.cache import ByteCache
from server.publishing.preview import preview_pdf
from server.publishing.render import Edition, render_all

PARAGRAPH = (
    "Councils can cut the cost of their *infrastructure* and its carbon at the same "
    "time, if business cases count energy, cooling and disposal alongside capital."
)


def snapshot(count: int) -> dict:
    themes = [("climate-change", "Climate change"), ("social-inclusion", "Social inclusion"),
              ("efficiency", "Efficiency")]  # fmt: skip
    positions = [
        {
            "number": n,
            "heading": f"Position {n}: measure what matters",
            "body": f"{PARAGRAPH}\n\n- one point\n- another point[^n]\n\n[^n]: A note.\n\n"
            f"| Measure | Why |\n|---|---|\n| kWh | cost |\n\n{PARAGRAPH}",
            # no "body_html": the renderer makes it from its own parse, as in a publication
            "themes": [themes[n % 3][0], themes[(n + 1) % 3][0]],
        }
        for n in range(1, count + 1)
    ]
    return {
        "title": "Response to a long consultation",
        "body_name": "Tabled",
        "responding_to": {
            "title": "A long consultation",
            "publisher": "HM Treasury",
            "date": "2009-04-22",
            "url": "",
        },  # fmt: skip
        "summary": PARAGRAPH,
        "summary_html": "",
        "positions": positions,
        "themes": [
            {
                "slug": s,
                "name": n,
                "positions": [p["number"] for p in positions if s in p["themes"]],
            }
            for s, n in themes
        ],
    }


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children (pandoc, Typst)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    edition = Edition(1, datetime.now(UTC))
    totals, cpu = [], []
    for _ in range(5):
        snap = snapshot(count)
        start, began = time.perf_counter(), cpu_seconds()
        rendered = render_all(snap, edition)
        totals.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - began)
    steps = ", ".join(f"{k} {v:.3f} s" for k, v in rendered.seconds.items())
    load = os.getloadavg()[0]
    print(f"{count} positions: median {statistics.median(totals):.3f} s per publication, "
          f"{statistics.median(cpu):.3f} CPU s ({steps}); load average {load:.1f}")  # fmt: skip
    print(f"PDF {len(rendered.pdf) // 1024} KiB, DOCX {len(rendered.docx) // 1024} KiB")
    cache: ByteCache[bytes] = ByteCache(32 * 1024 * 1024)
    first, again = [], []
    for version in range(2, 5):  # a new revision each time: rendered, then kept
        start = time.perf_counter()
        pdf = preview_pdf(snapshot(count), version, cache)
        first.append(time.perf_counter() - start)
        for _ in range(20):
            start = time.perf_counter()
            assert preview_pdf(snapshot(count), version, cache) is pdf
            again.append(time.perf_counter() - start)
    print(f"preview: first view of a revision median {statistics.median(first):.3f} s, "
          f"then from the cache {1000 * statistics.median(again):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
