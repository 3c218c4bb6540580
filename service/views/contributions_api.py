"""POST /api/contributions for partners' scripts; GET /api/contributions/<id> for its status.

The body is either RDF (Turtle, JSON-LD, RDF/XML, N-Triples: statements to add; TriG or N-Quads may
also name statements to remove in the graph <urn:coopkg:changeset:remove>), with the contributor in
the query string (?name=&contact=&comment=), or a JSON envelope:
    {"contributor": {"name": "...", "contact": "..."}, "comment": "...",
     "format": "turtle", "add": "<RDF text>", "remove": "<RDF text>"}
Answers: 202 + Location (pending review), 422 + the SHACL validation report as RDF (violations),
400 (unreadable RDF or no name), 413 (too large), 415 (not RDF), 429 (too many submissions).
"""
from flask import Blueprint, jsonify, make_response, request, url_for

from coopkg.graph.changeset import ChangeSet, ChangeSetError, ChangeSetTooLarge, parse_rdf, syntax_for_upload
from coopkg.graph.contributions import NotFound
from coopkg.graph.formats import rdf_syntax

from .. import auth
from ..errors import HttpError
from . import _contrib

bp = Blueprint("contributions_api", __name__)
bp.record_once(lambda setup: _contrib.init_app(setup.app))

REPORT_SYNTAXES = {"text/turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "ntriples",
                   "application/rdf+xml": "rdfxml"}


@bp.post("/api/contributions")
def submit():
    settings = _contrib.get_settings()
    if (request.content_length or 0) > settings.contribution_max_bytes:
        raise HttpError(413, f"A contribution may be at most {settings.contribution_max_bytes} bytes.")
    auth.check_submit_rate()
    body = request.get_data(cache=False)
    if len(body) > settings.contribution_max_bytes:
        raise HttpError(413, f"A contribution may be at most {settings.contribution_max_bytes} bytes.")
    media_type = (request.mimetype or "").lower()
    if media_type == "application/json":
        changes, name, contact, comment = _from_envelope(body, settings.contribution_max_triples)
    else:
        syntax = syntax_for_upload(media_type)
        if syntax is None:
            raise HttpError(415, "Send RDF (text/turtle, application/ld+json, application/rdf+xml, "
                                 "application/n-triples, application/trig, application/n-quads) or a JSON envelope "
                                 "(application/json).")
        changes = _parse(body, syntax, settings.contribution_max_triples)
        name, contact, comment = (request.args.get(k, "") for k in ("name", "contact", "comment"))
    if not (name or "").strip():
        raise HttpError(400, "Give the contributor's name (?name=... or contributor.name in the JSON envelope).")
    _contrib.check_size(changes)
    report, contribution = _contrib.validate_and_submit(changes, name=name, contact=contact, comment=comment,
                                                        source="api")
    if contribution is None:
        syntax = REPORT_SYNTAXES.get(request.accept_mimetypes.best_match(list(REPORT_SYNTAXES), "text/turtle"),
                                     "turtle")
        response = make_response(report.to_rdf(syntax), 422)
        response.mimetype = rdf_syntax(syntax).media_type
        return response
    status_url = url_for("contributions_api.status", cid=contribution.id)
    payload = contribution.public_status() | {
        "status_url": status_url,
        "warnings": [p.as_dict() for p in report.warnings],
    }
    response = jsonify(payload)
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


@bp.get("/api/contributions/<cid>")
def status(cid):
    try:
        contribution = _contrib.queue().get(cid)
    except NotFound:
        raise HttpError(404, f"There is no contribution {cid!r}.")
    return jsonify(contribution.public_status())


def _parse(data, syntax, max_triples) -> ChangeSet:
    try:
        return parse_rdf(data, syntax, max_triples=max_triples)
    except ChangeSetTooLarge as exc:
        raise HttpError(413, str(exc))
    except ChangeSetError as exc:
        raise HttpError(400, str(exc))


def _from_envelope(body: bytes, max_triples: int):
    import json
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's parser goes
        raise HttpError(400, f"The JSON body cannot be read: {exc}")
    if not isinstance(envelope, dict):
        raise HttpError(400, "The JSON body must be an object.")
    syntax = rdf_syntax(str(envelope.get("format") or "turtle"))
    if syntax is None:
        raise HttpError(415, f"Unknown RDF format {envelope.get('format')!r}: use turtle, jsonld, rdfxml, ntriples.")
    add, remove = ChangeSet(), ChangeSet()
    for key in ("add", "remove"):
        text = envelope.get(key)
        if text in (None, ""):
            continue
        if not isinstance(text, str):
            raise HttpError(400, f"'{key}' must be RDF text in the given format.")
        parsed = _parse(text, syntax, max_triples)
        if key == "add":
            add = parsed
        else:
            remove = parsed
    if not add.add and not remove.add:
        raise HttpError(400, "The contribution holds no statements: give 'add' and/or 'remove'.")
    changes = ChangeSet(add.add, remove.add + add.remove)
    contributor = envelope.get("contributor") or {}
    if not isinstance(contributor, dict):
        contributor = {"name": str(contributor)}
    name = contributor.get("name") or envelope.get("name") or ""
    contact = contributor.get("contact") or envelope.get("contact") or ""
    return changes, str(name), str(contact), str(envelope.get("comment") or "")
