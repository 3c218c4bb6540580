"""Partners' records are linked to our entities by owl:sameAs; the directory and search list ours only."""
import pytest

from browse_app import make_app

PARTNER_TRIG = """
@prefix ckg: <https://w3id.org/coopkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/coopkg/graph/partner/registry> {
  <https://registry.example.go.id/koperasi/123> a ckg:Cooperative ; rdfs:label "Kopkun Partner Record"@id .
}
"""


@pytest.fixture
def client(tmp_path):
    partner = tmp_path / "partner.trig"
    partner.write_text(PARTNER_TRIG)
    app, store = make_app(tmp_path, extra_files=[partner])
    yield app.test_client()
    store.close()


def test_partner_records_are_not_listed_as_ours(client):
    listing = client.get("/directory?format=json").get_json()
    assert "registry.example.go.id" not in str(listing)
    found = client.get("/search?q=Kopkun+Partner+Record&format=json").get_json()["results"]
    assert all(r["iri"].startswith("https://w3id.org/coopkg/") for r in found)
    assert found, "our own Kopkun should still be found"
