"""Accepting and reverting contributions: the store changes all at once, with PROV-O provenance.

Accept: the contribution's added statements go into their own graph, graph/contribution/<id>; each
statement it removes is deleted from every data graph that states it (never from the ontology, shapes
or provenance graphs); provenance goes into graph/provenance. All three happen in ONE store
transaction (store.add_quads), so the public graph shows all of it or none of it.

Crash safety: before the store is touched, the exact quads to add and remove are written to the queue
with the state `accepting` (SQLite, synchronous=FULL). The store transaction's last-written fact is the
marker `<graph/contribution/id> prov:generatedAtTime ...` in graph/provenance. After a crash,
recover() looks for the marker: present -> the transaction committed -> `accepted`; absent -> nothing
was applied -> `pending` again. Reverts work the same way with `reverting` and prov:invalidatedAtTime.

The revert rule: reverting contribution C restores exactly the state before C for everything C
touched. A later accepted contribution that touched an entity C touched (directly, or through another
such contribution) was made on top of C, so it is reverted with C, newest first, in the same
transaction. Without `cascade=True` such a revert is refused with the list of those contributions,
so a maintainer sees what else will be undone. Each contribution's own quads are undone exactly: its
added quads (in its own graph) are deleted, the quads it deleted are put back into the graphs they
were in. Provenance is never removed: the accept record stays, and the revert is recorded beside it.
"""
import os
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from . import queries
from .contributions import Contribution, ContributionQueue, WrongState
from .vocab import BASE, KG, KGC, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, SHAPES_GRAPH

CONTRIBUTION_GRAPH = BASE + "graph/contribution/"
#: Graphs a contribution may never remove statements from.
PROTECTED_GRAPHS = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), str(PROVENANCE_GRAPH)})
CRASH_ENV = "COOPKG_TEST_CRASH_POINT"
CRASH_POINTS = ("accept:intent-written", "accept:store-applied", "revert:intent-written", "revert:store-applied")

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
FOAF = "http://xmlns.com/foaf/0.1/"
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
APPROVER_ROLE = ox.NamedNode(str(KGC) + "contribution-role/approver")

_LOCK = threading.Lock()  # one accept or revert at a time in this process


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(PROV + local)


def contribution_graph(cid: str) -> str:
    return CONTRIBUTION_GRAPH + cid


def activity_iri(cid: str) -> str:
    return str(KG) + "contribution/" + cid


def maintainer_iri(name: str) -> str:
    return str(KG) + "maintainer/" + name


def crash_point(name: str) -> None:
    """Test hook: die here, like a killed process, if COOPKG_TEST_CRASH_POINT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(86)


class RevertConflict(WrongState):
    """Later contributions were made on top of this one; `later` lists them, newest first."""

    def __init__(self, cid: str, later: list[Contribution]):
        super().__init__(f"contribution {cid} was followed by {len(later)} accepted contribution(s) touching "
                         f"the same entities ({', '.join(c.id for c in later)}); revert them together "
                         "(cascade) or not at all")
        self.later = later


@dataclass
class Outcome:
    contribution: Contribution
    added: int
    removed: int
    also_reverted: tuple = ()


# ---- accept ----
def plan_accept(store, contribution: Contribution) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The exact quads accepting would add and remove, given the store as it is now."""
    graph = ox.NamedNode(contribution_graph(contribution.id))
    add = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in contribution.changes.add]
    remove = []
    query = queries.load("contribution_statement_graphs")
    for t in contribution.changes.remove:
        for row in store.select(query, {"s": t.subject, "p": t.predicate, "o": t.object}):
            g = row.get("g")
            if isinstance(g, ox.NamedNode) and g.value not in PROTECTED_GRAPHS:
                remove.append(ox.Quad(t.subject, t.predicate, t.object, g))
    return add, remove


def accept(store, queue: ContributionQueue, cid: str, maintainer: str, comment: str = "") -> Outcome:
    with _LOCK:
        contribution = queue.get(cid)
        if contribution.state != "pending":
            raise WrongState(f"contribution {cid} is {contribution.state}; only pending ones can be accepted")
        add, remove = plan_accept(store, contribution)
        now = time.time()
        exists = queries.load("contribution_entity_exists")
        revised = [s for s in contribution.changes.subjects() if store.ask(exists, {"s": s})]
        prov = accept_provenance(contribution, maintainer, now, revised)
        queue.transition(cid, "pending", "accepting", actor=maintainer, action="",
                         applied={"add": _nquads(add), "remove": _nquads(remove), "provenance": _nquads(prov)},
                         reviewer=maintainer, review_comment=comment, reviewed=now, accepted=now)
        crash_point("accept:intent-written")
        try:
            store.add_quads(add + prov, remove)
        except BaseException:
            # The store transaction is all-or-nothing: it did not happen, so the contribution waits again.
            queue.transition(cid, "accepting", "pending", actor=maintainer, action="accept failed")
            raise
        crash_point("accept:store-applied")
        queue.transition(cid, "accepting", "accepted", actor=maintainer, action="accepted", comment=comment)
        return Outcome(queue.get(cid), len(add), len(remove))


