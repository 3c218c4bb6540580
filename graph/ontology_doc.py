"""The ontology as a documentation page (classes, properties, concept schemes in the chosen
language) and as RDF, both read from the store, so the page and the RDF at /ontology agree."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from . import queries
from .labels import Labeller
from .vocab import ONTOLOGY_GRAPH

OWL = "http://www.w3.org/2002/07/owl#"
CLASS_KINDS = {OWL + "Class", "http://www.w3.org/2000/01/rdf-schema#Class"}


def ontology_triples(store, base: str) -> list[ox.Triple]:
    if store.graph_exists(str(ONTOLOGY_GRAPH)):
        return store.construct(queries.load("ontology_graph_triples"), {"graph": ox.NamedNode(str(ONTOLOGY_GRAPH))})
    return store.construct(queries.load("ontology_namespace_triples"), {"ontology": ox.NamedNode(base + "ontology")})


def ontology_document(store, base: str, lang: str) -> dict:
    labels = Labeller(store, lang)
    namespace = base + "ontology#"
    terms: dict[str, dict] = {}
    comments: dict[str, dict] = defaultdict(dict)
    for row in store.select(queries.load("ontology_terms"), {"ns": ox.NamedNode(namespace)}):
        iri = row["term"].value
        term = terms.setdefault(iri, {"iri": iri, "anchor": iri[len(namespace):], "label": labels(iri),
                                      "kinds": set(), "supers": set(), "domains": set(), "ranges": set()})
        term["kinds"].add(row["kind"].value)
        for key, var in (("supers", "super"), ("domains", "domain"), ("ranges", "range")):
            if var in row:
                term[key].add(row[var].value)
        if "comment" in row:
            comments[iri][row["comment"].language or ""] = row["comment"].value
    for iri, term in terms.items():
        by_lang = comments.get(iri, {})
        term["comment"] = by_lang.get(lang) or by_lang.get("id") or by_lang.get("en") or next(iter(by_lang.values()), "")
        for key in ("supers", "domains", "ranges"):
            term[key] = sorted(term[key], key=labels)
    ordered = sorted(terms.values(), key=lambda t: t["label"].casefold())
    schemes: dict[str, list[str]] = defaultdict(list)
    for row in store.select(queries.load("ontology_schemes")):
        schemes[row["scheme"].value].append(row["concept"].value)
    return {
        "iri": base + "ontology",
        "title": labels(base + "ontology") if labels.has_label(base + "ontology") else "coopkg ontology",
        "classes": [t for t in ordered if t["kinds"] & CLASS_KINDS],
        "properties": [t for t in ordered if not t["kinds"] & CLASS_KINDS],
        "schemes": [{"iri": s, "concepts": sorted(c, key=labels)} for s, c in sorted(schemes.items(), key=lambda i: labels(i[0]))],
    }
