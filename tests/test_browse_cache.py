"""GenerationCache: fresh values when building is cheap, the previous value (no waiting) while an
expensive rebuild runs in the background."""
import threading
import time

from coopkg.graph.generation_cache import GenerationCache


class FakeStore:
    def __init__(self):
        self.generation = 0


def test_cheap_builds_are_always_fresh():
    builds = []
    cache = GenerationCache(lambda store: builds.append(store.generation) or store.generation, "test")
    store = FakeStore()
    assert cache.get(store) == 0 and cache.get(store) == 0 and builds == [0]
    store.generation = 1
    assert cache.get(store) == 1 and builds == [0, 1]


def test_slow_rebuild_runs_in_the_background():
    release = threading.Event()

    def build(store):
        if store.generation:
            release.wait(5)
        return store.generation

    cache = GenerationCache(build, "test", wait_below=0.0)  # every build counts as slow
    store = FakeStore()
    assert cache.get(store) == 0
    store.generation = 1
    started = time.perf_counter()
    assert cache.get(store) == 0  # previous value, at once
    assert cache.get(store) == 0
    assert time.perf_counter() - started < 1
    release.set()
    deadline = time.monotonic() + 5
    while cache.get(store) != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get(store) == 1
