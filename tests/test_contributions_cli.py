"""`coopkg contributions list|show|accept|reject|revert`, and the limits and cookies of the web side
(rate limits, Secure session cookie over HTTPS) through Flask's test client."""
import json
import re

import pytest
from click.testing import CliRunner

from coopkg.cli import main
from coopkg.graph.accounts import Accounts
from coopkg.graph.bootstrap import initialise
from coopkg.graph.changeset import parse_rdf
from coopkg.graph.contributions import ContributionQueue
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.settings import Settings
from coopkg.graph.store import open_store

KG = "https://w3id.org/coopkg/id/"
TURTLE = f"""<{KG}org/cli-koperasi> a <https://w3id.org/coopkg/ontology#Cooperative> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Koperasi Baris Perintah"@id ."""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("contrib-cli")
    with open_store(Settings.from_env(data_dir=data)) as store:
        initialise(store)
    Accounts(data).create_user("rina", "correct horse battery")
    return data


def cli(data_dir, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "contributions", *args], catch_exceptions=False)
    return result.exit_code, result.output


def label_in_store(data_dir) -> bool:
    with open_store(Settings.from_env(data_dir=data_dir)) as store:
        return store.ask(f'ASK {{ <{KG}org/cli-koperasi> ?p "Koperasi Baris Perintah"@id }}')


def test_cli_list_show_accept_revert_reject(data_dir):
    queue = ContributionQueue(data_dir)
    changes = parse_rdf(TURTLE, rdf_syntax("turtle"))
    first = queue.submit(changes, name="Ani CLI", contact="ani.cli@example.org", comment="dari rapat")
    second = queue.submit(changes, name="Budi CLI")

    code, out = cli(data_dir, "list")
    assert code == 0 and first.id in out and second.id in out and "Ani CLI" in out
    code, out = cli(data_dir, "list", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [first.id, second.id]
    assert "ani.cli@example.org" not in out  # the listing does not spread contacts around
    code, out = cli(data_dir, "show", first.id)
    assert code == 0 and "ani.cli@example.org" in out and "Koperasi Baris Perintah" in out

    code, out = cli(data_dir, "accept", first.id, "--as", "nobody")
    assert code == 1 and "not a maintainer" in out
    code, out = cli(data_dir, "accept", first.id, "--as", "rina", "--comment", "ok")
    assert code == 0 and f"accepted {first.id}: 2 statements added" in out
    assert label_in_store(data_dir)
    code, out = cli(data_dir, "accept", first.id, "--as", "rina")
    assert code == 1 and "only pending" in out

    code, out = cli(data_dir, "reject", second.id, "--as", "rina", "--comment", "duplikat")
    assert code == 0 and queue.get(second.id).state == "rejected"

    code, out = cli(data_dir, "revert", first.id, "--as", "rina", "--comment", "salah")
    assert code == 0 and f"reverted {first.id}" in out
    assert not label_in_store(data_dir)
    code, out = cli(data_dir, "list", "--state", "reverted")
    assert first.id in out


# ---- web limits, through the test client ----
def make_client(data_dir, **limits):
    from coopkg.service import create_app
    return create_app({"data_dir": data_dir, "TESTING": True, **limits})


@pytest.fixture
def client(tmp_path):
    app = make_client(tmp_path, contribution_rate_limit=2, login_rate_limit=2)
    Accounts(tmp_path).create_user("rina", "correct horse battery")
    yield app.test_client()
    app.extensions["coopkg"].store.close()


def test_submissions_are_rate_limited_per_client(client):
    for _ in range(2):
        assert client.post("/api/contributions?name=x", data=b"x", content_type="image/png").status_code == 415
    refused = client.post("/api/contributions?name=x", data=b"x", content_type="image/png")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_failed_logins_are_rate_limited(client):
    def attempt(password):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post("/login", data={"name": "rina", "password": password, "csrf_token": token})
    assert attempt("wrong-1").status_code == 401
    assert attempt("wrong-2").status_code == 401
    assert attempt("wrong-3").status_code == 429


def test_session_cookie_is_secure_over_https(client):
    response = client.get("/login", base_url="https://coopkg.example")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_hostile_form_values_never_cause_a_server_error(tmp_path):
    import random
    app = make_client(tmp_path, contribution_rate_limit=1000)
    client = app.test_client()
    rng = random.Random(6)
    nasty = ["", " ", "a b", "<x>", "http://", "https://w3id.org/coopkg/id/org/x y", '"q"@id', "\x00", "ü" * 300,
             "2019-13-45", "-1", "javascript:alert(1)", "<urn:x> .", "_:b", "https://w3id.org/coopkg/concept/role/x"]
    fields = ["name", "name_en", "type", "cooperative_model", "city", "city_iri", "homepage", "organisation",
              "organisation_iri", "role", "start", "end", "participant_1", "participant_count", "party_1", "status",
              "entity_iri", "p_1", "old_1", "v_1", "new_p_1", "new_v_1", "rdf", "format"]
    page = client.get("/contribute").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    seen = set()
    for kind in ("organisation", "person", "event", "collaboration", "correction", "upload"):
        for _ in range(3):
            form = {f: rng.choice(nasty) for f in fields} | {"kind": kind, "csrf_token": token,
                                                            "contributor_name": rng.choice(["", "Eve"])}
            status = client.post("/contribute", data=form).status_code
            seen.add(status)
            assert status in (200, 413, 422), (kind, form, status)
        assert client.get("/contribute", query_string={"kind": kind, "entity": rng.choice(nasty),
                                                       "q": rng.choice(nasty)}).status_code < 500
    app.extensions["coopkg"].store.close()
    assert 422 in seen and 429 not in seen


def test_removing_a_maintainer_ends_their_review_session_and_tokens(tmp_path):
    app = make_client(tmp_path)
    accounts = Accounts(tmp_path)
    accounts.create_user("sari", "correct horse battery")
    token = accounts.create_token("sari")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"name": "sari", "password": "correct horse battery",
                                       "csrf_token": csrf}).status_code == 302
    assert client.get("/review").status_code == 200
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "user", "remove", "sari"])
    assert result.exit_code == 0 and "1 token(s) revoked" in result.output
    assert client.get("/review").status_code == 302  # back to the login page
    assert accounts.verify_token(str(token)) is None
    assert CliRunner().invoke(main, ["--data-dir", str(tmp_path), "user", "remove", "sari"]).exit_code == 1
    app.extensions["coopkg"].store.close()
