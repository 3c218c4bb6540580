"""The whole partner journey with real `coopkg` processes on the curated graph: register a partner,
import its spreadsheet (XLSX, and the same table as CSV) through the fixture mapping, propose links,
review them, publish the linkset, and answer questions across both datasets; /dataset then describes
the partner and its linkset.

The spreadsheet (tests/fixtures/partner_registry.*) spells our entities the way a provincial office
would, and adds entities we do not have, near-misses among them.
"""
import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from servers import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PARTNER = "dinkop-jateng"
NS = "https://data.dinkop.jatengprov.example/mitra/"
OURS = "https://w3id.org/coopkg/id/"
LINKSET = "https://w3id.org/coopkg/graph/linkset/" + PARTNER
#: partner rows that are ours, and rows that must never be linked (near-misses and strangers)
EXPECTED = {"JTG-0001": "org/kopkun", "JTG-0003": "org/unsoed", "JTG-0004": "org/feb-unsoed",
            "JTG-0007": "org/dinas-koperasi-jawa-tengah", "JTG-0018": "org/kemenkop-ukm", "JTG-0020": "org/bappenas"}
NEVER = ("JTG-0012", "JTG-0013", "JTG-0014", "JTG-0015", "JTG-0016", "JTG-0022")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    import os

    from coopkg.graph.bootstrap import initialise
    from coopkg.graph.store import EmbeddedStore
    data = tmp_path_factory.mktemp("pipeline") / "data"
    with EmbeddedStore(data / "store", min_workers=0, max_workers=1) as store:
        initialise(store)  # what `coopkg init` does, without one more process
    return {**os.environ, "COOPKG_DATA_DIR": str(data)}


@pytest.fixture(scope="module")
def published(env):
    """Run the journey once; the tests below look at what it left behind."""
    journey(env)
    return env


def opened(env):
    from coopkg.graph.store import EmbeddedStore
    from coopkg.service import create_app
    data = Path(env["COOPKG_DATA_DIR"])
    store = EmbeddedStore(data / "store", min_workers=0, max_workers=1)
    return store, create_app({"data_dir": str(data), "TESTING": True}, store=store).test_client()


def cli(env, *args, check=True):
    return run_cli(list(args), env=env, check=check)


def journey(env):
    cli(env, "partner", "add", PARTNER, "--title", "Mitra Ekosistem Koperasi Jawa Tengah",
        "--publisher", "Dinas Koperasi Provinsi Jawa Tengah", "--licence", "cc-by-4.0",
        "--homepage", "https://data.dinkop.jatengprov.example/", "--namespace", NS)
    mapping = str(FIXTURES / "partner_registry.mapping.json")
    imported = cli(env, "partner", "import", PARTNER, str(FIXTURES / "partner_registry.xlsx"), "--mapping", mapping)
    assert "from 22 rows" in imported.stdout

    proposed = cli(env, "link", PARTNER)  # short for `coopkg link propose NAME`
    assert "candidate links" in proposed.stdout
    review = json.loads(cli(env, "link", "review", PARTNER, "--json").stdout)
    links = {link["partner_iri"].removeprefix(NS): link for link in review["links"]}
    for row, ours in EXPECTED.items():
        assert links[row]["candidate"] == OURS + ours and links[row]["match"], (row, links.get(row))
    for row in NEVER:
        assert row not in links or not links[row]["match"], (row, links[row])
    assert NS + "JTG-0013" in {u["iri"] for u in review["unmatched"]} or not links["JTG-0013"]["match"]

    # The maintainer accepts the clear matches, one more as exactMatch, and rejects the rest.
    cli(env, "link", "accept", PARTNER, "--matches", "--by", "Rina (maintainer)")
    cli(env, "link", "accept", PARTNER, NS + "JTG-0006", "--exact-match", "--by", "Rina (maintainer)")
    numbered = [link["partner_iri"] for link in review["links"]]
    still_open = [str(numbered.index(link["partner_iri"]) + 1) for link in review["links"]
                  if not link["match"] and not link["partner_iri"].endswith("JTG-0006")]
    cli(env, "link", "reject", PARTNER, *still_open, "--by", "Rina (maintainer)")
    nothing = cli(env, "link", "accept", PARTNER, "--matches", check=False)
    assert nothing.returncode == 1 and "nothing selected" in nothing.stderr  # every link was decided

    published = cli(env, "link", "publish", PARTNER)
    assert "sameAs" in published.stdout and "exactMatch" in published.stdout


