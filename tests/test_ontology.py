"""The ontology and its concept schemes: they parse, implement the vocabulary contract, and every
term has Indonesian and English labels, a definition in both, and an alignment to a reused vocabulary."""
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from coopkg.graph import validation
from coopkg.graph.ontology_markdown import ALIGNMENTS, render
from coopkg.graph.paths import ONTOLOGY_DIR, ROOT
from coopkg.graph.vocab import CKG, KG, KGC, ONTOLOGY_IRI

ONTOLOGY = validation.ontology()
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
TERMS = sorted({s for k in TERM_KINDS for s in ONTOLOGY.subjects(RDF.type, k) if str(s).startswith(str(CKG))}, key=str)

CONTRACT_CLASSES = """Person Organisation Cooperative Incubator CreativeHub Community GovernmentBody Ministry
    GovernmentAgency RegionalGovernmentOffice University UniversityUnit Company Investor Association Network
    InternationalBody MediaOrganisation City Province Venue Position Event Workshop FocusGroupDiscussion
    CoordinationMeeting Festival Commemoration Visit Camp Collaboration MemorandumOfUnderstanding Commitment
    FundingSupport ResearchCooperation Programme Directory DirectoryEntry""".split()
CONTRACT_PROPERTIES = """acronym honorificPrefix honorificSuffix cooperativeModel city province title host speaker
    guest participatingOrganisation participantCount party collaborationStatus announcedAt runBy entryOf
    inDirectory directoryCategory entryStatus""".split()
CONTRACT_CONCEPTS = {
    "cooperative-model": """startup worker platform community student multi-stakeholder savings-and-loan consumer
        producer service marketing""".split(),
    "collaboration-status": "planned committed signed ongoing completed".split(),
    "entry-status": "pending running stopped".split(),
}


@pytest.mark.parametrize("path", sorted(ONTOLOGY_DIR.rglob("*.ttl")), ids=lambda p: p.name)
def test_every_file_parses_in_both_engines(path: Path):
    assert len(Graph().parse(path, format="turtle")) > 0
    assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 0


def test_ontology_header_has_a_version_iri():
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    version = ONTOLOGY.value(ontology, OWL.versionIRI)
    assert version is not None and str(version).startswith(ONTOLOGY_IRI + "/")
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    assert {t.language for t in ONTOLOGY.objects(ontology, URIRef("http://purl.org/dc/terms/title"))} == {"id", "en"}


def test_vocabulary_contract_is_implemented():
    for name in CONTRACT_CLASSES:
        assert (CKG[name], RDF.type, OWL.Class) in ONTOLOGY, name
    for name in CONTRACT_PROPERTIES:
        assert any((CKG[name], RDF.type, k) in ONTOLOGY for k in TERM_KINDS[1:]), name
    assert (CKG.acronym, RDFS.subPropertyOf, SKOS.altLabel) in ONTOLOGY
    assert (CKG.Position, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Membership")) in ONTOLOGY
    for scheme, codes in CONTRACT_CONCEPTS.items():
        for code in codes:
            assert (KGC[f"{scheme}/{code}"], SKOS.inScheme, KGC[scheme]) in ONTOLOGY, (scheme, code)


def _languages(term, predicate):
    return sorted(o.language for o in ONTOLOGY.objects(term, predicate) if getattr(o, "language", None))


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t).split("#")[-1])
def test_term_has_labels_definition_and_alignment(term):
    assert _languages(term, RDFS.label) == ["en", "id"], "one label in Indonesian and one in English"
    assert _languages(term, SKOS.definition) == ["en", "id"], "a definition in Indonesian and in English"
    external = [o for p in ALIGNMENTS for o in ONTOLOGY.objects(term, p)
                if isinstance(o, URIRef) and not str(o).startswith(str(CKG))]
    assert external, "aligned to at least one term of a reused vocabulary"


def test_there_are_many_terms():
    assert len(TERMS) >= 80


def test_every_concept_has_both_labels_and_a_real_scheme():
    schemes = set(ONTOLOGY.subjects(RDF.type, SKOS.ConceptScheme))
    assert {KGC[s] for s in ("cooperative-model", "role", "collaboration-status", "entry-status", "directory-category",
                             "event-kind", "collaboration-kind", "event-status", "province")} <= schemes
    for scheme in schemes:
        assert _languages(scheme, SKOS.prefLabel) == ["en", "id"], scheme
    concepts = set(ONTOLOGY.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 80
    for concept in concepts:
        assert _languages(concept, SKOS.prefLabel) == ["en", "id"], concept
        assert set(ONTOLOGY.objects(concept, SKOS.inScheme)) & schemes, concept


def test_provinces_are_places_and_concepts():
    provinces = set(ONTOLOGY.subjects(RDF.type, CKG.Province))
    assert len(provinces) == 38
    for province in provinces:
        assert str(province).startswith(str(KG) + "place/")
        assert (province, RDF.type, SKOS.Concept) in ONTOLOGY
        assert (province, SKOS.inScheme, KGC.province) in ONTOLOGY
        assert _languages(province, RDFS.label) == ["en", "id"]


def test_event_and_collaboration_classes_point_to_their_kind_concepts():
    for cls in ONTOLOGY.subjects(RDFS.subClassOf, CKG.Event):
        concept = ONTOLOGY.value(cls, CKG.kindConcept)
        assert concept is not None and (concept, SKOS.inScheme, KGC["event-kind"]) in ONTOLOGY, cls
    for cls in ONTOLOGY.subjects(RDFS.subClassOf, CKG.Collaboration):
        concept = ONTOLOGY.value(cls, CKG.kindConcept)
        assert concept is not None and (concept, SKOS.inScheme, KGC["collaboration-kind"]) in ONTOLOGY, cls


def test_ontology_and_schemes_conform_to_the_shapes():
    report = validation.validate(validation.ontology())
    assert report.conforms, [r.as_dict() for r in report.violations][:5]


def test_committed_ontology_page_is_current():
    committed = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python -m coopkg.graph.ontology_markdown > docs/ontology.md"
    for term in TERMS:
        assert f"`ckg:{str(term).split('#')[1]}`" in committed
