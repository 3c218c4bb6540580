"""Contributions end to end over HTTP against a live `coopkg serve`: the API (202/422/4xx), the form with
CSRF, maintainer login, review, accept/reject/revert, and privacy through the public SPARQL endpoint."""
import html
import re

import pytest
import rdflib
import requests

from coopkg.graph.accounts import Accounts
from servers import CoopkgServer

KG = "https://w3id.org/coopkg/id/"
CKG = "https://w3id.org/coopkg/ontology#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PREFIXES = f"""@prefix ckg: <{CKG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this module's own: it accepts contributions into its store."""
    data = tmp_path_factory.mktemp("contrib-http") / "data"
    server = CoopkgServer(data, env={"COOPKG_CONTRIBUTION_MAX_BYTES": "20000", "COOPKG_QUERY_TIMEOUT": "5"})
    Accounts(data).create_user("rina", PASSWORD)
    server.start()
    yield server
    server.stop()


def submit(server, turtle, **params):
    params = {"name": "Budi Santoso", "contact": "budi.private@example.org"} | params
    return requests.post(server.url + "/api/contributions", params=params, data=(PREFIXES + turtle).encode(),
                         headers={"Content-Type": "text/turtle"}, timeout=30)


def sparql(server, query):
    r = requests.post(server.url + "/sparql", data={"query": query},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def maintainer(server) -> requests.Session:
    """A logged-in maintainer's session, logged in once per server (argon2 is slow on purpose)."""
    if getattr(server, "review_session", None):
        return server.review_session
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/login", timeout=10).text)
    r = session.post(server.url + "/login", data={"name": "rina", "password": PASSWORD, "csrf_token": token,
                                                  "next": "/review"}, timeout=30)
    assert r.status_code == 200 and "/review" in r.url
    server.review_session = session
    return session


def act(session, server, cid, action, **fields):
    page = session.get(f"{server.url}/review/{cid}", timeout=30)
    return session.post(f"{server.url}/review/{cid}/{action}", data={"csrf_token": csrf_of(page.text), **fields},
                        timeout=30)


# ---- the API ----
def test_api_accepts_a_valid_contribution_with_202_and_a_status_location(server):
    r = submit(server, f'<{KG}org/api-maju> a ckg:Cooperative ; rdfs:label "Koperasi API Maju"@id .')
    assert r.status_code == 202, r.text
    location = r.headers["Location"]
    assert r.json()["state"] == "pending"
    status = requests.get(server.url + location, timeout=10)
    assert status.status_code == 200 and status.json()["id"] == r.json()["id"]
    assert "budi.private" not in status.text and "contact" not in status.json()
    assert requests.get(server.url + "/api/contributions/nope", timeout=10).status_code == 404


def test_api_json_envelope_with_removals(server):
    body = {"contributor": {"name": "Ani", "contact": "ani@example.org"}, "comment": "koreksi", "format": "turtle",
            "add": PREFIXES + f'<{KG}org/api-env> a ckg:Cooperative ; rdfs:label "Koperasi Amplop"@id .',
            "remove": f'<{KG}org/api-env> <http://www.w3.org/2000/01/rdf-schema#label> "Lama"@id .'}
    r = requests.post(server.url + "/api/contributions", json=body, timeout=30)
    assert r.status_code == 202, r.text


def test_api_answers_422_with_the_shacl_report_as_rdf(server):
    bad = f"""<{KG}event/api-bad> a ckg:Workshop ; rdfs:label "Lokakarya"@id ;
        schema:startDate "2019-08-10"^^xsd:date ; schema:endDate "2019-08-01"^^xsd:date ."""
    r = submit(server, bad)
    assert r.status_code == 422 and r.headers["Content-Type"].startswith("text/turtle")
    report = rdflib.Graph().parse(data=r.text, format="turtle")
    node = report.value(predicate=rdflib.RDF.type, object=SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    focus = set(report.objects(None, SH.focusNode))
    assert focus == {rdflib.URIRef(KG + "event/api-bad")}
    assert {m.language for m in report.objects(None, SH.resultMessage)} >= {"id", "en"}
    as_jsonld = requests.post(server.url + "/api/contributions", params={"name": "B"},
                              data=(PREFIXES + bad).encode(),
                              headers={"Content-Type": "text/turtle", "Accept": "application/ld+json"}, timeout=30)
    assert as_jsonld.status_code == 422 and as_jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=as_jsonld.text, format="json-ld")) == len(report)
    # Nothing was queued: the status of a rejected-by-validation submission does not exist.
    pending = requests.get(server.url + "/api/contributions/" + "0" * 12, timeout=10)
    assert pending.status_code == 404


@pytest.mark.parametrize("content_type, body, params, status", [
    ("image/png", b"\x89PNG", {"name": "x"}, 415),
    ("text/turtle", b"<a> <b> ", {"name": "x"}, 400),
    ("text/turtle", PREFIXES.encode() + b'<https://w3id.org/coopkg/id/org/q> rdfs:label "Q"@id .', {}, 400),
    ("text/turtle", b"# " + b"x" * 30000, {"name": "x"}, 413),
    ("application/ld+json", b'{"@context": "http://127.0.0.1:9/c.jsonld", "@id": "http://e/x", "p": 1}',
     {"name": "x"}, 400),
])
def test_api_refuses_bad_submissions_with_a_clear_status(server, content_type, body, params, status):
    r = requests.post(server.url + "/api/contributions", params=params, data=body,
                      headers={"Content-Type": content_type}, timeout=30)
    assert r.status_code == status, r.text
    assert r.json()["error"]


# ---- the form ----
def test_form_requires_csrf_and_reports_problems_in_the_users_language(server):
    session = requests.Session()
    page = session.get(server.url + "/contribute?kind=event&lang=en", timeout=10)
    assert page.status_code == 200
    fields = {"kind": "event", "type": "Workshop", "name": "Lokakarya Formulir", "start": "2019-08-10",
              "end": "2019-08-01", "contributor_name": "Form Tester", "contributor_contact": "form@example.org"}
    assert session.post(server.url + "/contribute", data=fields, timeout=30).status_code == 403
    fields["csrf_token"] = csrf_of(page.text)
    for lang, words in (("en", "end date"), ("id", "tanggal selesai")):
        r = session.post(server.url + f"/contribute?lang={lang}", data=fields, timeout=30)
        assert r.status_code == 422
        report = r.text[r.text.index('class="validation-report"'):]
        assert "Lokakarya Formulir" in report and words in report.lower()
        assert 'value="Lokakarya Formulir"' in r.text  # the values are kept for fixing
    fields["end"] = "2019-08-11"
    done = session.post(server.url + "/contribute?lang=en", data=fields, timeout=30)
    assert done.status_code == 200 and "Thank you" in done.text
    cid = re.search(r"/contribute/status/([0-9a-f]{12})", done.text).group(1)
    status = requests.get(f"{server.url}/contribute/status/{cid}?lang=en", timeout=10)
    assert status.status_code == 200 and "waits for a maintainer" in status.text
    assert "form@example.org" not in status.text and "Form Tester" not in status.text


# ---- review ----
def test_review_needs_a_maintainer_and_csrf(server):
    anonymous = requests.Session()
    r = anonymous.get(server.url + "/review", allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert anonymous.post(server.url + "/review/abc/accept", timeout=10).status_code in (401, 403)
    login_page = anonymous.get(server.url + "/login", timeout=10)
    cookie = login_page.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    wrong = anonymous.post(server.url + "/login", data={"name": "rina", "password": "wrong password",
                                                        "csrf_token": csrf_of(login_page.text)}, timeout=30)
    assert wrong.status_code == 401
    session = maintainer(server)
    cid = submit(server, f'<{KG}org/review-csrf> a ckg:Cooperative ; rdfs:label "Koperasi CSRF"@id .').json()["id"]
    assert session.post(f"{server.url}/review/{cid}/accept", data={}, timeout=10).status_code == 403
    assert session.get(f"{server.url}/review/{cid}", timeout=10).headers["Cache-Control"] == "no-store"


def test_accept_publishes_with_provenance_but_never_the_contact(server):
    session = maintainer(server)
    r = submit(server, f'<{KG}org/review-pub> a ckg:Cooperative ; rdfs:label "Koperasi Terbit"@id .',
               name="Dewi Lestari", contact="dewi.hidden@example.org", comment="catatan-pribadi-7f3 untuk pengelola")
    cid = r.json()["id"]
    ask_label = f'ASK {{ <{KG}org/review-pub> ?p "Koperasi Terbit"@id }}'
    pending_visible = requests.post(server.url + "/sparql", data={"query": ask_label},
                                    headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert pending_visible["boolean"] is False
    queue_page = session.get(server.url + "/review", timeout=10).text
    assert cid in queue_page and "Dewi Lestari" in queue_page and "Koperasi Terbit" in queue_page
    detail = session.get(f"{server.url}/review/{cid}", timeout=10).text
    assert "dewi.hidden@example.org" in detail  # maintainers see the contact
    assert act(session, server, cid, "accept", comment="cocok").status_code == 200
    rows = sparql(server, f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        SELECT ?name ?nick WHERE {{ GRAPH ?g {{ <{KG}org/review-pub> ?p ?o }}
          ?g prov:wasAttributedTo/foaf:name ?name ; prov:wasGeneratedBy/prov:qualifiedAssociation/prov:agent/foaf:nick ?nick }}""")
    assert {(r["name"]["value"], r["nick"]["value"]) for r in rows} == {("Dewi Lestari", "rina")}
    assert requests.get(server.url + f"/api/contributions/{cid}", timeout=10).json()["state"] == "accepted"
    leaked = sparql(server, """SELECT ?s ?p ?o WHERE { ?s ?p ?o
        FILTER(CONTAINS(STR(?o), "@example.org") || CONTAINS(STR(?o), "catatan-pribadi-7f3")) }""")
    assert leaked == []
    dump = requests.get(server.url + "/dataset/dump.nq", timeout=60)
    assert dump.status_code == 200 and "Dewi Lestari" in dump.text and "Koperasi Terbit" in dump.text
    assert "@example.org" not in dump.text and "catatan-pribadi-7f3" not in dump.text
    assert "Koperasi Massal" not in dump.text and "Koperasi API Maju" not in dump.text  # pending or rejected
    page = requests.get(server.url + "/doc/org/review-pub?lang=en", headers={"Accept": "text/html"}, timeout=10).text
    assert 'id="contribution-history"' in page and "Dewi Lestari" in page and cid in page
    assert "dewi.hidden@example.org" not in page


def test_bulk_reject_keeps_them_on_record_and_history_lists_them(server):
    session = maintainer(server)
    ids = [submit(server, f'<{KG}org/bulk-{i}> a ckg:Cooperative ; rdfs:label "Koperasi Massal {i}"@id .').json()["id"]
           for i in range(2)]
    queue_page = session.get(server.url + "/review", timeout=10).text
    r = session.post(server.url + "/review/bulk", data={"csrf_token": csrf_of(queue_page), "action": "reject",
                                                        "ids": ids, "comment": "uji"}, timeout=30)
    assert r.status_code == 200
    for cid in ids:
        assert requests.get(server.url + f"/api/contributions/{cid}", timeout=10).json()["state"] == "rejected"
    rejected = session.get(server.url + "/review?state=rejected", timeout=10).text
    assert all(cid in rejected for cid in ids)
    assert 'href="/review/links"' in rejected  # the partner-link review is one tab away
    assert all(cid in session.get(server.url + "/review/history", timeout=10).text for cid in ids)
    assert sparql(server, f'SELECT ?s WHERE {{ ?s ?p "Koperasi Massal 0"@id }}') == []


def test_revert_restores_the_previous_state(server):
    session = maintainer(server)
    cid = submit(server, f'<{KG}org/review-revert> a ckg:Cooperative ; rdfs:label "Koperasi Sementara"@id .').json()["id"]
    act(session, server, cid, "accept")
    assert sparql(server, f'SELECT ?o WHERE {{ <{KG}org/review-revert> ?p ?o }}')
    assert act(session, server, cid, "revert", comment="keliru").status_code == 200
    assert sparql(server, f'SELECT ?o WHERE {{ <{KG}org/review-revert> ?p ?o }}') == []
    assert requests.get(server.url + f"/api/contributions/{cid}", timeout=10).json()["state"] == "reverted"
    assert "keliru" in session.get(f"{server.url}/review/{cid}", timeout=10).text


def test_upload_on_the_form_and_a_correction_picked_by_search(server):
    session = requests.Session()
    page = session.get(server.url + "/contribute?kind=upload", timeout=10)
    ttl = (PREFIXES + f'<{KG}org/upload-form> a ckg:Cooperative ; rdfs:label "Koperasi Unggahan"@id .').encode()
    r = session.post(server.url + "/contribute", data={"kind": "upload", "format": "turtle", "csrf_token":
                                                       csrf_of(page.text), "contributor_name": "Pengunggah"},
                     files={"file": ("coop.ttl", ttl, "text/turtle")}, timeout=30)
    assert r.status_code == 200, r.text
    bad = session.post(server.url + "/contribute", data={"kind": "upload", "format": "turtle", "rdf": "<a> <b",
                                                         "csrf_token": csrf_of(page.text), "contributor_name": "X"},
                       timeout=30)
    assert bad.status_code == 422 and "&lt;a&gt; &lt;b" in bad.text  # shown again, escaped, for fixing

    # Accept it, then correct its name through the correction form, found by search.
    cid = re.search(r"/api/contributions/([0-9a-f]{12})", r.text).group(1)
    act(maintainer(server), server, cid, "accept")
    hits = session.get(server.url + "/contribute?kind=correction&q=Koperasi+Unggahan", timeout=10).text
    assert f"entity={KG}org/upload-form\"" in hits  # the search without JavaScript
    suggestions = session.get(server.url + "/contribute/suggest?type=org&q=Unggahan", timeout=10).json()
    assert suggestions[0]["iri"] == KG + "org/upload-form"
    form = session.get(server.url + "/contribute", params={"kind": "correction", "entity": KG + "org/upload-form"},
                       timeout=10).text
    rows = dict(re.findall(r'name="v_(\d+)" type="text" value="([^"]*)"', form))
    label_row = next(n for n, v in rows.items() if v == "Koperasi Unggahan")
    fields = {"kind": "correction", "entity_iri": KG + "org/upload-form", "csrf_token": csrf_of(form),
              "contributor_name": "Pengoreksi"}
    for n in rows:
        fields[f"p_{n}"] = re.search(rf'name="p_{n}" value="([^"]*)"', form).group(1)
        fields[f"old_{n}"] = html.unescape(re.search(rf'name="old_{n}" value="([^"]*)"', form).group(1))
        fields[f"v_{n}"] = rows[n]
    fields[f"v_{label_row}"] = "Koperasi Unggahan Bersama"
    done = session.post(server.url + "/contribute", data=fields, timeout=30)
    assert done.status_code == 200, done.text
    correction = re.search(r"/api/contributions/([0-9a-f]{12})", done.text).group(1)
    detail = maintainer(server).get(f"{server.url}/review/{correction}?lang=en", timeout=10).text
    assert 'class="diff-remove"' in detail and "Koperasi Unggahan Bersama" in detail


def test_revert_with_a_later_contribution_on_the_same_entity_reverts_both_after_confirmation(server):
    session = maintainer(server)
    first = submit(server, f'<{KG}org/review-chain> a ckg:Cooperative ; rdfs:label "Koperasi Rantai"@id .').json()["id"]
    act(session, server, first, "accept")
    body = {"contributor": {"name": "Ani"}, "format": "turtle",
            "add": f'<{KG}org/review-chain> <http://www.w3.org/2000/01/rdf-schema#label> "Koperasi Rantai Baru"@id .',
            "remove": f'<{KG}org/review-chain> <http://www.w3.org/2000/01/rdf-schema#label> "Koperasi Rantai"@id .'}
    second = requests.post(server.url + "/api/contributions", json=body, timeout=30).json()["id"]
    act(session, server, second, "accept")
    page = session.get(f"{server.url}/review/{first}", timeout=10).text
    assert f"/review/{second}" in page  # the later contribution that will be reverted too is listed
    token = csrf_of(page)
    unconfirmed = session.post(f"{server.url}/review/{first}/revert", data={"csrf_token": token}, timeout=30)
    assert unconfirmed.status_code == 409 and second in unconfirmed.text
    confirmed = session.post(f"{server.url}/review/{first}/revert", data={"csrf_token": token, "cascade": second},
                             timeout=30)
    assert confirmed.status_code == 200
    assert [requests.get(f"{server.url}/api/contributions/{c}", timeout=10).json()["state"]
            for c in (first, second)] == ["reverted", "reverted"]
    assert sparql(server, f'SELECT ?o WHERE {{ <{KG}org/review-chain> ?p ?o }}') == []


def test_form_upload_size_limit_and_escaped_contributor_strings(server):
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/contribute?kind=upload", timeout=10).text)
    big = session.post(server.url + "/contribute", data={"kind": "upload", "csrf_token": token, "contributor_name": "X"},
                       files={"file": ("big.ttl", b"# " + b"x" * 30000, "text/turtle")}, timeout=30)
    assert big.status_code == 413
    hostile = '<script>alert("x")</script>'
    cid = submit(server, f'<{KG}org/escaped> a ckg:Cooperative ; rdfs:label "{hostile.replace(chr(34), "")}"@id .',
                 name=hostile, comment=hostile).json()["id"]
    page = maintainer(server).get(f"{server.url}/review/{cid}", timeout=10).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
