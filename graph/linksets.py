"""sameAs linksets between a partner dataset and ours: proposed by reconciliation, reviewed by a
maintainer, published as a VoID Linkset.

Proposals and review decisions are kept in the data directory (linksets/<partner>.json), not in the
store: nothing unreviewed ever reaches the public graph. `publish` replaces graph/linkset/<partner>
all-or-nothing with the accepted links (our entity owl:sameAs theirs, or skos:exactMatch where a
maintainer was not sure they are the same thing) and their VoID description: partner, counts, date.
Re-proposing keeps earlier decisions for the same pair, so a review is never lost.
"""
import datetime as dt
import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import partners as registry
from . import queries
from .reconcile import IDENTIFIER_SPACE, SCHEMA_SPACE, Reconciler
from .vocab import BASE, CKG, DCTERMS, LINKSET_GRAPH, OWL, PROV, RDF, SKOS, VOID, XSD

OUR_DATASET = BASE + "dataset"
SAME_AS = str(OWL.sameAs)
EXACT_MATCH = str(SKOS.exactMatch)
RELATIONS = {"sameAs": SAME_AS, "exactMatch": EXACT_MATCH}
STATUSES = ("proposed", "accepted", "rejected")
DEFAULT_MIN_SCORE = 50.0


@dataclass
class Link:
    partner_iri: str
    partner_label: str
    candidate: str  # our IRI
    candidate_label: str
    score: float
    match: bool
    status: str = "proposed"
    relation: str = "sameAs"
    reviewed_by: str = ""
    reviewed_at: str = ""
    alternatives: list = field(default_factory=list)  # [{"iri", "label", "score"}]

    @property
    def key(self) -> tuple[str, str]:
        return self.partner_iri, self.candidate


@dataclass
class Proposals:
    partner: str
    proposed_at: str = ""
    links: list[Link] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)  # partner entities with no candidate

    def counts(self) -> dict:
        out = {s: 0 for s in STATUSES}
        for link in self.links:
            out[link.status] += 1
        return out


