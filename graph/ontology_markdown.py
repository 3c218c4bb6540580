"""docs/ontology.md, generated from the Turtle in ontology/: classes, properties and concept schemes,
each with its Indonesian and English label and definition and its alignments.

Regenerate with ``python -m coopkg.graph.ontology_markdown > docs/ontology.md``; a test fails when
the committed page no longer matches the ontology. (The web page at /ontology is rendered from the
store by ``graph/ontology_doc.py``; this module only writes the Markdown reference.)
"""
from __future__ import annotations

import sys

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .paths import ONTOLOGY_DIR
from .vocab import CKG, ONTOLOGY_IRI, PREFIXES

ALIGNMENTS = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
              SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)
PROPERTY_KINDS = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype",
                  OWL.AnnotationProperty: "annotation"}
_EXTRA_PREFIXES = {"ess": "http://purl.org/essglobal/vocab/v2.0/", "adms": "http://www.w3.org/ns/adms#"}


def load_ontology() -> Graph:
    graph = Graph()
    for path in sorted(ONTOLOGY_DIR.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def curie(term) -> str:
    text = str(term)
    prefixes = {**PREFIXES, **_EXTRA_PREFIXES}
    best = max((ns for ns in prefixes.values() if text.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{text}>"
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{text[len(best):]}"


def _text(graph: Graph, term, predicate, lang: str) -> str:
    values = sorted(str(o) for o in graph.objects(term, predicate) if getattr(o, "language", None) == lang)
    return " / ".join(values)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _alignments(graph: Graph, term) -> str:
    parts = []
    for predicate in ALIGNMENTS:
        for value in sorted(graph.objects(term, predicate), key=str):
            if isinstance(value, URIRef):
                parts.append(f"{curie(predicate)} `{curie(value)}`")
    return "; ".join(parts)


def terms(graph: Graph, kinds) -> list[URIRef]:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)
             if isinstance(s, URIRef) and str(s).startswith(str(CKG))}
    return sorted(found, key=str)


def render(graph: Graph | None = None) -> str:
    graph = graph if graph is not None else load_ontology()
    ontology = URIRef(ONTOLOGY_IRI)
    lines = [
        "# Ontology reference",
        "",
        "Generated from `ontology/*.ttl` by `python -m coopkg.graph.ontology_markdown > docs/ontology.md`;",
        "do not edit by hand. How to use these terms: [modelling.md](modelling.md).",
        "",
        f"- Namespace: `{CKG}` (prefix `ckg:`)",
        f"- Ontology: `{ontology}`, version IRI `{graph.value(ontology, OWL.versionIRI)}`",
        f"- {_text(graph, ontology, RDFS.comment, 'en') or _text(graph, ontology, URIRef('http://purl.org/dc/terms/description'), 'en')}",
        "",
        "## Classes",
        "",
        "| term | label (id) | label (en) | definition (id) | definition (en) | alignment |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for term in terms(graph, (OWL.Class,)):
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{curie(term)}`", _text(graph, term, RDFS.label, "id"), _text(graph, term, RDFS.label, "en"),
            _text(graph, term, SKOS.definition, "id"), _text(graph, term, SKOS.definition, "en"),
            _alignments(graph, term))) + " |")
    lines += ["", "## Properties", "",
              "| term | kind | label (id) | label (en) | domain → range | definition (en) | alignment |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for term in terms(graph, PROPERTY_KINDS):
        kind = next(PROPERTY_KINDS[k] for k in PROPERTY_KINDS if (term, RDF.type, k) in graph)
        domain = ", ".join(f"`{curie(d)}`" for d in sorted(graph.objects(term, RDFS.domain), key=str)) or "–"
        range_ = ", ".join(f"`{curie(r)}`" for r in sorted(graph.objects(term, RDFS.range), key=str)) or "–"
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{curie(term)}`", kind, _text(graph, term, RDFS.label, "id"), _text(graph, term, RDFS.label, "en"),
            f"{domain} → {range_}", _text(graph, term, SKOS.definition, "en"), _alignments(graph, term))) + " |")
    lines += ["", "## Concept schemes (controlled lists)", ""]
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        lines += [f"### {_text(graph, scheme, SKOS.prefLabel, 'en')} — {_text(graph, scheme, SKOS.prefLabel, 'id')}",
                  "", f"`{scheme}`", ""]
        definition = _text(graph, scheme, SKOS.definition, "en")
        if definition:
            lines += [definition, ""]
        lines += ["| concept | label (id) | label (en) | also called |", "| --- | --- | --- | --- |"]
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme), key=str):
            alt = ", ".join(sorted({str(a) for a in graph.objects(concept, SKOS.altLabel)}))
            lines.append("| " + " | ".join(_cell(c) for c in (
                f"`{curie(concept)}`", _text(graph, concept, SKOS.prefLabel, "id"),
                _text(graph, concept, SKOS.prefLabel, "en"), alt)) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
