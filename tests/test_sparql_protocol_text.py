"""graph/sparql_protocol.py on its own: FROM clauses, USING rewriting and parser messages, checked
by running the results in a real (in-memory) Oxigraph store rather than by comparing strings."""
import pyoxigraph as ox
import pytest

from coopkg.graph.sparql_protocol import (add_using, explain_syntax_error, query_dataset_clauses,
                                          update_has_dataset_clause)

EX = "https://example.org/t/"


@pytest.fixture
def store():
    store = ox.Store()
    for graph in ("g1", "g2"):
        store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "in"), ox.Literal(graph), ox.NamedNode(EX + graph)))
    return store


def test_from_clauses_are_found_but_not_in_strings_iris_or_comments():
    text = (f"PREFIX ex: <{EX}>\n# FROM <{EX}commented>\nSELECT * FROM ex:g1 FROM NAMED <{EX}g2>\n"
            f"WHERE {{ ?s ?p \"FROM <{EX}quoted>\" . ?s <{EX}FROM> ?o }}")
    assert query_dataset_clauses(text) == ([EX + "g1"], [EX + "g2"])
    assert query_dataset_clauses(f"SELECT * WHERE {{ ?s <{EX}from> ?o }}") is None
    assert query_dataset_clauses("CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }") == (["http://g"], [])


def test_using_applies_to_modify_operations_only(store):
    update = (f"INSERT DATA {{ GRAPH <{EX}data> {{ <{EX}x> <{EX}p> \"WHERE\" }} }} ;\n"
              f"INSERT {{ GRAPH <{EX}out> {{ ?s <{EX}seen> ?v }} }} WHERE {{ ?s <{EX}in> ?v }}")
    store.update(add_using(update, [EX + "g1"], []))
    seen = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(EX + "seen"), None)}
    assert seen == {"g1"}  # only the USING graph was the default graph of the WHERE clause
    assert len(list(store.quads_for_pattern(None, None, ox.Literal("WHERE"), None))) == 1


def test_delete_where_is_rewritten_with_using(store):
    store.update(add_using(f"DELETE WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?v }} }}", [], [EX + "g2"]))
    left = {q.graph_name.value for q in store.quads_for_pattern(None, ox.NamedNode(EX + "in"), None)}
    assert left == {EX + "g1"}


def test_no_graphs_leaves_the_text_alone():
    assert add_using("CLEAR ALL", [], []) == "CLEAR ALL"


def test_dataset_clauses_in_updates_are_recognised():
    assert update_has_dataset_clause(f"WITH <{EX}g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}")
    assert update_has_dataset_clause(f"DELETE {{ ?s ?p ?o }} USING <{EX}g> WHERE {{ ?s ?p ?o }}")
    assert not update_has_dataset_clause(f"INSERT DATA {{ <{EX}s> <{EX}p> \"USING WITH\" }}")


def test_syntax_errors_point_at_the_column():
    text = "SELECT ?s\nWHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text)
    explained = explain_syntax_error(str(caught.value), text)
    message, _, rest = explained.partition("\n\n")
    line, caret = rest.splitlines()
    assert line == "WHERE { ?s ?p }" and caret.endswith("^")
    column = int(message.split(" at ")[1].split(":")[1].split(":")[0])
    assert len(caret) == column
    assert explain_syntax_error("no position here", text) == "no position here"
