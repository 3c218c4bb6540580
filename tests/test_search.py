"""/search: names, alternative names and acronyms, case- and accent-insensitive, tolerant of small
spelling differences, ranked, with the type shown; HTML and JSON."""
import pytest

from browse_app import CKG, KG, make_app

BROWSER = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app, store = make_app(tmp_path_factory.mktemp("search"))
    yield app.test_client()
    store.close()


def iris(client, query, **params):
    data = client.get("/search", query_string={"q": query, "format": "json", **params}).get_json()
    return [r["iri"] for r in data["results"]]


@pytest.mark.parametrize("query, expected", [
    ("kopkun", KG + "org/kopkun"),
    ("KOPKUN", KG + "org/kopkun"),
    ("Kópkun", KG + "org/kopkun"),
    ("kopkun institut", KG + "org/kopkun-institute"),
    ("LPDB", KG + "org/lpdb"),
    ("lembaga pengelola dana bergulir", KG + "org/lpdb"),
    ("Lembaga Pengelola Dana Bergulr", KG + "org/lpdb"),
    ("Koperasi Konsumen Kopkun", KG + "org/kopkun"),
    ("firdaus putera", KG + "person/firdaus-putra"),
    ("Purwokerta", KG + "place/purwokerto"),
])
def test_search_finds(client, query, expected):
    assert iris(client, query)[0] == expected


def test_ranked_and_typed(client):
    data = client.get("/search?q=kopkun&format=json&lang=en").get_json()
    results = data["results"]
    assert [r["iri"] for r in results[:2]] == [KG + "org/kopkun", KG + "org/kopkun-institute"]
    assert results[0]["score"] > results[1]["score"]
    assert results[0]["types"] == [{"iri": CKG + "Cooperative", "label": "Cooperative"}]


def test_type_filter_and_vocabulary_left_out(client):
    assert iris(client, "kopkun", type="Person") == []
    assert iris(client, "firdaus", type="Person") == [KG + "person/firdaus-putra"]
    # "Koperasi" is also the label of the class ckg:Cooperative: classes are not search results
    assert CKG + "Cooperative" not in iris(client, "koperasi")


def test_html_results_show_type_and_link(client):
    html = client.get("/search?q=lpdb&lang=id", headers=BROWSER).get_data(as_text=True)
    assert '<a href="/doc/org/lpdb" lang="id">Lembaga Pengelola Dana Bergulir</a>' in html
    assert '<span class="type-badge">Lembaga pemerintah</span>' in html
    assert "cocok dengan: LPDB" in html


def test_empty_and_no_result_states(client):
    assert "Kopkun, LPDB, ICCI" in client.get("/search?lang=en", headers=BROWSER).get_data(as_text=True)
    none = client.get("/search?q=qqqzzz&lang=en", headers=BROWSER).get_data(as_text=True)
    assert "Nothing found for “qqqzzz”." in none and "Browse the directory" in none


def test_search_box_on_every_page(client):
    for path in ("/", "/directory", "/doc/org/kopkun", "/timeline", "/dataset"):
        assert 'role="search"' in client.get(path, headers=BROWSER).get_data(as_text=True), path


def test_hostile_and_oversized_queries(client):
    html = client.get("/search", query_string={"q": "<img src=x onerror=alert(1)>"}, headers=BROWSER).get_data(as_text=True)
    assert "<img src=x" not in html
    assert client.get("/search", query_string={"q": "x" * 500}, headers=BROWSER).status_code == 400
    assert client.get("/search?q=a&limit=0", headers=BROWSER).status_code == 400