class LinksetError(ValueError):
    """A link command cannot be carried out; the message says what to do instead."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def proposals_path(data_dir, partner: str) -> Path:
    return Path(data_dir) / "linksets" / f"{registry.check_name(partner)}.json"


def load_proposals(data_dir, partner: str) -> Proposals:
    path = proposals_path(data_dir, partner)
    if not path.exists():
        return Proposals(partner)
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Proposals(raw["partner"], raw.get("proposed_at", ""), [Link(**link) for link in raw.get("links", [])],
                     raw.get("unmatched", []))


def save_proposals(data_dir, proposals: Proposals) -> Path:
    """Written to a temporary file and renamed, so a crash never leaves half a review behind."""
    path = proposals_path(data_dir, proposals.partner)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"partner": proposals.partner, "proposed_at": proposals.proposed_at,
                               "links": [asdict(link) for link in proposals.links],
                               "unmatched": proposals.unmatched}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def partner_entities(store, partner: str) -> list[dict]:
    """One record per named partner entity: its IRI, first label, types and city names."""
    entities: dict[str, dict] = {}
    rows = store.select(queries.load("partner_entities"), {"g": ox.NamedNode(registry.partner_graph(partner))})
    for row in rows:
        record = entities.setdefault(row["s"].value, {"iri": row["s"].value, "labels": [], "types": set(),
                                                      "cities": set()})
        if row["label"].value not in record["labels"]:
            record["labels"].append(row["label"].value)
        if "type" in row:
            record["types"].add(row["type"].value)
        if "city" in row:
            record["cities"].add(row["city"].value)
    return list(entities.values())


def propose(store, data_dir, partner: str, *, min_score: float = DEFAULT_MIN_SCORE,
            progress=None) -> Proposals:
    """Reconcile every entity of the partner's graph against ours and keep the best candidate of each.

    `progress(done, total)` is called after each entity (the CLI shows a bar for large partners).
    """
    registry.require_partner(store, partner)
    previous = {link.key: link for link in load_proposals(data_dir, partner).links}
    reconciler = Reconciler(store, lang="id")
    result = Proposals(partner, _now())
    entities = partner_entities(store, partner)
    for done, entity in enumerate(entities, start=1):
        if progress:
            progress(done, len(entities))
        candidates = _reconcile_entity(reconciler, entity)
        good = [c for c in candidates if c.score * 100 >= min_score]
        if not good:
            result.unmatched.append({"iri": entity["iri"], "label": entity["labels"][0]})
            continue
        top = good[0]
        link = Link(entity["iri"], entity["labels"][0], top.iri, top.name, round(top.score * 100, 2), top.match,
                    alternatives=[{"iri": c.iri, "label": c.name, "score": round(c.score * 100, 2)} for c in good[1:3]])
        earlier = previous.get(link.key)
        if earlier is not None and earlier.status != "proposed":
            link.status, link.relation = earlier.status, earlier.relation
            link.reviewed_by, link.reviewed_at = earlier.reviewed_by, earlier.reviewed_at
        result.links.append(link)
    save_proposals(data_dir, result)
    return result


def _reconcile_entity(reconciler: Reconciler, entity: dict):
    types = sorted(t for t in entity["types"] if t.startswith(SCHEMA_SPACE))
    constraints = [(str(CKG.city), sorted(entity["cities"]))] if entity["cities"] else []
    best = []
    for label in entity["labels"][:3]:
        hits = reconciler.hits(label, None, 30)  # one search; the typed view is a filter of it
        attempts = []
        if types:
            attempts.append(reconciler.rank(label, [h for h in hits if reconciler.index.is_a(h.iri, types)],
                                            constraints, 3))
        if not attempts or not attempts[0] or not attempts[0][0].match:
            # Partners classify coarsely ("Perguruan Tinggi" for a faculty): also rank without the type.
            attempts.append(reconciler.rank(label, hits, constraints, 3))
        for found in attempts:
            if found and (not best or found[0].score > best[0].score):
                best = found
    return best


def _select(proposals: Proposals, refs, *, matches: bool = False, min_score: float | None = None,
            status: str | None = None) -> list[Link]:
    """Links by 1-based number (as `review` lists them), partner IRI, or a rule (--matches, --min-score)."""
    chosen = []
    for ref in refs or ():
        ref = str(ref)
        if ref.isdigit() and 1 <= int(ref) <= len(proposals.links):
            chosen.append(proposals.links[int(ref) - 1])
            continue
        found = [link for link in proposals.links if ref in (link.partner_iri, link.candidate)]
        if not found:
            raise LinksetError(f"no proposed link {ref!r}; `coopkg link review {proposals.partner}` lists them")
        chosen.extend(found)
    for link in proposals.links:
        if status and link.status != status:
            continue
        if (matches and link.match) or (min_score is not None and link.score >= min_score):
            chosen.append(link)
    return list({id(link): link for link in chosen}.values())


def decide(data_dir, partner: str, refs=(), *, accept: bool, reviewer: str, relation: str = "sameAs",
           matches: bool = False, min_score: float | None = None) -> list[Link]:
    """Accept or reject links; a rule (matches/min_score) only touches links not yet reviewed."""
    if relation not in RELATIONS:
        raise LinksetError(f"relation must be one of {', '.join(RELATIONS)}")
    if not reviewer.strip():
        raise LinksetError("a review needs the reviewer's name (--by)")
    proposals = load_proposals(data_dir, partner)
    if not proposals.links:
        raise LinksetError(f"no proposals for {partner}; run `coopkg link propose {partner}` first")
    chosen = _select(proposals, refs, matches=matches, min_score=min_score, status="proposed")
    if not chosen:
        raise LinksetError("nothing selected: give link numbers or partner IRIs, --matches or --min-score")
    when = _now()
    for link in chosen:
        link.status = "accepted" if accept else "rejected"
        link.relation = relation if accept else link.relation
        link.reviewed_by, link.reviewed_at = reviewer.strip(), when
    _check_one_to_one(proposals)
    save_proposals(data_dir, proposals)
    return chosen


def _check_one_to_one(proposals: Proposals) -> None:
    """Two partner entities sameAs one of ours would merge them: refuse, name both."""
    by_candidate = defaultdict(list)
    for link in proposals.links:
        if link.status == "accepted" and link.relation == "sameAs":
            by_candidate[link.candidate].append(link.partner_iri)
    clashes = {c: p for c, p in by_candidate.items() if len(p) > 1}
    if clashes:
        candidate, partner_iris = next(iter(clashes.items()))
        raise LinksetError(f"{len(partner_iris)} partner entities ({', '.join(partner_iris)}) would be owl:sameAs "
                           f"<{candidate}>; reject all but one, or accept the others as exactMatch")


@dataclass
class Publication:
    graph: str
    links: int
    by_relation: dict


def linkset_iri(partner: str) -> str:
    return str(LINKSET_GRAPH[registry.check_name(partner)])


def publish(store, data_dir, partner: str) -> Publication:
    """Replace the partner's linkset graph with the accepted links and their VoID description."""
    info = registry.require_partner(store, partner)
    proposals = load_proposals(data_dir, partner)
    accepted = [link for link in proposals.links if link.status == "accepted"]
    if not accepted:
        raise LinksetError(f"no accepted links for {partner}; accept some with `coopkg link accept {partner} ...`")
    _check_one_to_one(proposals)
    graph = linkset_iri(partner)
    triples, by_relation = [], defaultdict(int)
    for link in accepted:
        triples.append(ox.Triple(ox.NamedNode(link.candidate), ox.NamedNode(RELATIONS[link.relation]),
                                 ox.NamedNode(link.partner_iri)))
        by_relation[link.relation] += 1
    triples += _void(graph, info, by_relation, sorted({link.reviewed_by for link in accepted if link.reviewed_by}))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    from .formats import rdf_syntax
    store.load_data(data, rdf_syntax("ntriples"), graph=graph, replace=True)
    return Publication(graph, len(accepted), dict(by_relation))


