"""Partner datasets: the VoID/DCAT registry, imports of RDF and of CSV/XLSX through a mapping, atomic
replacement. A real on-disk store; tables are written by the tests (and one XLSX by openpyxl)."""
import json

import openpyxl
import pyoxigraph as ox
import pytest

from coopkg.graph import partners
from coopkg.graph.store import EmbeddedStore, RdfSyntaxError
from coopkg.graph.tabular_mapping import MappingError, convert_table, load_mapping

CKG = "https://w3id.org/coopkg/ontology#"
GRAPH = "https://w3id.org/coopkg/graph/partner/registry"
TABLE = [
    ["No. Registrasi", "Nama Lembaga", "Singkatan", "Jenis", "Kota/Kabupaten", "Website", "Tahun Berdiri"],
    ["REG-001", "Koperasi Konsumen Kopkun", "KOPKUN", "Koperasi", "Purwokerto", "kopkun.com", "2015"],
    ["REG-002", "Lembaga Pengelola Dana Bergulir KUMKM", "LPDB; LPDB-KUMKM", "Lembaga Pemerintah", "Jakarta", "", ""],
    ["REG-003", "", "", "Koperasi", "Bandung", "", ""],
    ["REG-004", "KSP Maju Bersama", "", "Koperasi Simpan Pinjam", "Kab. Banyumas", "", "dua ribu"],
]
MAPPING = {
    "id_column": "No. Registrasi", "name_column": "Nama Lembaga",
    "iri_template": "https://registry.example.go.id/lembaga/{id}",
    "type": "ckg:Organisation", "type_column": "Jenis",
    "types": {"Koperasi": "ckg:Cooperative", "Lembaga Pemerintah": "ckg:GovernmentAgency"},
    "acronym_column": "Singkatan", "city_column": "Kota/Kabupaten", "homepage_column": "Website",
    "columns": [{"column": "Tahun Berdiri", "predicate": "schema:foundingDate", "datatype": "xsd:gYear"}],
}


@pytest.fixture
def store(tmp_path):
    store = EmbeddedStore(tmp_path / "store", min_workers=0, max_workers=1)
    yield store
    store.close()


@pytest.fixture
def table(tmp_path):
    import csv
    path = tmp_path / "registry.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(TABLE)
    mapping = tmp_path / "registry.mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    return path, mapping


def graph_triples(store, graph=GRAPH):
    return {(r["s"].value, r["p"].value, r["o"].value) for r in
            store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)})}


def register(store):
    return partners.add_partner(store, "registry", title="Registri Koperasi (uji)", publisher="Dinas Koperasi",
                                licence="cc-by-4.0", homepage="https://registry.example.go.id/",
                                namespace="https://registry.example.go.id/lembaga/")


