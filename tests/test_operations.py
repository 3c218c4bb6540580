"""Operations: backup/restore round trips, /metrics, request ids in the JSON logs, start-up checks."""
import json
import os
import re
import sqlite3
import threading
import time
import uuid

import pyoxigraph as ox
import pytest
import requests

from coopkg.graph.accounts import Accounts
from coopkg.graph.backup import BackupError, backup, restore, verify
from coopkg.graph.settings import Settings
from coopkg.graph.store import EmbeddedStore
from coopkg.service import ConfigError, check_settings
from servers import CoopkgServer, run_cli

GRAPH = "https://w3id.org/coopkg/graph/test/ops"


def write_ntriples(path, n, prefix="ops"):
    lines = [f'<https://w3id.org/coopkg/id/{prefix}/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "item {i}" .'
             for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def quad_count(url):
    body = requests.get(url + "/health", timeout=10).json()
    return body["triples"]


# ---- backup and restore ----

def test_backup_while_serving_restores_store_and_accounts(tmp_path):
    server = CoopkgServer(tmp_path / "data", init=False)
    store = EmbeddedStore(server.data_dir / "store", min_workers=1, max_workers=1)
    store.load(write_ntriples(tmp_path / "ops.nt", 500), graph=GRAPH)
    store.close()
    Accounts(server.data_dir).create_user("alice", "long-enough-password")
    server.start()
    try:
        before = quad_count(server.url)
        result = run_cli(["backup", str(tmp_path / "backup")], env=server.env)
        assert result.returncode == 0, result.stderr
        assert f"{before} quads" in result.stdout
    finally:
        server.stop()

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["store"]["quads"] == before
    assert any(f["path"] == "accounts.sqlite" for f in manifest["files"])

    restored_env = {**server.env, "COOPKG_DATA_DIR": str(tmp_path / "restored")}
    result = run_cli(["restore", str(tmp_path / "backup")], env=restored_env)
    assert result.returncode == 0, result.stderr
    assert Accounts(tmp_path / "restored").verify_password("alice", "long-enough-password") is not None
    again = CoopkgServer(tmp_path / "restored", init=False).start()
    try:
        assert quad_count(again.url) == before
        rows = requests.get(again.url + "/health", timeout=10).json()
        assert rows["status"] == "ok"
    finally:
        again.stop()
    store = EmbeddedStore(tmp_path / "restored" / "store", min_workers=1, max_workers=1)
    try:
        assert store.graph_exists(GRAPH)
        assert store.ask('ASK { <https://w3id.org/coopkg/id/ops/499> ?p "item 499" }')
    finally:
        store.close()


def test_a_backup_during_writes_holds_each_write_whole_or_not_at_all(tmp_path):
    server = CoopkgServer(tmp_path / "data", init=False)
    accounts = Accounts(server.data_dir)
    accounts.create_user("writer", "long-enough-password")
    auth = {"Authorization": "Bearer " + str(accounts.create_token("writer")), "Content-Type": "application/n-triples"}
    server.start()
    written, stop = [], threading.Event()

    def writer():
        for i in range(200):
            if stop.is_set():
                return
            graph = f"{GRAPH}/{i}"
            body = "\n".join(f'<urn:w{i}:{j}> <urn:p> "{j}" .' for j in range(300)).encode()
            if requests.put(server.url + "/graph-store", params={"graph": graph}, data=body, headers=auth,
                            timeout=30).status_code == 201:
                written.append(graph)

    thread = threading.Thread(target=writer, daemon=True)
    try:
        thread.start()
        while len(written) < 3:
            time.sleep(0.01)
        result = run_cli(["backup", str(tmp_path / "backup")], env=server.env)
        assert result.returncode == 0, result.stderr
        stop.set()
        thread.join(30)
    finally:
        server.stop()
    restore(tmp_path / "backup", tmp_path / "restored")
    copy = ox.Store.read_only(str(tmp_path / "restored" / "store" / "oxigraph"))
    sizes = {}
    for quad in copy.quads_for_pattern(None, None, None, None):
        sizes[quad.graph_name.value] = sizes.get(quad.graph_name.value, 0) + 1
    assert len(sizes) >= 3
    assert set(sizes.values()) == {300}, sizes  # never part of a graph
    numbers = sorted(int(g.rsplit("/", 1)[1]) for g in sizes)
    assert numbers == list(range(len(numbers)))  # and no later write without the earlier ones


def test_backup_leaves_out_a_load_that_had_not_finished(tmp_path):
    """A pending marker (a load cut off by a crash) means its graph is not data yet: not backed up."""
    data = tmp_path / "data"
    store = EmbeddedStore(data / "store", min_workers=1, max_workers=1)
    store.load_data(b'<urn:a> <urn:p> "kept" .', _nt(), graph="urn:graph:done")
    store.close()
    db = ox.Store(str(data / "store" / "oxigraph"))
    db.add(ox.Quad(ox.NamedNode("urn:b"), ox.NamedNode("urn:p"), ox.Literal("half"), ox.NamedNode("urn:graph:half")))
    db.flush()
    del db
    (data / "store" / "pending" / "crashed.json").write_text(json.dumps(["urn:graph:half"]))
    manifest = backup(data, tmp_path / "bk")
    assert manifest["store"]["quads"] == 1
    assert manifest["store"]["skipped_graphs"] == ["urn:graph:half"]
    restore(tmp_path / "bk", tmp_path / "restored")
    copy = ox.Store.read_only(str(tmp_path / "restored" / "store" / "oxigraph"))
    assert [q.object.value for q in copy.quads_for_pattern(None, None, None, None)] == ["kept"]


def test_sqlite_files_are_copied_consistently_while_written(tmp_path):
    data = tmp_path / "data"
    EmbeddedStore(data / "store", min_workers=1, max_workers=1).close()
    db = sqlite3.connect(data / "contributions.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO c (body) VALUES (?)", [(f"row {i}",) for i in range(200)])
    db.commit()
    db.execute("INSERT INTO c (body) VALUES ('uncommitted')")  # an open transaction must not leak in
    backup(data, tmp_path / "bk")
    db.rollback()
    db.close()
    copy = sqlite3.connect(tmp_path / "bk" / "contributions.sqlite")
    assert copy.execute("SELECT COUNT(*) FROM c").fetchone()[0] == 200
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_damaged_backup_and_non_empty_target(tmp_path):
    data = tmp_path / "data"
    store = EmbeddedStore(data / "store", min_workers=1, max_workers=1)
    store.load_data(b'<urn:a> <urn:p> "x" .', _nt(), graph="urn:g")
    store.close()
    (data / "notes.txt").write_text("kept verbatim")
    backup(data, tmp_path / "bk")
    assert verify(tmp_path / "bk")["store"]["quads"] == 1

    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "bk", data)
    with pytest.raises(BackupError, match="not an empty directory"):
        backup(data, tmp_path / "bk")

    (tmp_path / "bk" / "notes.txt").write_text("tampered")
    with pytest.raises(BackupError, match="checksum"):
        restore(tmp_path / "bk", tmp_path / "restored")
    assert not (tmp_path / "restored" / "store").exists()

    result = run_cli(["--data-dir", str(tmp_path / "other"), "restore", str(tmp_path / "nothing-here")])
    assert result.returncode == 2  # click: the directory does not exist
    (tmp_path / "empty").mkdir()
    result = run_cli(["--data-dir", str(tmp_path / "other"), "restore", str(tmp_path / "empty")])
    assert result.returncode == 1 and "not a coopkg backup" in result.stderr


