"""Dereferenceable IRIs (docs/linked-data.md): /id/... (and /concept/..., /graph/...) answer 303 See
Other to /doc/..., the document about the thing, in HTML or RDF by content negotiation or by suffix
(.ttl .nt .rdf .jsonld). The HTML page and the RDF are made from one graph.describe.Description.
The ontology (hash IRIs) is served at /ontology as a documentation page and as RDF."""
from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, g, redirect, render_template, request

from coopkg.graph import describe as describe_mod
from coopkg.graph.formats import RDF_SYNTAXES
from coopkg.graph.ontology_doc import ontology_document, ontology_triples
from coopkg.graph.resource_paths import doc_path, iri_for_doc, iri_for_request
from coopkg.graph.vocab import PREFIXES

from ..errors import HttpError
from ..i18n import t
from ..security import allow_cross_origin
from ..state import get_store
from . import _display
from ._entity_view import entity_context

bp = Blueprint("linked_data", __name__)
bp.record_once(_display.init_app_helpers)

#: The syntaxes a single resource is served in, by file suffix.
DOC_SYNTAXES = {s.extension: s for s in RDF_SYNTAXES if not s.is_dataset}
HTML = "text/html"


def _negotiate():
    """"html", an RdfSyntax, or None (406). Browsers name text/html; `*/*` or nothing gets Turtle."""
    accept = request.headers.get("Accept")
    if not accept:
        return DOC_SYNTAXES["ttl"]
    offered = [HTML] + [s.media_type for s in DOC_SYNTAXES.values()] + \
              [a for s in DOC_SYNTAXES.values() for a in s.aliases if a not in ("text/plain", "application/xml")]
    mimetypes = request.accept_mimetypes
    if HTML in accept and mimetypes[HTML] >= max(mimetypes[s.media_type] for s in DOC_SYNTAXES.values()):
        return "html"
    best = mimetypes.best_match(offered[1:])
    if best is None:
        return "html" if mimetypes.best_match([HTML]) else None
    return next(s for s in DOC_SYNTAXES.values() if best == s.media_type or best in s.aliases)


def _not_found(iri: str):
    raise HttpError(404, t("ld.not_found", iri=iri))


def _require_iri(iri: str) -> None:
    if not _display.valid_iri(iri):
        _not_found(iri)


def _alternates(doc: str) -> str:
    links = [f'<{doc}.{ext}>; rel="alternate"; type="{s.media_type}"' for ext, s in DOC_SYNTAXES.items()]
    links.append(f'<{doc}>; rel="alternate"; type="text/html"')
    return ", ".join(links)


def _serialize(triples, syntax) -> bytes:
    output = io.BytesIO()
    ox.serialize(triples, output, format=syntax.oxigraph, prefixes=PREFIXES if syntax.extension in ("ttl", "rdf") else None)
    return output.getvalue()


def _rdf_response(body: bytes, syntax, extra_headers=None) -> Response:
    response = Response(body, mimetype=syntax.media_type)
    if syntax.media_type.startswith("text/") or syntax.extension in ("nt", "jsonld"):
        response.charset = "utf-8"
    response.headers.update(extra_headers or {})
    return allow_cross_origin(response)


# ---- 303 from the thing to its document ----
def _see_other(prefix: str, path: str):
    base = _display.base_iri()
    iri = iri_for_request(prefix + path, base)
    _require_iri(iri)
    target = doc_path(iri, base)
    if target is None or not describe_mod.exists(get_store(), iri):
        _not_found(iri)
    choice = _negotiate()
    location = "/doc/" + target + ("" if choice in ("html", None) else "." + choice.extension)
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _alternates("/doc/" + target)
    return allow_cross_origin(response)  # scripts on other sites may follow our IRIs


@bp.get("/id/<path:path>")
def thing(path):
    return _see_other("id/", path)


@bp.get("/concept/<path:path>")
def concept(path):
    return _see_other("concept/", path)


@bp.get("/graph/<path:path>")
def graph_thing(path):
    return _see_other("graph/", path)


# ---- the document ----
def _split_suffix(path: str):
    stem, dot, ext = path.rpartition(".")
    if dot and ext in DOC_SYNTAXES and "/" not in ext:
        return stem, DOC_SYNTAXES[ext]
    return path, None


@bp.get("/doc/<path:path>")
def document(path):
    base = _display.base_iri()
    store = get_store()
    stem, syntax = _split_suffix(path)
    iri = iri_for_doc(stem, base)
    _require_iri(iri_for_doc(path, base))
    if syntax is None:
        choice = _negotiate()
        if choice is None:
            raise HttpError(406, t("ld.not_acceptable"))
    else:
        choice = syntax
    description = describe_mod.describe(store, iri)
    if not description.exists and syntax is not None:
        # A slug with a dot in it ("v1.ttl" is the whole name) rather than a suffix.
        iri = iri_for_doc(path, base)
        description, choice = describe_mod.describe(store, iri), _negotiate() or DOC_SYNTAXES["ttl"]
        stem = path
    if not description.exists:
        _not_found(iri)
    doc = "/doc/" + stem
    headers = {"Link": _alternates(doc)}
    if syntax is None:
        headers["Vary"] = "Accept, Accept-Language, Cookie"
    if choice == "html":
        html = render_template("entity.html", **entity_context(description, doc, DOC_SYNTAXES))
        response = Response(html, mimetype=HTML)
        response.headers.update(headers)
        return response
    return _rdf_response(_serialize(description.triples(_display.labeller()), choice), choice, headers)


# ---- the ontology, at its namespace IRI ----
@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext=None):
    store = get_store()
    if ext is not None:
        choice = DOC_SYNTAXES.get(ext)
        if choice is None:
            raise HttpError(404, t("ld.unknown_format", ext=ext))
    else:
        choice = _negotiate()
        if choice is None:
            raise HttpError(406, t("ld.not_acceptable"))
    headers = {"Link": _alternates("/ontology")}
    if ext is None:
        headers["Vary"] = "Accept, Accept-Language, Cookie"
    if choice == "html":
        document_ = ontology_document(store, _display.base_iri(), g.lang)
        response = Response(render_template("ontology.html", ontology=document_, formats=DOC_SYNTAXES), mimetype=HTML)
        response.headers.update(headers)
        return response
    triples = ontology_triples(store, _display.base_iri())
    if not triples:
        _not_found(_display.base_iri() + "ontology")
    return _rdf_response(_serialize(triples, choice), choice, headers)