def test_registry_describes_partners_in_void_and_dcat(store):
    partner = register(store)
    assert partner.iri == GRAPH and partner.graph == GRAPH
    described = graph_triples(store, partners.PARTNERS_GRAPH)
    assert (GRAPH, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://rdfs.org/ns/void#Dataset") in described
    assert (GRAPH, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/dcat#Dataset") in described
    assert (GRAPH, "http://purl.org/dc/terms/license", "https://creativecommons.org/licenses/by/4.0/") in described
    assert (GRAPH, "http://rdfs.org/ns/void#uriSpace", "https://registry.example.go.id/lembaga/") in described
    assert (GRAPH + "#publisher", "http://xmlns.com/foaf/0.1/name", "Dinas Koperasi") in described
    # Updating the description replaces it rather than adding a second title.
    partners.add_partner(store, "registry", title="Registri Koperasi", licence="cc0")
    [listed] = partners.list_partners(store)
    assert (listed.title, listed.licence, listed.publisher) == (
        "Registri Koperasi", "https://creativecommons.org/publicdomain/zero/1.0/", "")


@pytest.mark.parametrize("kwargs, fragment", [
    ({"name": "Not Valid"}, "lower-case"),
    ({"title": " "}, "title"),
    ({"licence": "whatever"}, "licence"),
    ({"homepage": "javascript:alert(1)"}, "http"),
    ({"endpoint": "ftp://x"}, "http"),
])
def test_registry_refuses_bad_descriptions(store, kwargs, fragment):
    args = {"name": "registry", "title": "T", **kwargs}
    with pytest.raises(partners.PartnerError, match=fragment):
        partners.add_partner(store, args.pop("name"), **args)
    assert partners.list_partners(store) == []


def test_csv_through_a_mapping(store, table):
    register(store)
    path, mapping = table
    report = partners.import_file(store, "registry", path, mapping)
    assert report.rows == 4
    assert any("row 4" in w and "no name" in w for w in report.warnings)
    triples = graph_triples(store)
    kopkun = "https://registry.example.go.id/lembaga/REG-001"
    assert (kopkun, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CKG + "Cooperative") in triples
    assert (kopkun, "http://www.w3.org/2000/01/rdf-schema#label", "Koperasi Konsumen Kopkun") in triples
    assert (kopkun, CKG + "acronym", "KOPKUN") in triples
    assert (kopkun, "http://xmlns.com/foaf/0.1/homepage", "https://kopkun.com") in triples
    assert (kopkun, "https://schema.org/foundingDate", "2015") in triples
    lpdb = "https://registry.example.go.id/lembaga/REG-002"
    assert {(lpdb, CKG + "acronym", "LPDB"), (lpdb, CKG + "acronym", "LPDB-KUMKM")} <= triples
    assert (lpdb, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CKG + "GovernmentAgency") in triples
    # An unknown type falls back to the default, with a warning naming the row.
    ksp = "https://registry.example.go.id/lembaga/REG-004"
    assert (ksp, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CKG + "Organisation") in triples
    assert any("row 5" in w and "Koperasi Simpan Pinjam" in w for w in report.warnings)
    assert any("row 5" in w and "dua ribu" in w for w in report.warnings)
    assert not any(p == "https://schema.org/foundingDate" for s, p, o in triples if s == ksp)
    city = "https://registry.example.go.id/lembaga/place/purwokerto"
    assert (kopkun, CKG + "city", city) in triples and (city, "http://www.w3.org/2000/01/rdf-schema#label",
                                                       "Purwokerto") in triples
    [listed] = partners.list_partners(store)
    assert listed.triples == len(triples) and listed.modified.endswith("Z")
    assert listed.entities == 3 + 3  # three named rows and three cities


def test_xlsx_with_a_toml_mapping_gives_the_same_graph(store, table, tmp_path):
    register(store)
    path, json_mapping = table
    partners.import_file(store, "registry", path, json_mapping)
    from_csv = graph_triples(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in TABLE:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    xlsx = tmp_path / "registry.xlsx"
    book.save(xlsx)
    toml = tmp_path / "registry.mapping.toml"
    toml.write_text('''
id_column = "No. Registrasi"
name_column = "Nama Lembaga"
iri_template = "https://registry.example.go.id/lembaga/{id}"
type = "ckg:Organisation"
type_column = "Jenis"
acronym_column = "Singkatan"
city_column = "Kota/Kabupaten"
homepage_column = "Website"
sheet = "Data"

[types]
Koperasi = "ckg:Cooperative"
"Lembaga Pemerintah" = "ckg:GovernmentAgency"

[[columns]]
column = "Tahun Berdiri"
predicate = "schema:foundingDate"
datatype = "xsd:gYear"
''')
    partners.import_file(store, "registry", xlsx, toml)
    assert graph_triples(store) == from_csv


def test_reimport_replaces_and_a_broken_file_changes_nothing(store, tmp_path):
    register(store)
    first = tmp_path / "first.ttl"
    first.write_text('<https://registry.example.go.id/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n')
    second = tmp_path / "second.trig"
    second.write_text('<urn:x:g> { <https://registry.example.go.id/b> '
                      '<http://www.w3.org/2000/01/rdf-schema#label> "B" . }\n')
    partners.import_file(store, "registry", first)
    partners.import_file(store, "registry", second)
    assert graph_triples(store) == {("https://registry.example.go.id/b", "http://www.w3.org/2000/01/rdf-schema#label", "B")}
    assert "urn:x:g" not in store.named_graphs()  # a partner's data is one graph
    broken = tmp_path / "broken.ttl"
    broken.write_text('<https://registry.example.go.id/c> <http://www.w3.org/2000/01/rdf-schema#label> "C" .\n'
                      '<https://registry.example.go.id/d> <broken\n')
    with pytest.raises(RdfSyntaxError):
        partners.import_file(store, "registry", broken)
    broken_trig = tmp_path / "broken.trig"
    broken_trig.write_text('<urn:x:g> { <https://registry.example.go.id/c> <http://www.w3.org/2000/01/rdf-schema#label> "C" . }\n'
                           '<urn:x:g> { <https://registry.example.go.id/d> <broken }\n')
    with pytest.raises(RdfSyntaxError):
        partners.import_file(store, "registry", broken_trig)
    assert graph_triples(store) == {("https://registry.example.go.id/b", "http://www.w3.org/2000/01/rdf-schema#label", "B")}


def test_import_needs_a_registered_partner_and_a_mapping_for_tables(store, table):
    path, mapping = table
    with pytest.raises(partners.PartnerError, match="partner add"):
        partners.import_file(store, "registry", path, mapping)
    register(store)
    with pytest.raises(partners.PartnerError, match="--mapping"):
        partners.import_file(store, "registry", path)


@pytest.mark.parametrize("change, fragment", [
    ({"name_column": "Nama"}, "'Nama'"),
    ({"colour": "blue"}, "unknown key"),
    ({"iri_template": "https://x.example/{name}"}, "{id}"),
    ({"type": "foo:Bar"}, "known prefix"),
    ({"id_column": None}, "id_column"),
    ({"iri_template": "https://x.example/a b/{id}"}, "valid IRIs"),
])
def test_mapping_mistakes_are_explained(table, tmp_path, change, fragment):
    path, _ = table
    broken = {k: v for k, v in {**MAPPING, **change}.items() if v is not None}
    mapping = tmp_path / "broken.json"
    mapping.write_text(json.dumps(broken))
    with pytest.raises(MappingError, match=fragment.replace("{", r"\{").replace("}", r"\}")):
        convert_table(path, load_mapping(mapping))


def test_remove_takes_description_data_and_linkset(store, table):
    register(store)
    path, mapping = table
    partners.import_file(store, "registry", path, mapping)
    assert partners.remove_partner(store, "registry")
    assert partners.list_partners(store) == []
    assert not store.graph_exists(GRAPH)
    assert not graph_triples(store, partners.PARTNERS_GRAPH)
    assert not partners.remove_partner(store, "registry")


def test_partners_and_reconciliation_on_a_remote_store(oxigraph_server, table, tmp_path):
    """The same registry, import, reconciliation and linkset code over a bare Oxigraph server."""
    from pathlib import Path

    from coopkg.graph import linksets
    from coopkg.graph.reconcile import Reconciler
    from coopkg.graph.store import RemoteStore
    fixture = Path(__file__).resolve().parent / "fixtures" / "reconcile_mini.trig"
    remote = RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url, oxigraph_server.gsp_url)
    remote.load(fixture)
    register(remote)
    path, mapping = table
    report = partners.import_file(remote, "registry", path, mapping)
    assert report.triples > 0 and [p.name for p in partners.list_partners(remote)] == ["registry"]
    [candidate] = Reconciler(remote).reconcile({"query": "LPDB-KUMKM", "limit": 1})
    assert candidate.iri == "https://w3id.org/coopkg/id/org/lpdb" and candidate.match
    proposals = linksets.propose(remote, tmp_path / "data", "registry")
    assert {link.candidate for link in proposals.links if link.match} >= {"https://w3id.org/coopkg/id/org/lpdb"}
    linksets.decide(tmp_path / "data", "registry", accept=True, reviewer="m", matches=True)
    assert linksets.publish(remote, tmp_path / "data", "registry").links >= 1
    assert remote.ask("ASK { GRAPH <https://w3id.org/coopkg/graph/linkset/registry> { ?s ?p ?o } }")
    assert partners.remove_partner(remote, "registry")
    assert not remote.ask("ASK { GRAPH <https://w3id.org/coopkg/graph/partner/registry> { ?s ?p ?o } }")


def test_any_cell_content_converts_or_warns_never_crashes():
    from hypothesis import given, settings, strategies as st

    from coopkg.graph.tabular_mapping import convert_rows, mapping_from_dict
    mapping = mapping_from_dict(MAPPING)
    cell = st.text(max_size=25)
    row = st.fixed_dictionaries({column: cell for column in TABLE[0]})

    @settings(max_examples=200, deadline=None)
    @given(st.lists(row, max_size=6))
    def check(rows):
        result = convert_rows(rows, mapping, "https://registry.example.go.id/lembaga/")
        ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES)  # every term is valid RDF
        assert result.entities <= len(rows)
    check()
