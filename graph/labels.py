"""Human names for IRIs in one language, with fallback: the chosen language, then Indonesian, then
English, then untagged, then any; a resource without a name gets a readable form of its IRI.

Labels come from the name index (graph/name_index.py), which already holds every rdfs:label,
skos:prefLabel, skos:altLabel and ckg:acronym of the store for its current generation, so a page
needs no query per label.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from .name_index import ACRONYM, ALTERNATIVE, PRIMARY, name_index
from .vocab import PREFIXES

FALLBACK_ORDER = ("id", "en", "")


def pick(labels, lang: str | None) -> tuple[str, str] | None:
    """The best (text, lang) among (text, lang, kind) triples: primary names first, then by language."""
    order = ((lang,) if lang else ()) + FALLBACK_ORDER
    for kind in (PRIMARY, ALTERNATIVE, ACRONYM):
        of_kind = [(text, label_lang) for text, label_lang, k in labels if k == kind]
        if not of_kind:
            continue
        for wanted in order:
            for text, label_lang in sorted(of_kind):
                if label_lang == wanted:
                    return text, label_lang
        return sorted(of_kind)[0]
    return None


def local_name(iri: str) -> str:
    """The last part of an IRI, made readable: ".../ontology#startDate" -> "start date"."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    tail = unquote(tail)
    tail = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail)
    return tail.replace("-", " ").replace("_", " ").strip() or iri


def curie(iri: str) -> str | None:
    """prefix:local for IRIs in a namespace coopkg knows, else None."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else None


class Labeller:
    """`labeller(iri)` -> display name in the chosen language; `labeller.with_lang(iri)` adds its tag."""

    def __init__(self, store, lang: str | None):
        self.index = name_index(store)
        self.lang = lang

    def with_lang(self, iri: str) -> tuple[str, str]:
        found = pick(self.index.labels_of(str(iri)), self.lang)
        return found if found else (local_name(str(iri)), "")

    def __call__(self, iri) -> str:
        return self.with_lang(iri)[0]

    def has_label(self, iri) -> bool:
        return bool(self.index.labels_of(str(iri)))

    def all_labels(self, iri) -> list[tuple[str, str, int]]:
        return self.index.labels_of(str(iri))
