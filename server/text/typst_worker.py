"""A child process that compiles one Typst file to PDF on stdout (see engines.py).

Run as `python -m server.text.typst_worker MAIN MEMORY_MB TIMESTAMP FONT_DIR...`;
it caps its own address space first, so a runaway document ends in a MemoryError
here instead of starving the server. The parent enforces the time limit."""

from __future__ import annotations

import contextlib
import os
import resource
import sys


def main(argv: list[str]) -> int:
    main_file, memory_mb, timestamp, *fonts = argv
    limit = int(memory_mb) * 1024 * 1024
    # Some systems (macOS) refuse RLIMIT_AS; the parent's time limit still holds there.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import typst

    try:
        pdf = typst.compile(
            main_file,
            root=os.path.dirname(main_file),
            font_paths=fonts,
            ignore_system_fonts=True,
            pdf_standards=["ua-1"],
            timestamp=int(timestamp) if timestamp else None,
        )
    except Exception as exc:  # typst raises its own error types and RuntimeError
        sys.stderr.write(" ".join(str(exc).split()) or type(exc).__name__)
        return 1
    if not isinstance(pdf, bytes):
        sys.stderr.write("no document was made")
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
