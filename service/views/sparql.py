"""/sparql: the public, read-only SPARQL 1.1 Protocol endpoint, and its Service Description.

The view parses the request, refuses what the public must not run (sparql_guard), negotiates the
result syntax and hands the query to the store's sandboxed run_query, which enforces the time limit
by ending the worker process, so other requests keep being served.
"""
import threading
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, url_for

from coopkg.graph.formats import RDF_SYNTAXES, RESULTS_SYNTAXES
from coopkg.graph.results import serialize_triples
from coopkg.graph.service_description import PREFIXES as SD_PREFIXES
from coopkg.graph.service_description import describe, graph_sizes
from coopkg.graph.sparql_guard import GuardError, check_query
from coopkg.graph.sparql_protocol import TRUNCATED_HEADER, explain_syntax_error
from coopkg.graph.store import (Dataset, QueryFailed, QueryRefused, QueryResourceLimit, QuerySyntaxError, QueryTimeout,
                                StoreBusy,
                                StoreError)

from ..errors import HttpError
from ..negotiation import choose_rdf_syntax, choose_results_syntax
from ..security import allow_cross_origin
from ..sparql_http import iri_list, read_operation
from ..state import get_settings, get_store, state

bp = Blueprint("sparql", __name__)

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
ROW_LIMIT_HEADER = "X-Coopkg-Row-Limit"
# Names clients put in `format=`/`output=` that mean a graph syntax when the query builds a graph
# (SPARQLWrapper sends its return format there: n3, rdf+xml, json-ld; Turtle is valid N3).
GRAPH_FORMAT_ALIASES = {"json": "jsonld", "xml": "rdfxml", "ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml",
                        "n3": "turtle", "rdf+xml": "rdfxml", "json-ld": "jsonld", "text/n3": "turtle"}


@bp.after_request
def _protocol_headers(response):
    response.headers.add("Vary", "Accept")
    response = allow_cross_origin(response)
    response.headers["Access-Control-Expose-Headers"] = ", ".join(
        ["Content-Type", "Content-Length", "Content-Disposition", "Vary", TRUNCATED_HEADER, ROW_LIMIT_HEADER])
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    text, params = read_operation("query")
    if text is None:
        if request.method == "POST":
            raise HttpError(400, "The request has no `query`; send one, or GET /sparql for the service description.")
        return service_description(params)
    return answer(text, params)


def answer(text: str, params):
    settings = get_settings()
    try:
        shape = check_query(text, allowed_services=settings.allowed_services, max_depth=settings.max_query_depth)
    except GuardError as exc:
        raise HttpError(400, str(exc)) from exc
    kind = "graph" if shape.form in GRAPH_FORMS else "bindings"
    requested = params.get("format") or params.get("output")
    syntax = _negotiate(kind, requested)
    if syntax == "text/html":
        return _to_query_page(text, params)
    if syntax is None:
        offered = RDF_SYNTAXES if kind == "graph" else RESULTS_SYNTAXES
        what = "graph (CONSTRUCT/DESCRIBE)" if kind == "graph" else "SELECT/ASK"
        raise HttpError(406, f"No acceptable format for {what} results"
                             f"{f' (format={requested})' if requested else ''}; this endpoint offers: "
                             + ", ".join(f"{s.media_type} (format={s.name})" for s in offered
                                         if kind != "graph" or not s.is_dataset) + ".")

    try:
        result = get_store().run_query(
            text, results_format=syntax.name if kind == "bindings" else None,
            graph_format=syntax.name if kind == "graph" else None, dataset=_dataset(params),
            timeout=settings.query_timeout, row_limit=settings.max_rows, kind=kind,
            base_iri=request.base_url, prefixes=shape.prefixes or None)
    except QuerySyntaxError as exc:
        raise HttpError(400, "The query is not valid SPARQL: " + explain_syntax_error(str(exc), text)) from exc
    except QueryTimeout as exc:
        raise HttpError(503, f"{exc} Queries here may run {settings.query_timeout:g} seconds; narrow the "
                             "patterns, add LIMIT, or download the dataset to run long analyses locally.") from exc
    except StoreBusy as exc:
        raise HttpError(503, str(exc), headers={"Retry-After": "5"}) from exc
    except QueryRefused as exc:
        raise HttpError(406, f"The query's results cannot be given in {syntax.media_type}: {exc}.") from exc
    except QueryResourceLimit as exc:
        raise HttpError(503, f"{exc} Narrow the patterns or aggregate less at once, or download the dataset "
                             "to run large analyses locally.") from exc
    except QueryFailed as exc:
        raise HttpError(500, f"The query could not be evaluated: {exc}") from exc

    response = Response(result.body, content_type=_content_type(result.media_type))
    if result.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[ROW_LIMIT_HEADER] = str(settings.max_rows)
    if "download" in params:
        response.headers["Content-Disposition"] = f'attachment; filename="coopkg-results.{syntax.extension}"'
    return response


