"""Change sets: parsing every upload syntax without network, removals, blank nodes, limits, diffs."""
import json
import socket
import threading

import pyoxigraph as ox
import pytest

from coopkg.graph.changeset import (ADD_GRAPH, GENID, REMOVE_GRAPH, ChangeSet, ChangeSetError, ChangeSetTooLarge,
                                    entity_diff, parse_rdf, syntax_for_upload)
from coopkg.graph.formats import rdf_syntax

KG = "https://w3id.org/coopkg/id/"
CKG = "https://w3id.org/coopkg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

EXPECTED = {
    ox.Triple(ox.NamedNode(KG + "org/maju"), ox.NamedNode(TYPE), ox.NamedNode(CKG + "Cooperative")),
    ox.Triple(ox.NamedNode(KG + "org/maju"), ox.NamedNode(LABEL), ox.Literal("Koperasi Maju", language="id")),
}
DOCUMENTS = {
    "turtle": f"""@prefix ckg: <{CKG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{KG}org/maju> a ckg:Cooperative ; rdfs:label "Koperasi Maju"@id .""",
    "ntriples": f"""<{KG}org/maju> <{TYPE}> <{CKG}Cooperative> .
        <{KG}org/maju> <{LABEL}> "Koperasi Maju"@id .""",
    "rdfxml": f"""<?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:ckg="{CKG}">
          <ckg:Cooperative rdf:about="{KG}org/maju"><rdfs:label xml:lang="id">Koperasi Maju</rdfs:label></ckg:Cooperative>
        </rdf:RDF>""",
    "jsonld": json.dumps({"@context": {"ckg": CKG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                          "@id": KG + "org/maju", "@type": "ckg:Cooperative",
                          "rdfs:label": {"@value": "Koperasi Maju", "@language": "id"}}),
}


@pytest.mark.parametrize("syntax", sorted(DOCUMENTS))
def test_every_upload_syntax_gives_the_same_change_set(syntax):
    changes = parse_rdf(DOCUMENTS[syntax], rdf_syntax(syntax))
    assert set(changes.add) == EXPECTED
    assert changes.remove == []


def test_trig_names_removals_in_the_remove_graph():
    text = f"""<{KG}org/maju> <{LABEL}> "Koperasi Maju Baru"@id .
        GRAPH <{REMOVE_GRAPH}> {{ <{KG}org/maju> <{LABEL}> "Koperasi Maju"@id . }}
        GRAPH <{ADD_GRAPH}> {{ <{KG}org/maju> <{CKG}acronym> "KM" . }}"""
    changes = parse_rdf(text, rdf_syntax("trig"))
    assert [t.object.value for t in changes.add] == ["Koperasi Maju Baru", "KM"]
    assert [t.object.value for t in changes.remove] == ["Koperasi Maju"]
    with pytest.raises(ChangeSetError, match="not allowed"):
        parse_rdf(f"GRAPH <https://w3id.org/coopkg/graph/provenance> {{ <{KG}a> <{LABEL}> \"x\" . }}",
                  rdf_syntax("trig"))


def test_remote_jsonld_context_is_refused_without_any_connection():
    # A listening socket that records connections: nothing may connect while parsing.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    connected = []

    def watch():
        try:
            connected.append(server.accept())
        except OSError:
            pass
    watcher = threading.Thread(target=watch)
    watcher.start()
    doc = json.dumps({"@context": f"http://127.0.0.1:{port}/context.jsonld", "@id": KG + "org/x", "name": "x"})
    with pytest.raises(ChangeSetError, match="remote JSON-LD contexts are not fetched"):
        parse_rdf(doc, rdf_syntax("jsonld"))
    watcher.join()
    server.close()
    assert connected == []


def test_xml_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    doc = f"""<?xml version="1.0"?>
        <!DOCTYPE rdf:RDF [<!ENTITY leak SYSTEM "file://{secret}">]>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
          <rdf:Description rdf:about="{KG}org/x"><rdfs:label>&leak;</rdfs:label></rdf:Description></rdf:RDF>"""
    with pytest.raises(ChangeSetError) as info:
        parse_rdf(doc, rdf_syntax("rdfxml"))
    assert "top secret" not in str(info.value)


def test_blank_nodes_become_fresh_iris_consistently():
    changes = parse_rdf(f'<{KG}org/x> <{CKG}city> [ <{LABEL}> "Kota" ] ; <{CKG}province> [ <{LABEL}> "P" ] .',
                        rdf_syntax("turtle"))
    nodes = [t.object for t in changes.add if t.subject.value == KG + "org/x"]
    assert all(isinstance(n, ox.NamedNode) and n.value.startswith(GENID) for n in nodes)
    assert len(set(nodes)) == 2
    assert {t.subject for t in changes.add if t.predicate.value == LABEL} == set(nodes)


def test_syntax_errors_and_limits_are_explained():
    with pytest.raises(ChangeSetError, match="not valid turtle.*line"):
        parse_rdf(f"<{KG}org/x> <{LABEL}> \"unterminated .", rdf_syntax("turtle"))
    with pytest.raises(ChangeSetError, match="no statements"):
        parse_rdf("# nothing here\n", rdf_syntax("turtle"))
    many = "\n".join(f'<{KG}org/x> <{LABEL}> "n{i}" .' for i in range(11))
    with pytest.raises(ChangeSetTooLarge, match="at most 10"):
        parse_rdf(many, rdf_syntax("ntriples"), max_triples=10)


def test_change_set_round_trips_through_the_queue_text_and_cancels_no_ops():
    a = ox.Triple(ox.NamedNode(KG + "org/x"), ox.NamedNode(LABEL), ox.Literal("A", language="id"))
    b = ox.Triple(ox.NamedNode(KG + "org/x"), ox.NamedNode(LABEL), ox.Literal("B", language="id"))
    changes = ChangeSet([a, b, a], [b, ox.Triple(a.subject, a.predicate, ox.Literal("C"))])
    assert changes.add == [a]  # duplicate dropped; b both added and removed: no change
    assert [t.object.value for t in changes.remove] == ["C"]
    assert ChangeSet.from_nquads(changes.to_nquads()) == changes


def test_syntax_for_upload_uses_media_type_then_file_name():
    assert syntax_for_upload("text/turtle; charset=utf-8").name == "turtle"
    assert syntax_for_upload(None, "data.jsonld").name == "jsonld"
    assert syntax_for_upload("application/octet-stream", "x.rdf").name == "rdfxml"
    assert syntax_for_upload("image/png") is None


def test_entity_diff_groups_by_entity_with_labels():
    changes = parse_rdf(f"""<{KG}org/x> a <{CKG}Cooperative> ; <{LABEL}> "Baru"@id ; <{CKG}city> <{KG}place/p> .
        <{KG}person/y> <{LABEL}> "Y" .""", rdf_syntax("turtle"))
    changes = ChangeSet(changes.add, [ox.Triple(ox.NamedNode(KG + "org/x"), ox.NamedNode(LABEL),
                                                ox.Literal("Lama", language="id"))])
    names = {KG + "org/x": "Koperasi X", KG + "place/p": "Purwokerto", LABEL: "nama", CKG + "city": "kota",
             TYPE: "jenis", CKG + "Cooperative": "Koperasi"}
    diff = entity_diff(changes, lambda iri: names.get(iri, iri))
    assert [e["label"] for e in diff] == ["Koperasi X", KG + "person/y"]
    rows = diff[0]["rows"]
    assert rows[0]["predicate_label"] == "jenis" and rows[0]["value_label"] == "Koperasi"
    assert ("remove", "nama", "Lama") in [(r["op"], r["predicate_label"], r["value"]) for r in rows]
    assert ("add", "kota", "Purwokerto") in [(r["op"], r["predicate_label"], r["value_label"]) for r in rows]
