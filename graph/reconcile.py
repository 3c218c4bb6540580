"""Entity reconciliation (W3C Reconciliation Service API 0.2) over the curated graph.

Names are matched through the shared NameIndex (graph/name_index.py: case, accents, Indonesian
abbreviations, acronyms, alternative names, spelling variants). Only entities in our identifier space
(kg:) are candidates: partner entities live in the same store but are not ours to hand out.

Scores are 0..100. `match: true` is said only when the top candidate is clearly right:
- its name agrees with the query after normalisation (score >= MATCH_NAME_SCORE), word by word:
  every distinctive word of one has a near-identical word in the other, so "Kementerian Keuangan"
  never auto-matches "Kementerian Koperasi" nor "Dinas Koperasi Kab. Banyumas" a Purbalingga office;
- no property constraint given in the query contradicts what we know about it;
- it stands clearly above the runner-up (MATCH_GAP), or it is the only candidate whose name is
  exactly the query's, so namesakes are left to a person.

Identifiers: entities are short ids relative to the identifier space ("org/kopkun"); types and
properties are full IRIs (CURIEs such as "ckg:city" and a few plain aliases are accepted in input).
"""
from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .name_index import name_index
from .names import COMMON_WORDS, STOP_WORDS, normalise, similarity, token_similarity
from .vocab import CKG, KG, ONTOLOGY_IRI, PREFIXES

IDENTIFIER_SPACE = str(KG)
SCHEMA_SPACE = str(CKG)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMA_DESCRIPTION = "https://schema.org/description"
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"

# A public endpoint without a time limit: a batch must stay a few seconds of work even on a
# national-scale graph (OpenRefine sends 10 queries per batch by default).
MAX_QUERIES = 100  # per batch
MAX_IDS = 200  # per data-extension request
MAX_LIMIT = 50
DEFAULT_LIMIT = 5
MATCH_NAME_SCORE = 0.92
MATCH_GAP = 0.08
CONTRADICTION = 0.6  # a property whose best value agrees less than this contradicts a candidate
NAME_WEIGHT = 0.7

#: Plain names people use for the properties they constrain on (OpenRefine column names).
PROPERTY_ALIASES = {
    "city": str(CKG.city), "kota": str(CKG.city), "kabupaten": str(CKG.city), "kota/kabupaten": str(CKG.city),
    "province": str(CKG.province), "provinsi": str(CKG.province),
    "homepage": FOAF_HOMEPAGE, "website": FOAF_HOMEPAGE, "situs": FOAF_HOMEPAGE,
    "acronym": str(CKG.acronym), "singkatan": str(CKG.acronym),
    "type": RDF_TYPE, "jenis": RDF_TYPE,
}

#: Generic choices offered when nothing else is known.
DEFAULT_TYPES = ("Organisation", "Cooperative", "Person", "Event", "GovernmentBody", "University", "City")


class ReconcileError(ValueError):
    """A malformed reconciliation request: 400 with this message."""


def short_id(iri: str) -> str:
    return iri[len(IDENTIFIER_SPACE):] if iri.startswith(IDENTIFIER_SPACE) else iri


def _valid_iri(iri: str, what: str) -> str:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ReconcileError(f"{what} {iri!r} is not a valid identifier ({exc})") from exc
    return iri


def expand_id(value: str) -> str:
    """An entity id as given by a client (short, full IRI or kg: CURIE) to a full IRI."""
    value = (value or "").strip()
    if value.startswith(("http://", "https://", "urn:")):
        return _valid_iri(value, "entity")
    if value.startswith("kg:"):
        value = value[3:]
    return _valid_iri(IDENTIFIER_SPACE + value.lstrip("/"), "entity")


def expand_term(value: str) -> str:
    """A type or property id (full IRI, CURIE, or alias) to a full IRI."""
    value = (value or "").strip()
    if value.casefold() in PROPERTY_ALIASES:
        return PROPERTY_ALIASES[value.casefold()]
    if value.startswith(("http://", "https://", "urn:")):
        return _valid_iri(value, "type or property")
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES:
        return _valid_iri(PREFIXES[prefix] + local, "type or property")
    if value and value.replace("_", "").isalnum():
        return _valid_iri(SCHEMA_SPACE + value, "type or property")  # "Cooperative" -> ckg:Cooperative
    raise ReconcileError(f"{value!r} is not a type or property identifier (use a full IRI or a CURIE like ckg:city)")


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# ---- the schema: labels of classes and properties, cached per store generation ----

