"""`coopkg serve`: the service skeleton on a real WSGI server, on either store."""
import json

import requests

from servers import CoopkgServer, run_cli


def test_health_reports_the_store_and_its_size(live_server):
    response = requests.get(live_server.url + "/health", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok" and body["store"] == "embedded"
    count = run_cli(["stats", "--json"], env=live_server.env)
    assert body["triples"] == sum(json.loads(count.stdout)["graphs"].values()) > 0


def test_it_listens_on_loopback_and_announces_itself(live_server):
    info = json.loads((live_server.data_dir / "server.json").read_text())
    assert info["url"].startswith("http://127.0.0.1:")
    assert info["pid"] == live_server.process.pid


def test_data_survives_a_restart(fresh_server, tmp_path):
    server = fresh_server()
    before = requests.get(server.url + "/health", timeout=10).json()["triples"]
    server.stop()
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/a> <http://example.org/b> "kept across restarts" .\n')
    assert run_cli(["load", "--quiet", str(extra)], env=server.env).returncode == 0
    server.start()
    assert requests.get(server.url + "/health", timeout=10).json()["triples"] == before + 1
    assert not (server.data_dir / "server.json").exists() or server.process.poll() is None


def test_the_same_service_runs_on_a_remote_sparql_server(oxigraph_server, tmp_path):
    data = tmp_path / "remote.ttl"
    data.write_text('<http://example.org/a> <http://example.org/b> "on the remote server" .\n')
    env = {"COOPKG_STORE": "remote", "COOPKG_REMOTE_QUERY_URL": oxigraph_server.query_url,
           "COOPKG_REMOTE_UPDATE_URL": oxigraph_server.update_url,
           "COOPKG_REMOTE_GSP_URL": oxigraph_server.gsp_url}
    server = CoopkgServer(tmp_path / "data", env=env, init=False)
    assert run_cli(["load", "--quiet", str(data)], env=server.env).returncode == 0
    server.start()
    try:
        body = requests.get(server.url + "/health", timeout=10).json()
        assert body == {"status": "ok", "store": "remote", "store_status": "ok", "triples": 1}
    finally:
        server.stop()


def test_an_unreachable_remote_store_is_reported_not_hidden(tmp_path):
    env = {"COOPKG_STORE": "remote", "COOPKG_REMOTE_QUERY_URL": "http://127.0.0.1:9/sparql"}
    server = CoopkgServer(tmp_path / "data", env=env, init=False).start()
    try:
        response = requests.get(server.url + "/health", timeout=10)
        assert response.status_code == 503
        assert response.json()["store_status"] == "unavailable"
    finally:
        server.stop()
