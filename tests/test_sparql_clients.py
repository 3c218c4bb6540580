"""Real SPARQL clients against a live server on the curated graph: SPARQLWrapper in every result
format, and rdflib's SPARQLStore and SPARQLUpdateStore used as a Graph backend (writing only into a
graph of this test's own, with a maintainer token)."""
import uuid
import warnings

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from coopkg.graph.accounts import Accounts

CKG = Namespace("https://w3id.org/coopkg/ontology#")
LABELS = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?thing ?label LIMIT 5")
WORKSHOPS = f"CONSTRUCT WHERE {{ ?event a <{CKG.Workshop}> ; ?p ?o }}"


def wrapper(live_server, query, fmt, method="GET"):
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_every_format(live_server, method):
    rows = wrapper(live_server, LABELS, JSON, method).convert()["results"]["bindings"]
    assert len(rows) == 5
    expected = [(r["thing"]["value"], r["label"]["value"]) for r in rows]

    xml = wrapper(live_server, LABELS, XML, method).convert()
    results = xml.getElementsByTagName("result")
    assert len(results) == 5
    assert [b.getElementsByTagName("uri")[0].firstChild.data for b in results] == [e[0] for e in expected]

    csv_lines = wrapper(live_server, LABELS, CSV, method).convert().decode().splitlines()
    assert csv_lines[0] == "thing,label" and len(csv_lines) == 6
    tsv_lines = wrapper(live_server, LABELS, TSV, method).convert().decode().splitlines()
    assert tsv_lines[0] == "?thing\t?label" and tsv_lines[1].startswith(f"<{expected[0][0]}>")


def test_sparqlwrapper_ask(live_server):
    assert wrapper(live_server, f"ASK {{ ?s a <{CKG.Workshop}> }}", JSON).convert()["boolean"] is True
    xml = wrapper(live_server, f"ASK {{ ?s a <{CKG.NoSuchClass}> }}", XML).convert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML, JSON])
def test_sparqlwrapper_construct_in_every_format(live_server, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper's note about XML/JSON for CONSTRUCT
        result = wrapper(live_server, WORKSHOPS, fmt)
        converted = result.convert()
    if isinstance(converted, bytes):  # Turtle and N3 come back as text
        graph = Graph().parse(data=converted, format="turtle")
    else:
        graph = converted
    assert len(graph) > 3
    assert any(graph.triples((None, RDF.type, CKG.Workshop)))


def test_rdflib_sparqlstore_as_a_graph(live_server):
    graph = Graph(SPARQLStore(live_server.url + "/sparql", returnFormat="json"))
    workshops = list(graph.subjects(RDF.type, CKG.Workshop))
    assert workshops
    rows = list(graph.query(LABELS))
    assert len(rows) == 5 and all(isinstance(row.label, Literal) for row in rows)
    assert graph.query(f"ASK {{ <{workshops[0]}> a <{CKG.Workshop}> }}").askAnswer is True


@pytest.fixture
def own_graph(live_server):
    accounts = Accounts(live_server.data_dir)
    name = f"clients-{uuid.uuid4().hex[:8]}"
    accounts.create_user(name, "client-tests-password")
    token = accounts.create_token(name, "rdflib update store")
    identifier = URIRef(f"https://example.org/test-clients/{uuid.uuid4().hex}")
    store = SPARQLUpdateStore(query_endpoint=live_server.url + "/sparql",
                              update_endpoint=live_server.url + "/sparql/update",
                              headers={"Authorization": f"Bearer {token}"})
    graph = Graph(store, identifier=identifier)
    yield graph
    graph.remove((None, None, None))
    accounts.revoke_token(token.id)


def test_rdflib_sparqlupdatestore_as_a_graph(own_graph):
    ex = Namespace("https://example.org/test-clients/")
    own_graph.add((ex.coop, RDF.type, CKG.Cooperative))
    own_graph.add((ex.coop, ex.name, Literal("Koperasi Uji", lang="id")))
    own_graph.add((ex.coop, ex.name, Literal("Test Coop", lang="en")))
    assert len(own_graph) == 3
    assert set(own_graph.objects(ex.coop, ex.name)) == {Literal("Koperasi Uji", lang="id"), Literal("Test Coop", lang="en")}
    own_graph.remove((ex.coop, ex.name, Literal("Test Coop", lang="en")))
    assert len(own_graph) == 2
    assert own_graph.identifier in set(own_graph.store.contexts())
    # The update went through the token-protected endpoint; the public endpoint sees the result.
    public = Graph(SPARQLStore(own_graph.store.query_endpoint))
    assert (ex.coop, RDF.type, CKG.Cooperative) in public


def test_sparqlupdatestore_without_a_token_is_refused(live_server):
    store = SPARQLUpdateStore(query_endpoint=live_server.url + "/sparql",
                              update_endpoint=live_server.url + "/sparql/update")
    graph = Graph(store, identifier=URIRef("https://example.org/test-clients/refused"))
    with pytest.raises(Exception, match="401"):
        graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
