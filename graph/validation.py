"""SHACL validation of curated data and contributions against the shapes in shapes/.

API
---
``validate(data, *, shapes=None, extra=None, focus_only=None) -> ValidationReport``

- ``data``: the triples to check: an ``rdflib.Graph`` (a ``Dataset``/``ConjunctiveGraph`` is read as
  the union of its graphs), or Turtle text/bytes.
- ``shapes``: an ``rdflib.Graph`` of SHACL shapes; default: every ``shapes/*.ttl``, parsed once and cached.
- ``extra``: context that the data refers to but that is not itself being checked: typically the
  ``rdf:type`` / ``skos:inScheme`` / label triples of the existing resources a contribution points
  at (``referenced_iris(data)`` lists them). Without it, a reference to an existing organisation
  is reported as "a resource that does not exist". Keep it small (the touched resources, not the
  whole store: every resource in it is validated too, then filtered out); ``context_from(graph, data)``
  cuts it out of an in-memory graph.
- What validation needs from the ontology (``ontology_context()``: the class hierarchy, the scheme
  of every concept, the provinces and countries; cached) is always added, so that
  ``sh:targetClass ckg:Organisation`` reaches ``ckg:Cooperative`` instances (SHACL follows the
  ``rdfs:subClassOf`` triples of the data graph) and concept values can be checked against their
  scheme. No RDFS/OWL inference is run: it is not needed and would be slow. To check the ontology
  and concept schemes themselves, pass ``ontology()`` as (part of) ``data``.
- ``focus_only``: report only results whose focus node is a subject in ``data`` (default: True when
  ``extra`` is given, so the context's own imperfections are not blamed on a contribution; False
  otherwise). ``conforms`` is computed over the reported results.

``ValidationReport``: ``conforms`` (no result of severity sh:Violation), ``results`` (list of
``ValidationResult``), ``report_graph`` (the pyshacl SHACL report, an rdflib Graph), plus
``violations`` / ``warnings`` / ``infos`` and ``as_dicts(lang)`` for JSON answers.

``ValidationResult``: ``focus_node``, ``path``, ``value``, ``severity`` (sh:Violation / sh:Warning /
sh:Info IRI), ``severity_name`` ("violation"/"warning"/"info"), ``source_shape``,
``constraint`` (the SHACL constraint component), ``messages`` ({"id": ..., "en": ...}) and
``message(lang)`` (falls back to English, then Indonesian, then pyshacl's own text).

A small contribution (tens of triples) validates in well under a second; the whole curated graph in
a few seconds. Everything here is pure rdflib/pyshacl: no store, no network.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph, Dataset
from rdflib.namespace import RDF, RDFS, SDO, SKOS

from .paths import ONTOLOGY_DIR, SHAPES_DIR
from .vocab import CKG, SH

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
LANGUAGES = ("id", "en")
_lock = threading.Lock()


@dataclass(frozen=True)
class ValidationResult:
    focus_node: object
    path: object
    value: object
    severity: URIRef
    source_shape: object
    constraint: URIRef | None
    messages: dict = field(default_factory=dict)

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.severity, str(self.severity))

    @property
    def is_violation(self) -> bool:
        return self.severity == SH.Violation

    def message(self, lang: str = "en") -> str:
        for key in (lang, "en", "id", ""):
            if self.messages.get(key):
                return self.messages[key]
        return next(iter(self.messages.values()), "")

    def as_dict(self, lang: str = "en") -> dict:
        def term(t):
            return None if t is None else (t.n3() if isinstance(t, (BNode, Literal)) else str(t))
        return {
            "focus_node": term(self.focus_node),
            "path": term(self.path),
            "value": term(self.value),
            "severity": self.severity_name,
            "message": self.message(lang),
            "source_shape": term(self.source_shape),
        }


@dataclass
class ValidationReport:
    conforms: bool
    results: list
    report_graph: Graph

    @property
    def violations(self) -> list:
        return [r for r in self.results if r.severity == SH.Violation]

    @property
    def warnings(self) -> list:
        return [r for r in self.results if r.severity == SH.Warning]

    @property
    def infos(self) -> list:
        return [r for r in self.results if r.severity == SH.Info]

    def as_dicts(self, lang: str = "en") -> list[dict]:
        return [r.as_dict(lang) for r in self.results]


def _parse_dir(directory: Path) -> Graph:
    graph = Graph()
    for path in sorted(directory.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def default_shapes() -> Graph:
    """The shapes in shapes/*.ttl (parsed once; do not modify the returned graph)."""
    return _parse_dir(SHAPES_DIR)


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The ontology and concept schemes in ontology/**/*.ttl (parsed once; do not modify)."""
    return _parse_dir(ONTOLOGY_DIR)


@lru_cache(maxsize=1)
def ontology_context() -> Graph:
    """What validation needs from the ontology, and no more: the class hierarchy (so sh:targetClass
    and sh:class follow subclasses), scheme membership of every concept (so values can be checked
    against their scheme), and the provinces and countries with their types and labels (so
    ckg:province / ckg:country references resolve). Concepts are deliberately not typed here, so
    the concept shapes do not re-check the whole ontology on every call."""
    source, context = ontology(), Graph()
    for triple in source.triples((None, RDFS.subClassOf, None)):
        context.add(triple)
    for triple in source.triples((None, SKOS.inScheme, None)):
        context.add(triple)
    for scheme in source.subjects(RDF.type, SKOS.ConceptScheme):
        context.add((scheme, RDF.type, SKOS.ConceptScheme))
    for kind in (CKG.Province, CKG.Country):
        for place in source.subjects(RDF.type, kind):
            context.add((place, RDF.type, kind))
            for predicate in (RDFS.label, SDO.containedInPlace):
                for value in source.objects(place, predicate):
                    context.add((place, predicate, value))
    return context


def _as_graph(data) -> Graph:
    if isinstance(data, (Dataset, ConjunctiveGraph)):
        graph = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    if isinstance(data, Graph):
        return data
    if isinstance(data, (str, bytes)):
        return Graph().parse(data=data, format="turtle")
    raise TypeError(f"validate() takes an rdflib Graph or Turtle text, not {type(data).__name__}")


def referenced_iris(data) -> set[URIRef]:
    """IRIs that ``data`` points at (objects) but does not describe (no triple with it as subject):
    the resources whose types a caller should pass in ``extra``."""
    graph = _as_graph(data)
    subjects = set(graph.subjects())
    return {o for p, o in graph.predicate_objects() if isinstance(o, URIRef) and p != RDF.type
            and o not in subjects}


def context_from(source: Graph, data) -> Graph:
    """The triples of ``source`` about the resources ``data`` describes or points at: the ``extra``
    context to validate ``data`` against when ``source`` is a whole (in-memory) graph. Against the
    store, fetch the same with a CONSTRUCT over those IRIs instead."""
    graph = _as_graph(data)
    wanted = set(graph.subjects()) | referenced_iris(graph)
    context = Graph()
    for iri in wanted:
        for triple in source.triples((iri, None, None)):
            context.add(triple)
    # The data's resources are re-checked with their stored triples, whose own references need
    # their types (one hop further) for sh:class to hold.
    for iri in referenced_iris(context) - wanted:
        for triple in source.triples((iri, RDF.type, None)):
            context.add(triple)
    return context


def validate(data, *, shapes: Graph | None = None, extra: Graph | None = None,
             focus_only: bool | None = None) -> ValidationReport:
    data_graph = _as_graph(data)
    shapes_graph = shapes if shapes is not None else default_shapes()
    combined = Graph()
    for source in (data_graph, _as_graph(extra) if extra is not None else None, ontology_context()):
        if source is not None:
            for triple in source:
                combined.add(triple)
    focus_only = focus_only if focus_only is not None else extra is not None
    # (pyshacl's focus_nodes option is not used: it also restricts the inner shapes of sh:not /
    # sh:or / sh:node, which then pass vacuously. Results are filtered afterwards instead.)
    with _lock:  # pyshacl is not documented as thread-safe; validations are short, so one at a time.
        _, report_graph, _ = pyshacl.validate(
            combined, shacl_graph=shapes_graph, inference="none", advanced=True,
            allow_warnings=True, allow_infos=True, abort_on_first=False)
    results = _results(report_graph, shapes_graph)
    if focus_only:
        subjects = set(data_graph.subjects())
        results = [r for r in results if r.focus_node in subjects]
    results.sort(key=lambda r: (r.severity != SH.Violation, r.severity != SH.Warning, str(r.focus_node),
                                str(r.source_shape)))
    return ValidationReport(conforms=not any(r.is_violation for r in results), results=results,
                            report_graph=report_graph)


def _messages(shapes_graph: Graph, shape, report_graph: Graph, node) -> dict:
    messages = {}
    for graph, subject, predicate in ((shapes_graph, shape, SH.message),
                                      (report_graph, node, SH.resultMessage)):
        for literal in graph.objects(subject, predicate):
            lang = getattr(literal, "language", None) or ""
            messages.setdefault(lang, str(literal))
        if any(messages.get(lang) for lang in LANGUAGES):
            break
    return messages


def _results(report_graph: Graph, shapes_graph: Graph) -> list[ValidationResult]:
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        shape = report_graph.value(node, SH.sourceShape)
        results.append(ValidationResult(
            focus_node=report_graph.value(node, SH.focusNode),
            path=report_graph.value(node, SH.resultPath),
            value=report_graph.value(node, SH.value),
            severity=report_graph.value(node, SH.resultSeverity),
            source_shape=shape,
            constraint=report_graph.value(node, SH.sourceConstraintComponent),
            messages=_messages(shapes_graph, shape, report_graph, node),
        ))
    return results
