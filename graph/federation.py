"""Querying across coopkg and partner SPARQL endpoints.

Two ways, both explicit:
- SERVICE in a query, only to endpoints on COOPKG_SERVICE_ALLOWLIST. The engine fetches SERVICE
  itself to any address, so sparql_guard refuses every other target before the engine sees the
  query; the query then runs in a killable worker with the usual time limit (the partner's time
  counts against it).
- `pull_partner`: copy a partner's data from its endpoint into its named graph (SPARQLWrapper, a
  CONSTRUCT with a LIMIT), replacing the graph all-or-nothing like an import.
"""
from dataclasses import dataclass

import pyoxigraph as ox

from . import partners as registry
from .sparql_guard import check_query
from .store import Dataset, QueryFailed, StoreError

DEFAULT_PULL_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass
class PartnerEndpoint:
    partner: str
    endpoint: str
    allowed: bool  # on the SERVICE allow-list of this deployment


def partner_endpoints(store, settings) -> list[PartnerEndpoint]:
    """Registered partners with an endpoint, and whether queries may call it with SERVICE."""
    allowed = set(settings.allowed_services)
    return [PartnerEndpoint(p.name, p.endpoint, p.endpoint in allowed)
            for p in registry.list_partners(store) if p.endpoint]


def federated_query(store, text: str, settings, *, results_format="json", timeout: float | None = None):
    """Run a (possibly federated) public query with the same checks as the public endpoint."""
    shape = check_query(text, allowed_services=settings.allowed_services, max_depth=settings.max_query_depth)
    kind = "graph" if shape.form in ("CONSTRUCT", "DESCRIBE") else "bindings"
    return store.run_query(text, results_format=results_format, graph_format="ntriples", dataset=Dataset(),
                           timeout=timeout or settings.query_timeout, row_limit=settings.max_rows, kind=kind)


def pull_partner(store, name: str, *, endpoint: str | None = None, query: str | None = None,
                 limit: int = 1_000_000, timeout: float = 60.0) -> registry.ImportReport:
    """Replace a partner's graph with the result of a CONSTRUCT on its SPARQL endpoint."""
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    partner = registry.require_partner(store, name)
    endpoint = endpoint or partner.endpoint
    if not endpoint:
        raise registry.PartnerError(f"partner {name} has no SPARQL endpoint; give --endpoint or register one "
                                    f"with `coopkg partner add {name} --endpoint URL ...`")
    text = query or DEFAULT_PULL_QUERY
    shape = check_query(text, allowed_services=(), max_depth=200)
    if shape.form != "CONSTRUCT":
        raise registry.PartnerError("a pull query must be a CONSTRUCT query")
    if limit and "LIMIT" not in text.upper():
        text = f"{text}\nLIMIT {int(limit)}"
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod("POST")
    client.setTimeout(int(timeout))
    client.addCustomHttpHeader("Accept", "application/n-triples")
    client.setOnlyConneg(True)
    try:
        response = client.query().response
        body = response.read()
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    except (SPARQLWrapperException, OSError) as exc:
        raise StoreError(f"could not fetch from {endpoint}: {exc}") from exc
    formats = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
    if media_type not in formats:
        raise QueryFailed(f"{endpoint} answered {media_type or 'no content type'}, not RDF")
    try:
        triples = list(ox.parse(body, format=formats[media_type]))
    except SyntaxError as exc:
        raise QueryFailed(f"{endpoint} sent RDF that does not parse: {exc}") from exc
    return registry.replace_data(store, name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
