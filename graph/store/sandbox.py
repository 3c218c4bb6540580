"""Public queries run in worker processes that can be killed.

pyoxigraph cannot cancel a query and a pathological query can crash the process. Each worker opens
a read-only snapshot (a hard-linked RocksDB checkpoint) of the store, evaluates one query at a time
and returns serialised bytes. A query over its time limit is stopped by killing its worker; a
replacement starts from the fork server in milliseconds. Memory per worker is capped with RLIMIT_AS.
"""
import multiprocessing
import os
import resource
import threading
import time

import pyoxigraph as ox

from ..formats import rdf_syntax, results_syntax
from ..results import serialize_boolean, serialize_solutions, serialize_triples
from .base import QueryResourceLimit, QueryTimeout, StoreBusy


def dataset_kwargs(default_graphs, named_graphs, live_graphs):
    """pyoxigraph keyword arguments for a request's dataset; live_graphs is None when nothing is hidden."""
    kwargs = {}
    if default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif live_graphs is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        kwargs["default_graph"] = [ox.DefaultGraph()] + [ox.NamedNode(g) for g in live_graphs]
    if named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    elif live_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in live_graphs]
    return kwargs


def evaluate(store: ox.Store, request: dict):
    """Run one query and serialise it; returns a reply tuple (also used in-process by tests)."""
    kwargs = dataset_kwargs(request.get("default_graphs"), request.get("named_graphs"), request.get("live_graphs"))
    try:
        result = store.query(request["query"], base_iri=request.get("base_iri"), **kwargs)
        limit = request.get("row_limit")
        if isinstance(result, ox.QueryBoolean):
            syntax = results_syntax(request["results_format"] or "")
            if syntax is None:
                return ("not_acceptable", "boolean")
            return ("ok", serialize_boolean(bool(result), syntax), syntax.media_type, False, "boolean")
        if isinstance(result, ox.QuerySolutions):
            syntax = results_syntax(request["results_format"] or "")
            if syntax is None:
                return ("not_acceptable", "bindings")
            variables = [v.value for v in result.variables]
            rows = (tuple(solution) for solution in result)
            body, truncated = serialize_solutions(variables, rows, syntax, limit)
            return ("ok", body, syntax.media_type, truncated, "bindings")
        syntax = rdf_syntax(request["graph_format"] or "")
        if syntax is None:
            return ("not_acceptable", "graph")
        body, truncated = serialize_triples(result, syntax, limit, request.get("prefixes"))
        return ("ok", body, syntax.media_type, truncated, "graph")
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except (OSError, RuntimeError, ValueError) as exc:
        return ("failed", str(exc))


def _worker_main(conn, memory_limit: int) -> None:
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    conn.send(READY)
    store, opened = None, None
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            if request["snapshot"] != opened:
                store = None
                store = ox.Store.read_only(request["snapshot"])
                opened = request["snapshot"]
            reply = evaluate(store, request)
        except MemoryError:
            reply = ("memory", "The query needed more memory than a query may use and was stopped.")
        except Exception as exc:  # a worker must answer, whatever happened
            reply = ("failed", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


READY = ("ready",)


class _Worker:
    def __init__(self, ctx, memory_limit):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, memory_limit), daemon=True)
        self.process.start()
        child.close()
        self.snapshot = None
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        """True once the process runs; a loaded machine may take over a second to start one, which
        must not count against a query's slice on the reserve worker."""
        if not self.ready and self.conn.poll(max(0.0, timeout)):
            self.ready = self.conn.recv() == READY
        return self.ready

    def kill(self):
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()


IDLE_SECONDS = 60.0  # an extra worker unused this long is ended
# When every worker is busy, up to RESERVE_WORKERS more queries may run for RESERVE_SLICE seconds.
RESERVE_WORKERS = 1
RESERVE_SLICE = 1.0
_SLOT_FREE = object()  # _try_reserve: not tried, a regular worker looked free


