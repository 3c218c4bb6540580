"""Linksets: reconcile a partner's entities, review (accept/reject), publish a VoID Linkset.

Real on-disk store with the small reconciliation graph; the partner is a CSV imported through a mapping.
"""
import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopkg.graph import linksets, partners
from coopkg.graph.store import EmbeddedStore

HERE = Path(__file__).resolve().parent
NS = "https://registry.example.go.id/lembaga/"
ROWS = [
    ["id", "nama", "jenis", "kota"],
    ["R1", "Kementerian Koperasi & UKM", "Kementerian", "Jakarta"],
    ["R2", "LPDB-KUMKM", "Lembaga", "Jakarta"],
    ["R3", "Dinas Koperasi Kabupaten Banyumas", "Dinas", "Banyumas"],
    ["R4", "Univ. Mercu Buana Yogyakarta", "Universitas", "Yogyakarta"],
    ["R5", "Koperasi Produsen Tahu Tempe Kab. Tegal", "Koperasi", "Tegal"],
]
MAPPING = {"id_column": "id", "name_column": "nama", "iri_template": NS + "{id}", "type_column": "jenis",
           "city_column": "kota", "types": {"Kementerian": "ckg:Ministry", "Lembaga": "ckg:GovernmentAgency",
                                            "Dinas": "ckg:RegionalGovernmentOffice",
                                            "Universitas": "ckg:University", "Koperasi": "ckg:Cooperative"}}
OURS = "https://w3id.org/coopkg/id/"
LINKSET = "https://w3id.org/coopkg/graph/linkset/registry"


