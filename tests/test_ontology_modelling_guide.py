"""Every Turtle example in docs/modelling.md parses and passes the shapes without a single result
(with the curated data as the context it refers to), and its SPARQL example runs."""
import re

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from coopkg.graph import validation
from coopkg.graph.paths import DATA_DIR, ROOT

GUIDE = (ROOT / "docs" / "modelling.md").read_text(encoding="utf-8")
TURTLE = re.findall(r"```turtle\n(.*?)```", GUIDE, re.S)
SPARQL = re.findall(r"```sparql\n(.*?)```", GUIDE, re.S)


def _curated() -> Graph:
    dataset = Dataset()
    for path in sorted(DATA_DIR.glob("*.trig")):
        dataset.parse(path, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


CURATED = _curated()


def test_the_guide_has_examples():
    assert len(TURTLE) >= 5 and SPARQL
    for phrase in ("director of Y from 2018", "signed an MoU"):
        assert phrase in GUIDE


@pytest.mark.parametrize("index", range(len(TURTLE)))
def test_turtle_example_passes_the_shapes(index):
    example = Graph().parse(data=TURTLE[index], format="turtle")
    report = validation.validate(example, extra=validation.context_from(CURATED, example))
    assert [r.as_dict() for r in report.results] == []


def test_sparql_example_runs_on_the_curated_data():
    store = ox.Store()
    for path in sorted(DATA_DIR.glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode("https://w3id.org/coopkg/graph/ontology"))
    names = {row["name"].value for row in store.query(SPARQL[0], use_default_graph_as_union=True)}
    assert {"LPDB", "Bappenas", "ICCI", "Wikiti"} <= names
