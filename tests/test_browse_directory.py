"""The directory: facets with counts, filters in the URL, sorting, and pagination that is correct on
generated data (its speed at 100 000 entries is measured in bench/, not here)."""
import random
import re

import pytest

from browse_app import CKG, KG, make_app
from coopkg.graph.directory import DirectoryIndex
from coopkg.graph.name_index import PRIMARY

BROWSER = {"Accept": "text/html"}
KGC = "https://w3id.org/coopkg/concept/"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app, store = make_app(tmp_path_factory.mktemp("browse"))
    yield app.test_client()
    store.close()


def generated(n=2500, seed=7):
    rnd = random.Random(seed)
    provinces = [KG + f"place/province-{i}" for i in range(6)]
    models = [KGC + f"cooperative-model/m{i}" for i in range(4)]
    statuses = [KGC + "entry-status/running", KGC + "entry-status/pending"]
    types, facets, entries, labels, truth = [], [], [], {}, {}
    for i in range(n):
        iri = KG + f"org/gen-{i:05d}"
        types.append((iri, CKG + ("Cooperative" if i % 3 else "Incubator")))
        province, model, status = rnd.choice(provinces), rnd.choice(models), rnd.choice(statuses)
        year = str(2010 + rnd.randrange(12))
        facets += [(iri, "province", province), (iri, "model", model), (iri, "date", f"{year}-01-0{1 + i % 9}")]
        entries.append((iri, KG + f"entry/gen-{i:05d}", "status", status))
        labels[iri] = [(f"Koperasi {rnd.choice('ABCDEFGH')}{i:05d}", "id", PRIMARY)]
        truth[iri] = {"province": province, "model": model, "status": status, "year": year, "type": types[-1][1]}
    ancestors = [(CKG + "Cooperative", CKG + "Organisation"), (CKG + "Incubator", CKG + "Organisation")]
    index = DirectoryIndex(types, facets, entries, ancestors, lambda iri: labels.get(iri, []))
    return index, truth, labels


def test_pages_partition_the_filtered_sorted_list():
    index, truth, labels = generated()
    province, model = KG + "place/province-2", KGC + "cooperative-model/m1"
    expected = sorted((iri for iri, t in truth.items() if t["province"] == province and t["model"] == model
                       and t["type"] == CKG + "Cooperative"), key=lambda iri: (labels[iri][0][0].casefold(), iri))
    seen, page = [], 1
    while True:
        result = index.page(CKG + "Cooperative", {"province": [province], "model": [model]}, page=page, page_size=20)
        assert result.total == len(expected)
        seen += result.items
        if page >= result.pages:
            break
        page += 1
    assert seen == expected
    assert len(seen) == len(set(seen))
    # a page past the end shows the last page rather than nothing
    assert index.page(CKG + "Cooperative", {"province": [province], "model": [model]}, page=10_000, page_size=20).items == seen[-(len(seen) % 20 or 20):]


def test_facet_counts_match_a_brute_force_count():
    index, truth, _ = generated()
    status = KGC + "entry-status/pending"
    result = index.page(CKG + "Organisation", {"status": [status]}, page_size=20)
    matching = [t for t in truth.values() if t["status"] == status]
    assert result.total == len(matching)
    for facet in ("province", "model", "year"):
        brute = {}
        for t in matching:
            brute[t[facet]] = brute.get(t[facet], 0) + 1
        assert dict(result.counts[facet]) == brute
    assert [y for y, _ in result.counts["year"]] == sorted(brute, reverse=True)


def test_values_within_a_facet_are_alternatives():
    index, truth, _ = generated()
    provinces = [KG + "place/province-0", KG + "place/province-1"]
    result = index.page(None, {"province": provinces}, page_size=20)
    assert result.total == sum(1 for t in truth.values() if t["province"] in provinces)


def test_sort_by_year_both_ways():
    index, truth, _ = generated(300)
    newest = index.page(CKG + "Cooperative", {}, sort="-year", page_size=100).items
    years = [truth[i]["year"] for i in newest]
    assert years == sorted(years, reverse=True)
    oldest = index.page(CKG + "Cooperative", {}, sort="year", page_size=100).items
    assert [truth[i]["year"] for i in oldest] == sorted(truth[i]["year"] for i in oldest)


