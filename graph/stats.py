"""What the store holds: triples per named graph, instances per class."""
from . import queries


def graph_sizes(store) -> list[tuple[str, int]]:
    return [(r["graph"].value, int(r["triples"].value)) for r in store.select(queries.load("triples_per_graph"))]


def class_counts(store) -> list[tuple[str, int]]:
    return [(r["class"].value, int(r["instances"].value)) for r in store.select(queries.load("instances_per_class"))]
