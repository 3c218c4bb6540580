"""What the entity page shows, made from one Description (so the page and the RDF agree)."""
from __future__ import annotations

import io

import pyoxigraph as ox
from flask import g

from coopkg.graph import describe as d
from coopkg.graph.labels import curie, local_name
from coopkg.graph.provenance import entity_history
from coopkg.graph.vocab import PREFIXES

from ..i18n import catalogue, t
from ..state import get_store
from . import _display

ORG = "http://www.w3.org/ns/org#"
#: Incoming relations shown as sentences instead of in the table.
AS_SENTENCES = {ORG + "member", ORG + "organization"} | {
    d.CKG + n for n in ("party", "participatingOrganisation", "host", "speaker", "guest", "runBy")} | {
    d.SCHEMA + "organizer"}
#: Kinds of resource (first segment of /doc/<kind>/...) whose page links to the network around them.
NETWORK_KINDS = {"org", "person", "event", "collaboration", "programme"}
#: Shown in the page header rather than the property table.
HEADER_PREDICATES = {d.RDFS_LABEL, d.SKOS_PREF}


def _message(prefix: str, predicate: str, default: str) -> str:
    key = f"{prefix}.{local_name(predicate).replace(' ', '')}"
    return t(key) if key in catalogue() else default


def _position_view(position: d.Position, this: str) -> dict:
    labels = _display.labeller()
    titles = position.titles
    title = titles.get(g.lang) or titles.get("id") or titles.get("en") or next(iter(titles.values()), None)
    if not title and position.role:
        title = labels(position.role)
    title = title or t("position.member")
    organisation = _display.value_view(ox.NamedNode(position.organisation))
    # Titles often name the organisation already ("Direktur Kopkun Institute"): link it in place.
    at = title.casefold().find(organisation["text"].casefold())
    split = (title[:at], title[at:at + len(organisation["text"])], title[at + len(organisation["text"]):]) if at >= 0 else None
    return {
        "iri": position.iri,
        "title": title,
        "title_parts": split,
        "person": _display.value_view(ox.NamedNode(position.person)),
        "organisation": organisation,
        "period": _display.period_text(position.start, position.end),
        "perspective": "person" if position.person == this else "organisation",
    }


def _participation_view(item: d.Participation) -> dict:
    return {
        "role": _message("role", item.role, _display.labeller()(item.role)),
        "activity": _display.value_view(ox.NamedNode(item.activity)),
        "when": _display.period_text(item.start, item.end) if item.end is not None else _display.date_text(item.when),
    }


def _property_rows(description: d.Description) -> list[dict]:
    rows = []
    for predicate, statements in description.outgoing_by_predicate().items():
        if predicate in HEADER_PREDICATES:
            continue
        values = [_display.value_view(s.value) for s in statements]
        # Text in several languages: the page's language only (all of them are in the RDF).
        in_page_language = [v for v in values if v.get("lang") == g.lang]
        if in_page_language:
            values = [v for v in values if not v.get("lang") or v["lang"] == g.lang]
        values.sort(key=lambda v: (v.get("lang", "") not in ("", g.lang), v["text"].casefold()))
        rows.append({"predicate": predicate, "label": _display.predicate_label(predicate), "curie": curie(predicate) or predicate,
                     "href": _display.href(predicate), "values": values})
    rows.sort(key=lambda r: (r["predicate"] != d.RDF_TYPE, r["label"].casefold()))
    return rows


def _incoming_groups(description: d.Description) -> list[dict]:
    groups = []
    for predicate, statements in description.incoming_by_predicate().items():
        if predicate in AS_SENTENCES:
            continue
        heading = _message("inverse", predicate, t("incoming.via", label=_display.predicate_label(predicate)))
        subjects = sorted((_display.value_view(s.value) for s in statements), key=lambda v: v["text"].casefold())
        groups.append({"predicate": predicate, "heading": heading, "subjects": subjects})
    groups.sort(key=lambda grp: grp["heading"].casefold())
    return groups


def _generated_summary(description: d.Description) -> str | None:
    """"Koperasi · Purwokerto, Jawa Tengah · 6 Agustus 2019" when the data gives no description."""
    labels = _display.labeller()
    parts = []
    if description.types:
        parts.append(", ".join(labels(t_) for t_ in description.types[:2]))
    places = [labels(v.value) for p in (d.CKG + "city", d.CKG + "province") for v in description.values(p)
              if isinstance(v, ox.NamedNode)]
    if places:
        parts.append(", ".join(dict.fromkeys(places)))
    start = next(iter(description.values(d.SCHEMA + "startDate") or description.values(d.DCT + "date")), None)
    if start is not None:
        end = next(iter(description.values(d.SCHEMA + "endDate")), None)
        parts.append(_display.period_text(start, end) if end is not None else _display.date_text(start))
    return " · ".join(parts) if len(parts) > 1 else None


def _link_text(iri: str) -> str:
    """What an external link reads as: its name where the graph knows one (partner records), the
    Wikidata item, else the address."""
    labels = _display.labeller()
    if labels.has_label(iri):
        return f"{labels(iri)} ({iri})"
    if iri.startswith(("http://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/")):
        return "Wikidata " + iri.rstrip("/").rsplit("/", 1)[-1]
    return iri


def _turtle(triples) -> str:
    output = io.BytesIO()
    ox.serialize(triples, output, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return output.getvalue().decode("utf-8")


def entity_context(description: d.Description, doc: str, formats: dict) -> dict:
    labels = _display.labeller()
    iri = description.iri
    title, title_lang = labels.with_lang(iri)
    other_names = sorted({text for text, _, _ in labels.all_labels(iri)} - {title})
    types = [{"iri": t_, "label": _display.predicate_label(t_), "href": _display.href(t_)} for t_ in description.types]
    summary = description.literal_in(d.SUMMARY_PREDICATES, g.lang) or _generated_summary(description)
    positions = [_position_view(p, iri) for p in description.positions]
    triples = description.triples(labels)
    return {
        "iri": iri,
        "doc": doc,
        "title": title,
        "title_lang": title_lang,
        "other_names": other_names,
        "types": types,
        "summary": summary,
        "properties": _property_rows(description),
        "incoming": _incoming_groups(description),
        "incoming_truncated": description.incoming_truncated,
        "positions_held": [p for p in positions if p["perspective"] == "person"],
        "positions_in": [p for p in positions if p["perspective"] == "organisation"],
        "participation": [_participation_view(p) for p in description.participation],
        "sources": [{"iri": s.iri, "href": _display.href(s.iri), "title": s.title or labels(s.iri),
                     "date": _display.date_text(s.date), "url": s.url} for s in description.sources],
        "links": [{"predicate": _display.predicate_label(p), "iri": link, "text": _link_text(link)} for p, link in description.external_links()
                  if link.lower().startswith(_display.WEB_SCHEMES)],  # never a javascript: link
        "history": [dict(h, href=_display.href(h["graph"])) for h in entity_history(get_store(), iri)],
        "formats": [(ext, s.media_type, s.name) for ext, s in formats.items()],
        "turtle": _turtle(triples),
        "triple_count": len(triples),
        "show_network": doc.split("/")[2] in NETWORK_KINDS or bool(positions or description.participation),
    }
