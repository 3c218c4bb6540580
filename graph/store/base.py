"""The store contract that the embedded and remote stores both keep."""
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ..sparql_protocol import query_dataset_clauses


class StoreError(Exception):
    """Base of every error the store layer reports to callers."""


class QuerySyntaxError(StoreError):
    """The engine could not parse the query or update; the message carries its position."""


class QueryTimeout(StoreError):
    pass


class QueryRefused(StoreError):
    """Policy, not syntax: the request is well formed but not allowed."""


class QueryResourceLimit(StoreError):
    """The query needed more memory than a query may use: a limit the request hit, not our failure."""


class StoreBusy(StoreError):
    pass


class QueryFailed(StoreError):
    """The engine failed while evaluating (out of memory, crashed worker): our side, not the client's."""


class RdfSyntaxError(StoreError):
    def __init__(self, message: str, source: str | None = None):
        super().__init__(f"{source}: {message}" if source else message)
        self.source = source
        self.detail = message


class GraphNotFound(StoreError):
    pass


@dataclass
class QueryResponse:
    """The bytes of an answer, already in the negotiated syntax."""
    body: bytes
    media_type: str
    truncated: bool = False
    kind: str = "bindings"  # bindings | boolean | graph


@dataclass
class Dataset:
    """Which graphs a query sees. None means: the union of every public graph."""
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None


def effective_dataset(query: str, dataset: Dataset | None) -> Dataset:
    """The request's dataset, else the query's own FROM clauses, else the union of every graph.

    Stated explicitly because a union default graph (pyoxigraph's option, Oxigraph server's
    --union-default-graph) silently overrides a query's FROM clauses.
    """
    if dataset is not None and (dataset.default_graphs is not None or dataset.named_graphs is not None):
        return dataset
    clauses = query_dataset_clauses(query)
    return Dataset(default_graphs=clauses[0], named_graphs=clauses[1]) if clauses else Dataset()


ProgressCallback = Callable[[int], None]  # bytes read so far


class Store(ABC):
    kind: str = "abstract"

    # Trusted queries from coopkg's own code (bounded, fixed text from graph/queries).
    @abstractmethod
    def select(self, query: str, bindings: dict | None = None) -> list[dict]:
        """Rows as dicts of variable name -> pyoxigraph term (unbound variables are absent)."""

    @abstractmethod
    def ask(self, query: str, bindings: dict | None = None) -> bool: ...

    @abstractmethod
    def construct(self, query: str, bindings: dict | None = None) -> list[ox.Triple]: ...

    @abstractmethod
    def update(self, update: str) -> None:
        """Apply a SPARQL Update atomically."""

    # Untrusted queries from the public endpoint.
    @abstractmethod
    def run_query(self, query: str, *, syntax, dataset: Dataset | None = None, timeout: float = 30.0,
                  row_limit: int | None = None, kind: str = "bindings") -> QueryResponse: ...

    # Graphs.
    @abstractmethod
    def load(self, path: Path, *, graph: str | None = None, replace: bool = False,
             progress: ProgressCallback | None = None) -> int:
        """Load one RDF file all-or-nothing; returns the number of quads loaded."""

    @abstractmethod
    def load_data(self, data: bytes, syntax, *, graph: str | None, replace: bool = False,
                  base_iri: str | None = None) -> int:
        """Load a small document (a request body) all-or-nothing."""

    @abstractmethod
    def add_quads(self, quads: Iterable[ox.Quad], remove: Iterable[ox.Quad] = ()) -> None:
        """Add and remove quads in one transaction."""

    @abstractmethod
    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (None: the default graph); False if there was nothing to remove."""

    @abstractmethod
    def graph_exists(self, graph: str) -> bool: ...

    @abstractmethod
    def named_graphs(self) -> list[str]: ...

    @abstractmethod
    def dump(self, output, syntax, *, graph: str | None = None, default_graph: bool = False) -> None:
        """Write quads (dataset syntaxes) or one graph's triples (triple syntaxes) to a binary stream."""

    @abstractmethod
    def triple_count(self) -> int: ...

    @property
    def generation(self) -> int:
        """Changes whenever the data may have changed: caches built from the store key on it."""
        return 0

    def status(self) -> dict:
        return {"kind": self.kind, "status": "ok", "triples": self.triple_count()}

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
