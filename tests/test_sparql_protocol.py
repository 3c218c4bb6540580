"""The W3C SPARQL 1.1 Protocol test manifest (protocol/manifest.ttl), one test per case, against a live
`coopkg serve`, plus the limits the issue asks for (time, rows, body size), CORS and negotiation.

The manifest's data (three one-triple graphs about kasei.us documents) is translated to our own IRIs
under https://example.org/protocol/. Queries go to /sparql; the manifest's update cases go to
/sparql/update with a maintainer token. The server is this module's own (empty store), because the
update cases DROP ALL.
"""
import csv
import io
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
import requests

from coopkg.graph.accounts import Accounts
from servers import CoopkgServer, run_cli

EX = "https://example.org/protocol/"
D0, D1, D2, D3 = (f"{EX}data{i}" for i in range(4))
DC = "http://purl.org/dc/terms/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}
TIMEOUT_S = 4
MAX_ROWS = 100
MAX_BODY = 200_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = CoopkgServer(tmp_path_factory.mktemp("protocol") / "data", init=False, env={
        "COOPKG_QUERY_TIMEOUT": str(TIMEOUT_S), "COOPKG_MAX_ROWS": str(MAX_ROWS),
        "COOPKG_MAX_BODY_BYTES": str(MAX_BODY)}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def token(server):
    accounts = Accounts(server.data_dir)  # the CLI around it is tested in test_accounts.py
    accounts.create_user("tester", "protocol-tests")
    return str(accounts.create_token("tester", "protocol"))


RESET = " ;\n".join([f"DROP SILENT GRAPH <{iri}>" for iri in (D1, D2, D3)] + ["INSERT DATA { " + " ".join(
    f"GRAPH <{iri}> {{ <{iri}> <{RDF_TYPE}> <{FOAF_DOCUMENT}> }}" for iri in (D1, D2, D3)) + " }"])


@pytest.fixture(scope="module")
def _loaded(server, token):
    auth = {"Authorization": f"Bearer {token}"}
    urls = f"{server.url}/sparql", f"{server.url}/sparql/update", auth
    _reset(urls)
    return urls


def _reset(urls):
    response = requests.post(urls[1], data=RESET.encode(), headers={**urls[2], "Content-Type": "application/sparql-update"})
    assert response.status_code == 204, response.text


@pytest.fixture
def endpoints(_loaded):
    """(query URL, update URL, auth headers), with data1..data3 each in a graph of its own."""
    return _loaded


@pytest.fixture
def writable(_loaded):
    """The same, for tests that rewrite the store: the data is put back afterwards."""
    yield _loaded
    _reset(_loaded)


def query(url, text, **kwargs):
    return requests.post(url, data=text.encode(), headers={"Content-Type": "application/sparql-query",
                                                           **kwargs.pop("headers", {})}, **kwargs)


def parse_results(response):
    assert 200 <= response.status_code < 400, response.text
    media = response.headers["Content-Type"].split(";")[0]
    assert media in RESULT_TYPES, media
    if media == "text/csv":  # lossy, so pyoxigraph does not parse it: rows of plain values
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        return [{k: ox.Literal(v) for k, v in row.items()} for row in rows]
    return ox.parse_query_results(response.content, format=RESULT_TYPES[media])


def boolean(response) -> bool:
    result = parse_results(response)
    assert isinstance(result, ox.QueryBoolean), "expected the boolean format"
    return bool(result)


def graph(response) -> list:
    assert 200 <= response.status_code < 400, response.text
    media = response.headers["Content-Type"].split(";")[0]
    assert media in RDF_TYPES, media
    return list(ox.parse(response.content, format=RDF_TYPES[media]))


def ask_both(iris):
    return "ASK { " + " ".join(f"<{iri}> a ?type ." for iri in iris) + " }"


def ask_named(iris):
    return "ASK { " + " ".join(f"GRAPH ?g{i} {{ <{iri}> a ?type }}" for i, iri in enumerate(iris)) + " }"


# ---- query cases ----

def test_query_post_form(endpoints):
    url, _, _ = endpoints
    response = requests.post(url, params={"default-graph-uri": D0}, data={"query": "ASK {}"})
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params=[("query", ask_both([D1, D2])), ("default-graph-uri", D1),
                                         ("default-graph-uri", D2)])
    assert boolean(response) is True
    # The protocol's default graph is exactly those graphs: data3 is not in it.
    response = requests.get(url, params=[("query", ask_both([D3])), ("default-graph-uri", D1),
                                         ("default-graph-uri", D2)])
    assert boolean(response) is False


