"""The store contract, run against both implementations: the embedded Oxigraph store on disk, and the
remote store talking to a real Oxigraph server started on a free loopback port."""
import io
import json

import pyoxigraph as ox
import pytest

from coopkg.graph.formats import rdf_syntax
from coopkg.graph.store import (Dataset, EmbeddedStore, GraphNotFound, QuerySyntaxError, RdfSyntaxError,
                                RemoteStore)
from servers import OxigraphServer

EX = "http://example.org/"
G1, G2 = EX + "graph/one", EX + "graph/two"
TURTLE = """@prefix ex: <http://example.org/> .
ex:kopkun a ex:Cooperative ; ex:name "Kopkun"@id ; ex:city ex:purwokerto .
ex:icci a ex:Consortium ; ex:name "ICCI" ; ex:member ex:kopkun .
"""
TRIG = """@prefix ex: <http://example.org/> .
<http://example.org/graph/one> { ex:a ex:p "one" . }
<http://example.org/graph/two> { ex:b ex:p "two" . ex:b ex:q "it's \\"quoted\\"" . }
"""


class Remote:
    """A remote store on its own Oxigraph server; `reopen` restarts the server on the same location."""

    def __init__(self, location):
        self.location = location
        self.server = OxigraphServer(location)

    def open(self):
        return RemoteStore(self.server.query_url, self.server.update_url, self.server.gsp_url)

    def reopen(self, store):
        store.close()
        self.server.stop()
        self.server = OxigraphServer(self.location)
        return self.open()

    def close(self):
        self.server.stop()


class Embedded:
    def __init__(self, location):
        self.location = location

    def open(self):
        return EmbeddedStore(self.location, min_workers=1, max_workers=2)

    def reopen(self, store):
        store.close()
        return self.open()

    def close(self):
        pass


@pytest.fixture(params=["embedded", "remote"])
def backend(request, tmp_path):
    backend = (Embedded if request.param == "embedded" else Remote)(tmp_path / "store")
    yield backend
    backend.close()


@pytest.fixture
def store(backend):
    store = backend.open()
    yield store
    store.close()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def names(store):
    rows = store.select("PREFIX ex: <http://example.org/> SELECT ?n WHERE { ?s ex:name ?n } ORDER BY ?n")
    return [r["n"].value for r in rows]


def test_each_file_goes_into_its_own_graph_and_queries_see_the_union(store, tmp_path):
    store.load(write(tmp_path, "a.ttl", TURTLE))
    store.load(write(tmp_path, "b.ttl", '<http://example.org/x> <http://example.org/name> "Other" .'))
    graphs = store.named_graphs()
    assert len(graphs) == 2 and all(g.startswith("https://w3id.org/coopkg/graph/file/") for g in graphs)
    assert names(store) == ["ICCI", "Kopkun", "Other"]
    assert store.triple_count() == 7


def test_load_into_a_named_graph_adds_or_replaces(store, tmp_path):
    path = write(tmp_path, "a.ttl", TURTLE)
    assert store.load(path, graph=G1) == 6
    store.load(write(tmp_path, "b.nt", '<http://example.org/x> <http://example.org/name> "Extra" .\n'), graph=G1)
    assert names(store) == ["Extra", "ICCI", "Kopkun"]
    store.load(write(tmp_path, "c.nt", '<http://example.org/x> <http://example.org/name> "Only" .\n'),
               graph=G1, replace=True)
    assert names(store) == ["Only"]
    assert store.named_graphs() == [G1]


def test_a_dataset_file_fills_the_graphs_it_names(store, tmp_path):
    assert store.load(write(tmp_path, "d.trig", TRIG)) == 3
    assert store.named_graphs() == [G1, G2]
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert [(r["g"].value, int(r["n"].value)) for r in rows] == [(G1, 1), (G2, 2)]


@pytest.mark.parametrize("name, text", [
    ("bad.ttl", TURTLE + "ex:broken ex:p \"unterminated .\n"),
    ("bad.trig", TRIG + "<http://example.org/graph/three> { ex:c ex:p }\n"),
    ("bad.nt", '<http://example.org/a> <http://example.org/p> "ok" .\n<not an iri> <p> "x" .\n'),
])
def test_a_syntax_error_names_the_file_and_line_and_loads_nothing(store, tmp_path, name, text):
    store.load(write(tmp_path, "good.ttl", TURTLE), graph=G1)
    before = store.triple_count()
    with pytest.raises(RdfSyntaxError) as error:
        store.load(write(tmp_path, name, text), graph=G1, replace=True)
    assert error.value.source.endswith(name)
    assert "line" in str(error.value).lower() or ":" in error.value.detail
    assert store.triple_count() == before
    assert names(store) == ["ICCI", "Kopkun"]
    assert store.named_graphs() == [G1]


def test_bound_values_cannot_inject_into_a_query(store, tmp_path):
    store.load(write(tmp_path, "d.trig", TRIG))
    tricky = ox.Literal('it\'s "quoted"')
    rows = store.select("SELECT ?s WHERE { ?s <http://example.org/q> ?v }", {"v": tricky})
    assert [r["s"].value for r in rows] == [EX + "b"]
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    assert store.select("SELECT ?s WHERE { ?s <http://example.org/q> ?v }", {"v": hostile}) == []
    assert store.triple_count() == 3


