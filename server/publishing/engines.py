"""The two engines behind a briefing: pandoc (shipped by pypandoc-binary) and Typst.

Both run on trusted input only: pandoc in its sandbox on a tree we built, and the
Typst compiler confined to a temporary folder that holds nothing but the source."""

from __future__ import annotations

import subprocess  # noqa: S404  (a fixed binary, no shell)
import tempfile
from functools import cache
from pathlib import Path

import typst

from ..errors import RenderFailed

PANDOC_TIMEOUT = 60


@cache
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run_pandoc(args: list[str], data: bytes) -> bytes:
    """pandoc with --sandbox: readers and writers touch no file we did not name."""
    try:
        done = subprocess.run(  # noqa: S603  (argument list, no shell)
            [pandoc_path(), "--sandbox", *args],
            input=data,
            capture_output=True,
            timeout=PANDOC_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderFailed(f"the document converter could not run: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailed(
            "the document converter refused the text: " + (reason[-1] if reason else "no reason")
        )
    return done.stdout


def compile_pdf(source: str, *, timestamp: float | None = None) -> bytes:
    """Typst source to a tagged PDF that claims PDF/UA-1, with the bundled fonts only.

    The fonts on the server are ignored so every server makes the same document."""
    with tempfile.TemporaryDirectory(prefix="tabled-typst-") as folder:
        main = Path(folder) / "briefing.typ"
        main.write_text(source, encoding="utf-8")
        try:
            pdf = typst.compile(
                str(main),
                root=folder,
                ignore_system_fonts=True,
                pdf_standards=["ua-1"],
                timestamp=int(timestamp) if timestamp is not None else None,
            )
        except Exception as exc:  # typst raises its own error types and RuntimeError
            first = str(exc).strip().splitlines()
            raise RenderFailed(
                "the PDF could not be made: " + (first[0] if first else type(exc).__name__)
            ) from exc
    if not isinstance(pdf, bytes):
        raise RenderFailed("the PDF compiler returned no document")
    return pdf
