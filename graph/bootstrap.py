"""`coopkg init`: the ontology, the shapes and the curated data, loaded idempotently."""
import pyoxigraph as ox

from .formats import rdf_syntax, rdf_syntax_for_path
from .paths import DATA_DIR, ONTOLOGY_DIR, SHAPES_DIR
from .vocab import ONTOLOGY_GRAPH, SHAPES_GRAPH


def _files(directory, pattern):
    return sorted(p for p in directory.rglob(pattern) if p.is_file())


def merged_ntriples(files) -> bytes:
    """Several Turtle files as one N-Triples document, so a graph can be replaced in one step."""
    triples = []
    for path in files:
        triples.extend(ox.parse(path=str(path), format=rdf_syntax_for_path(path).oxigraph))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def initialise(store, on_step=None) -> dict:
    """Replace the ontology, shapes and curated graphs with what the checkout holds. Safe to repeat."""
    counts = {}
    ntriples = rdf_syntax("ntriples")
    for graph, directory in ((ONTOLOGY_GRAPH, ONTOLOGY_DIR), (SHAPES_GRAPH, SHAPES_DIR)):
        files = _files(directory, "*.ttl")
        if files:
            counts[str(graph)] = store.load_data(merged_ntriples(files), ntriples, graph=str(graph), replace=True)
            if on_step:
                on_step(str(graph), counts[str(graph)])
    for path in _files(DATA_DIR, "*.trig"):
        counts[path.name] = store.load(path, replace=True)
        if on_step:
            on_step(path.name, counts[path.name])
    return counts
