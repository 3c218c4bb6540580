"""A change set: the triples a contribution adds and the triples it removes.

Change sets come from RDF uploads (Turtle, JSON-LD, RDF/XML, N-Triples: everything is added; TriG and
N-Quads may also remove, by putting triples in the graph REMOVE_GRAPH) or from the contribution form
(coopkg.graph.contribution_forms). Parsing never fetches anything: pyoxigraph refuses remote JSON-LD
contexts and external XML entities. Blank nodes are replaced by fresh IRIs under GENID, so every
statement can later be removed again exactly (SPARQL DELETE DATA cannot name a blank node).
"""
import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from .formats import RdfSyntax, rdf_syntax
from .vocab import BASE

ADD_GRAPH = "urn:coopkg:changeset:add"
REMOVE_GRAPH = "urn:coopkg:changeset:remove"
GENID = BASE + "id/genid/"
UPLOAD_BASE = BASE + "id/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class ChangeSetError(ValueError):
    """The upload cannot become a change set; `message` is for the contributor."""


class ChangeSetTooLarge(ChangeSetError):
    pass


@dataclass
class ChangeSet:
    add: list[ox.Triple] = field(default_factory=list)
    remove: list[ox.Triple] = field(default_factory=list)

    def __post_init__(self):
        self.add = _unique(self.add)
        self.remove = _unique(self.remove)
        both = set(self.add) & set(self.remove)
        if both:  # removing and adding the same statement changes nothing
            self.add = [t for t in self.add if t not in both]
            self.remove = [t for t in self.remove if t not in both]

    def __len__(self) -> int:
        return len(self.add) + len(self.remove)

    @property
    def is_empty(self) -> bool:
        return not self.add and not self.remove

    def subjects(self) -> list[ox.NamedNode]:
        """The entities whose description changes, in order of first appearance."""
        return _unique(t.subject for t in (*self.add, *self.remove) if isinstance(t.subject, ox.NamedNode))

    def referenced(self) -> list[ox.NamedNode]:
        """IRIs the added statements point at that the change set does not describe itself."""
        subjects = set(self.subjects())
        return _unique(t.object for t in self.add
                       if isinstance(t.object, ox.NamedNode) and t.object not in subjects
                       and t.predicate.value != RDF_TYPE)

    def to_nquads(self) -> str:
        """The change set as text, for the queue: additions and removals in two marker graphs."""
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ADD_GRAPH)) for t in self.add]
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(REMOVE_GRAPH)) for t in self.remove]
        return (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode()

    @classmethod
    def from_nquads(cls, text: str) -> "ChangeSet":
        add, remove = [], []
        for quad in ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS):
            (remove if quad.graph_name.value == REMOVE_GRAPH else add).append(quad.triple)
        return cls(add, remove)

    def to_turtle(self, which: str = "add", prefixes: dict | None = None) -> str:
        triples = self.add if which == "add" else self.remove
        return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes or {}) or b"").decode()


def _unique(items) -> list:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def syntax_for_upload(content_type: str | None, filename: str | None = None) -> RdfSyntax | None:
    """The RDF syntax of an upload, from its media type or else its file name."""
    if content_type:
        syntax = rdf_syntax(content_type.split(";")[0])
        if syntax:
            return syntax
    if filename and "." in filename:
        return rdf_syntax(filename.rsplit(".", 1)[1])
    return None


def parse_rdf(data: bytes | str, syntax: RdfSyntax, *, max_triples: int = 5000,
              base_iri: str = UPLOAD_BASE) -> ChangeSet:
    """Parse an upload into a change set, all or nothing; errors say what to fix."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    add, remove = [], []
    bnodes: dict[str, ox.NamedNode] = {}

    def skolem(term):
        if isinstance(term, ox.BlankNode):
            if term.value not in bnodes:
                bnodes[term.value] = ox.NamedNode(GENID + uuid.uuid4().hex)
            return bnodes[term.value]
        return term

    try:
        for quad in ox.parse(data, format=syntax.oxigraph, base_iri=base_iri):
            if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
                raise ChangeSetError("RDF-star quoted triples are not accepted in contributions.")
            triple = ox.Triple(skolem(quad.subject), quad.predicate, skolem(quad.object))
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph) or graph.value == ADD_GRAPH:
                add.append(triple)
            elif graph.value == REMOVE_GRAPH:
                remove.append(triple)
            else:
                raise ChangeSetError(
                    f"the graph {graph} is not allowed: put additions in the default graph (or <{ADD_GRAPH}>) "
                    f"and removals in <{REMOVE_GRAPH}>.")
            if len(add) + len(remove) > max_triples:
                raise ChangeSetTooLarge(f"a contribution may hold at most {max_triples} statements.")
    except SyntaxError as exc:
        raise ChangeSetError(_explain_syntax_error(str(exc), syntax)) from exc
    changes = ChangeSet(add, remove)
    if changes.is_empty:
        raise ChangeSetError("the upload holds no statements.")
    return changes


def _explain_syntax_error(message: str, syntax: RdfSyntax) -> str:
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        return ("remote JSON-LD contexts are not fetched: put the context inline in the document "
                "(\"@context\": { ... }).")
    if "ENTITY" in message or "DOCTYPE" in message:
        return f"XML entity declarations are not accepted ({message})."
    return f"this is not valid {syntax.name}: {message}"


def entity_diff(changes: ChangeSet, label) -> list[dict]:
    """Added and removed statements grouped by entity, with human labels (`label(iri)` names an IRI).

    [{"iri", "label", "rows": [{"op": "add"|"remove", "predicate", "predicate_label", "value",
      "value_label", "is_iri", "lang", "datatype"}]}], entities in order of first appearance.
    """
    entities: dict[str, dict] = {}
    for op, triples in (("remove", changes.remove), ("add", changes.add)):
        for t in triples:
            subject = t.subject.value
            entity = entities.setdefault(subject, {"iri": subject, "label": label(subject), "rows": []})
            is_iri = isinstance(t.object, ox.NamedNode)
            entity["rows"].append({
                "op": op,
                "predicate": t.predicate.value,
                "predicate_label": label(t.predicate.value),
                "value": t.object.value,
                "value_label": label(t.object.value) if is_iri else t.object.value,
                "is_iri": is_iri,
                "lang": getattr(t.object, "language", None) if not is_iri else None,
                "datatype": (t.object.datatype.value.rsplit("#", 1)[-1]
                             if not is_iri and not getattr(t.object, "language", None) else None),
            })
    for entity in entities.values():
        entity["rows"].sort(key=lambda r: (r["predicate"] != RDF_TYPE, r["predicate_label"], r["op"] == "add"))
    return list(entities.values())
