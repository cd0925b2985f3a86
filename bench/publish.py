"""Time to render a 60-position briefing (PDF, DOCX, HTML), in this process.

Run: .venv/bin/python bench/publish.py [positions]. Prints each step's seconds;
issue 5's target is under 1 s for the whole publication on a 2-core machine."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime

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
            "body_html": "",
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


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    snap = snapshot(count)
    edition = Edition(1, datetime.now(UTC))
    totals = []
    for _ in range(5):
        start = time.perf_counter()
        rendered = render_all(snap, edition)
        totals.append(time.perf_counter() - start)
    steps = ", ".join(f"{k} {v:.3f} s" for k, v in rendered.seconds.items())
    print(f"{count} positions: median {statistics.median(totals):.3f} s per publication ({steps})")
    print(f"PDF {len(rendered.pdf) // 1024} KiB, DOCX {len(rendered.docx) // 1024} KiB")


if __name__ == "__main__":
    main()