def reject(queue: ContributionQueue, cid: str, maintainer: str, comment: str = "") -> Contribution:
    """A rejected contribution stays on record (in the queue only; never in the store)."""
    queue.transition(cid, "pending", "rejected", actor=maintainer, action="rejected", comment=comment,
                     reviewer=maintainer, review_comment=comment, reviewed=time.time())
    return queue.get(cid)


def accept_provenance(contribution: Contribution, maintainer: str, now: float, revised) -> list[ox.Quad]:
    """PROV-O for one accepted contribution. The contributor appears by public name only."""
    cid = contribution.id
    pg = ox.NamedNode(str(PROVENANCE_GRAPH))
    graph, activity = ox.NamedNode(contribution_graph(cid)), ox.NamedNode(activity_iri(cid))
    agent = ox.NamedNode(activity_iri(cid) + "/contributor")
    approval = ox.NamedNode(activity_iri(cid) + "/approval")
    approver = ox.NamedNode(maintainer_iri(maintainer))
    revised = set(revised)
    triples = [
        (activity, RDF_TYPE, _p("Activity")),
        (activity, RDFS_LABEL, ox.Literal(f"Kontribusi {cid}", language="id")),
        (activity, RDFS_LABEL, ox.Literal(f"Contribution {cid}", language="en")),
        (activity, _p("startedAtTime"), _when(contribution.created)),
        (activity, _p("endedAtTime"), _when(now)),
        (activity, _p("wasAssociatedWith"), agent),
        (activity, _p("wasAssociatedWith"), approver),
        (activity, _p("qualifiedAssociation"), approval),
        (approval, RDF_TYPE, _p("Association")),
        (approval, _p("agent"), approver),
        (approval, _p("hadRole"), APPROVER_ROLE),
        (APPROVER_ROLE, RDF_TYPE, _p("Role")),
        (APPROVER_ROLE, RDFS_LABEL, ox.Literal("penyetuju", language="id")),
        (APPROVER_ROLE, RDFS_LABEL, ox.Literal("approver", language="en")),
        (agent, RDF_TYPE, _p("Agent")),
        (agent, ox.NamedNode(FOAF + "name"), ox.Literal(contribution.contributor_name)),
        (approver, RDF_TYPE, _p("Agent")),
        (approver, ox.NamedNode(FOAF + "nick"), ox.Literal(maintainer)),
        (graph, RDF_TYPE, _p("Entity")),
        (graph, RDF_TYPE, _p("Bundle")),
        (graph, _p("wasGeneratedBy"), activity),
        (graph, _p("wasAttributedTo"), agent),
    ]
    for subject in contribution.changes.subjects():
        triples.append((activity, _p("used") if subject in revised else _p("generated"), subject))
    # The marker recover() looks for; it commits in the same transaction as everything else.
    triples.append((graph, _p("generatedAtTime"), _when(now)))
    return [ox.Quad(s, p, o, pg) for s, p, o in triples]


# ---- revert ----
def later_dependents(queue: ContributionQueue, contribution: Contribution) -> list[Contribution]:
    """Accepted contributions made on top of this one (sharing an entity, transitively), newest first."""
    touched = {s.value for s in contribution.changes.subjects()}
    dependents = []
    for later in reversed(queue.accepted_after(contribution.accepted or 0)):  # oldest first
        subjects = {s.value for s in later.changes.subjects()}
        if subjects & touched:
            dependents.append(later)
            touched |= subjects
    return list(reversed(dependents))


