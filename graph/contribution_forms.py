"""Change sets from the contribution form, for people who do not write RDF.

Kinds: organisation, person (with a position), event (with participants), collaboration, correction
(of an existing entity). New entities get readable IRIs (kg:org/<slug>, ...). A reference to an
existing entity is its IRI (chosen from the autocomplete) or, without JavaScript, a name that the
name index resolves to exactly one entity of the expected type; anything else is a form error the
contributor can fix. Everything else (missing names, bad dates, an end before a start...) is left to
the SHACL shapes, so the form and uploads are checked by the same rules.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .changeset import ChangeSet
from .vocab import CKG, KG, KGC

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

KINDS = ("organisation", "person", "event", "collaboration", "correction")
ORGANISATION_TYPES = ("Cooperative", "Incubator", "CreativeHub", "Community", "YouthOrganisation", "GovernmentBody",
                      "Ministry", "GovernmentAgency", "RegionalGovernment", "RegionalGovernmentOffice", "University",
                      "UniversityUnit", "ResearchInstitute", "Company", "Investor", "Association", "Network",
                      "InternationalBody", "MediaOrganisation", "Organisation")
EVENT_TYPES = ("Event", "Workshop", "FocusGroupDiscussion", "CoordinationMeeting", "Discussion", "Seminar",
               "Festival", "Commemoration", "Visit", "Camp")
COLLABORATION_TYPES = ("Collaboration", "MemorandumOfUnderstanding", "Commitment", "FundingSupport",
                       "ResearchCooperation")
#: Concept schemes offered as choices, by form field.
SCHEMES = {"cooperative_model": "cooperative-model", "role": "role", "status": "collaboration-status"}
#: Fields a correction may add, and whether their value is a resource (True) or text (False).
CORRECTABLE = {
    "http://www.w3.org/2000/01/rdf-schema#label": False,
    SKOS + "altLabel": False,
    str(CKG.acronym): False,
    SCHEMA + "description": False,
    FOAF + "homepage": True,
    str(CKG.city): True,
    str(CKG.province): True,
    str(CKG.cooperativeModel): True,
    ORG + "subOrganizationOf": True,
    SCHEMA + "startDate": False,
    SCHEMA + "endDate": False,
    str(CKG.participantCount): False,
    "http://www.w3.org/2002/07/owl#sameAs": True,
}
DATE_PREDICATES = {SCHEMA + "startDate", SCHEMA + "endDate", DCTERMS + "date"}
MULTI = 4  # rows for repeated references (participants, parties, speakers)


@dataclass
class FormResult:
    changes: ChangeSet
    errors: list = field(default_factory=list)  # (field name, message key, {values})
    created: list = field(default_factory=list)  # IRIs of new entities


class Builder:
    """Turns one submitted form (a dict of field -> value, lists for repeated fields) into a change set."""

    def __init__(self, store, form: dict, lang: str = "id", resolve=None):
        self.store, self.form, self.lang = store, form, lang
        self.resolve_name = resolve  # (text, types) -> list of IRIs
        self.add: list[ox.Triple] = []
        self.remove: list[ox.Triple] = []
        self.errors: list = []
        self.created: list[str] = []

    # ---- helpers ----
    def value(self, name: str) -> str:
        raw = self.form.get(name, "")
        return (raw[0] if isinstance(raw, list) else raw or "").strip()

    def say(self, subject, predicate, obj) -> None:
        if obj is not None:
            self.add.append(ox.Triple(subject, _node(predicate), obj))

    def text(self, name: str, lang: str | None = None) -> ox.Literal | None:
        value = self.value(name)
        if not value:
            return None
        return ox.Literal(value, language=lang) if lang else ox.Literal(value)

    def mint(self, kind: str, name: str) -> ox.NamedNode:
        slug = slugify(name) or uuid.uuid4().hex[:8]
        exists = queries.load("contribution_entity_exists")
        candidate, n = slug, 1
        while self.store.ask(exists, {"s": ox.NamedNode(f"{KG}{kind}/{candidate}")}) or \
                f"{KG}{kind}/{candidate}" in self.created:
            n += 1
            candidate = f"{slug}-{n}"
        iri = f"{KG}{kind}/{candidate}"
        self.created.append(iri)
        return ox.NamedNode(iri)

    def reference(self, name: str, types) -> ox.NamedNode | None:
        """An existing entity from field `name` (its IRI in `name_iri`, or a name to look up)."""
        iri = self.value(name + "_iri")
        text = self.value(name)
        if iri:
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                node = None
            if node is not None and self.store.ask(queries.load("contribution_entity_exists"), {"s": node}):
                return node
        if not text:
            return None
        if text.startswith(("http://", "https://")):
            try:
                return ox.NamedNode(text)
            except ValueError:
                pass
        found = self.resolve_name(text, types) if self.resolve_name else []
        if len(found) == 1:
            return ox.NamedNode(found[0])
        self.errors.append((name, "contrib.form.not_found" if not found else "contrib.form.ambiguous", {"text": text}))
        return None

    def concept(self, name: str) -> ox.NamedNode | None:
        value = self.value(name)
        if not value:
            return None
        scheme = str(KGC) + SCHEMES[name] + "/"
        if not value.startswith(scheme):
            self.errors.append((name, "contrib.form.bad_choice", {"text": value}))
            return None
        return ox.NamedNode(value)

    def class_choice(self, name: str, allowed, default: str) -> ox.NamedNode | None:
        value = self.value(name)
        if not value:
            return None if default is None else ox.NamedNode(str(CKG) + default)
        local = value.rsplit("#", 1)[-1]
        if local not in allowed:
            self.errors.append((name, "contrib.form.bad_choice", {"text": value}))
            return None
        return ox.NamedNode(str(CKG) + local)

    def date(self, name: str) -> ox.Literal | None:
        value = self.value(name)
        if not value:
            return None
        datatype = "gYear" if re.fullmatch(r"\d{4}", value) else "date"
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    def integer(self, name: str) -> ox.Literal | None:
        value = self.value(name)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer")) if value else None

    def names(self, subject, name_field: str = "name") -> None:
        self.say(subject, RDFS_LABEL, self.text(name_field, "id"))
        self.say(subject, RDFS_LABEL, self.text(name_field + "_en", "en"))

    def description(self, subject) -> None:
        self.say(subject, SCHEMA + "description", self.text("description", self.lang))

    def homepage(self, subject) -> None:
        value = self.value("homepage")
        if value:
            self.say(subject, FOAF + "homepage", _iri_or_literal(value))

    # ---- kinds ----
    def organisation(self) -> None:
        org = self.mint("org", self.value("name"))
        self.say(org, RDF_TYPE, self.class_choice("type", ORGANISATION_TYPES, None))
        self.names(org)
        self.say(org, CKG.acronym, self.text("acronym"))
        self.say(org, CKG.cooperativeModel, self.concept("cooperative_model"))
        self.say(org, CKG.city, self.reference("city", [CKG.City, CKG.Regency]))
        self.say(org, CKG.province, self.reference("province", [CKG.Province]))
        self.say(org, ORG + "subOrganizationOf", self.reference("parent", [CKG.Organisation]))
        self.homepage(org)
        self.description(org)

    def person(self) -> None:
        person = self.mint("person", self.value("name"))
        self.say(person, RDF_TYPE, ox.NamedNode(str(CKG.Person)))
        self.names(person)
        self.say(person, CKG.honorificPrefix, self.text("honorific_prefix"))
        self.say(person, CKG.honorificSuffix, self.text("honorific_suffix"))
        self.description(person)
        organisation = self.reference("organisation", [CKG.Organisation])
        role, title = self.concept("role"), self.text("title", self.lang)
        if organisation is not None or role is not None or title is not None:
            position = self.mint("position", f"{self.value('name')} {organisation.value.rsplit('/', 1)[-1] if organisation else ''}")
            self.say(position, RDF_TYPE, ox.NamedNode(str(CKG.Position)))
            self.say(position, ORG + "member", person)
            self.say(position, ORG + "organization", organisation)
            self.say(position, ORG + "role", role)
            self.say(position, CKG.title, title)
            self.say(position, SCHEMA + "startDate", self.date("start"))
            self.say(position, SCHEMA + "endDate", self.date("end"))

    def event(self) -> None:
        event = self.mint("event", self.value("name"))
        self.say(event, RDF_TYPE, self.class_choice("type", EVENT_TYPES, "Event"))
        self.names(event)
        self.say(event, SCHEMA + "startDate", self.date("start"))
        self.say(event, SCHEMA + "endDate", self.date("end"))
        self.say(event, CKG.city, self.reference("city", [CKG.City, CKG.Regency]))
        self.say(event, SCHEMA + "organizer", self.reference("organizer", [CKG.Organisation]))
        for i in range(1, MULTI + 1):
            self.say(event, CKG.participatingOrganisation, self.reference(f"participant_{i}", [CKG.Organisation]))
            self.say(event, CKG.speaker, self.reference(f"speaker_{i}", [CKG.Person]))
        self.say(event, CKG.participantCount, self.integer("participant_count"))
        self.description(event)

    def collaboration(self) -> None:
        collaboration = self.mint("collaboration", self.value("name"))
        self.say(collaboration, RDF_TYPE, self.class_choice("type", COLLABORATION_TYPES, "Collaboration"))
        self.names(collaboration)
        for i in range(1, MULTI + 1):
            self.say(collaboration, CKG.party, self.reference(f"party_{i}", [CKG.Organisation, CKG.Person]))
        self.say(collaboration, CKG.collaborationStatus, self.concept("status"))
        self.say(collaboration, SCHEMA + "startDate", self.date("start"))
        self.say(collaboration, SCHEMA + "endDate", self.date("end"))
        self.description(collaboration)

    def correction(self) -> None:
        entity = self.reference("entity", None)
        if entity is None:
            if not self.errors:
                self.errors.append(("entity", "contrib.form.pick_entity", {}))
            return
        rows = sorted({k[len("old_"):] for k in self.form if k.startswith("old_")})
        for row in rows:
            old = parse_term(self.value("old_" + row))
            predicate = _iri(self.value("p_" + row))
            if old is None or predicate is None:
                continue
            new_text = self.value("v_" + row)
            if new_text == _term_text(old):
                continue
            self.remove.append(ox.Triple(entity, predicate, old))
            if new_text:
                self.add.append(ox.Triple(entity, predicate, _like(old, new_text)))
        for i in range(1, MULTI + 1):
            predicate, value = self.value(f"new_p_{i}"), self.value(f"new_v_{i}")
            if not predicate or not value:
                continue
            if predicate not in CORRECTABLE:
                self.errors.append((f"new_p_{i}", "contrib.form.bad_choice", {"text": predicate}))
                continue
            if CORRECTABLE[predicate]:
                obj = _iri_or_literal(value) if value.startswith(("http://", "https://")) else None
                if obj is None:
                    found = self.resolve_name(value, None) if self.resolve_name else []
                    if len(found) != 1:
                        self.errors.append((f"new_v_{i}", "contrib.form.not_found" if not found else "contrib.form.ambiguous",
                                            {"text": value}))
                        continue
                    obj = ox.NamedNode(found[0])
            elif predicate in DATE_PREDICATES:
                datatype = "gYear" if re.fullmatch(r"\d{4}", value) else "date"
                obj = ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
            elif predicate == str(CKG.participantCount):
                obj = ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
            else:
                obj = ox.Literal(value, language=self.lang)
            self.add.append(ox.Triple(entity, ox.NamedNode(predicate), obj))

    def build(self, kind: str) -> FormResult:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        getattr(self, kind)()
        return FormResult(ChangeSet(self.add, self.remove), self.errors, self.created)


def entity_fields(store, iri: str) -> list[dict]:
    """The current statements of an entity, as editable rows for a correction."""
    try:
        subject = ox.NamedNode(iri)
    except ValueError:
        return []
    rows = store.select(queries.load("contribution_entity_fields"), {"s": subject})
    fields = []
    for row in rows:
        predicate, obj = row["p"], row["o"]
        if isinstance(obj, ox.BlankNode) or predicate == RDF_TYPE:
            continue
        fields.append({"predicate": predicate.value, "old": str(obj), "text": _term_text(obj),
                       "is_iri": isinstance(obj, ox.NamedNode),
                       "lang": getattr(obj, "language", None) if isinstance(obj, ox.Literal) else None})
    return fields


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def parse_term(text: str):
    """One N-Triples term (as written in a hidden form field) back into a term, or None."""
    if not text:
        return None
    try:
        triples = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError):
        return None
    return triples[0].object if len(triples) == 1 else None


def _iri(text: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(text) if text else None
    except ValueError:
        return None


def _node(predicate) -> ox.NamedNode:
    return predicate if isinstance(predicate, ox.NamedNode) else ox.NamedNode(str(predicate))


def _term_text(term) -> str:
    return term.value


def _like(old, text: str):
    """A new value of the same kind as the old one: same language or datatype, or an IRI."""
    if isinstance(old, ox.NamedNode):
        return _iri_or_literal(text)
    if old.language:
        return ox.Literal(text, language=old.language)
    return ox.Literal(text, datatype=old.datatype)


def _iri_or_literal(text: str):
    """An IRI if the text is one; otherwise the text, which the shapes will report as not a link."""
    try:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text) and not re.search(r"\s", text):
            return ox.NamedNode(text)
    except ValueError:
        pass
    return ox.Literal(text)