def test_query_dataset_default_graphs_post(endpoints):
    url, _, _ = endpoints
    response = query(url, ask_both([D1, D2]), params=[("default-graph-uri", D1), ("default-graph-uri", D2)])
    assert boolean(response) is True


def test_query_dataset_named_graphs_post(endpoints):
    url, _, _ = endpoints
    response = query(url, ask_named([D1, D2]), params=[("named-graph-uri", D1), ("named-graph-uri", D2)])
    assert boolean(response) is True
    # Only named graphs given: the default graph is empty.
    response = query(url, ask_both([D1]), params=[("named-graph-uri", D1), ("named-graph-uri", D2)])
    assert boolean(response) is False


def test_query_dataset_named_graphs_get(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params=[("query", ask_named([D1, D2])), ("named-graph-uri", D1),
                                         ("named-graph-uri", D2)])
    assert boolean(response) is True
    response = requests.get(url, params=[("query", ask_named([D3])), ("named-graph-uri", D1)])
    assert boolean(response) is False


def test_query_dataset_full(endpoints):
    url, _, _ = endpoints
    text = (f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}")
    response = query(url, text, params=[("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)])
    assert boolean(response) is True


def test_query_multiple_dataset(endpoints):
    """The protocol's dataset wins over the query's FROM."""
    url, _, _ = endpoints
    text = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    response = query(url, text, params=[("named-graph-uri", D1), ("named-graph-uri", D2)])
    assert boolean(response) is True
    response = query(url, f"ASK FROM <{D3}> {{ <{D3}> a ?type }}", params=[("named-graph-uri", D1)])
    assert boolean(response) is False


def test_query_from_clause_is_honoured(endpoints):
    """Without protocol graphs, FROM chooses the default graph (not the union)."""
    url, _, _ = endpoints
    assert boolean(query(url, f"ASK FROM <{D1}> {{ <{D1}> a ?type }}")) is True
    assert boolean(query(url, f"ASK FROM <{D1}> {{ <{D2}> a ?type }}")) is False
    assert boolean(query(url, f"ASK FROM NAMED <{D2}> {{ GRAPH <{D2}> {{ <{D2}> a ?type }} }}")) is True
    assert boolean(query(url, f"ASK {{ <{D2}> a ?type }}")) is True  # no FROM: the union of all graphs


def test_query_get(endpoints):
    url, _, _ = endpoints
    assert boolean(requests.get(url, params={"query": "ASK {}", "default-graph-uri": D0})) is True


def test_query_content_type_select(endpoints):
    url, _, _ = endpoints
    result = parse_results(query(url, "SELECT (1 AS ?value) {}", params={"default-graph-uri": D0}))
    assert [s["value"].value for s in result] == ["1"]


def test_query_content_type_ask(endpoints):
    url, _, _ = endpoints
    response = query(url, "ASK {}", params={"default-graph-uri": D0})
    assert response.headers["Content-Type"].split(";")[0] in (
        "application/sparql-results+json", "application/sparql-results+xml")
    assert boolean(response) is True


def test_query_content_type_describe(endpoints):
    url, _, _ = endpoints
    assert graph(query(url, "DESCRIBE <http://example.org/>", params={"default-graph-uri": D0})) == []
    described = graph(query(url, f"DESCRIBE <{D1}>"))
    assert [str(t.subject) for t in described] == [f"<{D1}>"]


def test_query_content_type_construct(endpoints):
    url, _, _ = endpoints
    triples = graph(query(url, "CONSTRUCT { <s> <p> 1 } WHERE {}", params={"default-graph-uri": D0}))
    assert len(triples) == 1 and triples[0].object.value == "1"
    # Relative IRIs resolve against the endpoint.
    assert triples[0].subject.value == url.rsplit("/", 1)[0] + "/s"


def test_query_post_direct(endpoints):
    url, _, _ = endpoints
    assert boolean(query(url, "ASK {}")) is True


# ---- update cases (on /sparql/update with a token) ----

def update(url, auth, text, **kwargs):
    return requests.post(url, data=text.encode(), headers={
        "Content-Type": "application/sparql-update", **auth, **kwargs.pop("headers", {})}, **kwargs)


PREFIXES = f"PREFIX dc: <{DC}>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_THREE = "INSERT DATA {\n" + "\n".join(
    f"  GRAPH <{iri}> {{ <{iri}> a foaf:Document }}" for iri in (D1, D2, D3)) + "\n}"


def test_update_dataset_default_graph(writable):
    url, update_url, auth = writable
    target = EX + "update-dataset-test/"
    text = PREFIXES + (f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} }} ;\n"
                       f"INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ ?s a foaf:Document }}")
    response = update(update_url, auth, text, params={"using-graph-uri": D1})
    assert 200 <= response.status_code < 400, response.text
    assert boolean(query(url, f"ASK {{ GRAPH <{target}> {{ <{D1}> a <{DC}BibliographicResource> }} }}")) is True


