"""The SHACL shapes, driven by the example manifest in tests/shape_examples/:
every shape with a message has an invalid example that makes exactly the expected shapes fire,
every valid example passes without any result, and the shapes only use terms that exist."""
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from coopkg.graph import validation
from coopkg.graph.vocab import CKG, SH

EXAMPLES = Path(__file__).parent / "shape_examples"
MF = Namespace("https://w3id.org/coopkg/test/manifest#")
CKGSH = "https://w3id.org/coopkg/shapes#"


def _dataset(name: str) -> Dataset:
    dataset = Dataset()
    dataset.parse(EXAMPLES / name, format="trig")
    return dataset


def _named_graphs(dataset: Dataset) -> dict:
    graphs = {}
    for graph in dataset.graphs():
        if isinstance(graph.identifier, URIRef) and str(graph.identifier).startswith("urn:example:"):
            copy = Graph()
            for triple in graph:
                copy.add(triple)
            graphs[str(graph.identifier)] = copy
    return graphs


MANIFEST = Graph().parse(EXAMPLES / "manifest.ttl", format="turtle")
CONTEXT = Graph().parse(EXAMPLES / "context.ttl", format="turtle")
INVALID = _named_graphs(_dataset("invalid.trig"))
VALID = _named_graphs(_dataset("valid.trig"))
SHAPES = validation.default_shapes()


def _check(graph: Graph):
    return validation.validate(graph, extra=CONTEXT)


def test_manifest_matches_the_example_files():
    listed = {str(s) for s in MANIFEST.subjects(RDF.type, MF.InvalidExample)}
    assert listed == set(INVALID), "every invalid example is in the manifest and every manifest entry has data"
    assert len(VALID) >= 10


def test_every_shape_with_a_message_has_an_invalid_example():
    shapes = {s for s in SHAPES.subjects(SH.message, None)}
    exercised = set(MANIFEST.objects(None, MF.fires))
    missing = sorted(str(s) for s in shapes - exercised)
    assert not missing, f"shapes without an invalid example: {missing}"
    unknown = sorted(str(s) for s in exercised - shapes)
    assert not unknown, f"manifest names shapes that do not exist: {unknown}"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_example_fires_exactly_the_expected_shapes(name):
    expected = set(MANIFEST.objects(URIRef(name), MF.fires))
    report = _check(INVALID[name])
    fired = {r.source_shape for r in report.results}
    assert fired == expected, f"{name}: fired {sorted(map(str, fired))}"
    path = MANIFEST.value(URIRef(name), MF.path)
    if path is not None:
        assert any(r.path == path for r in report.results if r.source_shape in expected)
    for result in report.results:
        severity = SHAPES.value(result.source_shape, SH.severity)
        assert result.severity == severity, "the report carries the severity the shape declares"
        assert result.message("id") and result.message("en") and result.message("id") != result.message("en")
    if any(SHAPES.value(s, SH.severity) == SH.Violation for s in expected):
        assert not report.conforms
    else:
        assert report.conforms, "warnings and infos do not make data non-conforming"


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_example_passes(name):
    report = _check(VALID[name])
    assert report.conforms
    assert [r.as_dict() for r in report.results] == []


def test_valid_examples_reach_every_targeted_shape():
    """A valid example is only evidence if the shape looked at it: each node shape with a target
    has a focus node in some valid example."""
    ontology = validation.ontology()
    union = Graph()
    for graph in VALID.values():
        for triple in graph:
            union.add(triple)
    for triple in ontology:
        union.add(triple)
    valid_subjects = {s for g in VALID.values() for s in g.subjects()}
    for shape in set(SHAPES.subjects(RDF.type, SH.NodeShape)):
        targets = list(SHAPES.objects(shape, SH.targetClass))
        props = list(SHAPES.objects(shape, SH.targetSubjectsOf))
        if not targets and not props:
            continue
        classes = set()
        for c in targets:
            classes |= set(ontology.transitive_subjects(RDFS.subClassOf, c)) | {c}
        reached = any((s, RDF.type, c) in union for s in valid_subjects for c in classes) or \
            any((s, p, None) in union for s in valid_subjects for p in props)
        assert reached, f"no valid example is a focus node of {shape}"


