"""One value per store, rebuilt when store.generation changes (name index, directory, statistics).

Freshness when it is cheap, no waiting when it is not: if the last build took less than
`wait_below` seconds, a reader of a stale value rebuilds it at once (so a change shows up on the
next page); a slower (large) build runs in a background thread while readers keep the previous value.
Only one build per store runs at a time. The first build is always waited for.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref

log = logging.getLogger("coopkg.graph")


class GenerationCache:
    def __init__(self, build, name: str, wait_below: float = 1.0):
        self._build, self.name, self.wait_below = build, name, wait_below
        self._values: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # store -> (generation, value, seconds)
        self._locks: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def _lock_for(self, store) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(store, threading.Lock())

    def _rebuild(self, store, lock) -> object:
        try:
            generation = store.generation
            started = time.perf_counter()
            value = self._build(store)
            seconds = time.perf_counter() - started
            self._values[store] = (generation, value, seconds)
            log.info("built %s for generation %s in %.2f s", self.name, generation, seconds)
            return value
        finally:
            lock.release()

    def peek(self, store):
        """The last value built for this store, whatever its generation, or None; never builds."""
        found = self._values.get(store)
        return found[1] if found is not None else None

    def get(self, store):
        found = self._values.get(store)
        if found is not None and found[0] == store.generation:
            return found[1]
        lock = self._lock_for(store)
        if found is None:
            lock.acquire()
            found = self._values.get(store)
            if found is not None and found[0] == store.generation:
                lock.release()
                return found[1]
            return self._rebuild(store, lock)
        if not lock.acquire(blocking=found[2] < self.wait_below):
            return found[1]  # someone is rebuilding already: keep using the previous value
        current = self._values.get(store)
        if current is not None and current[0] == store.generation:
            lock.release()
            return current[1]
        if found[2] < self.wait_below:
            return self._rebuild(store, lock)
        threading.Thread(target=self._rebuild, args=(store, lock), name=f"rebuild-{self.name}", daemon=True).start()
        return found[1]