class QueryPool:
    """At least `min_workers` warm workers; up to `max_workers` at once (others wait for a free one)."""

    def __init__(self, *, min_workers: int = 2, max_workers: int = 6, memory_limit: int = 2 << 30):
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload([__name__])
        self._min, self._max, self._memory = min_workers, max_workers, memory_limit
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._cond = threading.Condition()
        self._closed = False
        self._reserve_idle: list[_Worker] = []
        self._reserve_all: set[_Worker] = set()
        self._reserve_busy = 0
        self.timeouts = 0

    def snapshots_in_use(self) -> set[str]:
        with self._cond:
            return {w.snapshot for w in self._all | self._reserve_all if w.snapshot}

    def run(self, request: dict, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            reply = self._try_reserve(request, deadline)
            if reply is not _SLOT_FREE and reply is not None:
                return reply
            # A regular slot that looked free may be taken before we reach it: then the query
            # tries the reserve again rather than queueing behind heavy queries.
            worker = self._acquire(deadline, wait=reply is None)
            if worker is not None:
                break
        try:
            worker.snapshot = request["snapshot"]
            ready = worker.wait_ready(deadline - time.monotonic())
            if ready:
                worker.conn.send(request)
            if not ready or not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                with self._cond:
                    self.timeouts += 1
                raise QueryTimeout(f"The query did not finish within {timeout:g} seconds and was stopped.")
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._discard(worker)
            code = worker.process.exitcode
            # Allocation failure in the engine aborts the process: in practice, the memory limit.
            raise QueryResourceLimit(
                "The query was stopped: it needed more memory than a query may use"
                f"{'' if code is None else f' (worker exit code {code})'}.") from exc
        self._release(worker)
        return reply

    def _try_reserve(self, request: dict, deadline: float):
        """When every worker is busy, a query first gets a short try (RESERVE_SLICE) on a reserve
        worker: light queries are answered at once instead of queueing behind heavy ones. A query
        that needs longer is stopped there and waits for a regular worker like any other."""
        with self._cond:
            if self._closed or self._reserve_busy >= RESERVE_WORKERS:
                return None
            if self._idle or len(self._all) < self._max:
                return _SLOT_FREE
            worker = self._reserve_idle.pop() if self._reserve_idle else None
            self._reserve_busy += 1
            if worker is not None:
                worker.snapshot = request["snapshot"]
        try:
            if worker is None:
                worker = _Worker(self._ctx, self._memory)
                worker.snapshot = request["snapshot"]
                with self._cond:
                    self._reserve_all.add(worker)
            if not worker.wait_ready(deadline - time.monotonic()):
                return None
            worker.conn.send(request)
            if worker.conn.poll(max(0.0, min(RESERVE_SLICE, deadline - time.monotonic()))):
                reply = worker.conn.recv()
                with self._cond:
                    if not self._closed:
                        self._reserve_idle.append(worker)
                        worker = None
                return reply
            return None
        except (EOFError, OSError):
            return None  # the regular worker that runs it next gives the proper error
        finally:
            if worker is not None:
                worker.kill()
                with self._cond:
                    self._reserve_all.discard(worker)
            with self._cond:
                self._reserve_busy -= 1

    def _acquire(self, deadline, wait: bool = True) -> _Worker | None:
        """A regular worker; with wait=False, None instead of waiting while all are busy."""
        with self._cond:
            while True:
                if self._closed:
                    raise StoreBusy("the store is closing")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self._max:
                    worker = _Worker(self._ctx, self._memory)
                    self._all.add(worker)
                    if len(self._all) == self._max and not self._reserve_all:
                        # Every worker is now in use: start the reserve, so it is ready when needed.
                        spare = _Worker(self._ctx, self._memory)
                        self._reserve_all.add(spare)
                        self._reserve_idle.append(spare)
                    return worker
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreBusy("Every query worker is busy; try again in a moment.")
                if not wait:
                    return None
                self._cond.wait(remaining)

    def _release(self, worker):
        with self._cond:
            worker.idle_since = time.monotonic()
            self._idle.append(worker)
            # Workers above the minimum end only after IDLE_SECONDS unused. Ending one as soon as
            # `min` others were idle made every burst of concurrent queries fork new workers (each
            # opening the store): 11 new processes in 4 s with 4 clients (docs/benchmarks.md).
            while (len(self._all) > self._min and self._idle
                   and worker.idle_since - self._idle[0].idle_since > IDLE_SECONDS):
                old = self._idle.pop(0)
                self._all.discard(old)
                old.conn.send(None)
                old.conn.close()
                old.process.join(1)
            self._cond.notify()

    def _discard(self, worker):
        worker.kill()
        with self._cond:
            self._all.discard(worker)
            self._cond.notify()

    def close(self):
        with self._cond:
            self._closed = True
            workers, self._idle, self._all = list(self._all | self._reserve_all), [], set()
            self._reserve_idle, self._reserve_all = [], set()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()
