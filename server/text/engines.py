"""The two engines behind a briefing: pandoc (shipped by pypandoc-binary) and Typst.

Both run as child processes with a time limit and a memory limit, so no text can
hold a worker for long or exhaust the machine: pandoc with its own heap cap
(`+RTS -M`) and the Typst compiler in a small worker (typst_worker.py) that caps
its address space before it starts. A process over its time is killed and the
render fails with a reason; no reason ever names a server path or command line.

Both run on trusted input only: pandoc in its sandbox on a tree we built, and the
compiler confined to a temporary folder that holds nothing but the source."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess  # noqa: S404  (fixed binaries, no shell)
import sys
import tempfile
from functools import cache
from pathlib import Path

from ..errors import RenderFailed

# Bounds for one run of either engine: a 60-position briefing takes about 0.3 s.
PANDOC_SECONDS = 20
PANDOC_MEMORY_MB = 1024
TYPST_SECONDS = 30
TYPST_MEMORY_MB = 3072

# Noto families from PyPI (installed by `make install`) and, where the system has
# them, Debian's fonts-noto-core / -cjk / -color-emoji folders: Latin, Greek and
# Cyrillic, Arabic, Hebrew, Devanagari, CJK, historic scripts and emoji.
FONT_PACKAGES = (
    "fontpkg_noto_sans",
    "fontpkg_noto_serif",
    "fontpkg_noto_sans_arabic",
    "fontpkg_noto_sans_devanagari",
    "cvttf_NotoSansCJK_Regular",
)
SYSTEM_FONT_FOLDERS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
)


@cache
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


@cache
def font_folders() -> tuple[str, ...]:
    """Folders the compiler reads fonts from, besides the ones it bundles."""
    found: list[str] = []
    for name in FONT_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        folder = Path(module.__file__ or "").parent
        found.append(str(folder / "files") if (folder / "files").is_dir() else str(folder))
    found += [f for f in SYSTEM_FONT_FOLDERS if os.path.isdir(f)]
    return tuple(found)


def _run(command: list[str], data: bytes, seconds: float, what: str, refused: str) -> bytes:
    """One child process in its own process group, killed whole when over time."""
    try:
        child = subprocess.Popen(  # noqa: S603  (argument list, no shell)
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderFailed(f"the {what} could not be started") from exc
    try:
        out, err = child.communicate(data, timeout=seconds)
    except subprocess.TimeoutExpired as exc:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise RenderFailed(
            f"the {what} took longer than {seconds:g} seconds and was stopped; "
            "simplify the formatting of the text (deeply nested brackets, lists or quotes)"
        ) from exc
    if child.returncode != 0:
        raise RenderFailed(
            f"{refused}: {_reason(err, child.returncode)}",
            extra=err.decode("utf-8", "replace"),
        )
    return out


def _reason(stderr: bytes, code: int) -> str:
    """The engine's last word, with anything that looks like a path taken out."""
    if code < 0 or code == 251 or b"Heap exhausted" in stderr or b"MemoryError" in stderr:
        return "it needed more memory than a briefing may use"
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    last = lines[-1].strip() if lines else "no reason given"
    # Two or more segments make a path ("/tmp/x/briefing.typ"); "PDF/UA-1" stays.
    return re.sub(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"`\\/]+){2,}", "…", last)[:300]


def run_pandoc(args: list[str], data: bytes) -> bytes:
    """pandoc with --sandbox (it touches no file we did not name), a heap cap and a timeout."""
    command = [pandoc_path(), "+RTS", f"-M{PANDOC_MEMORY_MB}m", "-RTS", "--sandbox", *args]
    return _run(
        command,
        data,
        PANDOC_SECONDS,
        "document converter",
        "the document converter refused the text",
    )


def compile_pdf(
    source: str, *, timestamp: float | None = None, files: dict[str, bytes] | None = None
) -> bytes:
    """Typst source to a tagged PDF that claims PDF/UA-1, in a worker process.

    Fonts are the compiler's own plus font_folders(); the rest of the server's fonts
    are ignored, so servers with the same packages make the same document. A
    character no font can draw fails here; render.py replaces it and tries again.
    `files` (the logo) are put beside the source under names we chose."""
    with tempfile.TemporaryDirectory(prefix="tabled-typst-") as folder:
        main = Path(folder) / "briefing.typ"
        main.write_text(source, encoding="utf-8")
        for name, content in (files or {}).items():
            (Path(folder) / Path(name).name).write_bytes(content)
        command = [
            sys.executable,
            "-m",
            "server.text.typst_worker",
            str(main),
            str(TYPST_MEMORY_MB),
            str(int(timestamp)) if timestamp is not None else "",
            *font_folders(),
        ]
        pdf = _run(command, b"", TYPST_SECONDS, "PDF compiler", "the PDF could not be made")
    if not pdf.startswith(b"%PDF"):
        raise RenderFailed("the PDF compiler returned no document")
    return pdf
