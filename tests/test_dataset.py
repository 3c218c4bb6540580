"""/dataset: VoID and DCAT description (page and RDF), statistics, partners and linksets described in
the store, and whole-graph dumps that parse and follow the data when it changes."""
import pyoxigraph as ox
import pytest

from browse_app import KG, make_app
from coopkg.graph.formats import rdf_syntax

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = ox.NamedNode("https://w3id.org/coopkg/dataset")
BROWSER = {"Accept": "text/html"}


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path)
    yield app, store
    store.close()


def triples(body, fmt):
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}


def objects(graph, subject, predicate):
    return {t.object for t in graph if t.subject == subject and t.predicate == ox.NamedNode(predicate)}


def test_description_is_void_and_dcat_with_statistics(app_store):
    app, store = app_store
    client = app.test_client()
    graph = triples(client.get("/dataset.ttl").data, ox.RdfFormat.TURTLE)
    assert {ox.NamedNode(VOID + "Dataset"), ox.NamedNode(DCAT + "Dataset")} <= objects(graph, DATASET, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert objects(graph, DATASET, "http://purl.org/dc/terms/license") == {ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")}
    assert objects(graph, DATASET, VOID + "sparqlEndpoint") == {ox.NamedNode("https://w3id.org/coopkg/sparql")}
    assert int(next(iter(objects(graph, DATASET, VOID + "triples"))).value) == store.triple_count()
    dumps = {o.value.rsplit(".", 1)[-1] for o in objects(graph, DATASET, VOID + "dataDump")}
    assert dumps == {"nq", "trig", "ttl", "jsonld"}
    # one subset per named graph, with its own triple count
    source = ox.NamedNode("https://w3id.org/coopkg/graph/source/test-article")
    assert source in objects(graph, DATASET, VOID + "subset")
    assert int(next(iter(objects(graph, source, VOID + "triples"))).value) > 20
    # entities per class through class partitions
    partitions = objects(graph, DATASET, VOID + "classPartition")
    classes = {next(iter(objects(graph, p, VOID + "class"))).value: int(next(iter(objects(graph, p, VOID + "entities"))).value)
               for p in partitions}
    assert classes["https://w3id.org/coopkg/ontology#Cooperative"] == 1
    # a partner dataset described in the store is part of the description
    partner = ox.NamedNode("https://w3id.org/coopkg/graph/partner/test-partner")
    assert ox.Literal("Test partner dataset", language="en") in objects(graph, partner, "http://purl.org/dc/terms/title")


def test_page_and_rdf_agree(app_store):
    app, _ = app_store
    client = app.test_client()
    html = client.get("/dataset?lang=en", headers=BROWSER).get_data(as_text=True)
    graph = triples(client.get("/dataset.nt").data, ox.RdfFormat.N_TRIPLES)
    assert f"Show the RDF ({len(graph)} triples)" in html
    assert "Test partner dataset" in html and "/dataset/dump.trig" in html and "CC BY 4.0" in html
    for fmt, media in (("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml")):
        assert client.get("/dataset", headers={"Accept": media}).mimetype == media


@pytest.mark.parametrize("ext, name", [("nq", "nquads"), ("trig", "trig"), ("ttl", "turtle"), ("jsonld", "jsonld")])
def test_dumps_parse_and_hold_everything(app_store, ext, name):
    app, store = app_store
    response = app.test_client().get(f"/dataset/dump.{ext}")
    assert response.status_code == 200 and response.mimetype == rdf_syntax(name).media_type
    quads = list(ox.parse(response.data, format=rdf_syntax(name).oxigraph))
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(
        {(q.subject, q.predicate, q.object) for q in store._db.quads_for_pattern(None, None, None, None)})
    if ext in ("nq", "trig"):
        assert any(q.graph_name == ox.NamedNode("https://w3id.org/coopkg/graph/source/test-article") for q in quads)


def test_dumps_follow_changes(app_store):
    app, store = app_store
    client = app.test_client()
    before = client.get("/dataset/dump.nq").data
    new = ox.Quad(ox.NamedNode(KG + "org/new-coop"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                  ox.Literal("Koperasi Baru", language="id"), ox.NamedNode("https://w3id.org/coopkg/graph/test-new"))
    store.add_quads([new])
    after = client.get("/dataset/dump.nq").data
    assert b"Koperasi Baru" not in before and b"Koperasi Baru" in after
    stats = triples(client.get("/dataset.ttl").data, ox.RdfFormat.TURTLE)
    assert int(next(iter(objects(stats, DATASET, VOID + "triples"))).value) == store.triple_count()
    assert client.get("/dataset/dump.xyz").status_code == 404


def test_entity_count_is_distinct_over_graphs(app_store):
    app, store = app_store
    graph = triples(app.test_client().get("/dataset.ttl").data, ox.RdfFormat.TURTLE)
    typed = {q.subject for q in store._db.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None, None)}
    assert int(next(iter(objects(graph, DATASET, VOID + "entities"))).value) == len(typed)