@pytest.fixture
def setup(tmp_path):
    store = EmbeddedStore(tmp_path / "store", min_workers=0, max_workers=1)
    store.load(HERE / "fixtures" / "reconcile_mini.trig")
    table, mapping = tmp_path / "registry.csv", tmp_path / "mapping.json"
    with open(table, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    mapping.write_text(json.dumps(MAPPING))
    partners.add_partner(store, "registry", title="Registry", namespace=NS)
    partners.import_file(store, "registry", table, mapping)
    yield store, tmp_path / "data"
    store.close()


def by_partner(proposals):
    return {link.partner_iri.removeprefix(NS): link for link in proposals.links}


def test_propose_review_publish(setup):
    store, data_dir = setup
    proposals = linksets.propose(store, data_dir, "registry")
    links = by_partner(proposals)
    assert links["R1"].candidate == OURS + "org/kemenkop-ukm" and links["R1"].match
    assert links["R2"].candidate == OURS + "org/lpdb" and links["R2"].match
    assert links["R4"].candidate == OURS + "org/umby" and links["R4"].match
    # Another regency's office may be proposed for a look, never as a clear match.
    assert "R3" not in links or not links["R3"].match
    assert NS + "R5" in {u["iri"] for u in proposals.unmatched} or not links["R5"].match
    # Partner places are reconciled too: their Jakarta is our Jakarta.
    assert by_partner(proposals)["place/jakarta"].candidate == OURS + "place/jakarta"
    # Nothing unreviewed is in the store.
    assert not store.graph_exists(LINKSET)

    accepted = linksets.decide(data_dir, "registry", accept=True, reviewer="Maintainer A", matches=True)
    assert {link.partner_iri.removeprefix(NS) for link in accepted} >= {"R1", "R2", "R4"}
    if "R3" in links:
        linksets.decide(data_dir, "registry", [NS + "R3"], accept=False, reviewer="Maintainer A")
    number = [link.partner_iri for link in linksets.load_proposals(data_dir, "registry").links].index(NS + "R4") + 1
    linksets.decide(data_dir, "registry", [str(number)], accept=True, reviewer="Maintainer B", relation="exactMatch")

    published = linksets.publish(store, data_dir, "registry")
    assert published.graph == LINKSET
    rows = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(LINKSET)})
    triples = {(r["s"].value, r["p"].value, r["o"].value) for r in rows}
    assert (OURS + "org/kemenkop-ukm", "http://www.w3.org/2002/07/owl#sameAs", NS + "R1") in triples
    assert (OURS + "org/umby", "http://www.w3.org/2004/02/skos/core#exactMatch", NS + "R4") in triples
    assert not any(o == NS + "R3" for _, _, o in triples)
    void = {(p, o) for s, p, o in triples if s == LINKSET}
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://rdfs.org/ns/void#Linkset") in void
    assert ("http://rdfs.org/ns/void#objectsTarget", "https://w3id.org/coopkg/graph/partner/registry") in void
    assert ("http://rdfs.org/ns/void#linkPredicate", "http://www.w3.org/2002/07/owl#sameAs") in void
    assert ("http://rdfs.org/ns/void#triples", str(published.by_relation["sameAs"])) in void
    assert ("http://purl.org/dc/terms/contributor", "Maintainer A") in void
    exact = {(p, o) for s, p, o in triples if s == LINKSET + "#exactMatch"}
    assert ("http://rdfs.org/ns/void#triples", "1") in exact

    # Queries across both datasets: our name next to the partner's identifier, through the linkset.
    joined = store.select("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?ours ?partnerName WHERE {
          ?ours owl:sameAs ?theirs .
          GRAPH <https://w3id.org/coopkg/graph/partner/registry> { ?theirs rdfs:label ?partnerName }
        }""")
    assert (OURS + "org/lpdb", "LPDB-KUMKM") in {(r["ours"].value, r["partnerName"].value) for r in joined}

    # Re-proposing keeps every decision.
    again = by_partner(linksets.propose(store, data_dir, "registry"))
    assert again["R1"].status == "accepted" and again["R4"].relation == "exactMatch"
    assert again["R1"].reviewed_by == "Maintainer A"


def test_two_partner_entities_cannot_both_be_the_same_as_one_of_ours(setup):
    store, data_dir = setup
    proposals = linksets.propose(store, data_dir, "registry")
    first = proposals.links[0]
    clone = linksets.Link(**{**first.__dict__, "partner_iri": NS + "R99", "status": "proposed"})
    proposals.links.append(clone)
    linksets.save_proposals(data_dir, proposals)
    linksets.decide(data_dir, "registry", [first.partner_iri], accept=True, reviewer="m")
    with pytest.raises(linksets.LinksetError, match="owl:sameAs"):
        linksets.decide(data_dir, "registry", [NS + "R99"], accept=True, reviewer="m")
    linksets.decide(data_dir, "registry", [NS + "R99"], accept=True, reviewer="m", relation="exactMatch")


def test_review_commands_refuse_what_they_cannot_do(setup):
    store, data_dir = setup
    with pytest.raises(linksets.LinksetError, match="propose"):
        linksets.decide(data_dir, "registry", ["1"], accept=True, reviewer="m")
    linksets.propose(store, data_dir, "registry")
    with pytest.raises(linksets.LinksetError, match="no accepted links"):
        linksets.publish(store, data_dir, "registry")
    with pytest.raises(linksets.LinksetError, match="no proposed link"):
        linksets.decide(data_dir, "registry", ["https://nowhere.example/x"], accept=True, reviewer="m")
    with pytest.raises(linksets.LinksetError, match="reviewer"):
        linksets.decide(data_dir, "registry", ["1"], accept=True, reviewer=" ")
    with pytest.raises(partners.PartnerError):
        linksets.propose(store, data_dir, "unknown")


def csrf_of(html):
    import re
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_review_page_for_maintainers(setup):
    from coopkg.graph.accounts import Accounts
    from coopkg.service import create_app
    store, data_dir = setup
    data_dir.mkdir(parents=True, exist_ok=True)
    Accounts(data_dir).create_user("rina", "a long enough password")
    linksets.propose(store, data_dir, "registry")
    client = create_app({"data_dir": str(data_dir), "TESTING": True}, store=store).test_client()

    # Strangers are sent to the login page; nothing unreviewed is shown to them.
    assert client.get("/review/links/registry").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"name": "rina", "password": "a long enough password", "csrf_token": csrf_of(page)})

    index = client.get("/review/links?lang=en").get_data(as_text=True)
    assert "Registry" in index and "/review/links/registry" in index
    page = client.get("/review/links/registry?lang=en")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Kementerian Koperasi &amp; UKM" in html and 'href="/doc/org/kemenkop-ukm"' in html
    numbers = {link.partner_iri.removeprefix(NS): n for n, link in
               enumerate(linksets.load_proposals(data_dir, "registry").links, start=1)}

    # Without the CSRF token nothing happens.
    assert client.post("/review/links/registry/decide", data={"action": "accept", "links": "1"}).status_code == 403
    token = csrf_of(html)
    done = client.post("/review/links/registry/decide", data={
        "csrf_token": token, "action": "accept", "links": [str(numbers["R1"]), str(numbers["R2"])]})
    assert done.status_code == 302
    client.post("/review/links/registry/decide", data={"csrf_token": token, "action": "accept-exact",
                                                      "links": str(numbers["R4"])})
    accepted = {link.partner_iri.removeprefix(NS): link for link in
                linksets.load_proposals(data_dir, "registry").links if link.status == "accepted"}
    assert set(accepted) == {"R1", "R2", "R4"} and accepted["R4"].relation == "exactMatch"
    assert accepted["R1"].reviewed_by == "rina"
    assert "2 link(s) decided" in client.get(done.headers["Location"] + "&lang=en").get_data(as_text=True)

    assert client.post("/review/links/registry/decide", data={"csrf_token": token, "action": "merge",
                                                             "links": "1"}).status_code == 400
    assert client.post("/review/links/registry/decide", data={"csrf_token": token, "action": "accept"}).status_code == 400
    assert client.get("/review/links/nobody").status_code == 404
    assert client.get("/review/links/registry?status=bogus").status_code == 400
    assert client.get("/review/links/registry?done=<b>hi</b>").get_data(as_text=True).count("<b>hi</b>") == 0

    published = client.post("/review/links/registry/publish", data={"csrf_token": token})
    assert published.status_code == 302
    assert store.ask("ASK { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o } }",
                     {"g": ox.NamedNode(LINKSET), "s": ox.NamedNode(OURS + "org/lpdb"), "o": ox.NamedNode(NS + "R2")})


def test_known_links_such_as_wikidata_identifiers_are_imported_and_published(store_only):
    store, data_dir = store_only
    partners.add_partner(store, "wikidata", title="Wikidata", licence="cc0",
                         homepage="https://www.wikidata.org/", namespace="http://www.wikidata.org/entity/")
    table = data_dir.parent / "wikidata.csv"
    table.write_text("ours,theirs,relation,note\n"
                     "place/jakarta,wd:Q3630,sameAs,Jakarta\n"
                     "org/kemenkop-ukm,http://www.wikidata.org/entity/Q12345678,exactMatch,a made-up identifier for the test\n")
    assert linksets.import_links(store, data_dir, "wikidata", table, reviewer="rina") == 2
    published = linksets.publish(store, data_dir, "wikidata")
    assert published.by_relation == {"sameAs": 1, "exactMatch": 1}
    assert store.ask("ASK { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o } }",
                     {"g": ox.NamedNode("https://w3id.org/coopkg/graph/linkset/wikidata"),
                      "s": ox.NamedNode(OURS + "place/jakarta"), "o": ox.NamedNode("http://www.wikidata.org/entity/Q3630")})
    bad = data_dir.parent / "bad.csv"
    bad.write_text("ours,theirs\norg/not-in-the-graph,wd:Q1\n")
    with pytest.raises(linksets.LinksetError, match="not in the graph"):
        linksets.import_links(store, data_dir, "wikidata", bad, reviewer="rina")
    bad.write_text("ours,theirs\norg/lpdb,nope:Q1\n")
    with pytest.raises(linksets.LinksetError, match="known prefix"):
        linksets.import_links(store, data_dir, "wikidata", bad, reviewer="rina")
    bad.write_text("mine,yours\na,b\n")
    with pytest.raises(linksets.LinksetError, match="ours"):
        linksets.import_links(store, data_dir, "wikidata", bad, reviewer="rina")


@pytest.fixture
def store_only(tmp_path):
    store = EmbeddedStore(tmp_path / "store", min_workers=0, max_workers=1)
    store.load(HERE / "fixtures" / "reconcile_mini.trig")
    yield store, tmp_path / "data"
    store.close()
