"""The one cache type: least recently used out, bounded by the bytes it holds and by age.

Every cache of the app is one of these (pages, comment threads, documents, position
blocks, quote locations), each given its budget by the settings. A value is kept
with its size in bytes, told by the caller (the length of the HTML it keeps, say),
so the bound is on what the cache holds, not on how many entries it has."""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

TTL_SECONDS = 300.0
# What a kept entry costs beyond its own bytes (the key, the dict slot, the tuple).
ENTRY_OVERHEAD = 200


@dataclass
class _Kept(Generic[V]):
    value: V
    size: int
    made_at: float


def text_bytes(*texts: str) -> int:
    """The memory these strings take, as Python keeps them."""
    return sum(sys.getsizeof(t) for t in texts)


class ByteCache(Generic[V]):
    """Thread-safe (handlers run in a thread pool); one per purpose and process."""

    def __init__(
        self, max_bytes: int, ttl: float = TTL_SECONDS, overhead: int = ENTRY_OVERHEAD
    ) -> None:
        self.max_bytes, self.ttl, self.overhead = max_bytes, ttl, overhead
        self._items: OrderedDict[Hashable, _Kept[V]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if time.monotonic() - found.made_at > self.ttl:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return found.value

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep value under key; an entry larger than the whole budget is not kept."""
        size += self.overhead
        with self._lock:
            if key in self._items:
                self._drop(key)
            if size > self.max_bytes:
                return
            self._items[key] = _Kept(value, size, time.monotonic())
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def get_or_make(self, key: Hashable, make: Callable[[], V], size: Callable[[V], int]) -> V:
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found, size(found))
        return found

    def resize(self, max_bytes: int) -> None:
        with self._lock:
            self.max_bytes = max_bytes
            while self._bytes > self.max_bytes and self._items:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: Hashable) -> None:
        self._bytes -= self._items.pop(key).size
