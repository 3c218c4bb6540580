"""The Graph Store HTTP Protocol's operations on the store: read, replace, add to and delete a graph.

`graph=None` is the store's own default graph (not the union that queries see). Request bodies are
parsed here first, with blank nodes renamed, so that a syntax error changes nothing and two bodies
that both say `_:b0` do not merge their blank nodes. Named graphs are replaced or extended
all-or-nothing by the store's loader; the default graph by one atomic update.
"""
import pyoxigraph as ox

from .formats import RdfSyntax, rdf_syntax
from .store import RdfSyntaxError, Store

NTRIPLES = rdf_syntax("ntriples")


def parse_graph(documents: list[tuple[bytes, RdfSyntax]], base_iri: str | None) -> list[ox.Triple]:
    """The triples of one or more graph documents (an RDF merge); raises RdfSyntaxError."""
    triples = []
    for data, syntax in documents:
        try:
            triples.extend(ox.parse(data, format=syntax.oxigraph, base_iri=base_iri, rename_blank_nodes=True,
                                    without_named_graphs=True))
        except SyntaxError as exc:
            raise RdfSyntaxError(str(exc)) from exc
    return [t if isinstance(t, ox.Triple) else t.triple for t in triples]


def exists(store: Store, graph: str | None) -> bool:
    return graph is None or store.graph_exists(graph)


def replace(store: Store, graph: str | None, triples: list[ox.Triple]) -> bool:
    """Make the graph hold exactly `triples`; True if the graph was created by this."""
    created = not exists(store, graph)
    if graph is None:
        store.update(_default_graph_update(triples, replace=True))
    elif not triples:  # an empty graph still exists afterwards, as the protocol expects
        node = ox.NamedNode(graph)
        store.update(f"DROP SILENT GRAPH {node} ;\nCREATE SILENT GRAPH {node}")
    else:
        store.load_data(_ntriples(triples), NTRIPLES, graph=graph, replace=True)
    return created


def add(store: Store, graph: str | None, triples: list[ox.Triple]) -> bool:
    """Add `triples` to the graph (created if absent); True if the graph was created by this."""
    created = not exists(store, graph)
    if graph is None:
        if triples:
            store.update(_default_graph_update(triples, replace=False))
    elif not triples:
        if created:
            store.update(f"CREATE SILENT GRAPH {ox.NamedNode(graph)}")
    else:
        store.load_data(_ntriples(triples), NTRIPLES, graph=graph, replace=False)
    return created


def delete(store: Store, graph: str | None) -> bool:
    """False if there was no such graph."""
    return store.drop_graph(graph)


def _ntriples(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _default_graph_update(triples, *, replace: bool) -> str:
    # Terms are written by pyoxigraph, so no request text reaches the update unescaped.
    operations = ["DROP SILENT DEFAULT"] if replace else []
    if triples:
        operations.append("INSERT DATA { " + " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples) + " }")
    return " ;\n".join(operations)