@dataclass
class Schema:
    generation: int
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri -> lang -> label
    types: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)

    def label(self, iri: str, lang: str = "en") -> str:
        by_lang = self.labels.get(iri, {})
        for wanted in (lang, "en", "id", ""):
            if by_lang.get(wanted):
                return by_lang[wanted]
        return next(iter(by_lang.values()), local_name(iri))


_schemas: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_schema_lock = threading.Lock()


def schema(store) -> Schema:
    cached = _schemas.get(store)
    if cached is not None and cached.generation == store.generation:
        return cached
    with _schema_lock:
        result = Schema(store.generation)
        kinds: dict[str, str] = {}
        for row in store.select(queries.load("schema_terms")):
            iri = row["term"].value
            kinds.setdefault(iri, row["kind"].value)
            if "label" in row:
                result.labels.setdefault(iri, {})[getattr(row["label"], "language", None) or ""] = row["label"].value
        result.types = sorted(i for i, k in kinds.items() if k == "type")
        result.properties = sorted(i for i, k in kinds.items() if k == "property")
        _schemas[store] = result
        return result


# ---- entity facts ----

@dataclass
class Value:
    term: ox.NamedNode | ox.Literal | ox.BlankNode
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label, for resources

    def label(self, lang: str = "id") -> str:
        for wanted in (lang, "id", "en", ""):
            if self.labels.get(wanted):
                return self.labels[wanted]
        if self.labels:
            return next(iter(self.labels.values()))
        return self.term.value

    def texts(self) -> list[str]:
        return list(self.labels.values()) or [self.term.value]


def entity_values(store, iri: str) -> dict[str, list[Value]]:
    """property IRI -> values of one entity, with labels of resource values."""
    out: dict[str, dict[str, Value]] = {}
    for row in store.select(queries.load("entity_values"), {"s": ox.NamedNode(iri)}):
        term = row["o"]
        value = out.setdefault(row["p"].value, {}).setdefault(str(term), Value(term))
        if "label" in row:
            value.labels.setdefault(getattr(row["label"], "language", None) or "", row["label"].value)
    return {p: list(values.values()) for p, values in out.items()}


def _plain(text: str) -> str:
    """A web address or name compared without scheme, www., case and trailing slashes."""
    text = text.strip().casefold()
    for head in ("https://", "http://"):
        if text.startswith(head):
            text = text[len(head):]
    return text.removeprefix("www.").rstrip("/")


def value_agreement(given, values: list[Value]) -> float:
    """0..1: how well one given property value agrees with the best of a candidate's values."""
    best = 0.0
    for value in values:
        if isinstance(given, dict):
            try:
                if expand_id(str(given.get("id", ""))) == value.term.value:
                    return 1.0
            except ReconcileError:
                pass  # an id from another service: compare by name below
            given_text = str(given.get("name", ""))
            if not given_text:
                continue
        else:
            given_text = str(given).lower() if isinstance(given, bool) else str(given)
        for text in value.texts():
            if _plain(given_text) == _plain(text):
                return 1.0
            best = max(best, similarity(given_text, text))
    return best


def _distinctive(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in STOP_WORDS]


def words_agree(query_norm: str, name_norm: str) -> bool:
    """Every word that is not a stop word has a near-identical partner on the other side."""
    a, b = _distinctive(query_norm.split()), _distinctive(name_norm.split())
    if not a or not b:
        return False
    if "".join(a) == "".join(b):
        return True

    def covered(src, dst):
        return all(max((token_similarity(s, d) for d in dst), default=0.0) >= 0.85 or
                   (s in COMMON_WORDS and len(src) > 2) for s in src)
    return covered(a, b) and covered(b, a)


# ---- the service ----

@dataclass
class Candidate:
    iri: str
    name: str
    name_score: float
    matched: str
    types: tuple[str, ...]
    property_scores: dict[str, float | None] = field(default_factory=dict)
    description: str = ""
    score: float = 0.0
    match: bool = False


