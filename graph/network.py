"""Who works with whom: a small graph of organisations, people, events and collaborations around
one resource (or a bounded sample of everything), as nodes and edges for the network page.

Around a focus: its positions (person - organisation; for a person also the colleagues in those
organisations), the activities it takes part in and the other
participants of each activity (capped), and its sub- and parent organisations. Without a focus: the
first few hundred participation and membership links.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .describe import CKG, describe
from .name_index import name_index

ORG_SUB = "http://www.w3.org/ns/org#subOrganizationOf"
MEMBER_OF = "http://www.w3.org/ns/org#memberOf"
MAX_ACTIVITIES = 40

KINDS = (  # checked in order; the first class a node belongs to names its kind
    ("person", CKG + "Person"),
    ("event", CKG + "Event"),
    ("collaboration", CKG + "Collaboration"),
    ("programme", CKG + "Programme"),
    ("organisation", CKG + "Organisation"),
)


@dataclass
class Network:
    focus: str | None
    nodes: dict[str, str] = field(default_factory=dict)  # iri -> kind
    edges: set[tuple[str, str, str]] = field(default_factory=set)  # (source, predicate, target)

    def add(self, source: str, predicate: str, target: str) -> None:
        if source != target:
            self.nodes.setdefault(source, "other")
            self.nodes.setdefault(target, "other")
            self.edges.add((source, predicate, target))


def build_network(store, focus: str | None) -> Network:
    network = Network(focus)
    if focus is None:
        for row in store.select(queries.load("network_overview")):
            network.add(row["a"].value, row["role"].value, row["b"].value)
    else:
        description = describe(store, focus)
        network.nodes[focus] = "other"
        for position in description.positions:
            network.add(position.person, MEMBER_OF, position.organisation)
        # Around a person: also the colleagues in the organisations they hold positions in.
        for organisation in list(dict.fromkeys(p.organisation for p in description.positions if p.person == focus))[:10]:
            for row in store.select(queries.load("network_members"), {"organisation": ox.NamedNode(organisation)}):
                network.add(row["person"].value, MEMBER_OF, organisation)
        for statement in description.outgoing:
            if statement.predicate == ORG_SUB and isinstance(statement.value, ox.NamedNode):
                network.add(focus, ORG_SUB, statement.value.value)
        for statement in description.incoming:
            if statement.predicate == ORG_SUB and isinstance(statement.value, ox.NamedNode):
                network.add(statement.value.value, ORG_SUB, focus)
        activities = [p.activity for p in description.participation]
        if not activities:  # the focus may itself be an activity
            activities = [focus]
        for activity in list(dict.fromkeys(activities))[:MAX_ACTIVITIES]:
            for row in store.select(queries.load("network_participants"), {"activity": ox.NamedNode(activity)}):
                network.add(activity, row["role"].value, row["b"].value)
    index = name_index(store)
    for iri in network.nodes:
        network.nodes[iri] = next((kind for kind, cls in KINDS if index.is_a(iri, [cls])), "other")
    return network
