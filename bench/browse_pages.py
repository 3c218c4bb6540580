"""Time the browse and linked-data pages in-process on an existing data directory:

    COOPKG_DATA_DIR=var/big python -m coopkg.bench.browse_pages [--repeat 5]

Reports the one-off builds (name index, directory, dataset statistics) with the memory they add,
then the median time of an entity page, filtered directory pages (first and a deep page), search
and the network around an organisation, each through the Flask app (templates included).
"""
import argparse
import gc
import statistics
import time

import psutil

from coopkg.graph.directory import directory_index
from coopkg.graph.name_index import name_index
from coopkg.service import create_app
from coopkg.service.state import get_store


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = create_app({"TESTING": True})
    process = psutil.Process()
    with app.app_context():
        store = get_store()
        print(f"store: {store.triple_count():,} quads")
        for name, build in (("name index", lambda: name_index(store)), ("directory", lambda: directory_index(store))):
            gc.collect()
            before = process.memory_info().rss
            value, seconds = timed(build)
            print(f"build {name}: {seconds:.2f} s, +{(process.memory_info().rss - before) / 2**20:.0f} MiB, {len(getattr(value, '_iris', value)):,} entries")
        coop = directory_index(store).page("https://w3id.org/coopkg/ontology#Cooperative", {}, page_size=20).items[0]
        facets = directory_index(store).facets_of(coop)
        province = sorted(facets.get("province", {""}))[0].replace(app.extensions["coopkg"].settings.base_iri, "")
        path = coop.replace(app.extensions["coopkg"].settings.base_iri + "id/", "")
    client = app.test_client()
    html = {"Accept": "text/html"}
    pages = {
        "entity page": f"/doc/{path}",
        "entity as Turtle": f"/doc/{path}.ttl",
        "directory, filtered": f"/directory?class=Cooperative&province={province}",
        "directory, filtered, page 40": f"/directory?class=Cooperative&province={province}&page=40",
        "directory, two facets, by year": f"/directory?class=Cooperative&province={province}&status=concept/entry-status/running&sort=-year",
        "search": "/search?q=koperasi+sejahtera",
        "search, acronym": "/search?q=lpdb",
        "network around an organisation": f"/network?focus=id/{path}",
        "dataset page (after first)": "/dataset",
        "province page (many incoming)": f"/doc/{province.replace('id/', '', 1)}",
        "concept page (cooperative model)": "/doc/concept/cooperative-model/startup",
        "directory overview": "/directory/overview",
        "timeline (all)": "/timeline",
        "network overview": "/network",
        "ontology page": "/ontology",
    }
    client.get("/dataset", headers=html)  # statistics are computed once per generation
    for name, url in pages.items():
        times = []
        for _ in range(args.repeat):
            response, seconds = timed(lambda: client.get(url, headers=html))
            assert response.status_code == 200, (url, response.status_code)
            times.append(seconds)
        print(f"{name:34} median {statistics.median(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms  ({url})")


if __name__ == "__main__":
    main()
