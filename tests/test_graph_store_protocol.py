"""The W3C Graph Store HTTP Protocol manifests (http-rdf-update/ and graph-store-protocol/, indirect
and direct identification), one test per case, against a live `coopkg serve` of this module's own
(the cases PUT the default graph). Writes carry a maintainer token; reads are public.

The manifests' person/N graphs are translated to IRIs under https://example.org/gsp/ (indirect) and
to URLs under /graph-store/person/ (direct: the request URL is the graph IRI).
"""
import pyoxigraph as ox
import pytest
import requests

from coopkg.graph.accounts import Accounts
from servers import CoopkgServer

FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EX = "https://example.org/gsp/"
TURTLE = "text/turtle; charset=utf-8"

JOHN = f"""@prefix foaf: <{FOAF}> . @prefix v: <{VCARD}> .
<{EX}person/1> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "John Doe" ]."""
JANE = JOHN.replace("John Doe", "Jane Doe")
ALICE = f"""@prefix foaf: <{FOAF}> . @prefix v: <{VCARD}> .
[] a foaf:Person; foaf:businessCard [ a v:VCard; v:given-name "Alice" ] ."""
NAME = f'@prefix foaf: <{FOAF}> . <{EX}person/1> foaf:name "Jane Doe" .'
FAMILY = f'@prefix foaf: <{FOAF}> . <{EX}person/1> foaf:familyName "Doe" .'
GIVEN = f'@prefix foaf: <{FOAF}> . <{EX}person/1> foaf:givenName "Jane" .'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = CoopkgServer(tmp_path_factory.mktemp("gsp") / "data", init=False).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gsp(server):
    accounts = Accounts(server.data_dir)  # the CLI around it is tested in test_accounts.py
    accounts.create_user("keeper", "graph-store-tests")
    return Client(server.url, accounts.create_token("keeper", "gsp tests"))


class Client:
    def __init__(self, base, token):
        self.base, self.url = base, base + "/graph-store"
        self.auth = {"Authorization": f"Bearer {token}"}

    def request(self, method, graph=None, *, default=False, path=None, body=None, content_type=TURTLE,
                auth=True, **kwargs):
        url = self.url + (path or "")
        params = {"default": ""} if default else ({"graph": graph} if graph else None)
        headers = {**(self.auth if auth else {}), **kwargs.pop("headers", {})}
        if body is not None and content_type:
            headers["Content-Type"] = content_type
        return requests.request(method, url, params=params, data=body.encode() if isinstance(body, str) else body,
                                headers=headers, **kwargs)

    def get_graph(self, graph=None, **kwargs):
        response = self.request("GET", graph, headers={"Accept": "text/turtle"}, auth=False, **kwargs)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
        return set_of(response.content)


def set_of(turtle: bytes):
    """Triples with blank nodes replaced by a placeholder, for comparing small graphs."""
    out = set()
    for triple in ox.parse(turtle, format=ox.RdfFormat.TURTLE):
        out.add(tuple("_:b" if isinstance(term, ox.BlankNode) else str(term)
                      for term in (triple.subject, triple.predicate, triple.object)))
    return out


def expected(*documents):
    triples = set()
    for document in documents:
        triples |= set_of(document.encode())
    return triples


# ---- graph-store-protocol/manifest-indirect.ttl ----

def test_put_get_repetition_indirect(gsp):
    graph = EX + "person/1.ttl"
    gsp.request("DELETE", graph)
    assert gsp.request("PUT", graph, body=JOHN).status_code == 201
    assert gsp.get_graph(graph) == expected(JOHN)
    assert gsp.request("PUT", graph, body=JANE).status_code in (200, 204)
    assert gsp.get_graph(graph) == expected(JANE)


