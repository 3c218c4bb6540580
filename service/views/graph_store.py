"""/graph-store: the SPARQL 1.1 Graph Store HTTP Protocol.

Graphs are named indirectly (`/graph-store?graph=IRI`, `/graph-store?default`) or directly (the
request URL under /graph-store/ is the graph IRI). GET and HEAD are public: they show the same data
the public /sparql endpoint already shows (every graph is part of its default graph). PUT, POST and
DELETE need a maintainer token. `?default` is the store's own default graph, not the union.
"""
import tempfile
import threading
import uuid

from flask import Blueprint, Response, request
from werkzeug.wsgi import wrap_file

from coopkg.graph import graph_store
from coopkg.graph.formats import RDF_SYNTAXES, rdf_syntax, rdf_syntax_for_path
from coopkg.graph.store import GraphNotFound, RdfSyntaxError, StoreError

from ..bearer import allow_cross_origin_writes, require_maintainer
from ..errors import HttpError
from ..negotiation import choose_rdf_syntax
from ..sparql_http import iri_list
from ..state import get_settings, get_store

bp = Blueprint("graph_store", __name__)

METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]
MISSING = object()
GRAPH_SYNTAXES = [s for s in RDF_SYNTAXES if not s.is_dataset]
SPOOL_BYTES = 8 << 20
_DUMPS = threading.BoundedSemaphore(2)


@bp.after_request
def _headers(response):
    response.headers.add("Vary", "Accept")
    return allow_cross_origin_writes(response, ", ".join(METHODS))


@bp.route("/graph-store", methods=METHODS)
def indirect():
    return _handle(_indirect_target())


@bp.route("/graph-store/<path:_rest>", methods=METHODS)
def direct(_rest):
    if "graph" in request.args or "default" in request.args:
        raise HttpError(400, "A graph named by its URL takes neither ?graph= nor ?default.")
    return _handle(request.base_url)


def _indirect_target():
    if "graph" in request.args and "default" in request.args:
        raise HttpError(400, "Name one graph: either ?graph=IRI or ?default, not both.")
    if "default" in request.args:
        return None
    graphs = iri_list(request.args, "graph")
    if len(graphs) > 1:
        raise HttpError(400, "Name one graph: the request has several `graph` parameters.")
    return graphs[0] if graphs else MISSING


def _handle(target):
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method in ("GET", "HEAD"):
        if target is MISSING:
            raise HttpError(400, "Name a graph: /graph-store?graph=IRI or /graph-store?default.")
        return _read(target)
    require_maintainer()
    store = get_store()
    try:
        if request.method == "DELETE":
            if target is MISSING:
                raise HttpError(400, "Name the graph to delete: ?graph=IRI or ?default.")
            if not graph_store.delete(store, target) and target is not None:
                raise HttpError(404, f"There is no graph <{target}>.")
            return Response(status=204)
        created_new = target is MISSING
        if created_new:
            if request.method != "POST":
                raise HttpError(400, "Name the graph to replace: ?graph=IRI or ?default.")
            target = f"{get_settings().base_iri}graph/upload/{uuid.uuid4()}"
        triples = graph_store.parse_graph(_documents(), base_iri=target or request.base_url)
        if request.method == "PUT":
            created = graph_store.replace(store, target, triples)
        else:
            created = graph_store.add(store, target, triples)
    except RdfSyntaxError as exc:
        raise HttpError(400, f"The body is not valid RDF: {exc}; nothing was changed.") from exc
    except StoreError as exc:
        raise HttpError(500, f"The graph could not be written: {exc}") from exc
    if created_new:
        return Response(status=201, headers={"Location": target})
    return Response(status=201 if created else 204)


def _documents():
    """(bytes, syntax) of the body, or of each part of a multipart/form-data body."""
    if request.mimetype == "multipart/form-data":
        documents = []
        for part in request.files.values():
            syntax = rdf_syntax(part.mimetype) if part.mimetype else None
            syntax = syntax or rdf_syntax_for_path(part.filename or "")
            if syntax is None or syntax.is_dataset:
                raise HttpError(415, f"The part {part.filename or part.name!r} is not in a graph syntax; "
                                     + _syntaxes_sentence())
            documents.append((part.read(), syntax))
        if not documents:
            raise HttpError(400, "The multipart body has no file parts.")
        return documents
    syntax = rdf_syntax(request.mimetype) if request.mimetype else None
    if syntax is None or syntax.is_dataset:
        raise HttpError(415, (f"Content-Type {request.mimetype} is not a graph syntax; " if request.mimetype
                              else "Say what the body is with Content-Type; ") + _syntaxes_sentence())
    return [(request.get_data(cache=False), syntax)]


def _syntaxes_sentence():
    return "send one of " + ", ".join(s.media_type for s in GRAPH_SYNTAXES) + " (or multipart/form-data of them)."


def _read(target):
    syntax = choose_rdf_syntax(default="turtle", format_param=request.args.get("format"))
    if syntax is None or syntax.is_dataset:
        raise HttpError(406, "A graph can be given as " + ", ".join(s.media_type for s in GRAPH_SYNTAXES) + ".")
    store = get_store()
    if target is not None and not store.graph_exists(target):
        raise HttpError(404, f"There is no graph <{target}>.")
    content_type = f"{syntax.media_type}; charset=utf-8" if syntax.media_type.startswith("text/") else syntax.media_type
    if request.method == "HEAD":
        return Response(status=200, content_type=content_type)
    # Whole graphs can be large: spool to disk past a few MiB rather than hold them in memory, and
    # write only a few at once (a public request must not be able to tie up every core).
    if not _DUMPS.acquire(blocking=False):
        raise HttpError(503, "Other graphs are being written out right now; try again in a moment, "
                             "or download the dataset dumps.", headers={"Retry-After": "10"})
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        store.dump(spool, syntax, graph=target, default_graph=target is None)
    except GraphNotFound as exc:
        spool.close()
        raise HttpError(404, f"There is no graph <{target}>.") from exc
    finally:
        _DUMPS.release()
    size = spool.tell()
    spool.seek(0)
    return Response(wrap_file(request.environ, spool), content_type=content_type, direct_passthrough=True,
                    headers={"Content-Length": str(size)})