def test_service_refuses_a_data_dir_whose_restore_did_not_finish(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / ".restore-incomplete").write_text("{}")
    with pytest.raises(ConfigError, match="did not finish"):
        check_settings(Settings(data_dir=data))


def _nt():
    from coopkg.graph.formats import rdf_syntax
    return rdf_syntax("ntriples")


# ---- metrics and request logs ----

def parse_metrics(text):
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_metrics_count_requests_and_report_store_size(live_server):
    first = requests.get(live_server.url + "/metrics", timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    for _ in range(3):
        requests.get(live_server.url + "/health", timeout=10)
    requests.get(live_server.url + "/no/such/page/" + uuid.uuid4().hex, timeout=10)
    after = parse_metrics(requests.get(live_server.url + "/metrics", timeout=10).text)
    before = parse_metrics(first.text)
    key = 'coopkg_http_requests_total{endpoint="/health",method="GET",status="200"}'
    assert after[key] - before.get(key, 0) >= 3
    assert after['coopkg_http_requests_total{endpoint="(unmatched)",method="GET",status="404"}'] >= 1
    assert not any("no/such/page" in name for name in after)  # raw paths never become labels
    count = after['coopkg_http_request_duration_seconds_count{endpoint="/health"}']
    assert after['coopkg_http_request_duration_seconds_bucket{endpoint="/health",le="+Inf"}'] == count
    assert after["coopkg_store_triples"] == quad_count(live_server.url)
    assert after["coopkg_store_disk_bytes"] > 0
    assert "coopkg_query_timeouts_total" in after


def test_every_response_carries_a_request_id_that_is_in_the_log(live_server):
    mine = "ops-" + uuid.uuid4().hex[:12]
    response = requests.get(live_server.url + "/health", headers={"X-Request-Id": mine}, timeout=10)
    assert response.headers["X-Request-Id"] == mine
    other = requests.get(live_server.url + "/health", timeout=10).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", other)
    # An id that could forge a log line or a header is replaced.
    forged = requests.get(live_server.url + "/health", headers={"X-Request-Id": 'x" , "status": 200'}, timeout=10)
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])
    requests.get(live_server.url + "/health", params={"query": "SELECT-secret-" + mine},
                 headers={"X-Request-Id": mine + "q"}, timeout=10)
    missing = requests.get(live_server.url + "/nowhere-" + mine, headers={"X-Request-Id": mine + "b"}, timeout=10)
    assert missing.status_code == 404 and missing.headers["X-Request-Id"] == mine + "b"

    deadline = time.monotonic() + 5
    entries = []
    while time.monotonic() < deadline:
        entries = [json.loads(line) for line in live_server.log.read_text().splitlines()
                   if line.startswith("{") and mine in line]
        if len(entries) >= 3:
            break
        time.sleep(0.1)
    by_id = {e["request_id"]: e for e in entries}
    assert by_id[mine]["path"] == "/health" and by_id[mine]["status"] == 200
    assert by_id[mine]["method"] == "GET" and by_id[mine]["duration_ms"] >= 0
    assert by_id[mine + "b"]["status"] == 404
    assert by_id[mine + "q"]["path"] == "/health"  # query strings (which may hold a query) are not logged
    assert "SELECT-secret" not in live_server.log.read_text()