def test_put_get_default_graph(gsp):
    assert gsp.request("PUT", default=True, body=ALICE).status_code in (200, 201, 204)
    response = gsp.request("GET", default=True, auth=False, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and set_of(response.content) == expected(ALICE)


def test_put_delete_get_delete_indirect(gsp):
    graph = EX + "person/2.ttl"
    assert gsp.request("PUT", graph, body=JOHN).status_code in (200, 201, 204)
    assert gsp.request("DELETE", graph).status_code in (200, 204)
    assert gsp.request("GET", graph, auth=False).status_code == 404
    assert gsp.request("DELETE", graph).status_code in (404, 200, 204)


def test_post_then_multipart_post_indirect(gsp):
    graph = EX + "person/1.ttl"
    gsp.request("PUT", graph, body=JANE)
    assert gsp.request("POST", graph, body=NAME).status_code in (200, 201, 204)
    assert gsp.get_graph(graph) == expected(JANE, NAME)
    files = {"lastName.ttl": ("lastName.ttl", FAMILY, TURTLE), "firstName.ttl": ("firstName.ttl", GIVEN, TURTLE)}
    response = requests.post(gsp.url, params={"graph": graph}, files=files, headers=gsp.auth)
    assert response.status_code in (200, 204), response.text
    assert gsp.get_graph(graph) == expected(JANE, NAME, FAMILY, GIVEN)


def test_post_creates_a_new_graph_and_names_it_in_location(gsp):
    response = gsp.request("POST", body=ALICE)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith("https://w3id.org/coopkg/graph/upload/")
    assert gsp.get_graph(location) == expected(ALICE)
    # GET of POST after noop: the graph is unchanged by reading it.
    assert gsp.get_graph(location) == expected(ALICE)


def test_head_on_existing_graph_indirect(gsp):
    graph = EX + "person/1.ttl"
    gsp.request("PUT", graph, body=JOHN)
    response = gsp.request("HEAD", graph, auth=False, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.content == b""


def test_head_on_nonexisting_graph_indirect(gsp):
    assert gsp.request("HEAD", EX + "person/4.ttl", auth=False).status_code == 404


def test_varying_percent_encoding_names_the_same_graph(gsp):
    graph = EX + "person/encoded.ttl"
    gsp.request("DELETE", graph)
    assert gsp.request("PUT", graph, body=JOHN).status_code == 201  # sent percent-encoded by requests
    response = requests.get(f"{gsp.url}?graph={graph}", headers={"Accept": "text/turtle"})  # sent raw
    assert response.status_code == 200 and set_of(response.content) == expected(JOHN)


def test_percent_encoding_is_decoded_once(gsp):
    once, twice = f"{gsp.url}?graph={EX}person/%31.ttl", f"{gsp.url}?graph={EX}person/%2531.ttl"
    headers = {**gsp.auth, "Content-Type": TURTLE}
    requests.delete(once, headers=gsp.auth)
    requests.delete(twice, headers=gsp.auth)
    assert requests.put(once, data=JOHN.encode(), headers=headers).status_code == 201
    assert requests.put(twice, data=JANE.encode(), headers=headers).status_code == 201
    assert set_of(requests.get(once).content) == expected(JOHN)  # graph <.../person/1.ttl>
    assert set_of(requests.get(twice).content) == expected(JANE)  # graph <.../person/%31.ttl>


# ---- graph-store-protocol/manifest-direct.ttl: the request URL is the graph IRI ----

def test_put_get_repetition_direct(gsp):
    gsp.request("DELETE", path="/person/1.ttl")
    assert gsp.request("PUT", path="/person/1.ttl", body=JOHN).status_code == 201
    assert gsp.get_graph(path="/person/1.ttl") == expected(JOHN)
    assert gsp.request("PUT", path="/person/1.ttl", body=JANE).status_code in (200, 204)
    assert gsp.get_graph(path="/person/1.ttl") == expected(JANE)
    # The same graph, named indirectly by its URL.
    assert gsp.get_graph(gsp.url + "/person/1.ttl") == expected(JANE)


def test_put_delete_get_delete_direct(gsp):
    assert gsp.request("PUT", path="/person/2.ttl", body=JOHN).status_code in (200, 201, 204)
    assert gsp.request("DELETE", path="/person/2.ttl").status_code in (200, 204)
    assert gsp.request("GET", path="/person/2.ttl", auth=False).status_code == 404
    assert gsp.request("DELETE", path="/person/2.ttl").status_code in (404, 200, 204)


def test_post_then_multipart_post_direct(gsp):
    gsp.request("PUT", path="/person/1.ttl", body=JANE)
    assert gsp.request("POST", path="/person/1.ttl", body=NAME).status_code in (200, 201, 204)
    files = {"lastName.ttl": ("lastName.ttl", FAMILY, TURTLE), "firstName.ttl": ("firstName.ttl", GIVEN, TURTLE)}
    assert requests.post(gsp.url + "/person/1.ttl", files=files, headers=gsp.auth).status_code in (200, 204)
    assert gsp.get_graph(path="/person/1.ttl") == expected(JANE, NAME, FAMILY, GIVEN)


def test_head_direct(gsp):
    gsp.request("PUT", path="/person/1.ttl", body=JOHN)
    assert gsp.request("HEAD", path="/person/1.ttl", auth=False).status_code == 200
    assert gsp.request("HEAD", path="/person/4.ttl", auth=False).status_code == 404


# ---- http-rdf-update/manifest.ttl (the deprecated first version): one test per case, each setting
# up the state the manifest's sequence would have left ----

V1 = EX + "v1/person/"


@pytest.fixture
def v1(gsp):
    """person/1 holds Jane's card, as after the manifest's second PUT; person/2 is absent."""
    gsp.request("PUT", V1 + "1.ttl", body=JANE)
    gsp.request("DELETE", V1 + "2.ttl")
    return gsp


def test_v1_put_initial_state(gsp):
    gsp.request("DELETE", V1 + "1.ttl")
    assert gsp.request("PUT", V1 + "1.ttl", body=JOHN).status_code == 201


def test_v1_get_of_put_initial_state(gsp):
    gsp.request("DELETE", V1 + "1.ttl")
    gsp.request("PUT", V1 + "1.ttl", body=JOHN)
    assert gsp.get_graph(V1 + "1.ttl") == expected(JOHN)


def test_v1_put_graph_already_in_store(gsp):
    gsp.request("PUT", V1 + "1.ttl", body=JOHN)
    assert gsp.request("PUT", V1 + "1.ttl", body=JANE).status_code == 204


def test_v1_get_of_put_graph_already_in_store(v1):
    assert v1.get_graph(V1 + "1.ttl") == expected(JANE)


def test_v1_put_default_graph(gsp):
    assert gsp.request("PUT", default=True, body=ALICE).status_code in (201, 204)


def test_v1_get_of_put_default_graph(gsp):
    gsp.request("PUT", default=True, body=ALICE)
    assert set_of(gsp.request("GET", default=True, auth=False).content) == expected(ALICE)


def test_v1_delete_existing_graph(v1):
    v1.request("PUT", V1 + "2.ttl", body=JOHN)
    assert v1.request("DELETE", V1 + "2.ttl").status_code in (200, 204)


def test_v1_get_of_delete_existing_graph(v1):
    v1.request("PUT", V1 + "2.ttl", body=JOHN)
    v1.request("DELETE", V1 + "2.ttl")
    assert v1.request("GET", V1 + "2.ttl", auth=False).status_code == 404


def test_v1_delete_nonexistent_graph(v1):
    assert v1.request("DELETE", V1 + "2.ttl").status_code == 404


def test_v1_post_existing_graph(v1):
    assert v1.request("POST", V1 + "1.ttl", body=NAME).status_code in (200, 204)


def test_v1_get_of_post_existing_graph(v1):
    v1.request("POST", V1 + "1.ttl", body=NAME)
    assert v1.get_graph(V1 + "1.ttl") == expected(JANE, NAME)


def _multipart(client, graph):
    files = {"lastName.ttl": ("lastName.ttl", FAMILY, TURTLE), "firstName.ttl": ("firstName.ttl", GIVEN, TURTLE)}
    return requests.post(client.url, params={"graph": graph}, files=files, headers=client.auth)


def test_v1_post_multipart_formdata(v1):
    v1.request("POST", V1 + "1.ttl", body=NAME)
    assert _multipart(v1, V1 + "1.ttl").status_code in (200, 204)


def test_v1_get_of_post_multipart_formdata(v1):
    v1.request("POST", V1 + "1.ttl", body=NAME)
    _multipart(v1, V1 + "1.ttl")
    assert v1.get_graph(V1 + "1.ttl") == expected(JANE, NAME, FAMILY, GIVEN)


def test_v1_post_create_new_graph(gsp):
    response = gsp.request("POST", body=ALICE)
    assert response.status_code == 201 and response.headers["Location"]


def test_v1_get_of_post_create_new_graph(gsp):
    location = gsp.request("POST", body=ALICE).headers["Location"]
    assert gsp.get_graph(location) == expected(ALICE)


def test_v1_get_of_post_after_noop(gsp):
    location = gsp.request("POST", body=ALICE).headers["Location"]
    gsp.get_graph(location)
    assert gsp.get_graph(location) == expected(ALICE)


def test_v1_head_on_an_existing_graph(v1):
    response = v1.request("HEAD", V1 + "1.ttl", auth=False)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_v1_head_on_a_nonexisting_graph(gsp):
    assert gsp.request("HEAD", V1 + "4.ttl", auth=False).status_code == 404


# ---- what coopkg adds: tokens, refusals, negotiation ----

def test_writes_need_a_maintainer_token(gsp):
    graph = EX + "guarded"
    gsp.request("PUT", graph, body=JOHN)
    for method in ("PUT", "POST", "DELETE"):
        for auth in ({}, {"Authorization": "Bearer ckg_wrong"}):
            response = requests.request(method, gsp.url, params={"graph": graph}, data=JANE.encode(),
                                        headers={**auth, "Content-Type": TURTLE})
            assert response.status_code == 401, method
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert gsp.get_graph(graph) == expected(JOHN)  # reads are public, and nothing changed


def test_bad_bodies_change_nothing(gsp):
    graph = EX + "intact"
    gsp.request("PUT", graph, body=JOHN)
    response = gsp.request("PUT", graph, body="<broken")
    assert response.status_code == 400 and "nothing was changed" in response.text
    assert gsp.request("PUT", graph, body=JANE, content_type="application/trig").status_code == 415
    assert gsp.request("PUT", graph, body=JANE, content_type="application/x-unknown").status_code == 415
    assert gsp.request("POST", graph, body=JANE, content_type=None).status_code == 415
    assert gsp.get_graph(graph) == expected(JOHN)


def test_blank_nodes_of_separate_posts_stay_apart(gsp):
    graph = EX + "blank-nodes"
    gsp.request("DELETE", graph)
    for name in ("A", "B"):
        gsp.request("POST", graph, body=f'_:b0 <{FOAF}name> "{name}" .', content_type="application/n-triples")
    triples = list(ox.parse(requests.get(gsp.url, params={"graph": graph}).content, format=ox.RdfFormat.TURTLE))
    assert len({t.subject for t in triples}) == 2


def test_graph_in_every_graph_syntax(gsp):
    graph = EX + "formats"
    gsp.request("PUT", graph, body=JOHN)
    syntaxes = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}
    for media, syntax in syntaxes.items():
        response = requests.get(gsp.url, params={"graph": graph}, headers={"Accept": media})
        assert response.headers["Content-Type"].split(";")[0] == media
        assert len(list(ox.parse(response.content, format=syntax))) == 4
    assert requests.get(gsp.url, params={"graph": graph}, headers={"Accept": "text/csv"}).status_code == 406


def test_ambiguous_or_missing_graph_names(gsp):
    assert requests.get(gsp.url).status_code == 400
    assert requests.get(gsp.url, params=[("graph", EX + "a"), ("graph", EX + "b")]).status_code == 400
    assert requests.get(gsp.url + "?default&graph=" + EX + "a").status_code == 400
    assert requests.get(gsp.url, params={"graph": "not an iri"}).status_code == 400
    assert gsp.request("PUT", body=JOHN).status_code == 400
    assert gsp.request("DELETE").status_code == 400


def test_written_graphs_are_visible_to_sparql(gsp):
    graph = EX + "seen-by-sparql"
    gsp.request("PUT", graph, body=JOHN)
    response = requests.get(gsp.base + "/sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s <{VCARD}fn> \"John Doe\" }} }}"})
    assert response.json()["boolean"] is True


