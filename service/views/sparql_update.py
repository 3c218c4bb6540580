"""/sparql/update: SPARQL 1.1 Update over the Protocol, for maintainers with a bearer token.

LOAD is refused (coopkg never fetches URLs named in a request), SERVICE only to allow-listed
endpoints. using-graph-uri / using-named-graph-uri become USING clauses (graph/sparql_protocol.py).
Relative IRIs resolve against the endpoint's URL, the base the protocol allows.
"""
import logging
import re

import pyoxigraph as ox
from flask import Blueprint, Response, request

from coopkg.graph.sparql_guard import GuardError, check_update
from coopkg.graph.sparql_protocol import add_using, explain_syntax_error, update_has_dataset_clause
from coopkg.graph.store import QuerySyntaxError, StoreError

from ..bearer import allow_cross_origin_writes, require_maintainer
from ..errors import HttpError
from ..sparql_http import iri_list, read_operation
from ..state import get_settings, get_store
from .sparql import service_description

bp = Blueprint("sparql_update", __name__)
log = logging.getLogger("coopkg.service.update")
_POSITION = re.compile(r"at (\d+):(\d+)")


@bp.after_request
def _cors(response):
    return allow_cross_origin_writes(response, "POST, OPTIONS")


@bp.route("/sparql/update", methods=["GET", "POST", "OPTIONS"])
def update_endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method == "GET":
        if request.args.get("update") is not None:
            raise HttpError(405, "Updates must be sent with POST.", headers={"Allow": "POST, OPTIONS"})
        return service_description(request.args)
    user = require_maintainer()
    text, params = read_operation("update")
    if text is None:
        raise HttpError(400, "The request has no `update`.")
    settings = get_settings()
    try:
        check_update(text, allowed_services=settings.allowed_services, max_depth=settings.max_query_depth,
                     max_length=settings.max_body_bytes)
    except GuardError as exc:
        raise HttpError(400, str(exc)) from exc

    using, using_named = iri_list(params, "using-graph-uri"), iri_list(params, "using-named-graph-uri")
    if using or using_named:
        if update_has_dataset_clause(text):
            raise HttpError(400, "The update names its dataset with USING or WITH and the request also has "
                                 "using-graph-uri/using-named-graph-uri; use one or the other.")
        text = add_using(text, using, using_named)
    try:
        # One added line: the protocol lets the service choose the base IRI; ours is the endpoint.
        get_store().update(f"BASE {ox.NamedNode(request.base_url)}\n{text}")
    except QuerySyntaxError as exc:
        message = _POSITION.sub(lambda m: f"at {int(m.group(1)) - 1}:{m.group(2)}", str(exc), count=1)
        raise HttpError(400, "The update is not valid SPARQL: " + explain_syntax_error(message, text)) from exc
    except StoreError as exc:
        raise HttpError(500, f"The update could not be applied: {exc}") from exc
    log.info("update by %s (%d characters)", user.name, len(text))
    return Response(status=204)