def _void(graph: str, info: registry.Partner, by_relation: dict, reviewers: list[str]) -> list[ox.Triple]:
    n = lambda term: ox.NamedNode(str(term))  # noqa: E731
    now = ox.Literal(_now(), datatype=n(XSD.dateTime))
    out = []
    for relation, count in sorted(by_relation.items()):
        linkset = ox.NamedNode(graph if relation == "sameAs" else f"{graph}#{relation}")
        out += [
            ox.Triple(linkset, n(RDF.type), n(VOID.Linkset)),
            ox.Triple(linkset, n(DCTERMS.title), ox.Literal(f"Links from coopkg to {info.title} ({relation})", language="en")),
            ox.Triple(linkset, n(VOID.subjectsTarget), ox.NamedNode(OUR_DATASET)),
            ox.Triple(linkset, n(VOID.objectsTarget), ox.NamedNode(info.iri)),
            ox.Triple(linkset, n(VOID.target), ox.NamedNode(OUR_DATASET)),
            ox.Triple(linkset, n(VOID.target), ox.NamedNode(info.iri)),
            ox.Triple(linkset, n(VOID.linkPredicate), ox.NamedNode(RELATIONS[relation])),
            ox.Triple(linkset, n(VOID.triples), ox.Literal(str(count), datatype=n(XSD.integer))),
            ox.Triple(linkset, n(DCTERMS.modified), now),
            ox.Triple(linkset, n(PROV.wasDerivedFrom), ox.NamedNode(info.graph)),
        ]
        out += [ox.Triple(linkset, n(DCTERMS.contributor), ox.Literal(r)) for r in reviewers]
    return out


def import_links(store, data_dir, partner: str, path, *, reviewer: str) -> int:
    """Links a maintainer already knows (e.g. Wikidata identifiers), from a CSV with columns `ours`,
    `theirs` and optionally `relation` (sameAs or exactMatch) and `note`; they count as accepted.

    `ours` is a short id (org/kopkun), a kg: CURIE or a full IRI; `theirs` a full IRI or a CURIE with a
    known prefix (wd:Q252). Every row is checked before anything is saved.
    """
    import csv

    from .reconcile import expand_id
    from .tabular_mapping import MappingError, expand_curie
    registry.require_partner(store, partner)
    if not reviewer.strip():
        raise LinksetError("imported links need the reviewer's name (--by)")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or not {"ours", "theirs"} <= set(rows[0]):
        raise LinksetError(f"{Path(path).name}: needs a header with columns `ours` and `theirs`")
    proposals = load_proposals(data_dir, partner)
    existing = {link.key: link for link in proposals.links}
    when = _now()
    for number, row in enumerate(rows, start=2):
        ours = expand_id(row["ours"] or "")
        try:
            theirs = expand_curie((row["theirs"] or "").strip(), f"row {number}")
        except MappingError as exc:
            raise LinksetError(str(exc)) from exc
        relation = (row.get("relation") or "sameAs").strip()
        if relation not in RELATIONS:
            raise LinksetError(f"row {number}: relation {relation!r} is not sameAs or exactMatch")
        if not store.ask("ASK { ?s ?p ?o }", {"s": ox.NamedNode(ours)}):
            raise LinksetError(f"row {number}: <{ours}> is not in the graph")
        link = existing.get((theirs, ours)) or Link(theirs, (row.get("note") or "").strip(), ours, "", 100.0, True)
        link.status, link.relation, link.reviewed_by, link.reviewed_at = "accepted", relation, reviewer.strip(), when
        if link.key not in existing:
            proposals.links.append(link)
            existing[link.key] = link
    _check_one_to_one(proposals)
    save_proposals(data_dir, proposals)
    return len(rows)


def forget(data_dir, partner: str) -> bool:
    """Delete the proposals and review decisions of a partner (when the partner itself is removed)."""
    path = proposals_path(data_dir, partner)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def withdraw(store, partner: str) -> bool:
    """Remove the published linkset (proposals and decisions stay for a later publish)."""
    return store.drop_graph(linkset_iri(partner))


__all__ = ["IDENTIFIER_SPACE", "Link", "LinksetError", "Proposals", "Publication", "decide", "import_links", "linkset_iri",
           "load_proposals", "partner_entities", "propose", "publish", "save_proposals", "withdraw"]