def test_shapes_only_use_terms_that_exist():
    ontology = validation.ontology()
    defined = set(ontology.subjects(RDF.type, None))
    used = set()
    for predicate in (SH.path, SH.targetClass, SH["class"], SH.targetSubjectsOf, SH.hasValue):
        used |= {o for o in SHAPES.objects(None, predicate) if isinstance(o, URIRef)}
    ours = [t for t in used if str(t).startswith(str(CKG)) or str(t).startswith("https://w3id.org/coopkg/concept/")]
    missing = sorted(str(t) for t in ours if t not in defined)
    assert not missing, f"shapes refer to terms the ontology does not define: {missing}"
    referenced_shapes = {o for p in (SH.property, SH.node) for o in SHAPES.objects(None, p) if isinstance(o, URIRef)}
    missing_shapes = sorted(str(s) for s in referenced_shapes if (s, RDF.type, None) not in SHAPES)
    assert not missing_shapes, f"shapes refer to shapes that do not exist: {missing_shapes}"
    assert (URIRef(CKGSH.rstrip("#")), OWL.imports, URIRef("https://w3id.org/coopkg/ontology")) in SHAPES


def test_every_message_is_in_both_languages():
    for shape in set(SHAPES.subjects(SH.message, None)):
        languages = sorted(m.language for m in SHAPES.objects(shape, SH.message))
        assert languages == ["en", "id"], shape
        assert SHAPES.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_validate_accepts_turtle_and_reports_in_both_languages():
    report = validation.validate("""
        @prefix ckg: <https://w3id.org/coopkg/ontology#> .
        <https://w3id.org/coopkg/id/event/x> a ckg:Workshop ;
            <http://www.w3.org/2000/01/rdf-schema#label> "Lokakarya"@id ; ckg:participantCount -1 .
    """)
    assert not report.conforms
    shapes = {str(r.source_shape) for r in report.violations}
    assert CKGSH + "Event-participantCount" in shapes and CKGSH + "EventDateShape" in shapes
    result = next(r for r in report.violations if str(r.source_shape).endswith("Event-participantCount"))
    assert "bilangan bulat" in result.message("id") and "whole number" in result.message("en")
    assert result.as_dict("id")["severity"] == "violation"
    assert (None, RDF.type, SH.ValidationReport) in report.report_graph


def test_context_is_not_blamed_on_a_contribution():
    """With extra context, only the contribution's own resources are reported, and a reference to a
    resource given in the context is not 'missing'."""
    contribution = Graph().parse(data="""
        @prefix ckg: <https://w3id.org/coopkg/ontology#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        <https://w3id.org/coopkg/id/position/new> a ckg:Position ;
            org:member <https://w3id.org/coopkg/id/person/firdaus-putra> ;
            org:organization <https://w3id.org/coopkg/id/org/icci> ;
            ckg:title "Komite Eksekutif"@id .
    """, format="turtle")
    assert validation.referenced_iris(contribution) == {
        URIRef("https://w3id.org/coopkg/id/person/firdaus-putra"), URIRef("https://w3id.org/coopkg/id/org/icci")}
    incomplete_context = Graph().parse(data="""
        <https://w3id.org/coopkg/id/org/icci> a <https://w3id.org/coopkg/ontology#Network> .
        <https://w3id.org/coopkg/id/person/firdaus-putra> a <https://w3id.org/coopkg/ontology#Person> .
    """, format="turtle")  # both lack a label: the context's own problems are not reported
    report = validation.validate(contribution, extra=incomplete_context)
    assert report.conforms and report.results == []
    report = validation.validate(contribution)
    assert {str(r.source_shape) for r in report.violations} == {CKGSH + "Position-member", CKGSH + "Position-organization"}
