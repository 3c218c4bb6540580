"""Does validating and accepting a contribution stay flat as the store grows? Measures both on stores
of several sizes built from the synthetic registry.

    python -m coopkg.bench.contributions [--sizes 20000 200000] [--runs 10]

For each size it prints how many triples validation read from the store, and the median time of: validating a correction of an existing cooperative (as it
will look after the change), validating a new event that references it, and accepting a contribution
(one store transaction with provenance). docs/contributions.md records a run.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from coopkg.graph.bootstrap import initialise
from coopkg.graph.changeset import ChangeSet
from coopkg.graph.contribution_validation import after_change, validate_contribution
from coopkg.graph.contributions import ContributionQueue
from coopkg.graph.provenance import accept
from coopkg.graph.store import EmbeddedStore
from coopkg.graph.synthetic import generate_file

CKG = "https://w3id.org/coopkg/ontology#"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
FIRST_COOP = f"SELECT ?c ?l WHERE {{ ?c a <{CKG}Cooperative> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} LIMIT 1"


def median_time(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(size: int, runs: int, workdir: Path) -> dict:
    data = workdir / f"registry-{size}.nq"
    generate_file(data, size)
    with EmbeddedStore(workdir / f"store-{size}", min_workers=0, max_workers=1) as store:
        initialise(store)
        store.load(data)
        row = store.select(FIRST_COOP)[0]
        coop, old = row["c"], row["l"]
        correction = ChangeSet([ox.Triple(coop, LABEL, ox.Literal(old.value + " Baru", language="id"))],
                               [ox.Triple(coop, LABEL, old)])
        event = ox.NamedNode("https://w3id.org/coopkg/id/event/bench-event")
        new_event = ChangeSet([
            ox.Triple(event, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CKG + "Workshop")),
            ox.Triple(event, LABEL, ox.Literal("Lokakarya Bench", language="id")),
            ox.Triple(event, ox.NamedNode("https://schema.org/startDate"), ox.Literal("2020-01-01", datatype=XSD_DATE)),
            ox.Triple(event, ox.NamedNode(CKG + "participatingOrganisation"), coop),
        ])
        validate_contribution(store, correction)  # parse shapes and ontology once
        queue = ContributionQueue(workdir / f"queue-{size}")
        ids = iter([queue.submit(new_event, name="bench").id for _ in range(runs)])
        data_part, context = after_change(store, correction)
        return {
            "triples": store.triple_count(),
            "read": len(data_part) + len(context),
            "validate correction": median_time(lambda: validate_contribution(store, correction), runs),
            "validate new event": median_time(lambda: validate_contribution(store, new_event), runs),
            "accept": median_time(lambda: accept(store, queue, next(ids), "bench"), runs),
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000, 200000])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(size, args.runs, Path(tmp)) for size in args.sizes]
    keys = ["validate correction", "validate new event", "accept"]
    print("| triples in store | triples read to validate the correction | " + " | ".join(keys) + " |")
    print("| ---: | ---: | " + " | ".join("---:" for _ in keys) + " |")
    for row in rows:
        print(f"| {row['triples']:,} | {row['read']} | " + " | ".join(f"{row[k] * 1000:.0f} ms" for k in keys) + " |")


if __name__ == "__main__":
    main()
