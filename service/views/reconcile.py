"""/reconcile: the W3C Reconciliation Service API 0.2 (usable from OpenRefine).

GET or POST /reconcile with no parameters answers the manifest; with `queries` (a JSON batch, as
OpenRefine sends it in a form field) the candidates; with `extend` the data extension. Suggest,
preview, flyout and propose_properties live under /reconcile/... as the manifest says. Every JSON
answer carries CORS headers (no JSONP); previews may be framed, since clients show them in iframes.
"""
import json

from flask import Blueprint, g, jsonify, make_response, render_template, request, url_for

from coopkg.graph.reconcile import ReconcileError, Reconciler, manifest

from ..errors import HttpError
from ..i18n import t
from ..security import allow_cross_origin
from ..state import get_store

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
               "form-action 'none'; frame-ancestors *")


@bp.after_request
def _cors(response):
    return allow_cross_origin(response)


def _reconciler() -> Reconciler:
    return Reconciler(get_store(), lang=getattr(g, "lang", "en"))


def _param(name: str):
    """A parameter from the query string or a form body (OpenRefine posts forms)."""
    return request.values.get(name)


def _no_constants(token: str):
    raise ValueError(f"{token} is not a JSON number")


def _json_param(name: str):
    raw = _param(name)
    try:
        return json.loads(raw, parse_constant=_no_constants)  # NaN and Infinity are not JSON
    except (TypeError, ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise HttpError(400, f"`{name}` must be JSON: {exc}") from exc


def _int_param(name: str, default: int, most: int) -> int:
    raw = _param(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise HttpError(400, f"`{name}` must be a whole number") from exc
    if value < 0:
        raise HttpError(400, f"`{name}` must not be negative")
    return min(value, most)


def _service_url() -> str:
    return url_for("reconcile.endpoint", _external=True).rstrip("/")


@bp.route("", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def endpoint():
    if request.method == "OPTIONS":
        return "", 204
    try:
        if _param("queries") is not None:
            return jsonify(_reconciler().reconcile_batch(_json_param("queries")))
        if _param("extend") is not None:
            return jsonify(_reconciler().extend(_json_param("extend")))
        if _param("query") is not None:
            raw = _param("query")
            query = json.loads(raw, parse_constant=_no_constants) if raw.lstrip().startswith("{") else raw
            return jsonify(_reconciler().reconcile_batch({"q0": query})["q0"])
    except ReconcileError as exc:
        raise HttpError(400, str(exc)) from exc
    except (ValueError, RecursionError) as exc:
        raise HttpError(400, f"`query` must be a string or a JSON object: {exc}") from exc
    view = request.url_root + "id/{{id}}"
    return jsonify(manifest(_service_url(), view, get_store(), lang=getattr(g, "lang", "en")))


@bp.get("/suggest/entity")
def suggest_entity():
    prefix = _param("prefix") or ""
    cursor = _int_param("cursor", 0, 1000)
    limit = _int_param("limit", 10, 50) or 10
    types = request.values.getlist("type") or None
    try:
        found = _reconciler().suggest_entities(prefix, types, limit=cursor + limit)[cursor:]
    except ReconcileError as exc:
        raise HttpError(400, str(exc)) from exc
    return jsonify({"result": found})


@bp.get("/suggest/type")
def suggest_type():
    cursor = _int_param("cursor", 0, 1000)
    found = _reconciler().suggest_types(_param("prefix") or "", limit=cursor + 10)[cursor:]
    return jsonify({"result": found})


@bp.get("/suggest/property")
def suggest_property():
    cursor = _int_param("cursor", 0, 1000)
    found = _reconciler().suggest_properties(_param("prefix") or "", limit=cursor + 10)[cursor:]
    return jsonify({"result": found})


def _entity_or_404():
    entity_id = _param("id")
    if not entity_id:
        raise HttpError(400, "give the entity as ?id=, e.g. ?id=org/kopkun")
    try:
        entity = _reconciler().preview(entity_id)
    except ReconcileError as exc:
        raise HttpError(400, str(exc)) from exc
    if entity is None:
        raise HttpError(404, t("reconcile.preview.missing"))
    return entity


@bp.get("/preview")
def preview():
    entity = _entity_or_404()
    response = make_response(render_template("reconcile/preview.html", entity=entity,
                                                view_url=request.url_root + "id/" + entity["id"]))
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.get("/flyout")
def flyout():
    entity = _entity_or_404()
    html = render_template("reconcile/preview.html", entity=entity, view_url=request.url_root + "id/" + entity["id"])
    return jsonify({"id": entity["id"], "html": html})


@bp.get("/propose_properties")
def propose_properties():
    type_id = _param("type")
    if not type_id:
        raise HttpError(400, "give the type as ?type=, e.g. ?type=ckg:Cooperative")
    try:
        return jsonify(_reconciler().propose_properties(type_id, limit=_int_param("limit", 20, 60) or 20))
    except ReconcileError as exc:
        raise HttpError(400, str(exc)) from exc
