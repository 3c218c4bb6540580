"""/metrics: request counts, latencies, query timeouts and store size for Prometheus.

Only aggregates are shown (no paths, no client addresses, no query text), so it is public like /health.
"""
from flask import Blueprint, current_app, make_response

from ..metrics import metrics_of
from ..state import get_settings, get_store

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    body = metrics_of(current_app).render(get_store(), get_settings().data_dir)
    response = make_response(body)
    response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response
