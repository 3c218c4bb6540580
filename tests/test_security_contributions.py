"""The contribution and review side, attacked: CSRF on every form, login brute force, script injection
in everything that reaches HTML, malformed and oversized uploads, and uploads that try to make the
server fetch. One server of its own, with small limits, so its rate limits cannot disturb other tests.
"""
import re
import uuid

import pytest
import requests

from hostile import Listener
from coopkg.graph.accounts import Accounts
from servers import CoopkgServer

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CKG = "https://w3id.org/coopkg/ontology#"
ORG = f"https://w3id.org/coopkg/id/org/xss-probe-{uuid.uuid4().hex[:8]}"
PASSWORD = "correct-horse-battery"
LOGIN_LIMIT = 3
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("security-contrib")
    # No `coopkg init`: the attacks need no curated data, and the shapes-free store saves seconds.
    srv = CoopkgServer(base / "data", init=False, env={"COOPKG_LOGIN_RATE_LIMIT": str(LOGIN_LIMIT),
                                                      "COOPKG_CONTRIBUTION_MAX_BYTES": "20000",
                                                      "COOPKG_CONTRIBUTION_RATE_LIMIT": "1000"})
    accounts = Accounts(srv.data_dir)
    accounts.create_user("maria", PASSWORD)
    srv.token = str(accounts.create_token("maria", "security tests"))
    srv.start()
    yield srv
    srv.stop()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