def test_directory_page_filters_by_province_from_the_url(client):
    html = client.get("/directory?class=Organisation&lang=en", headers=BROWSER).get_data(as_text=True)
    assert 'data-facet="province"' in html and "Central Java" in html
    link = re.search(r'href="([^"]*province=id%2Fplace%2Fjawa-tengah[^"]*)"', html).group(1).replace("&amp;", "&")
    filtered = client.get(link, headers=BROWSER).get_data(as_text=True)
    # Kopkun states its province; Kopkun Institute is in it through its city
    assert 'data-total="2"' in filtered and '<a href="/doc/org/kopkun">Kopkun</a>' in filtered
    assert '<a href="/doc/org/kopkun-institute">Kopkun Institute</a>' in filtered
    assert "Lembaga Pengelola Dana Bergulir" not in filtered
    assert 'aria-current="true"' in filtered  # the chosen value is marked, and removable


def test_directory_facets_from_entries_and_json(client):
    data = client.get("/directory?class=Organisation&status=concept/entry-status/pending&format=json").get_json()
    assert data["total"] == 1 and data["items"][0]["iri"] == KG + "org/lpdb"
    model = client.get("/directory?class=Cooperative&model=concept/cooperative-model/consumer&format=json").get_json()
    assert [i["iri"] for i in model["items"]] == [KG + "org/kopkun"]
    years = client.get("/directory?class=Event&year=2019&format=json").get_json()
    assert [i["iri"] for i in years["items"]] == [KG + "event/fgd-purwokerto-2019"]


def test_empty_result_has_a_helpful_message(client):
    html = client.get("/directory?class=Organisation&year=1900&lang=en", headers=BROWSER).get_data(as_text=True)
    assert "Nothing matches these filters." in html and "Clear all filters" in html


@pytest.mark.parametrize("query", ["page=abc", "sort=random", "size=7"])
def test_bad_parameters_are_400(client, query):
    response = client.get("/directory?" + query, headers=BROWSER)
    assert response.status_code == 400


def test_overview_and_timeline(client):
    overview = client.get("/directory/overview?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "Central Java" in overview and "Consumer cooperative" in overview
    timeline = client.get("/timeline?lang=id", headers=BROWSER).get_data(as_text=True)
    assert '<time datetime="2019-08-06">6 Agustus 2019</time>' in timeline
    assert "FGD Koperasi Startup Purwokerto" in timeline and "Komitmen pendanaan startup koperasi" in timeline
    assert client.get("/timeline?year=19", headers=BROWSER).status_code == 400


def test_network_around_an_organisation(client):
    data = client.get("/network.json?focus=id/org/kopkun").get_json()
    ids = {n["id"]: n for n in data["nodes"]}
    assert ids[KG + "org/kopkun"]["focus"] and ids[KG + "org/lpdb"]["kind"] == "organisation"
    assert ids[KG + "person/firdaus-putra"]["kind"] == "person"
    assert ids[KG + "event/fgd-purwokerto-2019"]["kind"] == "event"
    assert ids[KG + "collaboration/kopkun-lpdb-commitment"]["kind"] == "collaboration"
    assert {"source": KG + "collaboration/kopkun-lpdb-commitment", "target": KG + "org/lpdb"}.items() <= \
        next(e for e in data["edges"] if e["target"] == KG + "org/lpdb" and "collaboration" in e["source"]).items()
    html = client.get("/network?focus=id/org/kopkun", headers=BROWSER).get_data(as_text=True)
    assert "<table" in html and "/vendor/cytoscape/cytoscape.min.js" in html
    assert client.get("/network.json?focus=id/org/nope").status_code == 404


@pytest.mark.parametrize("query", ["focus=a%20b", "focus=http://x/%3C"])
def test_malformed_network_focus_is_400(client, query):
    assert client.get("/network.json?" + query).status_code == 400


def test_crosstab_of_province_and_model_matches_brute_force():
    index, truth, _ = generated(800)
    rows, columns, counts = index.crosstab(CKG + "Cooperative", "province", "model")
    for (province, model), count in counts.items():
        assert count == sum(1 for t in truth.values() if t["type"] == CKG + "Cooperative"
                            and t["province"] == province and t["model"] == model)
    assert len(rows) == 6 and len(columns) == 4


def test_overview_links_each_cell_to_the_filtered_directory(client):
    html = client.get("/directory/overview?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "By province and cooperative model" in html
    link = re.search(r'<td class="num"><a href="([^"]+)">1</a>', html).group(1).replace("&amp;", "&")
    data = client.get(link + "&format=json").get_json()
    assert [i["iri"] for i in data["items"]] == [KG + "org/kopkun"]


def test_network_around_a_person_includes_colleagues(client):
    data = client.get("/network.json?focus=id/person/firdaus-putra").get_json()
    edges = {(e["source"], e["target"]) for e in data["edges"]}
    assert (KG + "person/firdaus-putra", KG + "org/kopkun-institute") in edges
    assert (KG + "person/anis-saadah", KG + "org/kopkun-institute") in edges
