"""Browsing for people: the directory with facets, search, the timeline, the network and an overview
by province and model. Every page works without JavaScript; the network adds a drawing with
cytoscape (from /vendor/cytoscape) on top of an accessible table."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, g, jsonify, render_template, request, url_for

from coopkg.graph.describe import exists as resource_exists
from coopkg.graph.directory import FACETS, PAGE_SIZES, SORTS, directory_index
from coopkg.graph.name_index import name_index
from coopkg.graph.network import build_network
from coopkg.graph.resource_paths import relative
from coopkg.graph.vocab import BASE

from ..errors import HttpError
from ..i18n import t
from ..state import get_store
from ..warmup import warm_when_registered
from . import _display

bp = Blueprint("browse", __name__)
bp.record_once(_display.init_app_helpers)
warm_when_registered(bp, "browse indexes", name_index, directory_index)

CKG = "https://w3id.org/coopkg/ontology#"
#: Tabs of the directory, in this order (only those with members are shown).
DIRECTORY_CLASSES = ("Organisation", "Cooperative", "Incubator", "CreativeHub", "Community", "GovernmentBody",
                     "University", "Company", "Association", "Network", "Person", "Event", "Collaboration",
                     "Programme", "City", "Province")
TIMELINE_CLASSES = (CKG + "Event", CKG + "Collaboration", CKG + "Programme")
SEARCH_TYPES = ("Organisation", "Cooperative", "Person", "Event", "Collaboration", "Programme", "City", "Province")
MAX_QUERY = 200
#: Vocabulary, not things: kept out of search results (the ontology page lists them).
VOCABULARY_TYPES = tuple("http://www.w3.org/2002/07/owl#" + c for c in (
    "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology", "TransitiveProperty",
    "SymmetricProperty", "FunctionalProperty")) + (
    "http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/ns/shacl#NodeShape", "http://www.w3.org/ns/shacl#PropertyShape")


def _class_iri(value: str | None) -> str | None:
    if not value:
        return None
    return value if value.startswith(("http://", "https://")) else CKG + value


def _short_class(iri: str) -> str:
    return iri[len(CKG):] if iri.startswith(CKG) else iri


def encode_value(value: str) -> str:
    """A facet value as it appears in the URL: relative to the base when it is one of ours."""
    return relative(value, _display.base_iri()) or value


def decode_value(facet: str, value: str) -> str:
    if facet == "year" or value.startswith(("http://", "https://")):
        return value
    return _display.base_iri() + value


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, t("browse.bad_number", name=name, value=raw[:40]))


def _filters_from_request() -> dict[str, list[str]]:
    return {f: [decode_value(f, v) for v in request.args.getlist(f) if v] for f in FACETS if request.args.getlist(f)}


def _url_with(**changes) -> str:
    """The current URL with some parameters changed (None removes one); lists are repeated params."""
    args = request.args.to_dict(flat=False)
    args.pop("lang", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [str(value)]
    return request.path + ("?" + urlencode(args, doseq=True) if args else "")


def _toggle_url(facet: str, value: str) -> str:
    current = request.args.getlist(facet)
    encoded = encode_value(value)
    new = [v for v in current if v != encoded] if encoded in current else current + [encoded]
    return _url_with(**{facet: new or None, "page": None})


@bp.get("/directory")
def directory():
    store = get_store()
    index = directory_index(store)
    cls = _class_iri(request.args.get("class"))
    tabs = [(name, CKG + name, index.class_count(CKG + name)) for name in DIRECTORY_CLASSES]
    tabs = [tab for tab in tabs if tab[2]]
    if cls is None:
        cls = tabs[0][1] if tabs else CKG + "Organisation"
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        raise HttpError(400, t("browse.bad_sort", value=sort[:40]))
    page_size = _int_arg("size", 50)
    if page_size not in PAGE_SIZES:
        raise HttpError(400, t("browse.bad_size", sizes=", ".join(map(str, PAGE_SIZES))))
    filters = _filters_from_request()
    result = index.page(cls, filters, sort=sort, page=_int_arg("page", 1), page_size=page_size, lang=g.lang)
    labels = _display.labeller()
    items = []
    for iri in result.items:
        facets = index.facets_of(iri)
        place = [labels(v) for f in ("city", "province") for v in sorted(facets.get(f, ()))]
        items.append({"iri": iri, "href": _display.href(iri), "label": index.label(iri, g.lang),
                      "types": sorted(_display.predicate_label(c) for c in index.types_of(iri)),
                      "place": ", ".join(dict.fromkeys(place)), "year": index.year_of(iri),
                      "model": ", ".join(labels(v) for v in sorted(facets.get("model", ())))})
    facets = []
    for facet in FACETS:
        chosen = set(filters.get(facet, ()))
        values = [{"value": v, "label": v if facet == "year" else labels(v), "count": n, "chosen": v in chosen,
                   "url": _toggle_url(facet, v)} for v, n in result.counts[facet][:60]]
        if values or chosen:
            facets.append({"name": facet, "title": t(f"facet.{facet}"), "values": values})
    active = [{"facet": t(f"facet.{f}"), "label": v if f == "year" else labels(v), "url": _toggle_url(f, v)}
              for f, values in filters.items() for v in values]
    context = dict(
        tabs=[{"name": n, "label": labels(c), "count": k, "current": c == cls,
               "url": url_for("browse.directory", **{"class": n})} for n, c, k in tabs],
        class_label=labels(cls), class_iri=cls, items=items, result=result, facets=facets, active=active,
        sort=sort, sorts=SORTS, page_size=page_size, page_sizes=PAGE_SIZES,
        prev_url=_url_with(page=result.page - 1) if result.page > 1 else None,
        next_url=_url_with(page=result.page + 1) if result.page < result.pages else None,
        clear_url=url_for("browse.directory", **{"class": _short_class(cls)}),
        hidden_args=[(k, v) for k, vs in request.args.to_dict(flat=False).items()
                     if k not in ("sort", "size", "page", "lang") for v in vs],
    )
    if request.args.get("format") == "json" or _json_preferred():
        return jsonify({"class": cls, "total": result.total, "page": result.page, "pages": result.pages,
                        "items": [{"iri": i["iri"], "label": i["label"]} for i in items],
                        "facets": {f: [{"value": v, "count": n} for v, n in result.counts[f]] for f in FACETS}})
    return render_template("directory.html", **context)


@bp.get("/directory/overview")
def overview():
    store = get_store()
    index = directory_index(store)
    labels = _display.labeller()
    cls = _class_iri(request.args.get("class")) or CKG + "Organisation"
    result = index.page(cls, {}, page_size=20, lang=g.lang)
    tables = []
    for facet in ("province", "model", "status", "category"):
        counts = result.counts[facet]
        top = max((n for _, n in counts), default=0)
        tables.append({"facet": facet, "title": t(f"facet.{facet}"), "rows": [
            {"label": labels(v), "count": n, "percent": round(100 * n / top) if top else 0,
             "url": url_for("browse.directory", **{"class": _short_class(cls), facet: encode_value(v)})}
            for v, n in counts]})
    rows, columns, counts = index.crosstab(cls, "province", "model")
    crosstab = {
        "columns": [{"label": labels(c), "iri": c} for c in columns],
        "rows": [{"label": labels(r), "url": url_for("browse.directory", **{"class": _short_class(cls), "province": encode_value(r)}),
                  "cells": [{"count": counts[(r, c)], "url": url_for("browse.directory", **{
                      "class": _short_class(cls), "province": encode_value(r), "model": encode_value(c)})} for c in columns]}
                 for r in rows],
    }
    return render_template("directory_overview.html", tables=tables, total=result.total, class_label=labels(cls),
                           crosstab=crosstab)


def _json_preferred() -> bool:
    accept = request.accept_mimetypes
    return accept.best_match(["text/html", "application/json"]) == "application/json" and \
        accept["application/json"] > accept["text/html"]


@bp.get("/search")
def search():
    query = (request.args.get("q") or "").strip()
    if len(query) > MAX_QUERY:
        raise HttpError(400, t("search.too_long", limit=MAX_QUERY))
    type_name = request.args.get("type") or ""
    types = [_class_iri(type_name)] if type_name else None
    limit = _int_arg("limit", 20)
    if not 1 <= limit <= 100:
        raise HttpError(400, t("search.bad_limit"))
    hits = name_index(get_store()).search(query, types=types, limit=limit, lang=g.lang,
                                            exclude_types=VOCABULARY_TYPES, within=BASE) if query else []
    labels = _display.labeller()
    results = [{"iri": h.iri, "label": h.label, "lang": h.lang, "score": h.score, "matched": h.matched,
                "href": _display.href(h.iri),
                "types": [{"iri": c, "label": _display.predicate_label(c)} for c in h.types]} for h in hits]
    if request.args.get("format") == "json" or _json_preferred():
        response = jsonify({"query": query, "type": types[0] if types else None, "results": results})
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    type_options = [{"value": n, "label": labels(CKG + n), "selected": n == type_name} for n in SEARCH_TYPES]
    return render_template("search.html", query=query, results=results, type_options=type_options)


@bp.get("/timeline")
def timeline():
    index = directory_index(get_store())
    year = request.args.get("year") or None
    if year is not None and not (len(year) == 4 and year.isdigit()):
        raise HttpError(400, t("timeline.bad_year", value=year[:20]))
    rows = index.dated(TIMELINE_CLASSES, year)
    items = [{"date": _display.date_text(date), "iso": date[:10], "href": _display.href(iri),
              "label": index.label(iri, g.lang), "types": sorted(_display.predicate_label(c) for c in index.types_of(iri))}
             for date, iri in rows[:500]]
    years = [{"year": y, "count": n, "current": y == year, "url": url_for("browse.timeline", year=y)}
             for y, n in index.years(TIMELINE_CLASSES)]
    return render_template("timeline.html", items=items, years=years, year=year, truncated=len(rows) > 500)


def _focus_iri() -> str | None:
    focus = (request.args.get("focus") or "").strip()
    if not focus:
        return None
    iri = focus if focus.startswith(("http://", "https://")) else _display.base_iri() + focus
    if not _display.valid_iri(iri):
        raise HttpError(400, t("network.bad_focus", value=focus[:80]))
    return iri


def _network_data():
    store = get_store()
    focus = _focus_iri()
    if focus is not None and not resource_exists(store, focus):
        raise HttpError(404, t("ld.not_found", iri=focus))
    network = build_network(store, focus)
    labels = _display.labeller()
    nodes = [{"id": iri, "label": labels(iri), "kind": kind, "href": _display.href(iri), "focus": iri == focus}
             for iri, kind in network.nodes.items()]
    edges = [{"source": s, "target": o, "label": labels(p), "predicate": p} for s, p, o in sorted(network.edges)]
    return focus, nodes, edges


@bp.get("/network")
def network():
    focus, nodes, edges = _network_data()
    by_id = {n["id"]: n for n in nodes}
    rows = [{"source": by_id[e["source"]], "target": by_id[e["target"]], "label": e["label"]} for e in edges]
    data_url = url_for("browse.network_json", focus=encode_value(focus) if focus else None)
    return render_template("network.html", focus=focus, focus_label=_display.labeller()(focus) if focus else None,
                           rows=rows, node_count=len(nodes), data_url=data_url)


@bp.get("/network.json")
def network_json():
    focus, nodes, edges = _network_data()
    return jsonify({"focus": focus, "nodes": nodes, "edges": edges})
