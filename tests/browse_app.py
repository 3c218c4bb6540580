"""A Flask app on an embedded store holding tests/data/browse_fixture.trig (no server needed)."""
from pathlib import Path

from coopkg.graph.store.embedded import EmbeddedStore
from coopkg.service import create_app

FIXTURE = Path(__file__).parent / "data" / "browse_fixture.trig"
KG = "https://w3id.org/coopkg/id/"
CKG = "https://w3id.org/coopkg/ontology#"


def make_app(tmp_path, extra_files=(), **settings):
    store = EmbeddedStore(tmp_path / "store", min_workers=0)
    store.load(FIXTURE)
    for path in extra_files:
        store.load(path)
    app = create_app({"data_dir": str(tmp_path / "data"), "TESTING": True, **settings}, store=store)
    return app, store
