"""The public SPARQL side, attacked: it must never write, never fetch, and answer malformed or
monstrous input with a 4xx and a sentence, without dying. Run against a live `coopkg serve`."""
import uuid

import pytest
import requests

from coopkg.graph.accounts import Accounts
from hostile import Listener, raw_http

MARK = f"https://w3id.org/coopkg/id/security-probe/{uuid.uuid4().hex}"
PROBE_GRAPH = f"https://w3id.org/coopkg/graph/security-probe/{uuid.uuid4().hex}"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def token(live_server):
    """A maintainer token, made the way `coopkg token create` makes it, while the server runs."""
    accounts = Accounts(live_server.data_dir)
    name = accounts.create_user("sec-" + uuid.uuid4().hex[:8], "a-long-password-1").name
    return str(accounts.create_token(name, "security tests"))


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def ask(server, query):
    response = requests.get(server.url + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def probe_written(server):
    return ask(server, f"ASK {{ {{ <{MARK}> ?p ?o }} UNION {{ GRAPH <{PROBE_GRAPH}> {{ ?s ?p ?o }} }} }}")


def alive(server):
    assert requests.get(server.url + "/health", timeout=10).status_code == 200
    assert ask(server, "ASK {}") is True


WRITES = [
    f'INSERT DATA {{ <{MARK}> <urn:p> "x" }}',
    f'INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ <{MARK}> <urn:p> "x" }} }}',
    f'PREFIX x: <urn:x#> INSERT {{ <{MARK}> <urn:p> ?o }} WHERE {{ ?s ?p ?o }}',
    'DELETE WHERE { ?s ?p ?o }',
    'delete { ?s ?p ?o } where { ?s ?p ?o }',
    'CLEAR ALL', 'CLEAR DEFAULT', 'DROP ALL', f'DROP GRAPH <{PROBE_GRAPH}>', f'CREATE GRAPH <{PROBE_GRAPH}>',
    f'ADD DEFAULT TO <{PROBE_GRAPH}>', f'COPY DEFAULT TO <{PROBE_GRAPH}>', f'MOVE DEFAULT TO <{PROBE_GRAPH}>',
    f'WITH <{PROBE_GRAPH}> INSERT {{ <{MARK}> <urn:p> "x" }} WHERE {{}}',
    f'# a comment first\nPREFIX p: <urn:p>\nINSERT DATA {{ <{MARK}> <urn:p> "x" }}',
    f'SELECT * {{}} ; INSERT DATA {{ <{MARK}> <urn:p> "x" }}',
]


def write_attempts(server, text):
    """Every way the public side could be asked to run `text` as a write, without a token."""
    url = server.url
    yield requests.get(url + "/sparql", params={"query": text}, timeout=20)
    yield requests.get(url + "/sparql", params={"update": text}, timeout=20)
    yield requests.post(url + "/sparql", data={"query": text}, timeout=20)
    yield requests.post(url + "/sparql", data={"update": text}, timeout=20)
    yield requests.post(url + "/sparql", data=text.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=20)
    yield requests.post(url + "/sparql", data=text.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=20)
    yield requests.post(url + "/sparql/update", data={"update": text}, timeout=20)
    yield requests.post(url + "/sparql/update", data=text.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=20)
    yield requests.post(url + "/sparql/update", data={"update": text}, headers={"Authorization": "Bearer ckg_not-a-token"}, timeout=20)
    yield requests.get(url + "/sparql/update", params={"update": text}, timeout=20)


@pytest.mark.parametrize("text", WRITES)
def test_no_public_write_through_the_protocol(live_server, text):
    for response in write_attempts(live_server, text):
        assert 400 <= response.status_code < 500, (response.request.method, response.url, response.status_code)
        assert response.text.strip(), "a refusal says why"
    assert not probe_written(live_server)


def test_no_public_write_through_the_graph_store(live_server):
    body = f'<{MARK}> <urn:p> "x" .'.encode()
    url = live_server.url + "/graph-store"
    for method in ("PUT", "POST", "DELETE"):
        for target in (url + f"?graph={PROBE_GRAPH}", url + "?default", url,
                       live_server.url + "/graph-store/some/graph"):
            for auth in ({}, {"Authorization": "Bearer ckg_forged"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}):
                response = requests.request(method, target, data=body, timeout=20,
                                            headers={"Content-Type": "application/n-triples", **auth})
                assert response.status_code in (400, 401, 403), (method, target, auth, response.status_code)
    # A method override header or parameter is not a way around it.
    response = requests.post(url + f"?graph={PROBE_GRAPH}&_method=PUT", data=body,
                             headers={"Content-Type": "application/n-triples", "X-HTTP-Method-Override": "PUT"}, timeout=20)
    assert response.status_code == 401
    assert not probe_written(live_server)


def test_a_revoked_token_writes_nothing(live_server):
    accounts = Accounts(live_server.data_dir)
    name = accounts.create_user("gone-" + uuid.uuid4().hex[:8], "a-long-password-2").name
    issued = accounts.create_token(name)
    assert accounts.revoke_token(issued.id)
    response = requests.post(live_server.url + "/sparql/update", data={"update": WRITES[0]},
                             headers={"Authorization": "Bearer " + str(issued)}, timeout=20)
    assert response.status_code == 401
    assert not probe_written(live_server)


# ---- nothing is fetched ----

def fetch_queries(target):
    return [
        f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{target}/> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ service <{target}/x> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ OPTIONAL {{ SeRvIcE <{target}/y> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}/z> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{target}/thing>",
        f"SELECT * WHERE {{ SERVICE <http://169.254.169.254/latest/meta-data/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <file:///etc/passwd> {{ ?s ?p ?o }} }}",
        f"BASE <{target}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    ]


def test_the_listener_sees_a_fetch_by_the_engine(listener):
    """The control: without the guard, the engine itself would call the listener."""
    import pyoxigraph as ox
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"))
    except (OSError, RuntimeError, ValueError):
        pass
    assert listener.settle(0.5) != []


def test_public_queries_fetch_nothing(live_server, listener):
    for query in fetch_queries(listener.url):
        get = requests.get(live_server.url + "/sparql", params={"query": query}, timeout=20)
        post = requests.post(live_server.url + "/sparql", data=query.encode(),
                             headers={"Content-Type": "application/sparql-query"}, timeout=20)
        for response in (get, post):
            assert response.status_code < 500, (query, response.status_code, response.text)
        if "SERVICE" in query.upper():
            assert get.status_code == 400 and "SERVICE" in get.text, (query, get.text)
    for graph_param in ("default-graph-uri", "named-graph-uri"):
        requests.get(live_server.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1",
                                                          graph_param: listener.url + "/g"}, timeout=20)
    assert listener.settle() == []


def test_maintainer_updates_fetch_nothing_either(live_server, listener, token):
    auth = {"Authorization": "Bearer " + token}
    for update in (f"LOAD <{listener.url}/data.ttl>", f"LOAD SILENT <{listener.url}/data.ttl> INTO GRAPH <{PROBE_GRAPH}>",
                   f"load <{listener.url}/x>",
                   f"INSERT {{ GRAPH <{PROBE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"):
        response = requests.post(live_server.url + "/sparql/update", data={"update": update}, headers=auth, timeout=20)
        assert response.status_code == 400, (update, response.status_code, response.text)
    assert listener.settle() == []
    assert not probe_written(live_server)


def test_uploads_with_remote_contexts_or_external_entities_fetch_nothing(live_server, listener, token):
    auth = {"Authorization": "Bearer " + token}
    documents = {
        "application/ld+json": f'{{"@context": "{listener.url}/context.jsonld", "@id": "{MARK}", "name": "x"}}',
        "application/json": f'{{"@context": ["{listener.url}/c1", {{"@import": "{listener.url}/c2"}}], "@id": "{MARK}"}}',
        "application/rdf+xml": (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{listener.url}/xxe">]>'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e#">'
                                f'<rdf:Description rdf:about="{MARK}"><e:p>&e;</e:p></rdf:Description></rdf:RDF>'),
        "text/xml": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{listener.url}/dtd"> %p;]>'
                     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
        "text/turtle": f'@base <{listener.url}/> . @prefix x: <{listener.url}/#> . <{MARK}> x:p <relative> .',
    }
    for media_type, body in documents.items():
        response = requests.put(live_server.url + "/graph-store", params={"graph": PROBE_GRAPH}, data=body.encode(),
                                headers={"Content-Type": media_type, **auth}, timeout=20)
        assert response.status_code < 500, (media_type, response.status_code, response.text)
    assert listener.settle() == []
    requests.delete(live_server.url + "/graph-store", params={"graph": PROBE_GRAPH}, headers=auth, timeout=20)


# ---- malformed and monstrous queries ----

@pytest.mark.parametrize("query", [
    "SELEKT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ", "}}}}", "SELECT * WHERE { ?s ?p 'unterminated }",
    "PREFIX : <no-close SELECT * {}", "SELECT * WHERE { ?s <http://a b> ?o }", "SELECT (COUNT(*) AS) {}",
    "SELECT * WHERE { ?s ?p \"x\"@-- }", "SELECT * WHERE { ?s ?p \"x\"@123456789012345678901234567890 }",
    "SELECT * WHERE { ?s ?p \"1\"^^<not an iri> }", "SELECT * WHERE { <\u0000> ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
    "ASK { FILTER(REGEX(\"a\", \"(((((\")) }", "\ufeffSELECT * {}\u202e", "SELECT ?\u0000 {}",
    "SELECT * WHERE { ?s ?p ?o } GROUP BY", "ASK {} VALUES ?x { 1 2 } VALUES ?y { 3 }",
])
def test_malformed_queries_get_400_with_a_message(live_server, query):
    for response in (requests.get(live_server.url + "/sparql", params={"query": query}, timeout=20),
                     requests.post(live_server.url + "/sparql", data={"query": query}, timeout=20)):
        assert response.status_code in (200, 400), (query, response.status_code, response.text)
        if response.status_code == 400:
            assert len(response.text) > 10


@pytest.mark.parametrize("opening, closing", [("{", "}"), ("(", ")"), ("[ <urn:p> ", "]")])
@pytest.mark.parametrize("depth", [3000, 20000])
def test_deep_nesting_is_refused_and_the_server_lives(live_server, opening, closing, depth):
    if opening == "{":
        query = "SELECT * WHERE " + opening * depth + "?s ?p ?o" + closing * depth
    elif opening == "(":
        query = "ASK { FILTER(" + opening * depth + "1" + closing * depth + ") }"
    else:
        query = "ASK { ?s <urn:p> " + opening * depth + "<urn:o>" + closing * depth + " }"
    response = requests.post(live_server.url + "/sparql", data=query.encode(),
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 400, response.text[:200]
    assert "deep" in response.text or "limit" in response.text
    alive(live_server)


def test_deep_nesting_in_an_update_is_refused_and_the_server_lives(live_server, token):
    update = "INSERT DATA " + "{" * 5000 + "}" * 5000
    response = requests.post(live_server.url + "/sparql/update", data=update.encode(),
                             headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer " + token},
                             timeout=30)
    assert response.status_code == 400
    alive(live_server)


@pytest.mark.parametrize("media_type, body", [
    ("text/turtle", b"@prefix : <urn:> . :a :b " + b"[ :p " * 5000 + b":o" + b" ]" * 5000 + b" ."),
    ("text/turtle", b"@prefix : <urn:> . :a :b " + b"( " * 5000 + b":o" + b" )" * 5000 + b" ."),
    ("application/ld+json", b'{"@id": "urn:a", "urn:b": ' * 70000 + b'"x"' + b"}" * 70000),
    ("application/ld+json", b"[" * 100000),
    ("application/rdf+xml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e#">'
     + b"<rdf:Description><e:p>" * 2000 + b"</e:p></rdf:Description>" * 2000 + b"</rdf:RDF>"),
])
def test_deeply_nested_graph_uploads_do_not_kill_the_server(live_server, token, media_type, body):
    response = requests.put(live_server.url + "/graph-store", params={"graph": PROBE_GRAPH}, data=body, timeout=60,
                            headers={"Content-Type": media_type, "Authorization": "Bearer " + token})
    assert response.status_code in (201, 204, 400, 413), (response.status_code, response.text[:200])
    alive(live_server)
    requests.delete(live_server.url + "/graph-store", params={"graph": PROBE_GRAPH},
                    headers={"Authorization": "Bearer " + token}, timeout=20)


def test_very_long_queries_and_bodies(live_server):
    long_query = "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o != 'x') " * 20000 + "}"
    response = requests.post(live_server.url + "/sparql", data=long_query.encode(),
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code in (400, 413)
    huge = b"#" + b"x" * (10 * 1024 * 1024 + 10)
    response = requests.post(live_server.url + "/sparql", data=huge,
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 413
    assert "limit" in response.text
    alive(live_server)


def test_invalid_utf8_and_odd_encodings(live_server):
    url = live_server.url
    for body, content_type in ((b"SELECT * WHERE { ?s ?p '\xff\xfe' }", "application/sparql-query"),
                               (b"query=SELECT%20*%20%7B%7D%ff%fe", FORM),
                               (b"SELECT * {}", "application/sparql-query; charset=latin-1"),
                               ("SELECT * {}".encode("utf-16"), "application/sparql-query; charset=utf-16"),
                               (b"\x00\x01\x02", "application/sparql-query"),
                               (b"query=" + b"%" * 100, FORM), (b"", "application/sparql-query"),
                               (b"query=SELECT * {}", "multipart/form-data; boundary=x"),
                               (b"{\"query\": \"ASK {}\"}", "application/json")):
        response = requests.post(url + "/sparql", data=body, headers={"Content-Type": content_type}, timeout=20)
        assert 400 <= response.status_code < 500 or response.status_code == 200, (body[:30], response.status_code)
    status, _, _ = raw_http(url, b"GET /sparql?query=ASK%20%7B%7D%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert 0 < status < 500
    for params in ({"query": "ASK {}", "default-graph-uri": "not an iri"}, {"query": "ASK {}", "named-graph-uri": "\u0000"},
                   {"query": "ASK {}", "format": "\r\nX-Injected: 1"}, {"query": "ASK {}", "format": "../../etc/passwd"},
                   {"query": "ASK {}", "format": "x" * 5000}):
        response = requests.get(url + "/sparql", params=params, timeout=20)
        assert 400 <= response.status_code < 500, (params, response.status_code)
        assert "X-Injected" not in response.headers
    alive(live_server)


def test_two_query_parameters_are_refused(live_server):
    response = requests.get(live_server.url + "/sparql?query=ASK%20%7B%7D&query=" + "INSERT", timeout=20)
    assert response.status_code == 400
