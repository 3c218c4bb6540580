"""Dereferenceable IRIs: 303 from things to documents, content negotiation in every RDF syntax with
the RDF parsed back, Vary and Link headers, real 404 pages, concepts and the ontology."""
import pyoxigraph as ox
import pytest

from browse_app import CKG, KG, make_app

KOPKUN = KG + "org/kopkun"
FORMATS = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE), "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
           "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML), "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD)}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app, store = make_app(tmp_path_factory.mktemp("ld"))
    yield app.test_client()
    store.close()


def parse(body: bytes, fmt) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}


def test_thing_redirects_browsers_to_the_html_document(client):
    response = client.get("/id/org/kopkun", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/org/kopkun")
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_thing_redirects_machines_to_the_format_they_accept(client, ext):
    media, _ = FORMATS[ext]
    response = client.get("/id/org/kopkun", headers={"Accept": media})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/doc/org/kopkun.{ext}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(response.headers["Location"]).headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_every_format_by_negotiation_and_by_suffix_parses_to_the_same_graph(client, ext):
    media, fmt = FORMATS[ext]
    negotiated = client.get("/doc/org/kopkun", headers={"Accept": media})
    by_suffix = client.get(f"/doc/org/kopkun.{ext}")
    assert negotiated.status_code == by_suffix.status_code == 200
    assert negotiated.mimetype == by_suffix.mimetype == media
    assert "Accept" in negotiated.headers["Vary"]
    graph = parse(by_suffix.data, fmt)
    assert graph == parse(negotiated.data, fmt)
    this = ox.NamedNode(KOPKUN)
    assert ox.Triple(this, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CKG + "Cooperative")) in graph
    assert ox.Triple(this, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Kopkun", language="id")) in graph
    # incoming statements are part of the description: the commitment names Kopkun as a party
    assert ox.Triple(ox.NamedNode(KG + "collaboration/kopkun-lpdb-commitment"), ox.NamedNode(CKG + "party"), this) in graph


def test_link_headers_name_every_alternate(client):
    links = client.get("/doc/org/kopkun.ttl").headers["Link"]
    for ext, (media, _) in FORMATS.items():
        assert f'</doc/org/kopkun.{ext}>; rel="alternate"; type="{media}"' in links
    assert 'type="text/html"' in links


def test_html_page_and_rdf_come_from_one_description(client):
    html = client.get("/doc/org/kopkun", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    turtle = client.get("/doc/org/kopkun.ttl").data
    triples = parse(turtle, ox.RdfFormat.TURTLE)
    assert f"Show the RDF ({len(triples)} triples)" in client.get(
        "/doc/org/kopkun?lang=en", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    # every linked resource the RDF labels is a link on the page
    for triple in triples:
        if triple.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" and triple.subject.value.startswith(KG):
            path = triple.subject.value[len(KG):]
            assert f'href="/doc/{path}"' in html or triple.subject.value == KOPKUN


def test_unknown_iri_is_a_real_404_page(client):
    for path in ("/id/org/does-not-exist", "/doc/org/does-not-exist", "/doc/org/does-not-exist.ttl", "/concept/nope/x"):
        response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 404, path
        assert response.mimetype == "text/html"
        assert "does-not-exist" in response.get_data(as_text=True) or "nope" in response.get_data(as_text=True)


def test_unacceptable_type_is_406(client):
    response = client.get("/doc/org/kopkun", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_concepts_and_graphs_dereference_too(client):
    response = client.get("/concept/cooperative-model/consumer", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/concept/cooperative-model/consumer.ttl")
    graph = parse(client.get(response.headers["Location"]).data, ox.RdfFormat.TURTLE)
    assert ox.Triple(ox.NamedNode(KOPKUN), ox.NamedNode(CKG + "cooperativeModel"),
                     ox.NamedNode("https://w3id.org/coopkg/concept/cooperative-model/consumer")) in graph
    graph_doc = client.get("/graph/source/test-article", headers={"Accept": "application/n-triples"})
    assert graph_doc.status_code == 303
    assert client.get(graph_doc.headers["Location"]).status_code == 200


def test_ontology_at_its_namespace_as_page_and_rdf(client):
    page = client.get("/ontology?lang=en", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="Cooperative"' in text and "An enterprise owned by its members." in text
    for ext, (media, fmt) in FORMATS.items():
        response = client.get(f"/ontology.{ext}")
        assert response.mimetype == media
        graph = parse(response.data, fmt)
        assert ox.Triple(ox.NamedNode(CKG + "Cooperative"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                         ox.NamedNode(CKG + "Organisation")) in graph
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"


def test_entity_page_shows_names_summary_sentences_sources_and_links(client):
    html = client.get("/doc/person/firdaus-putra?lang=id", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "Direktur <a href=\"/doc/org/kopkun-institute\">Kopkun Institute</a>, sejak 2018" in html
    assert "Pembicara di <a href=\"/doc/event/fgd-purwokerto-2019\">FGD Koperasi Startup Purwokerto</a>, 6 Agustus 2019" in html
    assert "Artikel uji tentang Kopkun" in html and "https://example.org/articles/kopkun" in html
    english = client.get("/doc/person/firdaus-putra?lang=en", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "Director <a href=\"/doc/org/kopkun-institute\">Kopkun Institute</a>, since 2018" in english
    org = client.get("/doc/org/kopkun?lang=en", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "A consumer cooperative in Purwokerto." in org
    readable, rdf = org.split('<section aria-labelledby="data">')
    assert "Koperasi konsumen di Purwokerto." not in readable  # the other language's text is in the RDF only
    assert "Koperasi konsumen di Purwokerto." in rdf
    assert "Party to <a href=\"/doc/collaboration/kopkun-lpdb-commitment\">" in org
    assert '<a href="http://www.wikidata.org/entity/Q000000001" rel="external">Wikidata Q000000001</a>' in org
    assert "Sub-organisations" in org
    assert '<a href="/doc/place/purwokerto">Purwokerto</a>' in org


def test_name_falls_back_to_the_other_language(client):
    english = client.get("/doc/place/jawa-tengah?lang=en", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    indonesian = client.get("/doc/place/jawa-tengah?lang=id", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "<h1 lang=\"en\">Central Java</h1>" in english and "<h1 lang=\"id\">Jawa Tengah</h1>" in indonesian
    only_id = client.get("/doc/org/kopkun-institute?lang=en", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "<h1 lang=\"id\">Kopkun Institute</h1>" in only_id


def test_html_escapes_data(tmp_path):
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text('<https://w3id.org/coopkg/id/org/x> <http://www.w3.org/2000/01/rdf-schema#label> '
                       '"<script>alert(1)</script>"@id .\n')
    app, store = make_app(tmp_path, [hostile])
    try:
        html = app.test_client().get("/doc/org/x", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    finally:
        store.close()


def test_summary_is_generated_when_the_data_has_no_description(client):
    html = client.get("/doc/event/fgd-purwokerto-2019?lang=id", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert '<p class="entity-summary">Diskusi kelompok terpumpun · Purwokerto · 6 Agustus 2019</p>' in html


def test_the_host_stands_for_the_configured_base(tmp_path):
    data = tmp_path / "other-base.ttl"
    data.write_text('<http://kg.example.test/id/org/abc> <http://www.w3.org/2000/01/rdf-schema#label> "ABC"@id ;\n'
                    '  <http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://kg.example.test/id/org/def> .\n'
                    '<http://kg.example.test/id/org/def> <http://www.w3.org/2000/01/rdf-schema#label> "DEF"@id .\n')
    app, store = make_app(tmp_path, [data], base_iri="http://kg.example.test/")
    try:
        client = app.test_client()
        assert client.get("/id/org/abc", headers={"Accept": "text/turtle"}).headers["Location"].endswith("/doc/org/abc.ttl")
        graph = parse(client.get("/doc/org/abc.ttl").data, ox.RdfFormat.TURTLE)
        assert ox.NamedNode("http://kg.example.test/id/org/abc") in {t.subject for t in graph}
        html = client.get("/doc/org/abc", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        assert '<a href="/doc/org/def">DEF</a>' in html
        # IRIs under the default base are now someone else's: not served here
        assert client.get("/id/org/kopkun", headers={"Accept": "text/turtle"}).status_code == 404
    finally:
        store.close()


@pytest.mark.parametrize("path", ["/doc/org/a%20b", "/id/org/a%3Cb%3E", "/doc/org/%22x", "/doc/org/x%7By.ttl",
                                  "/concept/%00", "/graph/a%20b", "/doc/"])
def test_malformed_iris_are_404_not_500(client, path):
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert "<b>" not in response.get_data(as_text=True)
