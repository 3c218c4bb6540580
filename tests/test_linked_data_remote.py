"""The same pages on the remote store (a bare Oxigraph server): entity page, RDF, directory, search."""
import pyoxigraph as ox

from browse_app import FIXTURE, KG
from coopkg.graph.store.remote import RemoteStore
from coopkg.service import create_app


def test_pages_work_on_a_remote_store(oxigraph_server, tmp_path):
    store = RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url, oxigraph_server.gsp_url)
    try:
        store.load(FIXTURE)
        app = create_app({"data_dir": str(tmp_path / "data"), "TESTING": True}, store=store)
        client = app.test_client()
        html = client.get("/doc/person/firdaus-putra?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'Director <a href="/doc/org/kopkun-institute">Kopkun Institute</a>, since 2018' in html
        graph = {ox.Triple(q.subject, q.predicate, q.object)
                 for q in ox.parse(client.get("/doc/org/kopkun.nt").data, format=ox.RdfFormat.N_TRIPLES)}
        assert any(t.subject == ox.NamedNode(KG + "org/kopkun") for t in graph)
        directory = client.get("/directory?class=Organisation&province=id/place/jawa-tengah&format=json").get_json()
        assert {i["iri"] for i in directory["items"]} == {KG + "org/kopkun", KG + "org/kopkun-institute"}
        assert client.get("/search?q=LPDB&format=json").get_json()["results"][0]["iri"] == KG + "org/lpdb"
        assert client.get("/dataset.ttl").status_code == 200
    finally:
        store.close()