def revert(store, queue: ContributionQueue, cid: str, maintainer: str, comment: str = "",
           cascade: bool = False) -> Outcome:
    with _LOCK:
        contribution = queue.get(cid)
        if contribution.state != "accepted":
            raise WrongState(f"contribution {cid} is {contribution.state}; only accepted ones can be reverted")
        later = later_dependents(queue, contribution)
        if later and not cascade:
            raise RevertConflict(cid, later)
        chain = later + [contribution]  # newest first
        to_add: dict[ox.Quad, None] = {}
        to_remove: dict[ox.Quad, None] = {}
        for item in chain:
            applied = item.applied or {}
            for quad in _parse_nquads(applied.get("add", "")):
                if quad in to_add:
                    del to_add[quad]
                else:
                    to_remove[quad] = None
            for quad in _parse_nquads(applied.get("remove", "")):
                if quad in to_remove:
                    del to_remove[quad]
                else:
                    to_add[quad] = None
        now = time.time()
        prov = [q for item in chain for q in revert_provenance(item.id, maintainer, now)]
        ids = [item.id for item in chain]
        queue.transition(ids, "accepted", "reverting", actor=maintainer, action="",
                         reverted_by=maintainer, revert_comment=comment, reverted=now)
        crash_point("revert:intent-written")
        try:
            store.add_quads(list(to_add) + prov, list(to_remove))
        except BaseException:
            queue.transition(ids, "reverting", "accepted", actor=maintainer, action="revert failed")
            raise
        crash_point("revert:store-applied")
        queue.transition(cid, "reverting", "reverted", actor=maintainer, action="reverted", comment=comment)
        for item in later:
            queue.transition(item.id, "reverting", "reverted", actor=maintainer, action="reverted",
                             comment=f"reverted together with {cid}" + (f": {comment}" if comment else ""))
        return Outcome(queue.get(cid), len(to_add), len(to_remove), tuple(item.id for item in later))


def revert_provenance(cid: str, maintainer: str, now: float) -> list[ox.Quad]:
    pg = ox.NamedNode(str(PROVENANCE_GRAPH))
    graph = ox.NamedNode(contribution_graph(cid))
    activity = ox.NamedNode(activity_iri(cid) + "/revert")
    approver = ox.NamedNode(maintainer_iri(maintainer))
    triples = [
        (activity, RDF_TYPE, _p("Activity")),
        (activity, RDFS_LABEL, ox.Literal(f"Pembatalan kontribusi {cid}", language="id")),
        (activity, RDFS_LABEL, ox.Literal(f"Revert of contribution {cid}", language="en")),
        (activity, _p("wasAssociatedWith"), approver),
        (activity, _p("endedAtTime"), _when(now)),
        (approver, RDF_TYPE, _p("Agent")),
        (approver, ox.NamedNode(FOAF + "nick"), ox.Literal(maintainer)),
        (graph, _p("wasInvalidatedBy"), activity),
        (graph, _p("invalidatedAtTime"), _when(now)),  # the marker recover() looks for
    ]
    return [ox.Quad(s, p, o, pg) for s, p, o in triples]


# ---- recovery ----
def recover(store, queue: ContributionQueue, *, min_age: float = 0.0) -> list[tuple[str, str]]:
    """Settle intents left by a crash; returns (id, new state) pairs.

    With an embedded store only one process can hold it, so every intent found is from a dead process
    (min_age 0). With a remote store another process may be mid-way: give it `min_age` seconds.
    """
    settled = []
    marker = queries.load("contribution_graph_marker")
    pg = ox.NamedNode(str(PROVENANCE_GRAPH))
    cutoff = time.time() - min_age
    for state, prop, done, undone in (("accepting", "generatedAtTime", "accepted", "pending"),
                                      ("reverting", "invalidatedAtTime", "reverted", "accepted")):
        for item in queue.in_state(state):
            if item.updated > cutoff:
                continue
            committed = store.ask(marker, {"pg": pg, "graph": ox.NamedNode(contribution_graph(item.id)),
                                           "marker": _p(prop)})
            target = done if committed else undone
            action = (done if committed else f"{state[:-3]} interrupted") + " (recovered after a restart)"
            queue.transition(item.id, state, target, actor="coopkg", action=action)
            settled.append((item.id, target))
    return settled


# ---- history ----
def entity_history(store, iri: str) -> list[dict]:
    """The accepted contributions that created or revised an entity, newest first: public facts only."""
    rows = store.select(queries.load("contribution_entity_history"),
                        {"pg": ox.NamedNode(str(PROVENANCE_GRAPH)), "entity": ox.NamedNode(iri)})
    history = []
    for row in rows:
        history.append({
            "activity": row["activity"].value,
            "graph": row["graph"].value,
            "id": row["graph"].value.rsplit("/", 1)[-1],
            "accepted": row["accepted"].value,
            "contributor": row["contributor"].value,
            "approver": row["approver"].value if "approver" in row else None,
            "reverted": row["reverted"].value if "reverted" in row else None,
            "created": "created" in row,
        })
    return history


def _when(ts: float) -> ox.Literal:
    return ox.Literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)), datatype=XSD_DATETIME)


def _nquads(quads) -> str:
    return (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode()


def _parse_nquads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)) if text else []


__all__ = ["CONTRIBUTION_GRAPH", "CRASH_ENV", "CRASH_POINTS", "Outcome", "RevertConflict", "accept",
           "accept_provenance", "activity_iri", "contribution_graph", "crash_point", "entity_history",
           "later_dependents", "plan_accept", "recover", "reject", "revert"]