def _negotiate(kind, requested):
    if kind == "graph":
        if requested:
            requested = GRAPH_FORMAT_ALIASES.get(requested.lower(), requested)
        return choose_rdf_syntax(default="turtle", format_param=requested, extra=("text/html",))
    return choose_results_syntax(default="json", format_param=requested, extra=("text/html",))


def _dataset(params) -> Dataset:
    """The protocol's graphs override the query's FROM clauses (which the store applies itself)."""
    default, named = iri_list(params, "default-graph-uri"), iri_list(params, "named-graph-uri")
    if default or named:
        return Dataset(default_graphs=default, named_graphs=named)
    return Dataset()


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _to_query_page(text, params):
    """Browsers asking for HTML see the query in the editor (which fetches the results itself)."""
    if "query_ui.query_page" not in current_app.view_functions:
        raise HttpError(406, "This endpoint answers in SPARQL result formats; ask for one with Accept or format=.")
    kept = [("query", text)] + [(k, v) for k in ("default-graph-uri", "named-graph-uri") for v in params.getlist(k)]
    return redirect(url_for("query_ui.query_page") + "?" + urlencode(kept), 303)


def service_description(params):
    requested = params.get("format")
    syntax = choose_rdf_syntax(default="turtle", format_param=GRAPH_FORMAT_ALIASES.get((requested or "").lower(), requested),
                               extra=("text/html",))
    if syntax == "text/html" and "query_ui.query_page" in current_app.view_functions:
        return redirect(url_for("query_ui.query_page"), 303)
    if syntax is None or syntax == "text/html" or syntax.is_dataset:
        raise HttpError(406, "The service description is available as "
                             + ", ".join(s.media_type for s in RDF_SYNTAXES if not s.is_dataset) + ".")
    settings = get_settings()
    update_url = url_for("sparql_update.update_endpoint", _external=True) \
        if "sparql_update.update_endpoint" in current_app.view_functions else None
    try:
        graphs = _cached_graph_sizes()
    except StoreError as exc:
        raise HttpError(503, f"The store cannot be reached to describe its graphs: {exc}",
                        headers={"Retry-After": "5"}) from exc
    triples = describe(url_for("sparql.endpoint", _external=True), update_url, graphs=graphs,
                       federated=bool(settings.allowed_services), timeout=settings.query_timeout,
                       max_rows=settings.max_rows, max_body=settings.max_body_bytes)
    body, _ = serialize_triples(triples, syntax, None, SD_PREFIXES)
    return Response(body, content_type=_content_type(syntax.media_type))


SIZE_WAIT_S = 2.0
_sizes_lock = threading.Lock()


def _cached_graph_sizes():
    """Named graphs with their sizes, counted once per store generation.

    Counting is a scan of the store (seconds at millions of triples), so it runs in a thread; the
    description waits for it briefly and otherwise lists the graphs without sizes until it is done.
    """
    store, extras = get_store(), state().extras
    generation = store.generation
    with _sizes_lock:
        cached = extras.get("sd_graph_sizes")
        if cached and cached[0] == generation:
            return cached[1]
        job = extras.get("sd_graph_sizes_job")
        if job is None or job[0] != generation:
            job = (generation, threading.Thread(target=_count_sizes, args=(store, extras, generation), daemon=True))
            extras["sd_graph_sizes_job"] = job
            job[1].start()
    job[1].join(SIZE_WAIT_S)
    cached = extras.get("sd_graph_sizes")
    if cached and cached[0] == generation:
        return cached[1]
    return [(name, None) for name in store.named_graphs()]


def _count_sizes(store, extras, generation):
    try:
        sizes = graph_sizes(store)
    except StoreError:
        return  # the next description tries again; meanwhile graphs are listed without sizes
    with _sizes_lock:
        extras["sd_graph_sizes"] = (generation, sizes)
