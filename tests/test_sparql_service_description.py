"""The W3C Service Description manifest (service-description/manifest.ttl): GET on the endpoint
returns RDF, with a matching sd:endpoint triple, conforming to the SD vocabulary; plus the parts
coopkg promises: result formats, features, the default dataset and its named graphs."""
import pytest
import requests
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}
RDF_SYNTAXES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
                "application/n-triples": "nt"}


def description(live_server, accept="text/turtle", path="/sparql"):
    response = requests.get(live_server.url + path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    media = response.headers["Content-Type"].split(";")[0]
    assert media in RDF_SYNTAXES
    return Graph().parse(data=response.content, format=RDF_SYNTAXES[media]), response


@pytest.mark.parametrize("accept", [None, "*/*", *RDF_SYNTAXES])
def test_returns_rdf(live_server, accept):
    graph, response = description(live_server, accept)
    if accept in RDF_SYNTAXES:
        assert response.headers["Content-Type"].split(";")[0] == accept
    assert "Accept" in response.headers["Vary"]
    assert len(graph) > 10


def test_has_endpoint_triple(live_server):
    graph, _ = description(live_server)
    endpoint = URIRef(live_server.url + "/sparql")
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, RDF.type, SD.Service) in graph


def test_conforms_to_schema(live_server):
    graph, _ = description(live_server)
    endpoint = URIRef(live_server.url + "/sparql")
    for service in graph.subjects(RDF.type, SD.Service):
        assert isinstance(service, URIRef)
        assert len(list(graph.objects(service, SD.endpoint))) == 1
        assert set(graph.objects(service, SD.supportedLanguage)) <= SD_LANGUAGES
        assert set(graph.objects(service, SD.feature)) <= SD_FEATURES
        assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    assert set(graph.objects(endpoint, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert SD.UnionDefaultGraph in set(graph.objects(endpoint, SD.feature))
    assert SD.BasicFederatedQuery not in set(graph.objects(endpoint, SD.feature))  # no partner allow-list here
    formats = set(graph.objects(endpoint, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
            FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS.RDF_XML,
            FORMATS["JSON-LD"]} <= formats

    (dataset,) = graph.objects(endpoint, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    (default_graph,) = graph.objects(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in graph
    total = graph.value(default_graph, VOID.triples)
    assert isinstance(total, Literal) and total.toPython() > 0
    names = set()
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
        name = graph.value(named, SD.name)
        assert isinstance(name, URIRef)
        names.add(str(name))
        inner = graph.value(named, SD.graph)
        assert isinstance(inner, BNode) and (inner, RDF.type, SD.Graph) in graph
        assert graph.value(inner, VOID.triples).toPython() > 0
    # The named graphs described are the ones the endpoint queries.
    listed = requests.get(live_server.url + "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert names == {row["g"]["value"] for row in listed}
    assert "https://w3id.org/coopkg/graph/source/meretas-era-baru-koperasi-milenial" in names


def test_update_service_is_described(live_server):
    graph, _ = description(live_server, path="/sparql/update")
    updates = URIRef(live_server.url + "/sparql/update")
    assert (updates, SD.endpoint, updates) in graph
    assert (updates, SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_format_parameter_and_refusals(live_server):
    graph, response = description(live_server, accept=None, path="/sparql?format=jsonld")
    assert response.headers["Content-Type"] == "application/ld+json" and len(graph) > 10
    assert requests.get(live_server.url + "/sparql", headers={"Accept": "text/csv"}).status_code == 406
    browser = requests.get(live_server.url + "/sparql", allow_redirects=False,
                           headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["Location"] == "/query"
    no_query = requests.post(live_server.url + "/sparql", data={"default-graph-uri": "https://example.org/g"})
    assert no_query.status_code == 400 and "no `query`" in no_query.text


def test_federation_is_announced_when_partners_are_allow_listed(tmp_path):
    from coopkg.service import create_app
    app = create_app({"data_dir": tmp_path, "service_allowlist": "https://partner.example/sparql", "TESTING": True})
    try:
        response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
        graph = Graph().parse(data=response.data, format="turtle")
        assert (URIRef("http://localhost/sparql"), SD.feature, SD.BasicFederatedQuery) in graph
    finally:
        app.extensions["coopkg"].store.close()
