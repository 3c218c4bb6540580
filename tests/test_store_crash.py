"""All or nothing, also when `coopkg load` is killed in the middle of a file."""
import os
import signal
import subprocess
import time

import pytest

from coopkg.graph.store import EmbeddedStore
from servers import COOPKG

G = "http://example.org/graph/big"


def big_ntriples(path, n):
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    return path


def kill_mid_load(data_dir, args):
    """Start `coopkg load`, wait until its load is under way (a pending marker is on disk), kill it."""
    env = {**os.environ, "COOPKG_DATA_DIR": str(data_dir)}
    process = subprocess.Popen([COOPKG, "load", "--quiet", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pending = data_dir / "store" / "pending"
    deadline = time.monotonic() + 30
    while not (pending.exists() and any(pending.glob("*.json"))):
        assert process.poll() is None, f"load ended before it could be killed: {process.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)
    assert process.poll() is None, "the load finished before the kill; use a bigger file"
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
@pytest.mark.parametrize("replace", [False, True])
def test_a_killed_load_leaves_nothing_of_the_file(tmp_path, replace):
    data_dir = tmp_path / "data"
    small = tmp_path / "small.nt"
    small.write_text('<http://example.org/kept> <http://example.org/p> "kept" .\n')
    store = EmbeddedStore(data_dir / "store", min_workers=1, max_workers=1)
    store.load(small, graph=G if replace else "http://example.org/graph/other")
    before = store.triple_count()
    store.close()

    big = big_ntriples(tmp_path / "big.nt", 600_000)
    kill_mid_load(data_dir, [str(big), "--graph", G] + (["--replace"] if replace else []))

    store = EmbeddedStore(data_dir / "store", min_workers=1, max_workers=1)
    try:
        assert store.triple_count() == before
        assert store.ask('ASK { ?s ?p "kept" }')
        assert not store.ask('ASK { ?s ?p "value 1" }')
        assert not any(g.startswith("urn:coopkg:staging:") for g in store.named_graphs())
    finally:
        store.close()