def test_cors_preflight_allows_the_authorization_header(gsp):
    response = requests.options(gsp.url, headers={"Origin": "https://tools.example",
                                                  "Access-Control-Request-Method": "PUT",
                                                  "Access-Control-Request-Headers": "authorization,content-type"})
    assert response.status_code == 204
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_only_a_few_graph_dumps_at_once(tmp_path):
    """A third concurrent whole-graph GET is told to come back, rather than tying up every core."""
    from coopkg.service import create_app
    from coopkg.service.views import graph_store as view
    app = create_app({"data_dir": tmp_path, "TESTING": True})
    try:
        client = app.test_client()
        assert client.get("/graph-store?default").status_code == 200
        held = [view._DUMPS.acquire(blocking=False) for _ in range(2)]  # two dumps in progress
        assert all(held)
        try:
            busy = client.get("/graph-store?default")
            assert busy.status_code == 503 and busy.headers["Retry-After"]
        finally:
            for _ in held:
                view._DUMPS.release()
        assert client.get("/graph-store?default").status_code == 200
    finally:
        app.extensions["coopkg"].store.close()


def test_an_empty_graph_can_be_put_and_still_exists(gsp):
    graph = EX + "empty"
    gsp.request("DELETE", graph)
    assert gsp.request("PUT", graph, body="", content_type="text/turtle").status_code == 201
    assert gsp.request("HEAD", graph, auth=False).status_code == 200
    assert gsp.get_graph(graph) == set()
    gsp.request("PUT", graph, body=JOHN)
    assert gsp.request("PUT", graph, body="", content_type="text/turtle").status_code == 204
    assert gsp.get_graph(graph) == set()
