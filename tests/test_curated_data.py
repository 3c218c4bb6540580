"""The curated graph in data/: it conforms to the shapes, every source graph has provenance, IRIs are
readable and never reused for two kinds of thing, and the competency questions in
tests/article_checks/*.rq return the facts the seed articles state."""
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from coopkg.graph import validation
from coopkg.graph.paths import DATA_DIR, ONTOLOGY_DIR
from coopkg.graph.vocab import CKG, KG, PROVENANCE_GRAPH, SOURCE_GRAPH

CHECKS = Path(__file__).parent / "article_checks"
DATA_FILES = sorted(DATA_DIR.glob("*.trig"))
SCHEMA = "https://schema.org/"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
ONTOLOGY_GRAPH = "https://w3id.org/coopkg/graph/ontology"
KINDS = {  # IRI kind -> the class every resource of that kind must be an instance of
    "org": CKG.Organisation, "person": CKG.Person, "event": CKG.Event, "collaboration": CKG.Collaboration,
    "position": CKG.Position, "programme": CKG.Programme, "entry": CKG.DirectoryEntry,
    "source": URIRef(SCHEMA + "NewsArticle"), "directory": None, "place": None,
}


def _dataset() -> Dataset:
    dataset = Dataset()
    for path in DATA_FILES:
        dataset.parse(path, format="trig")
    return dataset


DATASET = _dataset()


def _union() -> Graph:
    union = Graph()
    for s, p, o, _ in DATASET.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


UNION = _union()


@pytest.fixture(scope="module")
def store():
    """The ontology and the curated data in an in-memory Oxigraph, as `coopkg init` loads them."""
    db = ox.Store()
    for path in sorted(ONTOLOGY_DIR.rglob("*.ttl")):
        db.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    for path in DATA_FILES:
        db.load(path=str(path), format=ox.RdfFormat.TRIG)
    return db


def test_curated_data_and_ontology_conform_to_the_shapes():
    data = Graph()
    for triple in UNION:
        data.add(triple)
    for triple in validation.ontology():
        data.add(triple)
    report = validation.validate(data)
    assert report.conforms, [r.as_dict() for r in report.violations]
    # Warnings are allowed (an article may not say what kind an organisation is) but must stay few.
    assert len(report.warnings) <= 25, [r.as_dict() for r in report.warnings]


def test_each_file_owns_its_graphs():
    """`coopkg init` loads file by file and a file replaces the graphs it contains, so no graph may
    be split over two files, and nothing may sit in the default graph."""
    owner = {}
    for path in DATA_FILES:
        dataset = Dataset()
        dataset.parse(path, format="trig")
        assert len(dataset.default_graph) == 0, f"{path.name} has triples outside a named graph"
        for graph in dataset.graphs():
            if len(graph) and graph.identifier != dataset.default_graph.identifier:
                assert graph.identifier not in owner, f"{graph.identifier} is in {owner.get(graph.identifier)} and {path.name}"
                owner[graph.identifier] = path.name
    assert PROVENANCE_GRAPH in owner


def test_every_source_graph_has_provenance():
    provenance = DATASET.graph(PROVENANCE_GRAPH)
    source_graphs = {g.identifier for g in DATASET.graphs() if str(g.identifier).startswith(str(SOURCE_GRAPH)) and len(g)}
    assert len(source_graphs) == 5
    for graph in source_graphs:
        article = provenance.value(graph, PROV_DERIVED)
        assert article is not None, f"{graph} has no prov:wasDerivedFrom"
        slug = str(graph)[len(str(SOURCE_GRAPH)):]
        assert article == KG["source/" + slug]
        assert (article, RDF.type, URIRef(SCHEMA + "NewsArticle")) in provenance
        assert provenance.value(article, URIRef("http://purl.org/dc/terms/title")) is not None
        assert provenance.value(article, URIRef("http://purl.org/dc/terms/date")) is not None
    articles = set(provenance.subjects(RDF.type, URIRef(SCHEMA + "NewsArticle")))
    assert {provenance.value(g, PROV_DERIVED) for g in source_graphs} == articles


def test_iris_are_readable_and_kinds_are_not_mixed():
    pattern = re.compile(r"^(?P<kind>[a-z]+)/(?P<slug>[a-z0-9]+(-[a-z0-9]+)*)$")
    for subject in set(UNION.subjects()):
        if not (isinstance(subject, URIRef) and str(subject).startswith(str(KG))):
            continue
        match = pattern.match(str(subject)[len(str(KG)):])
        assert match, f"not a kg:<kind>/<slug> IRI: {subject}"
        kind = match.group("kind")
        assert kind in KINDS, f"unknown kind {kind} in {subject}"
        expected = KINDS[kind]
        if expected is not None:
            types = set(UNION.objects(subject, RDF.type))
            closure = set()
            for t in types:
                closure |= set(validation.ontology().transitive_objects(t, RDFS.subClassOf))
            assert expected in closure | types, f"{subject} is not a {expected}"


def test_every_referenced_resource_is_described():
    described = set(UNION.subjects()) | set(validation.ontology().subjects())
    for s, p, o in UNION:
        if isinstance(o, URIRef) and str(o).startswith(str(KG)):
            assert o in described, f"{s} {p} points to {o}, which nothing describes"


def test_discrepancies_are_visible():
    notes = list(UNION.subject_objects(CKG.discrepancyNote))
    subjects = {str(s).rsplit("/", 1)[-1] for s, _ in notes}
    assert {"pidato-politik-presiden-jokowi-2019", "ngawangkong-bari-ngopi-soreang-2019"} <= subjects
    assert {o.language for _, o in notes} == {"id", "en"}


def _check_files():
    return sorted(CHECKS.glob("*.rq"))


def _expectations(text: str):
    mode = re.search(r"^# match: (exact|contains)$", text, re.M)
    assert mode, "each check says '# match: exact' or '# match: contains'"
    rows = [tuple(v.strip() for v in line[len("# row:"):].split("|"))
            for line in text.splitlines() if line.startswith("# row:")]
    assert rows, "each check lists its expected rows"
    return mode.group(1), rows


def _value(term) -> str:
    return "" if term is None else term.value


@pytest.mark.parametrize("path", _check_files(), ids=lambda p: p.stem)
def test_competency_question(store, path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^# question: .+", text, re.M)
    mode, expected = _expectations(text)
    solutions = store.query(text, use_default_graph_as_union=True)
    variables = [v.value for v in solutions.variables]
    actual = [tuple(_value(row[v]) for v in variables) for row in solutions]
    assert all(len(r) == len(variables) for r in expected), f"rows must have {len(variables)} values"
    if mode == "exact":
        assert sorted(actual) == sorted(expected)
    else:
        missing = [r for r in expected if r not in actual]
        assert not missing, f"missing rows: {missing}"


def test_there_is_a_check_per_article():
    sources = {line.split(":", 1)[1].strip() for p in _check_files()
               for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("# source:")}
    slugs = {str(g)[len(str(SOURCE_GRAPH)):] for g in (g.identifier for g in DATASET.graphs())
             if str(g).startswith(str(SOURCE_GRAPH))}
    assert slugs <= sources, f"articles without a check: {slugs - sources}"
