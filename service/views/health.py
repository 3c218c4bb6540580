"""/health: is the service up, which store, how many triples."""
from flask import Blueprint, jsonify

from ..state import get_store

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    status = get_store().status()
    ok = status.get("status") == "ok"
    body = {"status": "ok" if ok else "degraded", "store": status.get("kind"),
            "store_status": status.get("status"), "triples": status.get("triples")}
    return jsonify(body), 200 if ok else 503
