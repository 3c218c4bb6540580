"""Downloadable dumps of the whole dataset, written from the store and regenerated when it changes.

A dump is a file in <data_dir>/dumps named by the store generation (and this process, since
generations restart with the process); a request for a dump of an older generation writes a new
one (to a temporary name, then renamed, so nobody downloads half a file) and removes the old ones.
Dataset syntaxes (N-Quads, TriG) keep the named graphs; Turtle and JSON-LD hold the union of the
graphs as one graph.
"""
from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pyoxigraph as ox

from .formats import rdf_syntax

_PROCESS = uuid.uuid4().hex[:8]
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def dump_path(directory: Path, generation: int, syntax) -> Path:
    return Path(directory) / f"coopkg-{_PROCESS}-{generation}.{syntax.extension}"


def ensure_dump(store, directory: Path, syntax) -> Path:
    """The path of an up-to-date dump in `syntax`, writing it first if needed."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with _locks_guard:
        lock = _locks.setdefault(syntax.extension, threading.Lock())
    with lock:
        generation = store.generation
        target = dump_path(directory, generation, syntax)
        if target.exists():
            return target
        partial = target.with_name(target.name + ".partial")
        with open(partial, "wb") as output:
            if syntax.is_dataset:
                store.dump(output, syntax)
            else:
                _write_union(store, output, syntax, directory)
        os.replace(partial, target)
        for old in directory.glob(f"coopkg-*.{syntax.extension}"):
            if old != target:
                old.unlink(missing_ok=True)
        return target


def _write_union(store, output, syntax, directory: Path) -> None:
    """Every quad as a triple of one graph (the union the SPARQL endpoint queries)."""
    nquads = directory / f".union-{uuid.uuid4().hex}.nq"
    try:
        with open(nquads, "wb") as raw:
            store.dump(raw, rdf_syntax("nquads"))
        with open(nquads, "rb") as raw:
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(raw, format=ox.RdfFormat.N_QUADS))
            ox.serialize(triples, output, format=syntax.oxigraph)
    finally:
        nquads.unlink(missing_ok=True)