class Reconciler:
    def __init__(self, store, lang: str = "en"):
        self.store = store
        self.lang = lang
        self.schema = schema(store)
        self.index = name_index(store)

    # -- reconciliation --
    def reconcile_batch(self, batch) -> dict:
        if not isinstance(batch, dict):
            raise ReconcileError("`queries` must be a JSON object of query id -> query")
        if len(batch) > MAX_QUERIES:
            raise ReconcileError(f"a batch may hold at most {MAX_QUERIES} queries; this one holds {len(batch)}")
        return {key: {"result": [self._json(c) for c in self.reconcile(q)]} for key, q in batch.items()}

    def reconcile(self, query) -> list[Candidate]:
        if isinstance(query, str):
            query = {"query": query}
        if not isinstance(query, dict):
            raise ReconcileError("each query must be an object with a `query` string")
        text = query.get("query")
        props = query.get("properties") or []
        if text is not None and not isinstance(text, str):
            raise ReconcileError("`query` must be a string")
        if not isinstance(props, list) or not all(isinstance(p, dict) and "pid" in p and "v" in p for p in props):
            raise ReconcileError("`properties` must be a list of {\"pid\": ..., \"v\": ...}")
        if not (text or "").strip() and not props:
            raise ReconcileError("a query needs a `query` string or `properties`")
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, (int, float)) or isinstance(limit, bool) or not math.isfinite(limit) or limit < 1:
            raise ReconcileError("`limit` must be a positive number")
        limit = int(min(limit, MAX_LIMIT))
        types = query.get("type")
        types = [types] if isinstance(types, str) else (types or [])
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise ReconcileError("`type` must be a type id or a list of type ids")
        type_iris = [expand_term(t) for t in types]
        constraints = [(expand_term(p["pid"]), p["v"] if isinstance(p["v"], list) else [p["v"]]) for p in props]
        if not (text or "").strip():
            text = next((str(v[0]) for pid, v in constraints if v and not isinstance(v[0], dict)), "")
        hits = self.hits(text, type_iris, max(limit * 3, 15))
        return self.rank(text, hits, constraints, limit)

    def hits(self, text: str, types: list[str] | None, limit: int):
        """Name-index hits among our own entities (never a partner's)."""
        found = self.index.search(text, types=types or None, limit=limit, lang=self.lang)
        return [h for h in found if h.iri.startswith(IDENTIFIER_SPACE)]

    def rank(self, text: str, hits, constraints, limit: int) -> list[Candidate]:
        """Candidates from name hits: property agreement, combined score, and the cautious match flag."""
        candidates = []
        for hit in hits[: max(limit * 2, 10)]:
            candidate = Candidate(hit.iri, hit.label, hit.score, hit.matched, hit.types)
            values = entity_values(self.store, hit.iri) if (constraints or len(candidates) < limit) else {}
            known = []
            for pid, wanted in constraints:
                have = values.get(pid, [])
                if pid == RDF_TYPE:
                    have = [Value(ox.NamedNode(t), {"": self.schema.label(t, self.lang)}) for t in hit.types]
                agreement = max((value_agreement(v, have) for v in wanted), default=0.0) if have else None
                candidate.property_scores[pid] = agreement
                if agreement is not None:
                    known.append(agreement)
            candidate.score = (NAME_WEIGHT * hit.score + (1 - NAME_WEIGHT) * sum(known) / len(known)
                               if known else hit.score)
            candidate.description = self._describe(hit.types, values)
            candidates.append(candidate)
        candidates.sort(key=lambda c: (-c.score, -c.name_score, c.name.casefold()))
        candidates = candidates[:limit]
        if candidates:
            top = candidates[0]
            runner_up = candidates[1] if len(candidates) > 1 else None
            # An exact name (equal after normalisation) beats any inexact runner-up, however close
            # ("Universitas X" over "LPPM Universitas X"); otherwise the top must stand clearly apart.
            exact = top.name_score >= 1.0 and (runner_up is None or runner_up.name_score < 1.0)
            gap = top.score - (runner_up.score if runner_up else 0.0)
            top.match = (top.name_score >= MATCH_NAME_SCORE
                         and (words_agree(normalise(text), normalise(top.matched))
                              or normalise(text) == normalise(top.matched))
                         and all(s is None or s >= CONTRADICTION for s in top.property_scores.values())
                         and (gap >= MATCH_GAP or (exact and gap > 0)))
        return candidates

    def _describe(self, types, values) -> str:
        kinds = [self.schema.label(t, self.lang) for t in types if t.startswith(SCHEMA_SPACE)]
        places = [v.label("id") for p in (str(CKG.city), str(CKG.province)) for v in values.get(p, [])]
        return ", ".join(dict.fromkeys(kinds[:2] + places[:2]))

    def _json(self, c: Candidate) -> dict:
        features = [{"id": "name", "value": round(c.name_score, 4)}]
        features += [{"id": local_name(pid), "value": round(s, 4)} for pid, s in c.property_scores.items()
                     if s is not None]
        out = {"id": short_id(c.iri), "name": c.name, "score": round(c.score * 100, 2), "match": c.match,
               "type": [self.type_json(t) for t in c.types], "features": features}
        if c.description:
            out["description"] = c.description
        return out

    def type_json(self, iri: str) -> dict:
        return {"id": iri, "name": self.schema.label(iri, self.lang)}

    # -- suggest --
    def suggest_entities(self, prefix: str, types=None, limit: int = 10) -> list[dict]:
        type_iris = [expand_term(t) for t in ([types] if isinstance(types, str) else (types or []))]
        hits = self.index.search(prefix, types=type_iris or None, limit=limit * 2, lang=self.lang, min_score=0.3)
        out = []
        for hit in hits:
            if hit.iri.startswith(IDENTIFIER_SPACE):
                out.append({"id": short_id(hit.iri), "name": hit.label,
                            "notable": [self.type_json(t) for t in hit.types]})
                if hit.matched and hit.matched != hit.label:
                    out[-1]["description"] = hit.matched
        return out[:limit]

    def _suggest_terms(self, terms: list[str], prefix: str, limit: int) -> list[dict]:
        wanted = normalise(prefix)
        scored = []
        for iri in terms:
            names = [self.schema.label(iri, self.lang), local_name(iri),
                     *self.schema.labels.get(iri, {}).values()]
            best = 0.0
            for name in names:
                norm = normalise(name)
                if not wanted:
                    best = max(best, 0.5)
                elif norm.startswith(wanted) or norm.replace(" ", "").startswith(wanted.replace(" ", "")):
                    best = max(best, 1.0)
                elif wanted in norm:
                    best = max(best, 0.8)
                else:
                    best = max(best, similarity(wanted, norm, normalised=True) * 0.7)
            if best >= 0.5:
                scored.append((-best, self.schema.label(iri, self.lang).casefold(), iri))
        scored.sort()
        return [{"id": iri, "name": self.schema.label(iri, self.lang),
                 "description": iri} for _, _, iri in scored[:limit]]

    def suggest_types(self, prefix: str, limit: int = 10) -> list[dict]:
        return self._suggest_terms(self.schema.types or [str(CKG[t]) for t in DEFAULT_TYPES], prefix, limit)

    def suggest_properties(self, prefix: str, limit: int = 10) -> list[dict]:
        extra = [str(CKG.city), str(CKG.province), FOAF_HOMEPAGE, SCHEMA_DESCRIPTION, RDF_TYPE,
                 "http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#altLabel"]
        return self._suggest_terms(sorted(set(self.schema.properties) | set(extra)), prefix, limit)

    def default_types(self) -> list[dict]:
        present = set(self.schema.types)
        return [self.type_json(str(CKG[t])) for t in DEFAULT_TYPES if not present or str(CKG[t]) in present]

    # -- preview --
    def preview(self, entity_id: str) -> dict | None:
        iri = expand_id(entity_id)
        labels = self.index.labels_of(iri)
        values = entity_values(self.store, iri)
        if not labels and not values:
            return None
        hit_types = self.index.types_of(iri) or tuple(v.term.value for v in values.get(RDF_TYPE, []))
        name = next((t for t, lang, kind in labels if kind == 0 and lang == self.lang), None) or \
            next((t for t, lang, kind in labels if kind == 0), None) or local_name(iri)
        descriptions = values.get(SCHEMA_DESCRIPTION, [])
        description = next((v.term.value for v in descriptions if getattr(v.term, "language", None) == self.lang),
                           descriptions[0].term.value if descriptions else "")
        return {"iri": iri, "id": short_id(iri), "name": name,
                "types": [self.schema.label(t, self.lang) for t in hit_types],
                "alt_names": sorted({t for t, _, kind in labels if kind != 0 and t != name}),
                "places": [v.label("id") for p in (str(CKG.city), str(CKG.province)) for v in values.get(p, [])],
                "description": description,
                # Only web addresses become links (a javascript: IRI must never reach an href).
                "homepage": next((v.term.value for v in values.get(FOAF_HOMEPAGE, [])
                                  if v.term.value.startswith(("http://", "https://"))), "")}

    # -- data extension --
    def propose_properties(self, type_id: str, limit: int = 20) -> dict:
        type_iri = expand_term(type_id)
        rows = self.store.select(queries.load("properties_of_type"), {"type": ox.NamedNode(type_iri)})
        props = [r["p"].value for r in rows if r["p"].value not in (RDF_TYPE,)]
        return {"type": type_iri, "limit": limit,
                "properties": [{"id": p, "name": self.schema.label(p, self.lang)} for p in props[:limit]]}

    def extend(self, request) -> dict:
        if not isinstance(request, dict) or not isinstance(request.get("ids"), list) or \
                not isinstance(request.get("properties"), list):
            raise ReconcileError("`extend` must be {\"ids\": [...], \"properties\": [{\"id\": ...}]}")
        if len(request["ids"]) > MAX_IDS:
            raise ReconcileError(f"at most {MAX_IDS} ids per extension request")
        props = []
        for prop in request["properties"]:
            if not isinstance(prop, dict) or not isinstance(prop.get("id"), str):
                raise ReconcileError("each property must be {\"id\": \"...\"}")
            settings = prop.get("settings") or {}
            if not isinstance(settings, dict):
                raise ReconcileError("a property's `settings` must be an object")
            limit = settings.get("limit", 0)
            props.append((prop["id"], expand_term(prop["id"]), int(limit) if str(limit).isdigit() else 0))
        meta = [{"id": pid, "name": self.schema.label(iri, self.lang)} for pid, iri, _ in props]
        rows = {}
        for entity_id in request["ids"]:
            if not isinstance(entity_id, str):
                raise ReconcileError("ids must be strings")
            values = entity_values(self.store, expand_id(entity_id))
            row = {}
            for pid, iri, limit in props:
                cells = [self._cell(v) for v in values.get(iri, [])]
                row[pid] = cells[:limit] if limit else cells
            rows[entity_id] = row
        return {"meta": meta, "rows": rows}

    def _cell(self, value: Value) -> dict:
        term = value.term
        if isinstance(term, ox.NamedNode):
            if value.labels or term.value.startswith(IDENTIFIER_SPACE):
                return {"id": short_id(term.value), "name": value.label(self.lang)}
            return {"str": term.value}
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value.rsplit("#", 1)[-1]
            if datatype in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"):
                try:
                    return {"int": int(term.value)}
                except ValueError:
                    pass
            if datatype in ("decimal", "double", "float"):
                try:
                    return {"float": float(term.value)}
                except ValueError:
                    pass
            if datatype == "dateTime" and len(term.value) >= 19:
                return {"date": term.value if term.value[19:] else term.value + "Z"}
            if datatype == "date" and len(term.value) == 10:
                return {"date": term.value + "T00:00:00Z"}
            return {"str": term.value}
        return {"str": str(term)}


def manifest(service_url: str, view_url: str, store, lang: str = "en") -> dict:
    """The service manifest; `service_url` is this service's /reconcile address."""
    reconciler = Reconciler(store, lang)
    return {
        "versions": ["0.2"],
        "name": "Cooperative Innovation Knowledge Graph (coopkg)",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": ONTOLOGY_IRI,
        "view": {"url": view_url},
        "defaultTypes": reconciler.default_types(),
        "preview": {"url": service_url + "/preview?id={{id}}", "width": 420, "height": 180},
        "suggest": {
            "entity": {"service_url": service_url, "service_path": "/suggest/entity",
                       "flyout_service_path": "/flyout?id=${id}"},
            "type": {"service_url": service_url, "service_path": "/suggest/type"},
            "property": {"service_url": service_url, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": service_url, "service_path": "/propose_properties"},
            "property_settings": [{"name": "limit", "label": "Limit", "type": "number", "default": 0,
                                   "help_text": "Most values to fetch per entity (0: all)"}],
        },
    }
