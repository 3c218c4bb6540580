"""Validate a contribution with the SHACL shapes, together with the part of the store it touches.

The data validated is: for each entity the change set describes, what the store says about it now
(one bounded query per entity), with the removals taken out and the additions put in, so a correction
is checked as the entity will look after it; plus, for each resource the additions point at, its types,
labels and concept scheme, so a reference to an existing organisation or concept resolves. The work
depends on the size of the contribution, never on the size of the store.

Only problems about the entities the contribution describes are reported: a referenced resource is
fetched partially on purpose, and an old problem elsewhere is not the contributor's to fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from . import queries
from .changeset import ChangeSet
from .vocab import BASE, CKG, GRAPH, KG

#: Subjects a contribution may not describe: the ontology, graphs, and coopkg's own provenance records.
PROTECTED_PREFIXES = (str(CKG), str(GRAPH), str(KG) + "contribution/", str(KG) + "maintainer/",
                      BASE + "ontology")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_REFERENCES = 500  # resources looked up for one contribution
SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}


@dataclass
class Problem:
    entity: str
    path: str | None
    value: str | None
    severity: str  # Violation | Warning | Info
    messages: dict = field(default_factory=dict)  # lang -> text
    shape: str | None = None
    term: object = None  # the offending value as an rdflib term, for the RDF report

    def message(self, lang: str) -> str:
        return (self.messages.get(lang) or self.messages.get("en") or self.messages.get("id")
                or next(iter(self.messages.values()), ""))

    def as_dict(self) -> dict:
        return {"entity": self.entity, "path": self.path, "value": self.value, "severity": self.severity,
                "messages": self.messages, "shape": self.shape}


@dataclass
class ContributionReport:
    problems: list[Problem]
    report_graph: rdflib.Graph

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "Violation"]

    @property
    def blocking(self) -> bool:
        return bool(self.violations)

    @property
    def state(self) -> str:
        return "violations" if self.violations else "warnings" if self.problems else "conforms"

    def summary(self) -> dict:
        return {"state": self.state, "problems": [p.as_dict() for p in self.problems]}

    def to_rdf(self, syntax: str = "turtle") -> bytes:
        fmt = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}.get(syntax, "turtle")
        return self.report_graph.serialize(format=fmt, encoding="utf-8")


def validate_contribution(store, changes: ChangeSet, *, validate=None) -> ContributionReport:
    if validate is None:
        from .validation import validate
    data, extra = after_change(store, changes)
    report = validate(data, extra=extra, focus_only=True)
    relevant = {s.value for s in changes.subjects()}
    problems = [p for p in (_problem(r) for r in report.results) if p.entity in relevant]
    problems += policy_problems(changes)
    problems.sort(key=lambda p: (p.severity != "Violation", p.entity, p.path or ""))
    return ContributionReport(problems, report_graph(problems))


def after_change(store, changes: ChangeSet) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(data, extra): the touched entities as they will look after the change, and the types, labels and
    schemes of the resources they point at (so references resolve). Both bounded by the change's size."""
    triples: set[ox.Triple] = set()
    describe, reference = queries.load("contribution_describe"), queries.load("contribution_reference")
    for subject in changes.subjects():
        triples.update(store.construct(describe, {"s": subject}))
    triples.difference_update(changes.remove)
    triples.update(changes.add)
    subjects = {t.subject for t in triples}
    targets = {t.object for t in triples if isinstance(t.object, ox.NamedNode) and t.object not in subjects
               and t.predicate.value != RDF_TYPE}
    context: set[ox.Triple] = set()
    for target in sorted(targets, key=str)[:MAX_REFERENCES]:
        context.update(store.construct(reference, {"o": target}))
    return _rdflib(triples), _rdflib(context)


def _rdflib(triples) -> rdflib.Graph:
    graph = rdflib.Graph()
    if triples:
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def policy_problems(changes: ChangeSet) -> list[Problem]:
    problems = []
    for subject in changes.subjects():
        if subject.value.startswith(PROTECTED_PREFIXES):
            problems.append(Problem(subject.value, None, None, "Violation", {
                "id": "Kontribusi tidak boleh mengubah ontologi, graf, atau catatan provenans coopkg.",
                "en": "A contribution may not change the ontology, the graphs or coopkg's provenance records."},
                "urn:coopkg:policy:protected"))
    return problems


def _problem(result) -> Problem:
    """One result of coopkg.graph.validation.validate as a Problem."""
    messages = _messages(result)
    severity = str(getattr(result, "severity", "Violation"))
    severity = severity.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or "Violation"
    path = getattr(result, "path", None)
    value = getattr(result, "value", None)
    shape = getattr(result, "source_shape", None)
    return Problem(str(result.focus_node), str(path) if path is not None else None,
                   _term_text(value) if value is not None else None, severity, messages,
                   str(shape) if shape is not None else None, value)


def _messages(result) -> dict:
    message = getattr(result, "message", None)
    if isinstance(message, dict):
        return {k or "en": str(v) for k, v in message.items()}
    messages = getattr(result, "messages", None)
    if isinstance(messages, dict):
        return {k or "en": str(v) for k, v in messages.items()}
    if callable(message):
        return {lang: str(message(lang)) for lang in ("id", "en")}
    if isinstance(messages, (list, tuple)):
        return {getattr(m, "language", None) or "en": str(m) for m in messages}
    return {"en": str(message)} if message else {}


def _term_text(term) -> str:
    return str(term)


def report_graph(problems: list[Problem]) -> rdflib.Graph:
    """A SHACL validation report (sh:ValidationReport) of the problems that concern the contribution."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(not any(p.severity == "Violation" for p in problems))))
    for problem in problems:
        node = rdflib.BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, rdflib.URIRef(problem.entity)))
        graph.add((node, SH.resultSeverity, SEVERITIES.get(problem.severity, SH.Violation)))
        if problem.path:
            graph.add((node, SH.resultPath, rdflib.URIRef(problem.path)))
        if problem.term is not None and not isinstance(problem.term, rdflib.BNode):
            graph.add((node, SH.value, problem.term))
        elif problem.value is not None:
            graph.add((node, SH.value, rdflib.Literal(problem.value)))
        if problem.shape:
            shape = rdflib.URIRef(problem.shape) if "://" in problem.shape or problem.shape.startswith("urn:") \
                else rdflib.Literal(problem.shape)
            graph.add((node, SH.sourceShape, shape))
        for lang, text in problem.messages.items():
            graph.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang)))
    return graph


def grouped(problems: list[Problem], label, lang: str) -> list[dict]:
    """Problems by entity, then by field, each message in `lang`: what the contributor reads.

    `label(iri)` names entities and properties in the user's language.
    """
    entities: dict[str, dict] = {}
    for problem in problems:
        entity = entities.setdefault(problem.entity, {"iri": problem.entity, "label": label(problem.entity),
                                                      "fields": {}})
        key = problem.path or ""
        field_ = entity["fields"].setdefault(key, {"path": problem.path,
                                                   "label": label(problem.path) if problem.path else None,
                                                   "problems": []})
        value = problem.value if problem.value != problem.entity else None  # "this entity" says it already
        field_["problems"].append({"severity": problem.severity, "message": problem.message(lang), "value": value})
    return [dict(e, fields=list(e["fields"].values())) for e in entities.values()]
