"""Display helpers shared by the linked-data and browse views: links for IRIs, readable values and
dates in the page language, sentences for positions and participation. No queries here."""
from __future__ import annotations

import pyoxigraph as ox
from flask import g

from coopkg.graph.labels import Labeller, curie
from coopkg.graph.resource_paths import local_href

from ..i18n import catalogue, t
from ..state import get_settings, get_store

XSD = "http://www.w3.org/2001/XMLSchema#"


def base_iri() -> str:
    return get_settings().base_iri


def labeller() -> Labeller:
    found = getattr(g, "_coopkg_labeller", None)
    if found is None or found.lang != g.lang:
        found = g._coopkg_labeller = Labeller(get_store(), g.lang)
    return found


def valid_iri(iri: str) -> bool:
    """Whether `iri` is an IRI at all (spaces, quotes, angle brackets and braces are not allowed)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def predicate_label(iri: str) -> str:
    """A property's or class's label from the ontology, else a UI message for well-known vocabularies, else its local name."""
    names = labeller()
    if names.has_label(iri):
        return names(iri)
    key = f"prop.{curie(iri)}"
    return t(key) if key in catalogue() else names(iri)


WEB_SCHEMES = ("http://", "https://", "mailto:", "ftp://")


def href(iri: str) -> str:
    """Where a link to `iri` goes: our own page for our IRIs, the IRI itself for web addresses, and
    nowhere ("#") otherwise: data may hold javascript: or data: IRIs, which must never become links."""
    return local_href(iri, base_iri()) or (iri if iri.lower().startswith(WEB_SCHEMES) else "#")


def is_local(iri: str) -> bool:
    return local_href(iri, base_iri()) is not None


def date_text(value) -> str:
    """A date literal as people write it: "6 Agustus 2019" / "6 August 2019"; "2018" for a year."""
    if value is None:
        return ""
    text = value.value if isinstance(value, ox.Literal) else str(value)
    parts = text[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        months = t("date.months").split(",")
        year, month, day = parts
        if g.lang == "en":
            return f"{int(day)} {months[int(month) - 1]} {year}"
        return f"{int(day)} {months[int(month) - 1]} {year}"
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{t('date.months').split(',')[int(parts[1]) - 1]} {parts[0]}"
    return text


def period_text(start, end) -> str:
    if start is not None and end is not None:
        return t("period.between", start=date_text(start), end=date_text(end))
    if start is not None:
        return t("period.since", start=date_text(start))
    if end is not None:
        return t("period.until", end=date_text(end))
    return ""


def value_view(term) -> dict:
    """What a template needs to show one RDF term."""
    if isinstance(term, ox.NamedNode):
        local = is_local(term.value)
        text = labeller()(term.value) if (local or labeller().has_label(term.value)) else term.value
        return {"kind": "iri", "iri": term.value, "href": href(term.value), "text": text, "external": not local}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        text = date_text(term) if datatype in (XSD + "date", XSD + "gYear", XSD + "gYearMonth", XSD + "dateTime") else term.value
        is_url = datatype == XSD + "anyURI" and term.value.startswith(("http://", "https://"))
        return {"kind": "literal", "text": text, "lang": term.language or "", "href": term.value if is_url else None}
    return {"kind": "blank", "text": "[" + str(term) + "]"}


def init_app_helpers(state) -> None:
    """Register the helpers as Jinja globals (called from a blueprint's record_once)."""
    state.app.jinja_env.globals.update(
        ld_href=href, ld_label=lambda iri: labeller()(iri), ld_predicate=predicate_label, ld_value=value_view, ld_date=date_text,
        ld_period=period_text, ld_is_local=is_local)
