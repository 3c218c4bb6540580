"""Federation: a query may use SERVICE with a partner endpoint on the allow-list, and only those.

The partner is a real, bare Oxigraph server on 127.0.0.1 (the `oxigraph_server` fixture); coopkg's
side is a real on-disk store behind the real /sparql view (Flask test client), and `partner pull`
copies the partner's data over SPARQL into its named graph.
"""
import json
from pathlib import Path

import pytest
import requests

from coopkg.graph import federation, partners
from coopkg.graph.settings import Settings
from coopkg.graph.sparql_guard import GuardError
from coopkg.graph.store import EmbeddedStore
from coopkg.service import create_app
from servers import free_port

HERE = Path(__file__).resolve().parent

PARTNER_DATA = """
<https://registry.example.go.id/koperasi/K-001> <http://www.w3.org/2000/01/rdf-schema#label> "KOPKUN" .
<https://registry.example.go.id/koperasi/K-001> <https://registry.example.go.id/def#members> "1200"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://registry.example.go.id/koperasi/K-002> <http://www.w3.org/2000/01/rdf-schema#label> "KSP Maju Bersama" .
<https://registry.example.go.id/koperasi/K-002> <https://registry.example.go.id/def#members> "75"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""

LINK = ("<https://w3id.org/coopkg/id/org/kopkun> <http://www.w3.org/2002/07/owl#sameAs> "
        "<https://registry.example.go.id/koperasi/K-001> .\n")

FEDERATED = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?members WHERE {
  ?ours owl:sameAs ?theirs ; rdfs:label ?name .
  SERVICE <%s> { ?theirs <https://registry.example.go.id/def#members> ?members }
}
"""


@pytest.fixture
def partner_endpoint(oxigraph_server):
    response = requests.post(oxigraph_server.gsp_url + "?default", data=PARTNER_DATA.encode(),
                             headers={"Content-Type": "application/n-triples"}, timeout=10)
    assert response.status_code in (200, 201, 204), response.text
    return oxigraph_server


@pytest.fixture
def store(tmp_path):
    store = EmbeddedStore(tmp_path / "store", min_workers=0, max_workers=1)
    store.load(HERE / "fixtures" / "reconcile_mini.trig")
    from coopkg.graph.formats import rdf_syntax
    store.load_data(LINK.encode(), rdf_syntax("ntriples"), graph="https://w3id.org/coopkg/graph/linkset/registry")
    yield store
    store.close()


def test_service_to_an_allow_listed_partner_answers(partner_endpoint, store, tmp_path):
    settings = Settings.from_env({}, data_dir=tmp_path, service_allowlist=partner_endpoint.query_url,
                                 query_timeout=20)
    response = federation.federated_query(store, FEDERATED % partner_endpoint.query_url, settings)
    rows = json.loads(response.body)["results"]["bindings"]
    assert [(r["name"]["value"], r["members"]["value"]) for r in rows] == [("Kopkun", "1200")]


def test_public_endpoint_federates_only_to_the_allow_list(partner_endpoint, store, tmp_path):
    app = create_app({"data_dir": str(tmp_path), "service_allowlist": partner_endpoint.query_url,
                      "query_timeout": 20, "TESTING": True}, store=store)
    client = app.test_client()
    accept = {"Accept": "application/sparql-results+json"}
    ok = client.post("/sparql", data={"query": FEDERATED % partner_endpoint.query_url}, headers=accept)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.get_json()["results"]["bindings"][0]["members"]["value"] == "1200"
    # The same server under another address, and any other server, are refused before anything is sent.
    for other in (f"http://localhost:{partner_endpoint.port}/query", f"http://127.0.0.1:{free_port()}/query",
                  "http://169.254.169.254/latest/meta-data/"):
        refused = client.post("/sparql", data={"query": FEDERATED % other}, headers=accept)
        assert refused.status_code in (400, 403), refused.get_data(as_text=True)
        assert "allow-list" in refused.get_data(as_text=True)


def test_without_an_allow_list_service_is_refused(partner_endpoint, store, tmp_path):
    settings = Settings.from_env({}, data_dir=tmp_path)
    with pytest.raises(GuardError, match="allow-list"):
        federation.federated_query(store, FEDERATED % partner_endpoint.query_url, settings)


def test_pull_copies_the_partner_endpoint_into_its_graph(partner_endpoint, store, tmp_path):
    partners.add_partner(store, "registry", title="Registry", endpoint=partner_endpoint.query_url)
    report = federation.pull_partner(store, "registry", timeout=10)
    assert report.triples == 4
    assert store.ask("ASK { GRAPH <https://w3id.org/coopkg/graph/partner/registry> { "
                     "<https://registry.example.go.id/koperasi/K-002> ?p \"KSP Maju Bersama\" } }")
    settings = Settings.from_env({}, data_dir=tmp_path)
    listed = federation.partner_endpoints(store, settings)
    assert [(e.partner, e.allowed) for e in listed] == [("registry", False)]
    # A pull replaces: a narrower CONSTRUCT leaves only its triples.
    report = federation.pull_partner(store, "registry", query="CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
                                     "WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }", timeout=10)
    assert report.triples == 2
    with pytest.raises(partners.PartnerError, match="CONSTRUCT"):
        federation.pull_partner(store, "registry", query="SELECT * WHERE { ?s ?p ?o }")


def test_pull_from_an_unreachable_endpoint_leaves_the_graph_alone(store, tmp_path):
    from coopkg.graph.store import StoreError
    partners.add_partner(store, "gone", title="Gone", endpoint=f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError, match="could not fetch"):
        federation.pull_partner(store, "gone", timeout=5)
    assert not store.graph_exists("https://w3id.org/coopkg/graph/partner/gone")


def test_a_slow_partner_is_cut_at_the_time_limit(store, tmp_path):
    """An allow-listed partner that never answers cannot hold a worker past COOPKG_QUERY_TIMEOUT."""
    import socket
    import threading
    import time

    from coopkg.graph.store import QueryTimeout
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stalled = []
    threading.Thread(target=lambda: stalled.append(listener.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    settings = Settings.from_env({}, data_dir=tmp_path, service_allowlist=url, query_timeout=1.5)
    started = time.monotonic()
    try:
        with pytest.raises(QueryTimeout):
            federation.federated_query(store, FEDERATED % url, settings)
        assert time.monotonic() - started < 10
        assert stalled, "the partner was really called"
    finally:
        listener.close()
