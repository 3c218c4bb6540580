"""The linked-data and browse pages on the curated graph, through a live `coopkg serve`: every
entity the directory lists has a page and RDF that parses, and the ontology and dataset parse."""
import re

import pyoxigraph as ox
import requests

HTML = {"Accept": "text/html"}


def test_every_listed_entity_dereferences(live_server):
    listed = set()
    for cls in ("Organisation", "Person", "Event", "Collaboration"):
        page = requests.get(live_server.url + "/directory", params={"class": cls, "size": 100}, headers=HTML, timeout=30)
        assert page.status_code == 200
        listed |= set(re.findall(r'<td><a href="(/doc/[^"]+)"', page.text))
    assert len(listed) >= 10
    for doc in sorted(listed):
        html = requests.get(live_server.url + doc, headers=HTML, timeout=30)
        assert html.status_code == 200, doc
        turtle = requests.get(live_server.url + doc + ".ttl", timeout=30)
        assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle"), doc
        assert list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)), doc
        thing = requests.get(live_server.url + doc.replace("/doc/", "/id/", 1), headers={"Accept": "application/ld+json"},
                             allow_redirects=False, timeout=30)
        assert thing.status_code == 303 and thing.headers["Location"].endswith(doc + ".jsonld"), doc


def test_ontology_and_dataset_parse(live_server):
    ontology = requests.get(live_server.url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    classes = {t.subject.value for t in ox.parse(ontology.content, format=ox.RdfFormat.TURTLE)
               if t.object == ox.NamedNode("http://www.w3.org/2002/07/owl#Class")}
    assert "https://w3id.org/coopkg/ontology#Cooperative" in classes
    page = requests.get(live_server.url + "/ontology?lang=en", headers=HTML, timeout=30)
    assert page.status_code == 200 and 'id="Cooperative"' in page.text
    dataset = requests.get(live_server.url + "/dataset.jsonld", timeout=60)
    assert dataset.status_code == 200 and list(ox.parse(dataset.content, format=ox.RdfFormat.JSON_LD))


def test_search_on_the_curated_graph(live_server):
    results = requests.get(live_server.url + "/search", params={"q": "kopkun", "format": "json"}, timeout=30).json()["results"]
    assert results and "kopkun" in results[0]["iri"]
    assert requests.get(live_server.url + results[0]["href"], headers=HTML, timeout=30).status_code == 200
