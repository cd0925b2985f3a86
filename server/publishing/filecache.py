"""Publication files kept in memory after their first download, by content hash.

A publication file is written once and never changed (a correction is a new
version with its own file), so its bytes can be kept. They are keyed by their
SHA-256, read from the database with the file's other facts on every download:
a key names one content, so an entry can never be stale, whatever happens to
the rows - and who may read which file is still decided on every request.

Bounded in bytes, least recently used out first; shared by the threads of one
process (each worker has its own)."""

from __future__ import annotations

import math
from collections.abc import Hashable

from ..cache import ByteCache

MAX_BYTES = 64 * 2**20  # per worker; the 60-position briefing's PDF is about 0.5 MiB


class FileCache(ByteCache[bytes]):
    """The app's one cache type, for files: kept for good (a hash names one content)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        super().__init__(max_bytes, ttl=math.inf, overhead=0)

    @property
    def size(self) -> int:
        return self.bytes

    def put(self, key: Hashable, value: bytes, size: int | None = None) -> None:
        """Keep content under its SHA-256 (the caller's: it is not hashed again)."""
        if len(value) > self.max_bytes // 4:  # one huge file must not empty the cache
            return
        if self.get(key) is None:
            super().put(key, value, len(value))


FILES = FileCache()
