"""The `coopkg` command as a user runs it: a real process on a real data directory."""
import json
import os
import re
from importlib.metadata import entry_points

import pyoxigraph as ox
import pytest
import requests

from coopkg.cli.common import EXIT_CODES
from coopkg.graph.store import RemoteStore, StoreError
from servers import run_cli

EX_TTL = """@prefix ex: <http://example.org/> .
ex:kopkun ex:name "Kopkun"@id ; a ex:Cooperative .
ex:icci ex:name "ICCI" ; a ex:Consortium .
"""
G = "http://example.org/graph/cli"


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "COOPKG_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def loaded(env, tmp_path):
    path = tmp_path / "example.ttl"
    path.write_text(EX_TTL)
    result = run_cli(["load", "--quiet", str(path), "--graph", G], env=env)
    assert result.returncode == 0, result.stderr
    return env


def cli(env, *args, input=None):
    return run_cli(list(args), env=env, input=input)


def test_every_console_script_target_imports():
    scripts = [ep for ep in entry_points(group="console_scripts") if ep.dist and ep.dist.name == "coopkg"]
    assert [ep.name for ep in scripts] == ["coopkg"]
    for ep in scripts:
        assert callable(ep.load())


def test_help_lists_the_commands_and_the_exit_codes_are_documented():
    result = run_cli(["--help"])
    assert result.returncode == 0
    for command in ("init", "load", "query", "export", "stats", "serve"):
        assert command in result.stdout
    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} |" in readme, f"exit code {code} ({meaning}) is not documented in the README"


def test_init_is_idempotent(env):
    first = cli(env, "init")
    assert first.returncode == 0, first.stderr
    counts = cli(env, "stats", "--json")
    again = cli(env, "init")
    assert again.returncode == 0, again.stderr
    assert cli(env, "stats", "--json").stdout == counts.stdout


