"""Any SPARQL 1.1 server as the store: Protocol for queries and updates, Graph Store Protocol for data.

The server should present the union of its named graphs as the default graph (Oxigraph:
--union-default-graph; Fuseki: unionDefaultGraph), as the embedded store does. Time limits are
enforced on our side by the HTTP timeout; stopping the work on the server is the server's business.
"""
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
import requests

from ..formats import rdf_syntax, rdf_syntax_for_path, results_syntax
from ..results import serialize_boolean, serialize_solutions, serialize_triples
from ..sparql_bind import with_values
from ..sparql_protocol import TRUNCATED_HEADER
from .base import (Dataset, GraphNotFound, QueryRefused, QueryResponse, QuerySyntaxError, QueryTimeout, RdfSyntaxError,
                   Store, StoreBusy, StoreError, effective_dataset)
from .embedded import _quad_text, file_graph_iri


class RemoteStore(Store):
    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *,
                 user: str | None = None, password: str | None = None, token: str | None = None,
                 timeout: float = 60.0):
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.timeout = timeout
        self._http = requests.Session()
        if user:
            self._http.auth = (user, password or "")
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"

    # ---- HTTP ----
    def _post(self, url, *, timeout=None, **kwargs):
        if not url:
            raise StoreError("this remote store has no URL configured for that operation")
        try:
            response = self._http.post(url, timeout=timeout or self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise QueryTimeout(f"The remote store did not answer within {timeout or self.timeout:g} seconds.") from exc
        except requests.ConnectionError as exc:
            raise StoreBusy(f"The remote store at {url} cannot be reached: {exc}") from exc
        self._raise_for(response)
        return response

    @staticmethod
    def _raise_for(response):
        if response.status_code < 400:
            return
        text = response.text.strip()[:2000]
        if response.status_code == 400:
            raise QuerySyntaxError(text or "the remote store refused the request")
        if response.status_code == 404:
            raise GraphNotFound(text)
        raise StoreError(f"remote store answered {response.status_code}: {text}")

    def _results(self, query, bindings):
        response = self._post(self.query_url, data={"query": with_values(query, bindings or {})},
                              headers={"Accept": "application/sparql-results+json"})
        if _cut(response):
            # A partial answer to one of our own queries would silently be wrong.
            raise StoreError(f"{self.query_url} cut the answer at its row cap; "
                             "stop the server to run this on the store itself")
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)

    # ---- trusted queries ----
    def select(self, query, bindings=None):
        result = self._results(query, bindings)
        variables = [v.value for v in result.variables]
        return [{v: t for v, t in zip(variables, s) if t is not None} for s in result]

    def ask(self, query, bindings=None):
        return bool(self._results(query, bindings))

    def construct(self, query, bindings=None):
        body = self._post(self.query_url, data={"query": with_values(query, bindings or {})},
                          headers={"Accept": "application/n-triples"}).content
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]

    def update(self, update):
        self._post(self.update_url, data={"update": update})

    def run_query(self, query, *, results_format=None, graph_format=None, dataset=None, timeout=30.0,
                  row_limit=None, kind="bindings", base_iri=None, prefixes=None, syntax=None):
        """Ask the server in one fixed syntax and re-serialise here, so the row cap and every
        output format behave as on the embedded store whatever the server supports."""
        dataset = effective_dataset(query, dataset)
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in dataset.default_graphs or []]
        data += [("named-graph-uri", g) for g in dataset.named_graphs or []]
        if kind == "graph":
            wanted = rdf_syntax(graph_format or "")
            if wanted is None:
                raise QueryRefused("no acceptable format for graph results")
            response = self._post(self.query_url, data=data, timeout=timeout, headers={"Accept": "application/n-triples"})
            triples = (q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
            body, truncated = serialize_triples(triples, wanted, row_limit, prefixes)
            return QueryResponse(body, wanted.media_type, truncated or _cut(response), "graph")
        wanted = results_syntax(results_format or "")
        if wanted is None:
            raise QueryRefused("no acceptable format for bindings results")
        response = self._post(self.query_url, data=data, timeout=timeout,
                              headers={"Accept": "application/sparql-results+json"})
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            return QueryResponse(serialize_boolean(bool(result), wanted), wanted.media_type, False, "boolean")
        variables = [v.value for v in result.variables]
        body, truncated = serialize_solutions(variables, (tuple(s) for s in result), wanted, row_limit)
        return QueryResponse(body, wanted.media_type, truncated or _cut(response), "bindings")

    # ---- graphs ----
    def _gsp_params(self, graph):
        return {"default": ""} if graph is None else {"graph": graph}

    def load(self, path, *, graph=None, replace=False, progress=None):
        path = Path(path)
        syntax = rdf_syntax_for_path(path)
        if syntax is None:
            raise RdfSyntaxError("unknown RDF syntax (use .ttl, .trig, .nt, .nq, .rdf/.owl or .jsonld)", str(path))
        with open(path, "rb") as fh:
            data = fh.read()
        if progress:
            progress(len(data))
        return self._send(data, syntax, graph or file_graph_iri(path), replace, str(path),
                          base_iri=path.resolve().as_uri())

    def load_data(self, data, syntax, *, graph=None, replace=False, base_iri=None):
        return self._send(data, syntax, graph, replace, None, base_iri=base_iri)

    def _send(self, data, syntax, graph, replace, label, base_iri=None):
        """Parse here first, so a syntax error names the line and nothing reaches the server.

        Each graph is then sent as N-Triples with one Graph Store request (PUT to replace, POST to
        add), which the server applies atomically; a dataset is never PUT whole, which would clear
        every other graph on the server.
        """
        if not self.gsp_url:
            raise StoreError("loading into a remote store needs its Graph Store Protocol URL")
        per_graph: dict[str, list[ox.Triple]] = {}
        try:
            for quad in ox.parse(data, format=syntax.oxigraph, base_iri=base_iri):
                if isinstance(quad, ox.Triple) or isinstance(quad.graph_name, ox.DefaultGraph):
                    if graph is None:
                        raise RdfSyntaxError("triples outside a named graph need a target graph (--graph)", label)
                    name = graph
                else:
                    name = quad.graph_name.value
                triple = quad if isinstance(quad, ox.Triple) else quad.triple
                per_graph.setdefault(name, []).append(triple)
        except SyntaxError as exc:
            raise RdfSyntaxError(str(exc), label) from exc
        if replace and not per_graph and graph is not None:
            per_graph[graph] = []
        method = self._http.put if replace else self._http.post
        for name, triples in per_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            try:
                response = method(self.gsp_url, params={"graph": name}, data=body, timeout=self.timeout * 10,
                                  headers={"Content-Type": "application/n-triples"})
            except requests.ConnectionError as exc:
                raise StoreBusy(f"The remote store at {self.gsp_url} cannot be reached: {exc}") from exc
            self._raise_for(response)
        return sum(len(t) for t in per_graph.values())

    def add_quads(self, quads: Iterable[ox.Quad], remove: Iterable[ox.Quad] = ()):
        ops = []
        remove, quads = list(remove), list(quads)
        if remove:
            ops.append("DELETE DATA { " + " ".join(_quad_text(q) for q in remove) + " }")
        if quads:
            ops.append("INSERT DATA { " + " ".join(_quad_text(q) for q in quads) + " }")
        if ops:
            self.update(" ;\n".join(ops))

    def drop_graph(self, graph):
        had = graph is None or self.graph_exists(graph)
        target = "DEFAULT" if graph is None else str(ox.NamedNode(graph))
        self.update(f"DROP SILENT {'' if graph is None else 'GRAPH '}{target}")
        return had

    def graph_exists(self, graph):
        return self.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)})

    def named_graphs(self):
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(r["g"].value for r in rows if isinstance(r.get("g"), ox.NamedNode))

    def dump(self, output, syntax, *, graph=None, default_graph=False):
        if syntax.is_dataset:
            if self.gsp_url:
                # One Graph Store GET per graph: one SELECT over everything would meet a row cap.
                quads = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                         for g in self.named_graphs() for t in self._graph_triples(g))
            else:
                rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
                quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
            ox.serialize(quads, output, format=syntax.oxigraph)
            return
        if graph is not None and not self.graph_exists(graph):
            raise GraphNotFound(graph)
        ox.serialize(self._graph_triples(None if default_graph else graph), output, format=syntax.oxigraph)

    def _graph_triples(self, graph) -> list[ox.Triple]:
        if not self.gsp_url:
            raise StoreError("reading a whole graph from a remote store needs its Graph Store Protocol URL")
        response = self._http.get(self.gsp_url, params=self._gsp_params(graph),
                                  headers={"Accept": "application/n-triples"}, timeout=self.timeout)
        self._raise_for(response)
        return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]

    def triple_count(self):
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    def status(self):
        try:
            return {"kind": self.kind, "status": "ok", "triples": self.triple_count(), "endpoint": self.query_url}
        except StoreError as exc:
            return {"kind": self.kind, "status": "unavailable", "error": str(exc), "endpoint": self.query_url}

    @property
    def generation(self) -> int:
        # Another client may write to a remote server at any time: caches live one minute at most.
        import time
        return int(time.time() // 60)

    def close(self):
        self._http.close()


def _cut(response) -> bool:
    """Did the server (a coopkg one) cut this answer at its row cap?"""
    return response.headers.get(TRUNCATED_HEADER, "").lower() == "true"