def test_published_linkset_holds_only_reviewed_links(published):
    exported = cli(published, "export", "--format", "turtle", "--graph", LINKSET).stdout
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(exported.encode(), format=ox.RdfFormat.TURTLE)}
    same_as = "http://www.w3.org/2002/07/owl#sameAs"
    for row, ours in EXPECTED.items():
        assert (OURS + ours, same_as, NS + row) in triples
    assert (OURS + "org/itt-purwokerto", "http://www.w3.org/2004/02/skos/core#exactMatch", NS + "JTG-0006") in triples
    assert not any(o.startswith(tuple(NS + r for r in NEVER)) for _, _, o in triples)
    assert (LINKSET, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://rdfs.org/ns/void#Linkset") in triples



def test_example_queries_answer_across_both_datasets(published):
    store, client = opened(published)
    try:
        def run(name):
            response = client.post("/sparql", data={"query": (EXAMPLES / name).read_text()},
                                   headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_json()["results"]["bindings"]
        linked = run("20-partner-links.rq")
        unlinked = run("21-partner-entities-not-yet-linked.rq")
    finally:
        store.close()
    pairs = {(b["ours"]["value"], b["theirs"]["value"]) for b in linked}
    assert (OURS + "org/bappenas", NS + "JTG-0020") in pairs
    assert "Univ. Jenderal Soedirman" in {b["partnerName"]["value"] for b in linked if "partnerName" in b}
    lacking = {b["name"]["value"] for b in unlinked}
    assert {"KSP Sejahtera Bersama Banyumas", "Universitas Muhammadiyah Purwokerto"} <= lacking
    assert "KOPKUN GROUP" not in lacking


def test_dataset_page_and_entity_pages_show_the_partner(published):
    store, client = opened(published)
    try:
        graph = {(t.subject.value, t.predicate.value, t.object.value)
                 for t in ox.parse(client.get("/dataset.nt").data, format=ox.RdfFormat.N_TRIPLES)}
        entity = client.get("/doc/org/bappenas", headers={"Accept": "text/html"}).get_data(as_text=True)
        page = client.get("/dataset", headers={"Accept": "text/html"}).get_data(as_text=True)
        download = client.get("/graph-store", query_string={"graph": LINKSET}, headers={"Accept": "text/turtle"})
    finally:
        store.close()
    assert NS + "JTG-0020" in entity  # the entity page shows the published partner link
    assert download.status_code == 200  # the linkset is downloadable on its own
    linkset = {(t.subject.value, t.object.value) for t in ox.parse(download.data, format=ox.RdfFormat.TURTLE)}
    assert (OURS + "org/bappenas", NS + "JTG-0020") in linkset
    partner = "https://w3id.org/coopkg/graph/partner/" + PARTNER
    assert (partner, "http://purl.org/dc/terms/title", "Mitra Ekosistem Koperasi Jawa Tengah") in graph
    assert (partner, "http://purl.org/dc/terms/license", "https://creativecommons.org/licenses/by/4.0/") in graph
    assert (LINKSET, "http://rdfs.org/ns/void#objectsTarget", partner) in graph
    assert (LINKSET, "http://rdfs.org/ns/void#subjectsTarget", "https://w3id.org/coopkg/dataset") in graph
    assert (partner + "#publisher", "http://xmlns.com/foaf/0.1/name", "Dinas Koperasi Provinsi Jawa Tengah") in graph
    assert "<td>Dinas Koperasi Provinsi Jawa Tengah</td>" in page  # its name, not the agent IRI


def test_removing_the_partner_takes_everything_with_it(published):
    cli(published, "partner", "remove", PARTNER)
    assert not (Path(published["COOPKG_DATA_DIR"]) / "linksets" / f"{PARTNER}.json").exists()
    store, _ = opened(published)
    try:
        assert not store.graph_exists(LINKSET)
        assert not store.graph_exists("https://w3id.org/coopkg/graph/partner/" + PARTNER)
        assert not store.ask("ASK { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }",
                             {"o": ox.NamedNode(NS + "JTG-0020")})
    finally:
        store.close()
    gone = cli(published, "partner", "remove", PARTNER, check=False)
    assert gone.returncode == 1 and "no partner dataset" in gone.stderr


def test_the_fixture_spreadsheets_hold_the_same_table():
    import openpyxl
    with open(FIXTURES / "partner_registry.csv", newline="", encoding="utf-8") as fh:
        rows = [[c for c in row] for row in csv.reader(fh)]
    book = openpyxl.load_workbook(FIXTURES / "partner_registry.xlsx", read_only=True)
    sheet = [["" if c is None else str(c) for c in row] for row in book["Mitra"].iter_rows(values_only=True)]
    book.close()
    assert sheet == rows
