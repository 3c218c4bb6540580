"""Name normalisation, similarity and the name index (graph/names.py, graph/name_index.py)."""
import pytest

from coopkg.graph import names
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.name_index import NameIndex, build_name_index, name_index
from coopkg.graph.store.embedded import EmbeddedStore

CKG = "https://w3id.org/coopkg/ontology#"
KG = "https://w3id.org/coopkg/id/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ACRONYM = CKG + "acronym"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.mark.parametrize("raw, expected", [
    ("Kab. Banyumas", "kabupaten banyumas"),
    ("Kab.Banyumas", "kabupaten banyumas"),
    ("Prov. Jawa Tengah", "provinsi jawa tengah"),
    ("Univ. Jenderal Soedirman", "universitas jenderal soedirman"),
    ("Kemenkop UKM", "kementerian koperasi ukm"),
    ("PT. Kopkun Tbk", "kopkun"),
    ("CV. Maju Jaya", "maju jaya"),
    ("Dr. Firdaus Putra, S.Sos., M.Si.", "firdaus putra"),
    ("Kopkun-Institute", "kopkun institute"),
    ("KOPERASI Ünal", "koperasi unal"),
])
def test_normalise(raw, expected):
    assert names.normalise(raw) == expected


def test_acronyms():
    assert names.is_acronym("LPDB") and names.is_acronym("KemenKopUKM")
    assert not names.is_acronym("Kopkun") and not names.is_acronym("Dana Bergulir")
    assert "lpdb" in names.acronyms_of("Lembaga Pengelola Dana Bergulir")
    assert "icci" in names.acronyms_of("Indonesian Consortium for Cooperatives Innovation")


@pytest.mark.parametrize("a, b, at_least", [
    ("Firdaus Putra", "Dr. Firdaus Putra, S.Sos.", 1.0),
    ("Kementerian Koperasi dan UKM", "Kemenkop UKM", 0.9),
    ("Purwokerta", "Purwokerto", 0.75),
    ("Soerabaja", "Surabaya", 0.75),
    ("Djokjakarta", "Yogyakarta", 0.7),
    ("LPDB", "Lembaga Pengelola Dana Bergulir", 0.8),
])
def test_similar_names_score_high(a, b, at_least):
    assert names.similarity(a, b) >= at_least
    assert names.similarity(b, a) >= at_least - 0.15


def test_different_names_score_low():
    assert names.similarity("Kopkun", "Kospin Jasa") < 0.3
    assert names.similarity("Firdaus Putra", "Suroto") < 0.3


def _index(extra=()):
    labels = [
        (KG + "org/kopkun", LABEL, "Kopkun", "id"),
        (KG + "org/kopkun", ALT, "Koperasi Konsumen Kopkun", "id"),
        (KG + "org/kopkun-institute", LABEL, "Kopkun Institute", "id"),
        (KG + "org/lpdb", LABEL, "Lembaga Pengelola Dana Bergulir", "id"),
        (KG + "org/lpdb", LABEL, "Revolving Fund Management Agency", "en"),
        (KG + "org/lpdb", ACRONYM, "LPDB", ""),
        (KG + "org/icci", LABEL, "Indonesian Consortium for Cooperatives Innovation", "en"),
        (KG + "person/firdaus-putra", LABEL, "Firdaus Putra", "id"),
        (KG + "place/purwokerto", LABEL, "Purwokerto", "id"),
        *extra,
    ]
    types = [(KG + "org/kopkun", CKG + "Cooperative"), (KG + "org/kopkun-institute", CKG + "Organisation"),
             (KG + "org/lpdb", CKG + "GovernmentAgency"), (KG + "person/firdaus-putra", CKG + "Person"),
             (KG + "org/icci", CKG + "Network"), (KG + "place/purwokerto", CKG + "City")]
    ancestors = [(CKG + c, CKG + "Organisation") for c in ("Cooperative", "GovernmentAgency", "Network")]
    return NameIndex(labels, types, ancestors)


def test_search_ranks_exact_name_first_and_is_case_insensitive():
    index = _index()
    hits = index.search("KOPKUN")
    assert [h.iri for h in hits[:2]] == [KG + "org/kopkun", KG + "org/kopkun-institute"]
    assert hits[0].score == 1.0 and hits[0].score > hits[1].score
    assert hits[0].types == (CKG + "Cooperative",)


def test_search_finds_acronyms_and_derived_acronyms():
    index = _index()
    assert index.search("lpdb")[0].iri == KG + "org/lpdb"
    assert index.search("ICCI")[0].iri == KG + "org/icci"


def test_search_tolerates_spelling_and_prefixes():
    index = _index()
    assert index.search("purwokerta")[0].iri == KG + "place/purwokerto"
    assert index.search("kopk")[0].iri == KG + "org/kopkun"
    assert index.search("firdaus putera")[0].iri == KG + "person/firdaus-putra"
    assert index.search("zzzzqqq") == []


def test_type_filter_includes_subclasses():
    index = _index()
    hits = index.search("kopkun", types=[CKG + "Organisation"])
    assert {h.iri for h in hits} == {KG + "org/kopkun", KG + "org/kopkun-institute"}
    assert index.search("firdaus", types=[CKG + "Organisation"]) == []


def test_display_label_follows_language():
    index = _index()
    assert index.search("lpdb", lang="en")[0].label == "Revolving Fund Management Agency"
    hit = index.search("lpdb", lang="id")[0]
    assert (hit.label, hit.lang, hit.matched) == ("Lembaga Pengelola Dana Bergulir", "id", "LPDB")


def test_common_word_does_not_hide_rare_word():
    filler = [(KG + f"org/gen{i}", LABEL, f"Koperasi Nomor {i}", "id") for i in range(6000)]
    index = _index(filler)
    hits = index.search("Koperasi Kopkun")
    assert hits[0].iri == KG + "org/kopkun"


def test_index_from_store_is_rebuilt_when_generation_changes(tmp_path):
    turtle = rdf_syntax("turtle")
    with EmbeddedStore(tmp_path / "store", min_workers=0) as store:
        store.load_data(b"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            @prefix ckg: <https://w3id.org/coopkg/ontology#> .
            <https://w3id.org/coopkg/id/org/kopkun> a ckg:Cooperative ; rdfs:label "Kopkun"@id ; ckg:acronym "KOPKUN" .
            ckg:Cooperative rdfs:subClassOf ckg:Organisation .
            """, turtle, graph="https://w3id.org/coopkg/graph/test")
        first = name_index(store)
        assert name_index(store) is first
        assert first.search("kopkun", types=[CKG + "Organisation"])[0].iri == KG + "org/kopkun"
        store.load_data(b"""<https://w3id.org/coopkg/id/org/lpdb> <http://www.w3.org/2000/01/rdf-schema#label> "LPDB" .""",
                        turtle, graph="https://w3id.org/coopkg/graph/test2")
        second = name_index(store)
        assert second is not first and second.search("lpdb")[0].iri == KG + "org/lpdb"
        assert len(build_name_index(store)) == 2