def test_ask_and_construct(store, tmp_path):
    store.load(write(tmp_path, "a.ttl", TURTLE), graph=G1)
    assert store.ask("ASK { ?s <http://example.org/member> ?o }") is True
    assert store.ask("ASK { ?s <http://example.org/nothing> ?o }") is False
    triples = store.construct("CONSTRUCT { ?o <http://example.org/memberOf> ?s } "
                              "WHERE { ?s <http://example.org/member> ?o }")
    assert triples == [ox.Triple(ox.NamedNode(EX + "kopkun"), ox.NamedNode(EX + "memberOf"), ox.NamedNode(EX + "icci"))]


def test_update_and_add_quads_change_the_data(store):
    store.update('INSERT DATA { GRAPH <http://example.org/graph/one> { <http://example.org/a> <http://example.org/name> "A" } }')
    assert names(store) == ["A"]
    old = ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "name"), ox.Literal("A"), ox.NamedNode(G1))
    new = ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "name"), ox.Literal("B"), ox.NamedNode(G1))
    store.add_quads([new], remove=[old])
    assert names(store) == ["B"]
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA { broken")
    assert names(store) == ["B"]


def test_drop_graph(store, tmp_path):
    store.load(write(tmp_path, "d.trig", TRIG))
    assert store.graph_exists(G1)
    assert store.drop_graph(G1) is True
    assert not store.graph_exists(G1)
    assert store.drop_graph(G1) is False
    assert store.named_graphs() == [G2]


def test_export_round_trip(store, backend, tmp_path):
    store.load(write(tmp_path, "d.trig", TRIG))
    store.load(write(tmp_path, "a.ttl", TURTLE), graph=G1)
    out = io.BytesIO()
    store.dump(out, rdf_syntax("nquads"))
    exported = set(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(exported) == store.triple_count() == 9

    copy = EmbeddedStore(tmp_path / "copy", min_workers=1, max_workers=1)
    try:
        copy.load_data(out.getvalue(), rdf_syntax("nquads"), graph=None)
        assert set(copy._db.quads_for_pattern(None, None, None, None)) == exported
    finally:
        copy.close()

    turtle = io.BytesIO()
    store.dump(turtle, rdf_syntax("turtle"), graph=G2)
    assert {q.triple for q in ox.parse(turtle.getvalue(), format=ox.RdfFormat.TURTLE)} == {q.triple for q in exported if q.graph_name == ox.NamedNode(G2)}
    with pytest.raises(GraphNotFound):
        store.dump(io.BytesIO(), rdf_syntax("turtle"), graph=EX + "graph/missing")


def test_public_queries_answer_in_the_asked_format_and_dataset(store, tmp_path):
    store.load(write(tmp_path, "d.trig", TRIG))
    query = "SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o"
    answer = store.run_query(query, results_format="csv", timeout=10)
    assert answer.media_type.startswith("text/csv")
    assert answer.body.decode().split() == ["o", "one", "two"]
    only_one = store.run_query(query, results_format="json", dataset=Dataset(default_graphs=[G1]), timeout=10)
    assert '"one"' in only_one.body.decode() and '"two"' not in only_one.body.decode()
    graph = store.run_query("CONSTRUCT WHERE { ?s <http://example.org/p> ?o }", graph_format="ntriples",
                            kind="graph", timeout=10)
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 2


def test_data_survives_reopening(backend, tmp_path):
    store = backend.open()
    store.load(write(tmp_path, "d.trig", TRIG))
    store.update('INSERT DATA { GRAPH <http://example.org/graph/one> { <http://example.org/z> <http://example.org/name> "Z" } }')
    store = backend.reopen(store)
    try:
        assert store.named_graphs() == [G1, G2]
        assert names(store) == ["Z"]
        assert store.triple_count() == 4
    finally:
        store.close()


def test_a_query_s_own_from_clauses_choose_its_dataset(store, tmp_path):
    store.load(write(tmp_path, "d.trig", TRIG))
    answer = store.run_query(f"SELECT ?o FROM <{G1}> WHERE {{ ?s <http://example.org/p> ?o }}",
                             results_format="csv", timeout=10)
    assert answer.body.decode().split() == ["o", "one"]
    named = store.run_query(f"SELECT ?g ?o FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s <http://example.org/p> ?o }} }}",
                            results_format="csv", timeout=10)
    assert named.body.decode().split() == ["g,o", f"{G2},two"]


def test_public_queries_are_capped_at_the_row_limit(store, tmp_path):
    store.load(write(tmp_path, "a.ttl", TURTLE))
    capped = store.run_query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", results_format="json", row_limit=2, timeout=10)
    assert capped.truncated and len(json.loads(capped.body)["results"]["bindings"]) == 2
    whole = store.run_query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", results_format="json", row_limit=6, timeout=10)
    assert not whole.truncated and len(json.loads(whole.body)["results"]["bindings"]) == 6
    graph = store.run_query("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="turtle", kind="graph", row_limit=3,
                            timeout=10)
    assert graph.truncated and len(list(ox.parse(graph.body, format=ox.RdfFormat.TURTLE))) == 3
    assert store.run_query("ASK { ?s ?p ?o }", results_format="xml", timeout=10).kind == "boolean"
