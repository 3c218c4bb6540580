"""How the benchmark reaches each coopkg feature, and whether that feature exists in this checkout.

A feature that has not landed yet (its URL answers 404, or its module is missing) is reported as
"not available" instead of failing the run.
"""
import json
from urllib.parse import urlencode

import pyoxigraph as ox

from coopkg.graph.synthetic import CKG, KG, _Entities

COOP = CKG + "Cooperative"


def sample_cooperatives(seed: int, count: int, n: int = 5) -> list[dict]:
    """`n` cooperatives spread over the generated registry (attributes recomputed from the seed)."""
    entities = _Entities(seed)
    return [entities.coop(k * max(count, 1) // n) for k in range(n)]


def sample_people(seed: int, count: int, n: int = 5) -> list[dict]:
    entities = _Entities(seed)
    return [entities.person(k * max(count, 1) // n) for k in range(n)]


def doc_path(iri_term: str) -> str:
    """`<https://w3id.org/coopkg/id/org/x>` -> `/doc/org/x` (the HTML page of an entity)."""
    return "/doc/" + iri_term.strip("<>")[len(KG):]


def page_candidates(base: str, seed: int, cooperatives: int) -> dict[str, list[list[tuple]]]:
    """For each page: alternative request lists (the first whose requests all answer 200 is used)."""
    coops = sample_cooperatives(seed, cooperatives)
    html = {"Accept": "text/html"}
    entity = [("GET", base + doc_path(c["iri"]), {"headers": html}) for c in coops]
    provinces = sorted({c["province"] for c in coops})
    from coopkg.graph.synthetic import slugify
    directory_filters = [
        # Facet values are IRIs relative to the base; one province and one model at a time.
        [("GET", f"{base}/directory?" + urlencode({"class": "Cooperative", "province": "id/place/" + slugify(c["province"]),
                                                  "model": "concept/cooperative-model/" + c["model"][0]}),
          {"headers": html}) for c in coops],
        [("GET", f"{base}/directory?{urlencode({'province': slugify(p)})}", {"headers": html}) for p in provinces],
        [("GET", f"{base}/directory?{urlencode({'province': KG + 'place/' + slugify(p)})}", {"headers": html})
         for p in provinces],
        [("GET", f"{base}/directory?{urlencode({'q': p})}", {"headers": html}) for p in provinces],
    ]
    words = sorted({" ".join(c["words"]).lower() for c in coops})
    search = [[("GET", f"{base}/search?{urlencode({'q': w})}", {"headers": html}) for w in words]]
    dataset = [[("GET", f"{base}/dataset", {"headers": html})]]
    return {"entity page": [entity], "filtered directory": directory_filters, "search": search,
            "dataset page": dataset}


def reconcile_batch(base: str, seed: int, cooperatives: int, persons: int, size: int = 100) -> tuple:
    """One POST of `size` reconciliation queries (W3C Reconciliation API): names as a partner has them."""
    queries = {}
    coops = sample_cooperatives(seed, cooperatives, n=size * 3 // 4)
    people = sample_people(seed, persons, n=size - len(coops))
    for n, c in enumerate(coops):
        name = c["label"].upper() if n % 3 == 0 else c["label"].replace("Koperasi", "Kop.") if n % 3 == 1 else c["label"]
        queries[f"q{n}"] = {"query": name, "type": COOP, "limit": 5}
    for n, p in enumerate(people, start=len(queries)):
        queries[f"q{n}"] = {"query": p["name"], "type": CKG + "Person", "limit": 5}
    return ("POST", base + "/reconcile", {"data": {"queries": json.dumps(queries)},
                                          "headers": {"Accept": "application/json"}}), len(queries)


def contribution_changes(seed: int, cooperatives: int, triples: int = 200):
    """A contribution of `triples` triples: a new cooperative with its board, and a correction to an
    existing one (so validation must read the store around it)."""
    from coopkg.graph.changeset import ChangeSet

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    a = ox.NamedNode(rdf + "type")
    existing = ox.NamedNode(sample_cooperatives(seed, cooperatives, 1)[0]["iri"].strip("<>"))
    coop = ox.NamedNode(KG + "org/kopbench-kontribusi-uji")
    add = [
        ox.Triple(existing, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                  ox.Literal("Koperasi Uji Koreksi", language="id")),
        ox.Triple(coop, a, ox.NamedNode(COOP)),
        ox.Triple(coop, label, ox.Literal("Koperasi Pekerja Kontribusi Uji", language="id")),
        ox.Triple(coop, ox.NamedNode(CKG + "cooperativeModel"),
                  ox.NamedNode("https://w3id.org/coopkg/concept/cooperative-model/worker")),
        ox.Triple(coop, ox.NamedNode(CKG + "city"), ox.NamedNode(KG + "place/banyumas-regency")),
        ox.Triple(coop, ox.NamedNode(CKG + "province"), ox.NamedNode(KG + "place/jawa-tengah")),
    ]
    n = 0
    while len(add) + 9 <= triples:
        person = ox.NamedNode(f"{KG}person/kontributor-uji-{n}")
        position = ox.NamedNode(f"{KG}position/kontribusi-uji-{n}")
        add += [
            ox.Triple(person, a, ox.NamedNode(CKG + "Person")),
            ox.Triple(person, label, ox.Literal(f"Kontributor Uji {n}", language="id")),
            ox.Triple(position, a, ox.NamedNode(CKG + "Position")),
            ox.Triple(position, ox.NamedNode("http://www.w3.org/ns/org#member"), person),
            ox.Triple(position, ox.NamedNode("http://www.w3.org/ns/org#organization"), coop),
            ox.Triple(position, ox.NamedNode("http://www.w3.org/ns/org#role"),
                      ox.NamedNode("https://w3id.org/coopkg/concept/role/board-member")),
            ox.Triple(position, ox.NamedNode(CKG + "title"), ox.Literal("Anggota Pengurus", language="id")),
            ox.Triple(position, ox.NamedNode("https://schema.org/startDate"),
                      ox.Literal(f"20{10 + n % 15}-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
            ox.Triple(position, ox.NamedNode("https://schema.org/description"),
                      ox.Literal(f"Pengurus nomor {n}", language="id")),
        ]
        n += 1
    while len(add) < triples:
        add.append(ox.Triple(coop, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                             ox.Literal(f"Kopkerja Uji {len(add)}", language="id")))
    return ChangeSet(add=add)


def validator():
    """The contribution validator, or None if it has not landed."""
    try:
        from coopkg.graph.contribution_validation import validate_contribution
        from coopkg.graph import validation  # noqa: F401  (the shapes validator it needs)
    except ImportError:
        return None
    return validate_contribution