# ---- configuration checked at start-up ----

@pytest.mark.parametrize("env, message", [
    ({"COOPKG_SERVICE_ALLOWLIST": "ftp://partner.example/sparql"}, "not an http(s) IRI"),
    ({"COOPKG_SERVICE_ALLOWLIST": "https://"}, "has no host"),
    ({"COOPKG_SECRET_KEY": "short"}, "shorter than 16"),
    ({"COOPKG_MAX_QUERY_DEPTH": "5000"}, "crashes the query engine"),
    ({"COOPKG_QUERY_TIMEOUT": "0"}, "COOPKG_QUERY_TIMEOUT=0"),
    ({"COOPKG_MAX_BODY_BYTES": "-1"}, "COOPKG_MAX_BODY_BYTES"),
    ({"COOPKG_QUERY_MEMORY_MB": "400"}, "too small"),
])
def test_bad_settings_are_refused_with_a_message(tmp_path, env, message):
    settings = Settings.from_env({"COOPKG_DATA_DIR": str(tmp_path / "data"), **env})
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_settings(settings)


def test_unwritable_data_dir_and_empty_stored_secret(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match="not writable"):
        check_settings(Settings(data_dir=blocker / "data"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_text("\n")
    with pytest.raises(ConfigError, match="secret key .* missing or too short"):
        check_settings(Settings(data_dir=data))
    check_settings(Settings(data_dir=data, secret_key="x" * 32))  # an explicit key is enough


def test_serve_exits_with_a_clear_message_on_bad_configuration(tmp_path):
    env = {**os.environ, "COOPKG_DATA_DIR": str(tmp_path / "data"),
           "COOPKG_SERVICE_ALLOWLIST": "http://partner.example/sparql not-an-iri"}
    result = run_cli(["serve", "--port", "0"], env=env, timeout=60)
    assert result.returncode == 1
    assert "configuration problem" in result.stderr and "'not-an-iri'" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_names_a_setting_that_is_not_a_number(tmp_path):
    env = {**os.environ, "COOPKG_DATA_DIR": str(tmp_path / "data"), "COOPKG_QUERY_TIMEOUT": "thirty"}
    result = run_cli(["serve", "--port", "0"], env=env, timeout=60)
    assert result.returncode == 1
    assert "configuration problem" in result.stderr and "COOPKG_QUERY_TIMEOUT" in result.stderr
    assert "Traceback" not in result.stderr
