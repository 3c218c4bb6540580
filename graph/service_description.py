"""The SPARQL 1.1 Service Description of the endpoints, as RDF triples.

It says what a client needs before querying: the endpoint IRIs, the languages, the result formats,
that the default graph is the union of the named graphs, the named graphs with their sizes, and the
limits (time, rows, body size) as plain comments.
"""
import pyoxigraph as ox

from .formats import RDF_SYNTAXES, RESULTS_SYNTAXES
from .queries import load

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "formats": FORMATS, "void": "http://rdfs.org/ns/void#",
            "dcterms": "http://purl.org/dc/terms/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}

# The W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint can answer in.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "rdfxml": "RDF_XML",
               "jsonld": "JSON-LD", "trig": "TriG", "nquads": "N-Quads"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def graph_sizes(store) -> list[tuple[str, int]]:
    """(graph IRI, triples) for every named graph; a trusted query, so callers cache it per generation."""
    return [(row["graph"].value, int(row["triples"].value)) for row in store.select(load("triples_per_graph"))
            if isinstance(row.get("graph"), ox.NamedNode)]


def describe(query_endpoint: str, update_endpoint: str | None, *, graphs: list[tuple[str, int | None]],
             federated: bool, timeout: float, max_rows: int, max_body: int) -> list[ox.Triple]:
    service = ox.NamedNode(query_endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, DCT_TITLE, ox.Literal("Titik akhir SPARQL coopkg", language="id")),
        ox.Triple(service, DCT_TITLE, ox.Literal("coopkg SPARQL endpoint", language="en")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(
            f"Read-only. The default graph is the union of all named graphs. A query may run {timeout:g} s; "
            f"results are cut at {max_rows} rows (header X-Coopkg-Truncated); request bodies up to {max_body} bytes. "
            "SERVICE only to allow-listed partner endpoints; LOAD and updates are refused here.", language="en")),
    ]
    if federated:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for syntax in (*RESULTS_SYNTAXES, *(s for s in RDF_SYNTAXES if not s.is_dataset)):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[syntax.name])))

    # Sizes are None while they are still being counted (a large store): then they are left out.
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if all(size is not None for _, size in graphs):
        total = ox.Literal(str(sum(size for _, size in graphs)), datatype=XSD_INTEGER)
        triples.append(ox.Triple(default_graph, VOID_TRIPLES, total))
    for iri, size in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
        ]
        if size is not None:
            triples.append(ox.Triple(graph, VOID_TRIPLES, ox.Literal(str(size), datatype=XSD_INTEGER)))

    if update_endpoint:
        updates = ox.NamedNode(update_endpoint)
        triples += [
            ox.Triple(updates, RDF_TYPE, _sd("Service")),
            ox.Triple(updates, _sd("endpoint"), updates),
            ox.Triple(updates, _sd("supportedLanguage"), _sd("SPARQL11Update")),
            ox.Triple(updates, RDFS_COMMENT, ox.Literal(
                "SPARQL 1.1 Update for maintainers: send Authorization: Bearer <token>. LOAD is refused.",
                language="en")),
        ]
    return triples
