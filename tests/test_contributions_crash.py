"""Accept and revert are crash-safe: the server is killed (os._exit through COOPKG_TEST_CRASH_POINT) at each
named point, restarted, and the store and the queue show either the whole change or none of it."""
import re

import pytest
import requests

from coopkg.graph.accounts import Accounts
from coopkg.graph.provenance import CRASH_ENV
from servers import CoopkgServer

KG = "https://w3id.org/coopkg/id/"
PASSWORD = "correct horse battery"
ORG = KG + "org/crash-koperasi"
TURTLE = f"""<{ORG}> a <https://w3id.org/coopkg/ontology#Cooperative> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Koperasi Tahan Crash"@id ."""


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(server):
    session = requests.Session()
    token = csrf_of(session.get(server.url + "/login", timeout=10).text)
    page = session.post(server.url + "/login", data={"name": "rina", "password": PASSWORD, "csrf_token": token},
                        timeout=30)
    session.csrf = csrf_of(page.text)
    return session


def act_and_die(server, session, cid, action):
    """Ask for accept/revert; the server dies at the crash point instead of answering. The session (signed
    with the secret kept in the data directory) and its CSRF token stay valid across restarts."""
    with pytest.raises(requests.ConnectionError):
        session.post(f"{server.url}/review/{cid}/{action}", data={"csrf_token": session.csrf}, timeout=30)
    assert server.process.wait(10) == 86
    server.process = None


def restart(server, crash_point=None):
    server.env.pop(CRASH_ENV, None)
    if crash_point:
        server.env[CRASH_ENV] = crash_point
    server.start()


def public_state(server, cid):
    status = requests.get(f"{server.url}/api/contributions/{cid}", timeout=10).json()["state"]
    ask = """PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK { GRAPH <https://w3id.org/coopkg/graph/contribution/%s> { <%s> ?p ?o } }""" % (cid, ORG)
    visible = requests.post(server.url + "/sparql", data={"query": ask},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30).json()["boolean"]
    provenance = requests.post(server.url + "/sparql", data={"query": """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/coopkg/graph/contribution/%s> prov:generatedAtTime ?t }""" % cid},
        headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    recorded = int(provenance["results"]["bindings"][0]["n"]["value"])
    return status, visible, recorded


def test_killed_during_accept_and_revert_leaves_old_or_new_state(tmp_path):
    data = tmp_path / "data"
    server = CoopkgServer(data, env={CRASH_ENV: "accept:intent-written"}, init=False)  # shapes come from files
    Accounts(data).create_user("rina", PASSWORD)
    server.start()
    try:
        r = requests.post(server.url + "/api/contributions", params={"name": "Crash Tester"}, data=TURTLE.encode(),
                          headers={"Content-Type": "text/turtle"}, timeout=30)
        cid = r.json()["id"]
        session = login(server)

        # Killed after the intent was written, before the store changed: the old state.
        act_and_die(server, session, cid, "accept")
        restart(server, "accept:store-applied")
        assert public_state(server, cid) == ("pending", False, 0)

        # Killed after the store transaction committed, before the queue was told: the new state.
        act_and_die(server, session, cid, "accept")
        restart(server, "revert:intent-written")
        assert public_state(server, cid) == ("accepted", True, 1)

        # Killed during a revert, before the store changed: still accepted, data still there.
        act_and_die(server, session, cid, "revert")
        restart(server, "revert:store-applied")
        assert public_state(server, cid) == ("accepted", True, 1)

        # Killed after the revert committed: reverted, the data gone, the accept record kept.
        act_and_die(server, session, cid, "revert")
        restart(server)
        assert public_state(server, cid) == ("reverted", False, 1)
        history = session.get(f"{server.url}/review/{cid}", timeout=10).text
        assert "recovered after a restart" in history
    finally:
        server.stop()