@pytest.fixture(scope="module")
def maintainer(server):
    """A logged-in maintainer's browser session (logged in once: later tests exhaust the login limit)."""
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/login", timeout=10).text)
    response = session.post(server.url + "/login", data={"name": "maria", "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:300]
    session.csrf = csrf_of(session.get(server.url + "/contribute", timeout=10).text)
    return session


def submit_api(server, turtle: str, **params):
    return requests.post(server.url + "/api/contributions", params={"name": "Eve", **params}, data=turtle.encode(),
                         headers={"Content-Type": "text/turtle"}, timeout=30)


@pytest.fixture(scope="module")
def pending(server):
    """A pending contribution whose every text field carries script."""
    turtle = (f'<{ORG}> a <{CKG}Cooperative> ; <http://www.w3.org/2000/01/rdf-schema#label> "{XSS.replace(chr(34), chr(39))} Koperasi"@id ;'
              f' <{CKG}cooperativeModel> <https://w3id.org/coopkg/concept/cooperative-model/worker> .')
    response = submit_api(server, turtle, name=XSS, contact=XSS + "@example.org", comment=XSS)
    assert response.status_code == 202, response.text[:500]
    return response.json()["id"]


def assert_escaped(html: str):
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html.lower() and "href='javascript:" not in html.lower()


def post_routes(server):
    """Every route that takes a POST, from the app's own URL map (so a new form is covered too)."""
    import tempfile
    from coopkg.service import create_app
    app = create_app({"data_dir": tempfile.mkdtemp(), "COOPKG_QUIET_ACCESS_LOG": True})
    try:
        rules = [r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    finally:
        app.extensions["coopkg"].store.close()
    return rules


# Token-authenticated or public APIs: no cookies are involved, so CSRF cannot ride on them.
NOT_COOKIE_FORMS = ("/sparql", "/sparql/update", "/graph-store", "/api/", "/reconcile")


def test_every_form_refuses_a_post_without_its_csrf_token(server, maintainer, pending):
    other = requests.Session()
    foreign = csrf_of(other.get(server.url + "/contribute", timeout=10).text)  # valid, but another session's
    checked = []
    for rule in post_routes(server):
        if rule.startswith(NOT_COOKIE_FORMS):
            continue
        path = rule.replace("<cid>", pending).replace("<action>", "accept")
        path = re.sub(r"<[^>]+>", "x", path)
        for token in (None, "", "forged", foreign):
            data = {"kind": "upload", "rdf": f'<{ORG}> <urn:p> "x" .', "contributor_name": "Eve",
                    "ids": pending, "action": "accept", "name": "maria", "password": PASSWORD}
            if token is not None:
                data["csrf_token"] = token
            response = maintainer.post(server.url + path, data=data, allow_redirects=False, timeout=30,
                                       headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"})
            assert response.status_code == 403, (path, token, response.status_code)
        checked.append(path)
    assert {"/contribute", "/login", "/logout", "/review/bulk", f"/review/{pending}/accept"} <= set(checked)
    state = requests.get(server.url + f"/api/contributions/{pending}", timeout=10).json()
    assert state["state"] == "pending"
    assert maintainer.get(server.url + "/review", allow_redirects=False, timeout=10).status_code == 200  # still logged in


def test_review_pages_escape_contributed_text(server, maintainer, pending):
    for path in ("/review", f"/review/{pending}", "/review/history"):
        response = maintainer.get(server.url + path, headers=HTML, timeout=30)
        assert response.status_code == 200, path
        assert_escaped(response.text)
    detail = maintainer.get(server.url + f"/review/{pending}", timeout=30).text
    assert "&lt;script&gt;" in detail or "&#34;" in detail or "&lt;img" in detail  # shown, as text


def test_contribute_form_shows_rejected_input_escaped(server):
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/contribute?kind=upload", timeout=10).text)
    for rdf in (f"<urn:x> <urn:p> {XSS} .", f'<urn:x> <urn:p> "unterminated {XSS}'):
        response = session.post(server.url + "/contribute", timeout=30, headers=HTML,
                                data={"kind": "upload", "rdf": rdf, "format": "turtle", "csrf_token": token,
                                      "contributor_name": XSS, "comment": XSS})
        assert response.status_code == 422
        assert_escaped(response.text)
    for path in (f"/contribute?kind=correction&q={XSS}", f"/contribute?kind={XSS}", f"/search?q={XSS}", f"/directory?q={XSS}", f"/login?next={XSS}",
                 f"/no-such/{XSS}"):
        response = requests.get(server.url + path, headers=HTML, timeout=30)
        assert response.status_code < 500, path
        assert_escaped(response.text)


def test_entity_pages_escape_labels_and_never_link_scripts(server):
    """Data a maintainer loaded (or a partner sent) is shown as text; a javascript: IRI is never a link."""
    turtle = (f'<{ORG}> a <{CKG}Cooperative> ; <http://www.w3.org/2000/01/rdf-schema#label> "{XSS.replace(chr(34), chr(39))}"@id ;'
              f' <https://schema.org/description> "{XSS.replace(chr(34), chr(39))}"@en ;'
              f' <http://xmlns.com/foaf/0.1/homepage> <javascript:alert(1)> ;'
              f' <http://www.w3.org/2002/07/owl#sameAs> <javascript:alert(2)> .')
    graph = "https://w3id.org/coopkg/graph/security-probe/xss"
    response = requests.put(server.url + "/graph-store", params={"graph": graph}, data=turtle.encode(), timeout=30,
                            headers={"Content-Type": "text/turtle", "Authorization": "Bearer " + server.token})
    assert response.status_code in (201, 204), response.text
    path = ORG.removeprefix("https://w3id.org/coopkg")
    for url in (server.url + path, server.url + "/doc" + path.removeprefix("/id"), server.url + "/search?q=xss-probe",
                server.url + "/search?q=alert", server.url + "/directory"):
        response = requests.get(url, headers=HTML, timeout=30)
        assert response.status_code < 500, url
        assert_escaped(response.text)


def test_uploads_fetch_nothing(server):
    listener = Listener()
    try:
        documents = [
            ("application/ld+json", f'{{"@context": "{listener.url}/ctx", "@id": "{ORG}", "name": "x"}}'),
            ("application/ld+json", f'{{"@context": {{"@import": "{listener.url}/imp"}}, "@id": "{ORG}"}}'),
            ("application/rdf+xml", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{listener.url}/xxe">]>'
                                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e#">'
                                    f'<rdf:Description rdf:about="{ORG}"><e:p>&e;</e:p></rdf:Description></rdf:RDF>'),
            ("application/rdf+xml", f'<!DOCTYPE r SYSTEM "{listener.url}/dtd"><rdf:RDF '
                                    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
            ("text/turtle", f'<{ORG}> <http://www.w3.org/2002/07/owl#sameAs> <{listener.url}/entity> .'),
        ]
        for media_type, body in documents:
            response = requests.post(server.url + "/api/contributions", params={"name": "Eve"}, data=body.encode(),
                                     headers={"Content-Type": media_type}, timeout=30)
            assert response.status_code < 500, (media_type, response.text[:300])
        envelope = {"contributor": {"name": "Eve"}, "format": "jsonld", "add": documents[0][1]}
        assert requests.post(server.url + "/api/contributions", json=envelope, timeout=30).status_code == 400
        session = requests.Session()
        token = csrf_of(session.get(server.url + "/contribute?kind=upload", timeout=10).text)
        for media_type, body in documents[:4]:
            fmt = "jsonld" if "json" in media_type else "rdfxml"
            response = session.post(server.url + "/contribute", timeout=30,
                                    data={"kind": "upload", "format": fmt, "csrf_token": token, "contributor_name": "Eve"},
                                    files={"file": ("upload." + ("jsonld" if fmt == "jsonld" else "rdf"), body.encode())})
            assert response.status_code < 500
        assert listener.settle() == []
    finally:
        listener.close()


@pytest.mark.parametrize("media_type, body", [
    ("text/turtle", b"<urn:a> <urn:b> \"\xff\xfe\" ."),
    ("text/turtle", b"<not an iri> <urn:b> <urn:c> ."),
    ("text/turtle", b'<urn:a> <urn:b> "x"@not_a-valid_tag!! .'),
    ("text/turtle", b'<urn:a> <urn:b> "x"@' + b"a" * 500 + b" ."),
    ("text/turtle", b'<urn:a> <urn:b> "1"^^<http://www.w3.org/2001/XMLSchema#integer>, "x"^^<http://a b> .'),
    ("text/turtle", b"<< <urn:a> <urn:b> <urn:c> >> <urn:d> <urn:e> ."),
    ("application/ld+json", b"{" * 5000),
    ("application/ld+json", b'{"@id": "urn:a", "@type": 5, "urn:b": {"@value": [], "@language": 7}}'),
    ("application/rdf+xml", b"<rdf:RDF"),
    ("application/rdf+xml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:a" xml:lang="!!"/></rdf:RDF>'),
    ("application/n-triples", b"<urn:a> <urn:b> <urn:c>"),
    ("application/n-triples", b"\x00\x00\x00"),
    ("application/x-unknown", b"<urn:a> <urn:b> <urn:c> ."),
    ("text/turtle", b""),
])
def test_malformed_uploads_are_client_errors(server, media_type, body):
    response = requests.post(server.url + "/api/contributions", params={"name": "Eve"}, data=body,
                             headers={"Content-Type": media_type}, timeout=30)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.text.strip()


@pytest.mark.parametrize("media_type, body", [
    ("text/turtle", b"@prefix : <urn:> . :a :b " + b"[ :p " * 3000 + b":o" + b" ]" * 3000 + b" ."),
    ("text/turtle", b"@prefix : <urn:> . :a :b " + b"( " * 3000 + b":o" + b" )" * 3000 + b" ."),
    ("application/ld+json", b'{"@id": "urn:a", "urn:b": ' + b"[" * 3000 + b'"x"' + b"]" * 3000 + b"}"),
    ("application/ld+json", b'{"@id": "urn:a", "urn:b": ' * 800 + b'"x"' + b"}" * 800),
    ("application/rdf+xml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e#">'
     + b"<rdf:Description><e:p>" * 400 + b"</e:p></rdf:Description>" * 400 + b"</rdf:RDF>"),
])
def test_deeply_nested_uploads_do_not_hurt(server, media_type, body):
    response = requests.post(server.url + "/api/contributions", params={"name": "Eve"}, data=body,
                             headers={"Content-Type": media_type}, timeout=60)
    assert response.status_code in (202, 400, 413, 422), (response.status_code, response.text[:300])
    assert requests.get(server.url + "/health", timeout=10).status_code == 200


def test_oversized_contributions_get_413(server):
    body = ("<urn:a> <urn:b> \"" + "x" * 30000 + "\" .").encode()
    response = requests.post(server.url + "/api/contributions", params={"name": "Eve"}, data=body,
                             headers={"Content-Type": "text/turtle"}, timeout=30)
    assert response.status_code == 413
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/contribute?kind=upload", timeout=10).text)
    response = session.post(server.url + "/contribute", timeout=30,
                            data={"kind": "upload", "format": "turtle", "csrf_token": token, "contributor_name": "Eve"},
                            files={"file": ("big.ttl", body)})
    assert response.status_code == 413


REDIRECT_TARGETS = ("https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)",
                    "/%2F/evil.example/", "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example", " //evil.example/")


def test_login_redirects_stay_on_this_site(server):
    """After login the form's `next` is followed: it must only ever be a path on this site."""
    session = requests.Session()
    for target in REDIRECT_TARGETS:
        html = session.get(server.url + "/login", params={"next": target}, timeout=10).text
        kept = re.search(r'name="next" value="([^"]*)"', html).group(1)
        kept = kept.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        normalised = kept.replace("\t", "").replace("\n", "").replace("\r", "")  # as browsers read it
        assert kept.startswith("/") and not normalised.startswith(("//", "/\\")), (target, kept)
    token = csrf_of(session.get(server.url + "/login", params={"next": "//evil.example/"}, timeout=10).text)
    response = session.post(server.url + "/login", timeout=10, allow_redirects=False,
                            data={"name": "maria", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"})
    assert response.status_code in (302, 303) and response.headers["Location"].startswith("/")
    assert not response.headers["Location"].startswith("//")


def test_session_cookie_is_httponly_samesite_and_renewed_at_login(server):
    session = requests.Session()
    before = csrf_of(session.get(server.url + "/login", timeout=10).text)
    old_cookie = session.cookies.get("session")
    response = session.post(server.url + "/login", data={"name": "maria", "password": PASSWORD, "csrf_token": before},
                            allow_redirects=False, timeout=10)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert session.cookies.get("session") != old_cookie  # no session fixation
    after = csrf_of(session.get(server.url + "/contribute", timeout=10).text)
    assert after != before  # a fresh CSRF token for the logged-in session
    assert session.get(server.url + "/review", allow_redirects=False, timeout=10).headers["Cache-Control"] == "no-store"


def test_login_brute_force_is_rate_limited(server, maintainer):
    """Last in this module: afterwards this client may not log in for 15 minutes."""
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/login", timeout=10).text)
    statuses = []
    for attempt in range(LOGIN_LIMIT + 2):
        response = session.post(server.url + "/login", timeout=10, allow_redirects=False,
                                data={"name": "maria", "password": f"guess-{attempt}", "csrf_token": token})
        statuses.append(response.status_code)
    assert statuses[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT
    assert statuses[LOGIN_LIMIT:] == [429, 429]
    assert int(response.headers["Retry-After"]) > 0
    # Now even the right password is refused, for this user name and from this client.
    response = session.post(server.url + "/login", timeout=10, allow_redirects=False,
                            data={"name": "maria", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    # A session that was logged in before stays logged in.
    assert maintainer.get(server.url + "/review", allow_redirects=False, timeout=10).status_code == 200
