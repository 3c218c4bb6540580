"""/dataset: the VoID and DCAT description of the whole dataset (page and RDF from the same triples),
and /dataset/dump.<nq|trig|ttl|jsonld>: the whole graph, regenerated when the data changes."""
from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, send_file

from coopkg.graph.dataset_description import (DCT, DUMPS, LICENCE, VOID, dataset_iri, description_triples,
                                              statistics)
from coopkg.graph.dumps import ensure_dump
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.vocab import PREFIXES

from ..errors import HttpError
from ..i18n import t
from ..state import get_settings, get_store
from ..warmup import warm_when_registered
from . import _display
from .linked_data import DOC_SYNTAXES, _alternates, _negotiate, _rdf_response

bp = Blueprint("dataset", __name__)
bp.record_once(_display.init_app_helpers)

DUMP_SYNTAXES = {suffix: rdf_syntax(name) for suffix, name in DUMPS}

warm_when_registered(bp, "dataset statistics", statistics)


def _local(iri: str) -> str:
    """Our IRIs as links on this host (the host stands for the base)."""
    base = _display.base_iri()
    return "/" + iri[len(base):] if iri.startswith(base) else iri


@bp.get("/dataset")
@bp.get("/dataset.<ext>")
def dataset_page(ext=None):
    store = get_store()
    base = _display.base_iri()
    choice = DOC_SYNTAXES.get(ext) if ext else _negotiate()
    if choice is None:
        raise HttpError(404 if ext else 406, t("ld.unknown_format", ext=ext) if ext else t("ld.not_acceptable"))
    stats = statistics(store)
    triples = description_triples(stats, base)
    headers = {"Link": _alternates("/dataset")}
    if ext is None:
        headers["Vary"] = "Accept, Accept-Language, Cookie"
    if choice != "html":
        output = io.BytesIO()
        ox.serialize(triples, output, format=choice.oxigraph, prefixes=PREFIXES if choice.extension in ("ttl", "rdf") else None)
        return _rdf_response(output.getvalue(), choice, headers)
    labels = _display.labeller()
    described = []
    for iri, statements in sorted(stats.described.items()):
        if iri == dataset_iri(base):
            continue
        values = {}
        for p, o in statements:
            values.setdefault(p, []).append(o)
        pick = lambda p: next((o.value for o in values.get(p, [])), "")  # noqa: E731
        described.append({"iri": iri, "href": _local(iri), "title": pick(DCT + "title") or labels(iri),
                          "kind": "linkset" if any(o.value == VOID + "Linkset" for o in values.get(
                              "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])) else "dataset",
                          "publisher": _agent_name(stats, pick(DCT + "publisher")), "licence": pick(DCT + "license"),
                          "triples": pick(VOID + "triples")})
    turtle = io.BytesIO()
    ox.serialize(triples, turtle, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    html = render_template(
        "dataset.html", stats=stats, iri=dataset_iri(base), licence=LICENCE,
        graphs=[{"iri": g, "triples": n, "entities": e,
                 # only graphs the store says something about have a page of their own
                 "href": _local(g) if g in stats.described or g.startswith(base + "graph/source/") else None}
                for g, n, e in stats.graphs],
        classes=[{"iri": c, "label": labels(c), "count": n, "href": _display.href(c)} for c, n in stats.classes],
        dumps=[(suffix, s.media_type, s.name) for suffix, s in DUMP_SYNTAXES.items()],
        formats=DOC_SYNTAXES, described=described, turtle=turtle.getvalue().decode("utf-8"),
        triple_count=len(triples))
    response = Response(html, mimetype="text/html")
    response.headers.update(headers)
    return response


def _agent_name(stats, agent: str) -> str:
    name = stats.agent_names.get(agent)
    return name.value if name is not None else agent


@bp.get("/dataset/dump.<ext>")
def dump(ext):
    syntax = DUMP_SYNTAXES.get(ext)
    if syntax is None:
        raise HttpError(404, t("dataset.unknown_dump", formats=", ".join("." + s for s in DUMP_SYNTAXES)))
    path = ensure_dump(get_store(), get_settings().data_dir / "dumps", syntax)
    response = send_file(path, mimetype=syntax.media_type, as_attachment=True,
                         download_name=f"coopkg.{ext}", conditional=True, etag=True, max_age=0)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/void")
def well_known_void():
    return redirect("/dataset.ttl", code=303)
