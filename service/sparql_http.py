"""Reading a SPARQL 1.1 Protocol request: where the operation text is, and its dataset parameters.

Shared by /sparql (operation "query") and /sparql/update (operation "update"). Every way a request
can be malformed gets a 4xx with a sentence that says what to change.
"""
import pyoxigraph as ox
from flask import request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from .errors import HttpError

FORM = "application/x-www-form-urlencoded"
DIRECT = {"query": "application/sparql-query", "update": "application/sparql-update"}
OTHER = {"query": "update", "update": "query"}
ELSEWHERE = {"query": "/sparql/update (POST, with a maintainer token)", "update": "/sparql"}


def read_operation(operation: str) -> tuple[str | None, MultiDict]:
    """(operation text or None if absent, all parameters); raises HttpError for malformed requests."""
    other = OTHER[operation]
    if request.method in ("GET", "HEAD"):
        params = request.args
        texts = params.getlist(operation)
        if other in params:
            raise HttpError(400, f"This endpoint does not take `{other}`; send it to {ELSEWHERE[operation]}.")
    else:
        mimetype = request.mimetype
        if mimetype == FORM:
            params = CombinedMultiDict([request.args, request.form])
            texts = params.getlist(operation)
            if other in params:
                raise HttpError(400, f"This endpoint does not take `{other}`; send it to {ELSEWHERE[operation]}.")
        elif mimetype == DIRECT[operation]:
            charset = (request.mimetype_params.get("charset") or "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise HttpError(415, f"The {operation} must be sent as UTF-8, not {charset}.")
            if operation in request.args:
                raise HttpError(400, f"The {operation} was sent both in the body and in the URL; send it once.")
            try:
                body = request.get_data(cache=False).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HttpError(400, f"The {operation} is not valid UTF-8 (byte {exc.start}).") from exc
            params, texts = request.args, [body]
        elif mimetype == DIRECT[other]:
            raise HttpError(415, f"A {other} (Content-Type {mimetype}) cannot be sent here; send it to {ELSEWHERE[operation]}.")
        elif not mimetype:
            raise HttpError(415, f"Say what the body is: Content-Type {FORM} (with a `{operation}` parameter) "
                                 f"or {DIRECT[operation]} (the {operation} itself).")
        else:
            raise HttpError(415, f"Content-Type {mimetype} is not understood here; use {FORM} (with a "
                                 f"`{operation}` parameter) or {DIRECT[operation]} (the {operation} itself).")
    if len(texts) > 1:
        raise HttpError(400, f"The request has {len(texts)} `{operation}` parameters; send exactly one.")
    if texts and not texts[0].strip():
        raise HttpError(400, f"The {operation} is empty.")
    return (texts[0] if texts else None), params


def iri_list(params, name: str) -> list[str]:
    """The values of a graph-IRI parameter, each checked to be an absolute IRI."""
    values = params.getlist(name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise HttpError(400, f"{name}={value!r} is not an absolute IRI.") from exc
    return values
