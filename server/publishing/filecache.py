"""Publication files kept in memory after their first download, by content hash.

A publication file is written once and never changed (a correction is a new
version with its own file), so its bytes can be kept. They are keyed by their
SHA-256, read from the database with the file's other facts on every download:
a key names one content, so an entry can never be stale, whatever happens to
the rows - and who may read which file is still decided on every request.

Bounded in bytes, least recently used out first; shared by the threads of one
process (each worker has its own)."""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_BYTES = 64 * 2**20  # per worker; the 60-position briefing's PDF is about 0.5 MiB


class FileCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str) -> bytes | None:
        with self._lock:
            content = self._files.get(sha256)
            if content is not None:
                self._files.move_to_end(sha256)
            return content

    def put(self, sha256: str, content: bytes) -> None:
        """Keep content under its SHA-256 (the caller's: it is not hashed again)."""
        if len(content) > self.max_bytes // 4:  # one huge file must not empty the cache
            return
        with self._lock:
            if sha256 in self._files:
                return
            self._files[sha256] = content
            self.size += len(content)
            while self.size > self.max_bytes:
                _, dropped = self._files.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._files)


FILES = FileCache()