def _dataset_update(update_url, auth, target, where, params):
    text = PREFIXES + f"DROP ALL ;\n{INSERT_THREE} ;\nINSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ {where} }}"
    response = update(update_url, auth, text, params=params)
    assert 200 <= response.status_code < 400, response.text


def _two_not_three(target):
    return (f"ASK {{ GRAPH <{target}> {{ <{D1}> a <{DC}BibliographicResource> . <{D2}> a <{DC}BibliographicResource> }}"
            f" FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{D3}> a <{DC}BibliographicResource> }} }} }}")


def test_update_dataset_default_graphs(writable):
    url, update_url, auth = writable
    target = EX + "update-dataset-graphs-test/"
    _dataset_update(update_url, auth, target, "?s a foaf:Document", [("using-graph-uri", D1), ("using-graph-uri", D2)])
    assert boolean(query(url, _two_not_three(target))) is True


def test_update_dataset_named_graphs(writable):
    url, update_url, auth = writable
    target = EX + "update-dataset-named-graphs-test/"
    _dataset_update(update_url, auth, target, "GRAPH ?g { ?s a foaf:Document }",
                    [("using-named-graph-uri", D1), ("using-named-graph-uri", D2)])
    assert boolean(query(url, _two_not_three(target))) is True


def test_update_dataset_full(writable):
    url, update_url, auth = writable
    target = EX + "update-dataset-full-test/"
    text = PREFIXES + (f"DROP ALL ;\n{INSERT_THREE} ;\nINSERT {{ GRAPH <{target}> {{ ?s <{EX}in> ?in }} }} WHERE {{\n"
                       "  { GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) }\n"
                       "  UNION { ?s a foaf:Document . BIND(\"default\" AS ?in) } }")
    response = update(update_url, auth, text, params=[("using-graph-uri", D1), ("using-named-graph-uri", D2)])
    assert 200 <= response.status_code < 400, response.text
    check = (f"ASK {{ GRAPH <{target}> {{ <{D1}> <{EX}in> \"default\" . <{D2}> <{EX}in> <{D2}> }}"
             f" FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{D3}> ?p ?o }} }} }}")
    assert boolean(query(url, check)) is True