def test_load_reports_triples_per_second_and_one_graph_per_file(env, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.nt"
    a.write_text(EX_TTL)
    b.write_text('<http://example.org/x> <http://example.org/name> "X" .\n')
    result = cli(env, "load", "--quiet", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "a.ttl: 4 triples" in result.stderr and "triples/s" in result.stderr
    rate = re.search(r"a\.ttl: 4 triples in [0-9.]+ s, ([0-9,]+) triples/s", result.stderr).group(1)
    assert int(rate.replace(",", "")) < 1_000_000  # timed from the start of that file, not from its end
    graphs = json.loads(cli(env, "stats", "--json").stdout)["graphs"]
    assert set(graphs) == {"https://w3id.org/coopkg/graph/file/a.ttl", "https://w3id.org/coopkg/graph/file/b.nt"}


def test_a_syntax_error_exits_3_naming_file_and_line_and_loads_nothing(loaded, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(EX_TTL + "ex:a ex:b .\n")
    result = cli(loaded, "load", "--quiet", str(bad), "--graph", G, "--replace")
    assert result.returncode == 3
    assert "bad.ttl" in result.stderr and "line 4" in result.stderr.lower(), result.stderr
    assert "nothing from that file was loaded" in result.stderr
    assert cli(loaded, "query", "--format", "csv", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").stdout.split() == ["n", "4"]


def test_an_unknown_file_type_is_refused(env, tmp_path):
    odd = tmp_path / "notes.docx"
    odd.write_text("hello")
    result = cli(env, "load", str(odd))
    assert result.returncode == 3 and "unknown RDF syntax" in result.stderr


@pytest.mark.parametrize("fmt, check", [
    ("table", lambda out: "Kopkun@id" in out and "(2 rows)" in out),
    ("json", lambda out: sorted(b["n"]["value"] for b in json.loads(out)["results"]["bindings"]) == ["ICCI", "Kopkun"]),
    ("csv", lambda out: out.split() == ["n", "ICCI", "Kopkun"]),
    ("tsv", lambda out: out.split() == ["?n", '"ICCI"', '"Kopkun"@id']),
    ("xml", lambda out: "<sparql" in out and "Kopkun" in out),
])
def test_query_formats(loaded, fmt, check):
    result = cli(loaded, "query", "--format", fmt, "SELECT ?n WHERE { ?s <http://example.org/name> ?n } ORDER BY ?n")
    assert result.returncode == 0, result.stderr
    assert check(result.stdout), result.stdout


def test_query_from_file_stdin_and_as_turtle(loaded, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }")
    assert cli(loaded, "query", "--file", str(query)).stdout.strip() == "true"
    assert cli(loaded, "query", input="ASK { ?s <http://example.org/none> ?o }").stdout.strip() == "false"
    turtle = cli(loaded, "query", "--format", "turtle", "CONSTRUCT WHERE { ?s <http://example.org/name> ?n }")
    assert turtle.returncode == 0
    assert len(list(ox.parse(turtle.stdout.encode(), format=ox.RdfFormat.TURTLE))) == 2


def test_bad_sparql_exits_4_with_the_position(loaded):
    result = cli(loaded, "query", "SELECT ?s WHERE { ?s ?p }")
    assert result.returncode == 4
    assert "invalid SPARQL" in result.stderr and "1" in result.stderr
    update = cli(loaded, "query", "DELETE WHERE { ?s ?p ?o }")
    assert update.returncode == 4
    assert cli(loaded, "query", "ASK { ?s ?p ?o }").stdout.strip() == "true"


def test_a_query_over_the_time_limit_exits_6(loaded):
    slow = {**loaded, "COOPKG_QUERY_TIMEOUT": "1"}
    patterns = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(16))  # 4^16 rows to count
    result = cli(slow, "query", f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}")
    assert result.returncode == 6, result.stderr


@pytest.mark.parametrize("fmt, parse_format", [("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG),
                                               ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_round_trips(loaded, tmp_path, fmt, parse_format):
    out = tmp_path / f"export.{fmt}"
    assert cli(loaded, "export", "--format", fmt, "-o", str(out)).returncode == 0
    quads = set(ox.parse(path=str(out), format=parse_format))
    assert len(quads) == 4 and {q.graph_name for q in quads} == {ox.NamedNode(G)}
    stdout = cli(loaded, "export", "--format", fmt)
    assert set(ox.parse(stdout.stdout.encode(), format=parse_format)) == quads


def test_export_turtle_needs_a_graph(loaded):
    assert cli(loaded, "export", "--format", "turtle").returncode == 2
    result = cli(loaded, "export", "--format", "turtle", "--graph", G)
    assert len(list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))) == 4
    missing = cli(loaded, "export", "--format", "turtle", "--graph", "http://example.org/none")
    assert missing.returncode != 0 and "http://example.org/none" in missing.stderr


def test_stats_counts_graphs_and_classes(loaded):
    stats = json.loads(cli(loaded, "stats", "--json").stdout)
    assert stats["graphs"] == {G: 4}
    assert stats["classes"] == {"http://example.org/Cooperative": 1, "http://example.org/Consortium": 1}
    table = cli(loaded, "stats").stdout
    assert G in table and "in all" in table


def test_commands_work_while_the_server_holds_the_store(fresh_server, tmp_path):
    server = fresh_server(env={"COOPKG_MAX_ROWS": "50"})
    env = server.env
    answer = run_cli(["query", "ASK { ?s ?p ?o }"], env=env)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "true"
    # An export through the server is whole, not cut at the public endpoint's row cap.
    exported = tmp_path / "all.nq"
    assert run_cli(["export", "-o", str(exported)], env=env).returncode == 0
    triples = requests.get(server.url + "/health", timeout=10).json()["triples"]
    assert len(set(ox.parse(path=str(exported), format=ox.RdfFormat.N_QUADS))) == triples > 50
    capped = run_cli(["query", "--format", "json", "SELECT * WHERE { ?s ?p ?o }"], env=env)
    assert capped.returncode == 0 and len(json.loads(capped.stdout)["results"]["bindings"]) == 50
    assert "row cap" in capped.stderr
    with pytest.raises(StoreError, match="row cap"):  # coopkg's own queries never take a partial answer
        RemoteStore(server.url + "/sparql").select("SELECT * WHERE { ?s ?p ?o }")
    busy = run_cli(["init"], env=env)
    assert busy.returncode == 5 and "in use by coopkg serve" in busy.stderr
