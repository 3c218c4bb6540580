"""The VoID and DCAT description of the whole dataset, of each named graph in it and of every dataset
and linkset the store itself describes (partners: graph/partners; linksets: graph/linkset/...), with
statistics, licence, SPARQL endpoint and dump downloads. One set of triples, shown on /dataset as a
page and served as RDF, so they agree.

Statistics read every triple once (COUNT per graph and per class), so they are computed once per
store.generation and kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .generation_cache import GenerationCache
from .formats import rdf_syntax

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: (file suffix, syntax name) of the dumps offered, whole dataset each
DUMPS = (("nq", "nquads"), ("trig", "trig"), ("ttl", "turtle"), ("jsonld", "jsonld"))
TITLES = {"id": "Graf Pengetahuan Inovasi Koperasi", "en": "Cooperative Innovation Knowledge Graph"}
DESCRIPTIONS = {
    "id": "Koperasi inovatif Indonesia (koperasi startup, pekerja, platform, komunitas), inkubator, lembaga "
          "pendukung, orang-orangnya, acara dan kolaborasinya, dengan sumber setiap fakta.",
    "en": "Indonesia's innovative cooperatives (startup, worker, platform, community coops), incubators, "
          "supporting institutions, their people, events and collaborations, with the source of every fact.",
}


@dataclass
class Statistics:
    generation: int
    triples: int
    graphs: list[tuple[str, int, int]]          # (graph, triples, entities)
    classes: list[tuple[str, int]]              # (class, entities)
    described: dict[str, list[tuple[str, object]]] = field(default_factory=dict)  # dataset -> [(p, o)]
    entities: int = 0                           # distinct typed resources over all graphs
    agent_names: dict[str, object] = field(default_factory=dict)  # publisher/creator IRI -> foaf:name


def dataset_iri(base: str) -> str:
    return base + "dataset"


def dump_url(base: str, suffix: str) -> str:
    return base + f"dataset/dump.{suffix}"


def collect_statistics(store) -> Statistics:
    generation = store.generation
    triples = {r["graph"].value: int(r["triples"].value) for r in store.select(queries.load("triples_per_graph"))}
    entities = {r["graph"].value: int(r["entities"].value) for r in store.select(queries.load("entities_per_graph"))}
    classes = [(r["class"].value, int(r["instances"].value)) for r in store.select(queries.load("instances_per_class"))]
    described: dict[str, list] = {}
    for row in store.select(queries.load("dataset_descriptions")):
        described.setdefault(row["dataset"].value, []).append((row["p"].value, row["o"]))
    graphs = [(g, n, entities.get(g, 0)) for g, n in sorted(triples.items())]
    total = store.select(queries.load("entities_total"))
    agent_names = {r["agent"].value: r["name"] for r in store.select(queries.load("dataset_agent_names"))}
    return Statistics(generation, sum(triples.values()), graphs, classes, described,
                      int(total[0]["entities"].value) if total else 0, agent_names)


_cache = GenerationCache(collect_statistics, "dataset statistics")


def statistics(store) -> Statistics:
    """Statistics for the store's current generation (computed at most once per generation; when
    that is slow, recomputed in the background while the page shows the previous numbers)."""
    return _cache.get(store)


def statistics_if_ready(store) -> Statistics | None:
    """The latest statistics without waiting for them (for pages that can do without)."""
    return _cache.peek(store)


def description_triples(stats: Statistics, base: str) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    integer = n(XSD + "integer")
    me = n(dataset_iri(base))
    out = [
        ox.Triple(me, n(RDF_TYPE), n(VOID + "Dataset")),
        ox.Triple(me, n(RDF_TYPE), n(DCAT + "Dataset")),
        ox.Triple(me, n(DCT + "license"), n(LICENCE)),
        ox.Triple(me, n(DCT + "publisher"), lit("coopkg — Cooperative Innovation Knowledge Graph")),
        ox.Triple(me, n(FOAF + "homepage"), n(base)),
        ox.Triple(me, n(VOID + "sparqlEndpoint"), n(base + "sparql")),
        ox.Triple(me, n(VOID + "uriSpace"), lit(base + "id/")),
        ox.Triple(me, n(VOID + "vocabulary"), n(base + "ontology#")),
        ox.Triple(me, n(VOID + "triples"), lit(str(stats.triples), datatype=integer)),
        ox.Triple(me, n(VOID + "entities"), lit(str(stats.entities), datatype=integer)),
        ox.Triple(me, n(VOID + "classes"), lit(str(len(stats.classes)), datatype=integer)),
        ox.Triple(me, n(VOID + "rootResource"), n(base + "id/")),
    ]
    for lang, title in TITLES.items():
        out.append(ox.Triple(me, n(DCT + "title"), lit(title, language=lang)))
    for lang, text in DESCRIPTIONS.items():
        out.append(ox.Triple(me, n(DCT + "description"), lit(text, language=lang)))
    for suffix, name in DUMPS:
        url = n(dump_url(base, suffix))
        distribution = n(dataset_iri(base) + "#dump-" + suffix)
        out += [
            ox.Triple(me, n(VOID + "dataDump"), url),
            ox.Triple(me, n(DCAT + "distribution"), distribution),
            ox.Triple(distribution, n(RDF_TYPE), n(DCAT + "Distribution")),
            ox.Triple(distribution, n(DCAT + "downloadURL"), url),
            ox.Triple(distribution, n(DCAT + "mediaType"), n("https://www.iana.org/assignments/media-types/" + rdf_syntax(name).media_type)),
            ox.Triple(distribution, n(DCT + "format"), lit(rdf_syntax(name).media_type)),
            ox.Triple(distribution, n(DCT + "license"), n(LICENCE)),
        ]
    for index, (cls, count) in enumerate(stats.classes):
        partition = n(f"{dataset_iri(base)}#class-{index}")
        out += [ox.Triple(me, n(VOID + "classPartition"), partition),
                ox.Triple(partition, n(VOID + "class"), n(cls)),
                ox.Triple(partition, n(VOID + "entities"), lit(str(count), datatype=integer))]
    for graph, triples, entities in stats.graphs:
        subset = n(graph)
        out += [ox.Triple(me, n(VOID + "subset"), subset),
                ox.Triple(subset, n(RDF_TYPE), n(VOID + "Dataset")),
                ox.Triple(subset, n(VOID + "triples"), lit(str(triples), datatype=integer)),
                ox.Triple(subset, n(VOID + "entities"), lit(str(entities), datatype=integer))]
    for dataset, statements in stats.described.items():
        if dataset == dataset_iri(base):
            continue
        subject = n(dataset)
        out += [ox.Triple(subject, n(p), o) for p, o in statements]
    out += [ox.Triple(n(agent), n(FOAF + "name"), name) for agent, name in stats.agent_names.items()]
    return sorted(set(out), key=str)
