"""/reconcile speaks the W3C Reconciliation Service API 0.2: every answer is checked against JSON schemas
written from the spec (tests/reconciliation_schemas/), and requests are sent the way OpenRefine sends
them (a `queries` form field). The store is a real on-disk Oxigraph store holding a small graph with
namesakes and near-misses on purpose."""
import json
from pathlib import Path

import jsonschema
import pytest

from coopkg.graph.store import EmbeddedStore
from coopkg.service import create_app

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "reconciliation_schemas"


def schema(name):
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def valid(instance, name):
    jsonschema.validate(instance, schema(name), cls=jsonschema.Draft7Validator)
    return instance


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("reconcile")
    store = EmbeddedStore(root / "store", min_workers=0, max_workers=1)
    store.load(HERE / "fixtures" / "reconcile_mini.trig")
    app = create_app({"data_dir": str(root), "TESTING": True}, store=store)
    yield app.test_client()
    store.close()


def reconcile(client, batch, method="post"):
    valid(batch, "reconciliation-query-batch")
    if method == "post":
        response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    else:
        response = client.get("/reconcile", query_string={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return valid(response.get_json(), "reconciliation-result-batch")


def top(result):
    return result["result"][0] if result["result"] else None


def test_manifest_follows_the_spec(client):
    for response in (client.get("/reconcile"), client.post("/reconcile")):
        assert response.status_code == 200
        manifest = valid(response.get_json(), "manifest")
        assert "0.2" in manifest["versions"]
        assert manifest["identifierSpace"] == "https://w3id.org/coopkg/id/"
        assert manifest["view"]["url"].endswith("/id/{{id}}")
        assert manifest["suggest"]["entity"]["service_url"].startswith("http://localhost/reconcile")
        assert {t["id"] for t in manifest["defaultTypes"]} >= {"https://w3id.org/coopkg/ontology#Organisation"}


def test_batch_as_openrefine_sends_it(client):
    batch = {
        "q0": {"query": "Kemenkop UKM", "limit": 3},
        "q1": {"query": "LPDB-KUMKM", "type": "https://w3id.org/coopkg/ontology#GovernmentBody"},
        "q2": {"query": "Univ. Mercu Buana Yogyakarta", "type": ["ckg:University"], "type_strict": "should"},
        "q3": {"query": "KOPKUN", "type": "ckg:Organisation",
               "properties": [{"pid": "https://w3id.org/coopkg/ontology#city", "v": "Purwokerto"}]},
        "q4": {"query": "Firdaus Putra, S.Sos."},
    }
    for method in ("post", "get"):
        results = reconcile(client, batch, method)
        assert set(results) == set(batch)
        expected = {"q0": "org/kemenkop-ukm", "q1": "org/lpdb", "q2": "org/umby", "q3": "org/kopkun",
                    "q4": "person/firdaus-putra"}
        for key, entity in expected.items():
            assert top(results[key])["id"] == entity, (key, results[key])
            assert top(results[key])["match"] is True, (key, results[key])
        assert len(results["q0"]["result"]) <= 3
        assert 0 <= top(results["q3"])["score"] <= 100
        assert {"id": "city", "value": 1.0} in top(results["q3"])["features"]


@pytest.mark.parametrize("query, wrong", [
    ("Kementerian Perdagangan", None),  # another ministry we do not have
    ("Kementerian Keuangan", "org/kemenkop-ukm"),  # another ministry we do have
    ("Dinas Koperasi Kabupaten Banyumas", "org/dinkop-kab-bandung"),  # another regency's office
    ("Dinas Koperasi dan UKM Kabupaten Bandung Barat", "org/dinkop-kab-bandung"),  # a neighbouring regency
    ("Dinas Koperasi UKM Kota Bandung", "org/dinkop-kab-bandung"),  # the city, not the regency
    ("Kopkunn Institute Purwokerto Raya", "org/kopkun-institute"),
])
def test_near_misses_are_never_auto_matched(client, query, wrong):
    result = reconcile(client, {"q": {"query": query}})["q"]
    matched = [c["id"] for c in result["result"] if c.get("match")]
    assert wrong not in matched
    assert set(matched) <= {"org/kemenkeu"}  # the only one of these names we really have


def test_two_candidates_with_the_same_name_leave_the_choice_to_a_person(client):
    # "Kopkun" is both the cooperative's name and a word of its institute's; exact wins clearly...
    result = reconcile(client, {"q": {"query": "Kopkun"}})["q"]
    assert top(result)["id"] == "org/kopkun" and top(result)["match"]
    # ...but a contradicting city makes even an exact name uncertain.
    result = reconcile(client, {"q": {"query": "Kopkun", "properties": [{"pid": "city", "v": "Jakarta"}]}})["q"]
    assert top(result)["id"] == "org/kopkun" and not top(result)["match"]


def test_type_constraint_filters_with_subclasses(client):
    result = reconcile(client, {"q": {"query": "Kopkun", "type": "ckg:University"}})["q"]
    assert all(c["id"] != "org/kopkun" for c in result["result"])
    result = reconcile(client, {"q": {"query": "Kementerian", "type": "ckg:GovernmentBody", "limit": 10}})["q"]
    ids = {c["id"] for c in result["result"]}
    assert {"org/kemenkop-ukm", "org/kemenkeu"} <= ids
    assert "org/kopkun" not in ids


def test_property_value_given_as_an_entity_id(client):
    batch = {"q": {"query": "Kementerian Keuangan",
                   "properties": [{"pid": "ckg:city", "v": {"id": "place/jakarta", "name": "Jakarta"}}]}}
    result = reconcile(client, batch)["q"]
    assert top(result)["id"] == "org/kemenkeu" and top(result)["match"]


def test_partner_entities_are_never_candidates(client):
    result = reconcile(client, {"q": {"query": "Kopkun", "limit": 20}})["q"]
    assert all(not c["id"].startswith("http") for c in result["result"])


def test_single_query_parameter(client):
    response = client.get("/reconcile", query_string={"query": "LPDB"})
    body = valid({"q": response.get_json()}, "reconciliation-result-batch")["q"]
    assert top(body)["id"] == "org/lpdb"
    response = client.get("/reconcile", query_string={"query": json.dumps({"query": "lpdb", "limit": 1})})
    assert len(response.get_json()["result"]) == 1


@pytest.mark.parametrize("payload, fragment", [
    ({"queries": "{not json"}, "must be JSON"),
    ({"queries": json.dumps(["a list"])}, "JSON object"),
    ({"queries": json.dumps({"q": {"query": 42}})}, "must be a string"),
    ({"queries": json.dumps({"q": {"query": "x", "limit": -1}})}, "positive"),
    ({"queries": json.dumps({"q": {"query": "x", "type": "not a type!"}})}, "not a type"),
    ({"queries": json.dumps({"q": {}})}, "needs a `query`"),
    ({"queries": json.dumps({f"q{i}": {"query": "kopkun"} for i in range(101)})}, "at most 100"),
    ({"extend": json.dumps({"ids": "org/kopkun"})}, "ids"),
    ({"extend": json.dumps({"ids": ["a b"], "properties": [{"id": "ckg:city"}]})}, "not a valid identifier"),
    ({"queries": json.dumps({"q": {"query": "x", "type": "http://a b"}})}, "not a valid identifier"),
    ({"queries": '{"q": {"query": "x", "limit": Infinity}}'}, "not a JSON number"),
    ({"queries": '{"q": {"query": "x", "limit": NaN}}'}, "not a JSON number"),
    ({"extend": json.dumps({"ids": ["org/kopkun"], "properties": [{"id": "ckg:city", "settings": [1]}]})}, "settings"),
])
def test_bad_requests_get_a_400_that_says_why(client, payload, fragment):
    response = client.post("/reconcile", data=payload)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]


def test_cors_preflight(client):
    response = client.open("/reconcile", method="OPTIONS", headers={"Origin": "http://127.0.0.1:3333",
                                                                      "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_suggest_services(client):
    entities = valid(client.get("/reconcile/suggest/entity?prefix=kopk").get_json(), "suggest-entities-response")
    assert [e["id"] for e in entities["result"]][:2] == ["org/kopkun", "org/kopkun-institute"]
    typed = client.get("/reconcile/suggest/entity?prefix=kem&type=ckg:Ministry").get_json()
    assert {e["id"] for e in typed["result"]} == {"org/kemenkop-ukm", "org/kemenkeu"}
    types = valid(client.get("/reconcile/suggest/type?prefix=koper").get_json(), "suggest-types-response")
    assert types["result"][0]["id"] == "https://w3id.org/coopkg/ontology#Cooperative"
    props = valid(client.get("/reconcile/suggest/property?prefix=cit").get_json(), "suggest-properties-response")
    assert props["result"][0]["id"] == "https://w3id.org/coopkg/ontology#city"
    assert client.get("/reconcile/suggest/entity?prefix=x&cursor=-1").status_code == 400


def test_preview_is_html_that_clients_may_frame(client):
    response = client.get("/reconcile/preview?id=org/kemenkop-ukm&lang=id")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Kementerian Koperasi dan UKM" in html and "Jakarta" in html and "KemenKopUKM" in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert client.get("/reconcile/preview?id=org/nobody").status_code == 404
    hostile = client.get("/reconcile/preview?id=org/hostile").get_data(as_text=True)
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert "javascript:" not in hostile
    assert client.get("/reconcile/preview").status_code == 400
    for hostile in ("a b", "<x>", "\x00", "kg:a b"):
        assert client.get("/reconcile/preview", query_string={"id": hostile}).status_code == 400
        assert client.get("/reconcile/flyout", query_string={"id": hostile}).status_code == 400
    assert client.get("/reconcile/propose_properties?type=http://a%20b").status_code == 400
    flyout = client.get("/reconcile/flyout?id=org/lpdb").get_json()
    assert flyout["id"] == "org/lpdb" and "Lembaga Pengelola" in flyout["html"]


def test_data_extension(client):
    proposed = valid(client.get("/reconcile/propose_properties?type=ckg:Organisation").get_json(),
                     "propose-properties-response")
    assert "https://w3id.org/coopkg/ontology#city" in {p["id"] for p in proposed["properties"]}
    request = {"ids": ["org/kopkun", "org/kemenkop-ukm", "org/nobody"],
               "properties": [{"id": "ckg:city"}, {"id": "http://xmlns.com/foaf/0.1/homepage"},
                              {"id": "ckg:acronym", "settings": {"limit": 1}}]}
    body = valid(client.post("/reconcile", data={"extend": json.dumps(request)}).get_json(),
                 "data-extension-response")
    assert [m["id"] for m in body["meta"]] == ["ckg:city", "http://xmlns.com/foaf/0.1/homepage", "ckg:acronym"]
    assert body["rows"]["org/kopkun"]["ckg:city"] == [{"id": "place/purwokerto", "name": "Purwokerto"}]
    assert body["rows"]["org/kemenkop-ukm"]["http://xmlns.com/foaf/0.1/homepage"] == [
        {"str": "https://kemenkopukm.go.id"}]
    assert body["rows"]["org/nobody"]["ckg:city"] == []


def test_live_server_answers_like_openrefine_expects(live_server):
    """Over real HTTP on `coopkg serve` with the curated graph: manifest, a form-posted batch, suggest."""
    import requests
    manifest = requests.get(live_server.url + "/reconcile", timeout=30)
    assert manifest.headers["Access-Control-Allow-Origin"] == "*"
    valid(manifest.json(), "manifest")
    assert manifest.json()["suggest"]["entity"]["service_url"] == live_server.url + "/reconcile"
    batch = {"q0": {"query": "Kemenkop UKM", "type": "https://w3id.org/coopkg/ontology#Organisation"},
             "q1": {"query": "Kementerian Keuangan"}}
    answer = requests.post(live_server.url + "/reconcile", data={"queries": json.dumps(batch)}, timeout=30)
    results = valid(answer.json(), "reconciliation-result-batch")
    assert top(results["q0"])["id"] == "org/kemenkop-ukm" and top(results["q0"])["match"]
    assert not any(c.get("match") for c in results["q1"]["result"])
    suggested = requests.get(live_server.url + "/reconcile/suggest/entity", params={"prefix": "kopk"}, timeout=30)
    assert "org/kopkun" in {e["id"] for e in valid(suggested.json(), "suggest-entities-response")["result"]}


def test_any_json_gets_an_answer_or_a_400_never_a_500(client):
    from hypothesis import HealthCheck, given, settings, strategies as st
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.floats(allow_nan=False),
                        st.text(max_size=30))
    values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                          max_leaves=12)
    queries = st.one_of(values, st.dictionaries(st.text(max_size=5), st.one_of(values, st.fixed_dictionaries(
        {"query": st.one_of(st.text(max_size=40), values)},
        optional={"type": values, "limit": values, "properties": values, "type_strict": values})), max_size=4))

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(queries, st.sampled_from(["queries", "extend", "query"]))
    def check(payload, field):
        response = client.post("/reconcile", data={field: json.dumps(payload)})
        assert response.status_code in (200, 400), (payload, response.get_data(as_text=True))
        if response.status_code == 200 and field == "queries":
            valid(response.get_json(), "reconciliation-result-batch")
    check()