def test_update_delete_where_with_protocol_dataset(writable):
    """DELETE WHERE has no USING clause in the grammar; the protocol's dataset still applies."""
    url, update_url, auth = writable
    response = update(update_url, auth, f"DELETE WHERE {{ GRAPH ?g {{ ?s a <{FOAF_DOCUMENT}> }} }}",
                      params={"using-named-graph-uri": D1})
    assert response.status_code == 204, response.text
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is False
    assert boolean(query(url, f"ASK {{ <{D2}> a ?t }}")) is True


def test_update_post_form(writable):
    url, update_url, auth = writable
    response = requests.post(update_url, data={"update": "CLEAR ALL"}, headers=auth)
    assert 200 <= response.status_code < 400, response.text
    assert boolean(query(url, "ASK { ?s ?p ?o }")) is False


def test_update_post_direct(writable):
    url, update_url, auth = writable
    assert 200 <= update(update_url, auth, "CLEAR ALL").status_code < 400
    assert boolean(query(url, "ASK { ?s ?p ?o }")) is False


def test_update_base_uri(writable):
    url, update_url, auth = writable
    target = EX + "protocol-base-test/"
    text = (f"CLEAR SILENT GRAPH <{target}> ;\n"
            f"INSERT DATA {{ GRAPH <{target}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}")
    assert 200 <= update(update_url, auth, text).status_code < 400
    check = (f"ASK {{ GRAPH <{target}> {{ <http://example.org/s> <http://example.org/p> ?o "
             "FILTER (isIRI(?o) && STR(?o) != \"test\") } }")
    assert boolean(query(url, check)) is True


# ---- bad requests ----

