"""How good is reconciliation on the curated graph? A labelled set of realistic variant names
(tests/fixtures/reconcile_gold.csv: how partners spell our entities, plus near-misses and names we do
not have) goes through /reconcile in OpenRefine-style batches. Printed: precision and recall of
`match: true`, and top-1 accuracy; asserted: floors, and that no near-miss is ever auto-matched.

Run with -s to see the numbers.
"""
import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopkg.graph.bootstrap import initialise
from coopkg.graph.reconcile import expand_id
from coopkg.graph.store import EmbeddedStore
from coopkg.service import create_app

GOLD = Path(__file__).resolve().parent / "fixtures" / "reconcile_gold.csv"

MATCH_PRECISION_FLOOR = 0.97
MATCH_RECALL_FLOOR = 0.70
TOP1_FLOOR = 0.90


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gold")
    store = EmbeddedStore(root / "store", min_workers=0, max_workers=1)
    initialise(store)
    yield store, create_app({"data_dir": str(root), "TESTING": True}, store=store).test_client()
    store.close()


def gold_rows():
    with open(GOLD, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_expected_entity_is_in_the_curated_graph(curated):
    store, _ = curated
    missing = [row["expected"] for row in gold_rows() if row["expected"] and
               not store.ask("ASK { ?s ?p ?o }", {"s": ox.NamedNode(expand_id(row["expected"]))})]
    assert not missing, f"the gold set names entities the curated graph no longer has: {missing}"


def test_precision_and_recall_on_the_gold_set(curated):
    _, client = curated
    rows = gold_rows()
    batch = {f"q{i}": ({"query": r["query"], "type": r["type"]} if r["type"] else {"query": r["query"]})
             for i, r in enumerate(rows)}
    results = {}
    keys = list(batch)
    for start in range(0, len(keys), 50):  # batches of 50, as a partner's tool might send them
        chunk = {k: batch[k] for k in keys[start:start + 50]}
        response = client.post("/reconcile", data={"queries": json.dumps(chunk)})
        assert response.status_code == 200
        results.update(response.get_json())

    positives = [(r, results[f"q{i}"]["result"]) for i, r in enumerate(rows) if r["expected"]]
    negatives = [(r, results[f"q{i}"]["result"]) for i, r in enumerate(rows) if not r["expected"]]
    matched = [(r, res[0]) for r, res in positives + negatives if res and res[0].get("match")]
    correct_matches = [(r, c) for r, c in matched if c["id"] == r["expected"]]
    false_matches = [(r["query"], c["id"]) for r, c in matched if c["id"] != r["expected"]]
    top1 = [r for r, res in positives if res and res[0]["id"] == r["expected"]]

    precision = len(correct_matches) / len(matched) if matched else 1.0
    recall = len(correct_matches) / len(positives)
    top1_accuracy = len(top1) / len(positives)
    missed = [r["query"] for r, res in positives if not (res and res[0]["id"] == r["expected"])]
    print(f"\nreconciliation on {len(rows)} labelled names ({len(positives)} ours, {len(negatives)} not ours):"
          f"\n  match:true  precision {precision:.3f}  recall {recall:.3f}  ({len(correct_matches)} right, "
          f"{len(false_matches)} wrong)\n  top-1 accuracy {top1_accuracy:.3f}; top-1 misses: {missed}")

    assert not false_matches, f"auto-matched to the wrong entity: {false_matches}"
    assert precision >= MATCH_PRECISION_FLOOR
    assert recall >= MATCH_RECALL_FLOOR
    assert top1_accuracy >= TOP1_FLOOR
    assert len(negatives) >= 15 and len(positives) >= 50  # the set stays big enough to mean something
