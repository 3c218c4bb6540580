"""One description of a resource, used for its HTML page and for the RDF served at its address, so
what a person reads and what a machine fetches are the same statements.

A description holds: what the resource states (outgoing), what points at it (incoming, bounded),
the positions it holds or has (n-ary memberships with title and dates), the activities it takes
part in (events, collaborations, programmes with dates), and the source articles of the named graphs
those statements come from. `Description.triples()` is the RDF form of exactly that, plus the
labels of every resource it links to (which the HTML shows as link text).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .labels import Labeller

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_DEF = "http://www.w3.org/2004/02/skos/core#definition"
SCHEMA = "https://schema.org/"
DESCRIPTION = SCHEMA + "description"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
SKOS_CLOSE = "http://www.w3.org/2004/02/skos/core#closeMatch"
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"
SCHEMA_URL = SCHEMA + "url"
ORG = "http://www.w3.org/ns/org#"
CKG = "https://w3id.org/coopkg/ontology#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCT = "http://purl.org/dc/terms/"

INCOMING_LIMIT = 500
LINK_PREDICATES = (OWL_SAME_AS, SKOS_EXACT, SKOS_CLOSE, FOAF_HOMEPAGE, SCHEMA_URL)
SUMMARY_PREDICATES = (DESCRIPTION, RDFS_COMMENT, SKOS_DEF)


@dataclass
class Statement:
    predicate: str
    value: object  # a pyoxigraph term: the object (outgoing) or the subject (incoming)
    graphs: tuple[str, ...] = ()


@dataclass
class Position:
    iri: str
    person: str
    organisation: str
    titles: dict = field(default_factory=dict)  # lang -> title
    role: str | None = None
    start: ox.Literal | None = None
    end: ox.Literal | None = None


@dataclass
class Participation:
    activity: str
    role: str
    start: ox.Literal | None = None
    end: ox.Literal | None = None
    date: ox.Literal | None = None

    @property
    def when(self):
        return self.start or self.date


@dataclass
class Source:
    iri: str
    graph: str
    title: str | None = None
    date: ox.Literal | None = None
    url: str | None = None


@dataclass
class Description:
    iri: str
    outgoing: list[Statement]
    incoming: list[Statement]
    incoming_truncated: bool
    positions: list[Position]
    participation: list[Participation]
    sources: list[Source]

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    @property
    def types(self) -> list[str]:
        return [s.value.value for s in self.outgoing if s.predicate == RDF_TYPE and isinstance(s.value, ox.NamedNode)]

    def values(self, predicate: str) -> list:
        return [s.value for s in self.outgoing if s.predicate == predicate]

    def literal_in(self, predicates, lang: str | None) -> str | None:
        """The first literal of `predicates` in `lang`, falling back to Indonesian, English, any."""
        candidates = [v for p in predicates for v in self.values(p) if isinstance(v, ox.Literal)]
        for wanted in ((lang,) if lang else ()) + ("id", "en", None):
            for value in candidates:
                if (value.language or None) == wanted:
                    return value.value
        return candidates[0].value if candidates else None

    def outgoing_by_predicate(self) -> dict[str, list[Statement]]:
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.outgoing:
            grouped[statement.predicate].append(statement)
        return dict(grouped)

    def incoming_by_predicate(self) -> dict[str, list[Statement]]:
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.incoming:
            grouped[statement.predicate].append(statement)
        return dict(grouped)

    def external_links(self) -> list[tuple[str, str]]:
        """(predicate, IRI) of sameAs / exact and close matches / homepages."""
        return [(s.predicate, s.value.value) for s in self.outgoing
                if s.predicate in LINK_PREDICATES and isinstance(s.value, ox.NamedNode)]

    def linked_iris(self) -> set[str]:
        linked = {s.predicate for s in self.outgoing} | {s.predicate for s in self.incoming}
        linked |= {s.value.value for s in self.outgoing + self.incoming if isinstance(s.value, ox.NamedNode)}
        for position in self.positions:
            linked |= {position.iri, position.person, position.organisation} | ({position.role} if position.role else set())
        linked |= {p.activity for p in self.participation}
        return linked

    def triples(self, labeller: Labeller | None = None) -> list[ox.Triple]:
        """The RDF form of this description (what /doc/... serves in every syntax)."""
        this = ox.NamedNode(self.iri)
        triples = {ox.Triple(this, ox.NamedNode(s.predicate), s.value) for s in self.outgoing}
        triples |= {ox.Triple(s.value, ox.NamedNode(s.predicate), this) for s in self.incoming}
        for position in self.positions:
            node = ox.NamedNode(position.iri)
            triples.add(ox.Triple(node, ox.NamedNode(ORG + "member"), ox.NamedNode(position.person)))
            triples.add(ox.Triple(node, ox.NamedNode(ORG + "organization"), ox.NamedNode(position.organisation)))
            for lang, title in position.titles.items():
                triples.add(ox.Triple(node, ox.NamedNode(CKG + "title"), ox.Literal(title, language=lang) if lang else ox.Literal(title)))
            if position.role:
                triples.add(ox.Triple(node, ox.NamedNode(ORG + "role"), ox.NamedNode(position.role)))
            if position.start is not None:
                triples.add(ox.Triple(node, ox.NamedNode(SCHEMA + "startDate"), position.start))
            if position.end is not None:
                triples.add(ox.Triple(node, ox.NamedNode(SCHEMA + "endDate"), position.end))
        for item in self.participation:
            node = ox.NamedNode(item.activity)
            for predicate, value in ((SCHEMA + "startDate", item.start), (SCHEMA + "endDate", item.end), (DCT + "date", item.date)):
                if value is not None:
                    triples.add(ox.Triple(node, ox.NamedNode(predicate), value))
        for source in self.sources:
            triples.add(ox.Triple(ox.NamedNode(source.graph), ox.NamedNode(PROV_DERIVED), ox.NamedNode(source.iri)))
            if source.title:
                triples.add(ox.Triple(ox.NamedNode(source.iri), ox.NamedNode(DCT + "title"), ox.Literal(source.title)))
            if source.date is not None:
                triples.add(ox.Triple(ox.NamedNode(source.iri), ox.NamedNode(DCT + "date"), source.date))
            if source.url:
                triples.add(ox.Triple(ox.NamedNode(source.iri), ox.NamedNode(SCHEMA_URL), ox.NamedNode(source.url)))
        if labeller is not None:
            for iri in self.linked_iris() - {self.iri}:
                for text, lang, kind in labeller.all_labels(iri):
                    if kind == 0:
                        triples.add(ox.Triple(ox.NamedNode(iri), ox.NamedNode(RDFS_LABEL),
                                              ox.Literal(text, language=lang) if lang else ox.Literal(text)))
        return sorted(triples, key=str)


def _group_statements(rows, term_key: str) -> list[Statement]:
    graphs: dict[tuple, list[str]] = {}
    for row in rows:
        key = (row["p"].value, row[term_key])
        found = graphs.setdefault(key, [])
        graph = row.get("g")
        if graph is not None and graph.value not in found:
            found.append(graph.value)
    return [Statement(p, term, tuple(sorted(g))) for (p, term), g in graphs.items()]


def describe(store, iri: str) -> Description:
    """Everything a page about `iri` shows, in at most five small queries (plus one per source graph)."""
    this = {"this": ox.NamedNode(iri)}
    outgoing = _group_statements(store.select(queries.load("describe_outgoing"), this), "o")
    incoming_rows = store.select(queries.load("describe_incoming"), this)
    truncated = len(incoming_rows) > INCOMING_LIMIT
    incoming = _group_statements(incoming_rows[:INCOMING_LIMIT], "s")
    positions = _positions(store.select(queries.load("describe_positions"), this))
    participation = _participation(store.select(queries.load("describe_participation"), this))
    graphs = sorted({g for s in outgoing + incoming for g in s.graphs})
    return Description(iri, outgoing, incoming, truncated, positions, participation, _sources(store, graphs))


def exists(store, iri: str) -> bool:
    return store.ask(queries.load("resource_exists"), {"this": ox.NamedNode(iri)})


def _positions(rows) -> list[Position]:
    found: dict[str, Position] = {}
    for row in rows:
        iri = row["position"].value
        position = found.get(iri)
        if position is None:
            position = found[iri] = Position(iri, row["person"].value, row["org"].value)
        if "title" in row:
            position.titles[row["title"].language or ""] = row["title"].value
        if "role" in row and isinstance(row["role"], ox.NamedNode):
            position.role = row["role"].value
        position.start = row.get("start", position.start)
        position.end = row.get("end", position.end)
    return sorted(found.values(), key=lambda p: (p.start is None, str(p.start.value if p.start else ""), p.iri))


def _participation(rows) -> list[Participation]:
    found: dict[tuple, Participation] = {}
    for row in rows:
        key = (row["activity"].value, row["role"].value)
        if key not in found:
            found[key] = Participation(key[0], key[1], row.get("start"), row.get("end"), row.get("date"))
    return sorted(found.values(), key=lambda p: (p.when.value if p.when is not None else "9999", p.activity))


def _sources(store, graphs: list[str], cap: int = 20) -> list[Source]:
    sources = []
    for graph in graphs[:cap]:
        seen = set()
        for row in store.select(queries.load("describe_graph_source"), {"graph": ox.NamedNode(graph)}):
            source = row["source"].value
            if source in seen:
                continue
            seen.add(source)
            sources.append(Source(source, graph, row["title"].value if "title" in row else None,
                                  row.get("date"), row["url"].value if "url" in row else None))
    return sources