def test_bad_query_method(endpoints):
    url, _, _ = endpoints
    response = requests.put(url, params={"query": "ASK {}", "default-graph-uri": D0},
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 405


def test_bad_multiple_queries(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params=[("query", "ASK {}"), ("query", "SELECT * {}")])
    assert response.status_code == 400 and "exactly one" in response.text


def test_bad_query_wrong_media_type(endpoints):
    url, _, _ = endpoints
    response = requests.post(url, data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "application/sparql-query" in response.text


def test_bad_query_missing_form_type(endpoints):
    url, _, _ = endpoints
    response = requests.post(url, data=b"query=ASK%20%7B%7D")
    assert "Content-Type" not in response.request.headers
    assert response.status_code == 415


def test_bad_query_missing_direct_type(endpoints):
    url, _, _ = endpoints
    assert requests.post(url, data=b"ASK {}").status_code == 415


def test_bad_query_non_utf8(endpoints):
    url, _, _ = endpoints
    response = requests.post(url, data="ASK {}".encode("utf-16"),
                             headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 415 and "UTF-8" in response.text


def test_bad_query_syntax(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": "ASK {"})
    assert response.status_code == 400
    assert "1:6" in response.text and "ASK {\n     ^" in response.text  # the parser's position, shown


def test_bad_update_get(endpoints):
    url, update_url, auth = endpoints
    assert requests.get(update_url, params={"update": "CLEAR ALL"}, headers=auth).status_code == 405
    assert requests.get(url, params={"update": "CLEAR ALL"}).status_code == 400
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is True


def test_bad_multiple_updates(endpoints):
    url, update_url, auth = endpoints
    response = requests.post(update_url, data=[("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")], headers=auth)
    assert response.status_code == 400
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is True


def test_bad_update_wrong_media_type(endpoints):
    _, update_url, auth = endpoints
    response = requests.post(update_url, data=b"CLEAR NAMED", headers={**auth, "Content-Type": "text/plain"})
    assert response.status_code == 415


def test_bad_update_missing_form_type(endpoints):
    _, update_url, auth = endpoints
    assert requests.post(update_url, data=b"update=CLEAR%20NAMED", headers=auth).status_code == 415


def test_bad_update_non_utf8(endpoints):
    _, update_url, auth = endpoints
    response = requests.post(update_url, data="CLEAR NAMED".encode("utf-16"), headers={
        **auth, "Content-Type": "application/sparql-update; charset=UTF-16"})
    assert response.status_code == 415


def test_bad_update_syntax(endpoints):
    _, update_url, auth = endpoints
    response = requests.post(update_url, data={"update": "CLEAR XYZ"}, headers=auth)
    assert response.status_code == 400 and "at 1:" in response.text and "CLEAR XYZ\n" in response.text


def test_bad_update_dataset_conflict(endpoints):
    url, update_url, auth = endpoints
    text = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
            "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
            "WHERE { ?person foaf:givenName 'Bill' }")
    response = update(update_url, auth, text, params={"using-named-graph-uri": "http://example/people"})
    assert response.status_code == 400 and "USING or WITH" in response.text


# ---- what the public endpoint refuses ----

def test_update_is_refused_at_the_query_endpoint(endpoints):
    url, _, _ = endpoints
    for text in ("CLEAR ALL", f"INSERT DATA {{ <{EX}s> <{EX}p> 1 }}", "DROP GRAPH <x>"):
        response = requests.post(url, data={"query": text})
        assert response.status_code == 400 and "/sparql/update" in response.text
    response = query(url, "CLEAR ALL")
    assert response.status_code == 400
    response = requests.post(url, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 415
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is True


def test_update_needs_a_valid_token(endpoints, server):
    url, update_url, _ = endpoints
    for headers in ({}, {"Authorization": "Bearer ckg_not-a-token"}, {"Authorization": "Basic dGVzdGVyOng="}):
        response = update(update_url, headers, "CLEAR ALL")
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is True


def test_revoked_token_stops_working(writable, server):
    """`coopkg token revoke` on the running server's data directory takes effect at once."""
    _, update_url, _ = writable
    created = Accounts(server.data_dir).create_token("tester", "to-revoke")
    auth = {"Authorization": f"Bearer {created}"}
    assert update(update_url, auth, f"INSERT DATA {{ GRAPH <{EX}revoke> {{ <{EX}s> <{EX}p> 1 }} }}").status_code == 204
    run_cli(["token", "revoke", str(created.id)], env=server.env, check=True)
    assert update(update_url, auth, "CLEAR ALL").status_code == 401


def test_load_is_refused_and_nothing_is_fetched(endpoints):
    url, update_url, auth = endpoints
    fetched = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        for text in (f"LOAD <http://127.0.0.1:{port}/data.ttl>",
                     f"LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <{EX}loaded>"):
            response = update(update_url, auth, text)
            assert response.status_code == 400 and "LOAD is not allowed" in response.text
        response = query(url, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert response.status_code == 400 and "allow-list" in response.text
        # FROM names a graph of the store; it is never dereferenced.
        response = query(url, f"ASK FROM <http://127.0.0.1:{port}/data.ttl> FROM NAMED <http://127.0.0.1:{port}/n> {{ ?s ?p ?o }}")
        assert boolean(response) is False
        try:
            listener.accept()
            fetched.append(True)
        except socket.timeout:
            pass
    finally:
        listener.close()
    assert not fetched, "the server connected to a URL named in a request"


def test_deep_nesting_is_refused_without_harm(endpoints):
    url, _, _ = endpoints
    response = query(url, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    assert response.status_code == 400 and "nests" in response.text
    assert boolean(query(url, "ASK {}")) is True


# ---- negotiation, CORS ----

@pytest.mark.parametrize("media", list(RESULT_TYPES))
def test_select_in_every_results_format(endpoints, media):
    url, _, _ = endpoints
    text = f"SELECT ?doc WHERE {{ ?doc a <{FOAF_DOCUMENT}> }} ORDER BY ?doc"
    response = requests.get(url, params={"query": text}, headers={"Accept": media})
    assert response.headers["Content-Type"].split(";")[0] == media
    assert "Accept" in response.headers["Vary"]
    assert [s["doc"].value for s in parse_results(response)] == [D1, D2, D3]


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_construct_in_every_graph_format(endpoints, media):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": f"CONSTRUCT WHERE {{ ?doc a <{FOAF_DOCUMENT}> }}"},
                            headers={"Accept": media})
    assert response.headers["Content-Type"].split(";")[0] == media
    assert sorted(t.subject.value for t in graph(response)) == [D1, D2, D3]


@pytest.mark.parametrize("name, media", [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                                         ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_format_parameter_overrides_accept(endpoints, name, media):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": "SELECT (1 AS ?x) {}", "format": name},
                            headers={"Accept": "application/sparql-results+xml"})
    assert response.headers["Content-Type"].split(";")[0] == media


def test_format_parameter_for_graphs_and_download(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": f"CONSTRUCT WHERE {{ ?d a <{FOAF_DOCUMENT}> }}", "format": "json",
                                         "download": "1"})
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="coopkg-results.jsonld"'
    assert len(graph(response)) == 3


def test_not_acceptable(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": "SELECT (1 AS ?x) {}"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406 and "text/csv" in response.text
    response = requests.get(url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406 and "text/turtle" in response.text
    response = requests.get(url, params={"query": "ASK {}", "format": "yaml"})
    assert response.status_code == 406


def test_cors_simple_request_and_preflight(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": "ASK {}"}, headers={"Origin": "https://tools.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Coopkg-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = requests.options(url, headers={"Origin": "https://tools.example",
                                               "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_browsers_are_sent_to_the_query_page(endpoints):
    url, _, _ = endpoints
    response = requests.get(url, params={"query": "ASK {}"}, allow_redirects=False,
                            headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/query?query=ASK")


# ---- limits ----

def test_row_cap_is_announced_in_a_header(endpoints):
    url, _, _ = endpoints
    values = " ".join(str(i) for i in range(20))
    text = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"
    response = requests.get(url, params={"query": text})
    assert response.headers["X-Coopkg-Truncated"] == "true"
    assert response.headers["X-Coopkg-Row-Limit"] == str(MAX_ROWS)
    assert len(list(parse_results(response))) == MAX_ROWS
    small = requests.get(url, params={"query": "SELECT ?a WHERE { VALUES ?a { 1 2 } }"})
    assert "X-Coopkg-Truncated" not in small.headers


def test_body_size_limit(endpoints):
    url, update_url, auth = endpoints
    padding = "#" + "x" * MAX_BODY + "\n"
    response = query(url, padding + "ASK {}")
    assert response.status_code == 413
    response = update(update_url, auth, padding + "CLEAR ALL")
    assert response.status_code == 413
    assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}")) is True


def test_time_limit_stops_a_long_query_while_others_are_answered(endpoints):
    url, _, _ = endpoints
    values = " ".join(str(i) for i in range(200))
    endless = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ {values} }}" for i in range(6)) + " }")
    with ThreadPoolExecutor(max_workers=2) as pool:
        # As on a server in use: two query workers are warm, on the current snapshot.
        list(pool.map(lambda _: query(url, "ASK { ?s ?p ?o }"), range(2)))
        started = time.monotonic()
        long_running = pool.submit(requests.get, url, params={"query": endless}, timeout=60)
        time.sleep(0.3)
        quick_times = []
        while not long_running.done():
            t0 = time.monotonic()
            assert boolean(query(url, f"ASK {{ <{D1}> a ?t }}", timeout=10)) is True
            quick_times.append(time.monotonic() - t0)
            time.sleep(0.2)
        response = long_running.result()
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert f"within {TIMEOUT_S} seconds" in response.text
    assert TIMEOUT_S - 0.5 < elapsed < TIMEOUT_S + 5
    assert quick_times and max(quick_times) < 1.0, quick_times
    assert boolean(query(url, "ASK {}", timeout=5)) is True  # and after it


def test_concurrent_clients_get_their_own_answers(endpoints):
    url, _, _ = endpoints
    errors = []

    def client(i):
        try:
            result = parse_results(requests.get(url, params={"query": f"SELECT ({i} AS ?i) {{}}"}))
            assert [s["i"].value for s in result] == [str(i)]
        except Exception as exc:  # collected, the main thread asserts
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
