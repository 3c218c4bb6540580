"""Where each IRI under the base is published (docs/linked-data.md describes the pattern).

    <base>id/<kind>/<slug>        thing      -> /id/<kind>/<slug>      303 -> /doc/<kind>/<slug>
    <base>concept/<scheme>/<code> concept    -> /concept/...           303 -> /doc/concept/<scheme>/<code>
    <base>graph/<name>            named graph-> /graph/...             303 -> /doc/graph/<name>
    <base>ontology#Term           ontology (hash IRIs) -> /ontology (the document itself, negotiated)

`concept` and `graph` are reserved first segments under /doc/ (no entity kind uses them).
"""
from __future__ import annotations

from urllib.parse import quote

ID, CONCEPT, GRAPH, ONTOLOGY = "id/", "concept/", "graph/", "ontology"
RESERVED = (CONCEPT, GRAPH)


def relative(iri: str, base: str) -> str | None:
    return iri[len(base):] if iri.startswith(base) and len(iri) > len(base) else None


def doc_path(iri: str, base: str) -> str | None:
    """The path (below /doc/) of the document describing `iri`, or None if we do not publish it."""
    rel = relative(iri, base)
    if rel is None or "#" in rel or rel == ONTOLOGY:
        return None
    if rel.startswith(ID):
        rest = rel[len(ID):]
        return rest if rest and not rest.startswith(RESERVED) else None
    if rel.startswith(RESERVED):
        return rel
    return None


def iri_for_doc(path: str, base: str) -> str:
    """The IRI a /doc/<path> document describes (inverse of doc_path)."""
    return base + (path if path.startswith(RESERVED) else ID + path)


def iri_for_request(path: str, base: str) -> str:
    """The IRI named by a request path on our host ("/id/org/kopkun" -> <base>id/org/kopkun)."""
    return base + path.lstrip("/")


def local_href(iri: str, base: str) -> str | None:
    """A link inside this site for `iri` (a /doc/ page or the ontology page), else None."""
    rel = relative(iri, base)
    if rel is None:
        return None
    if rel == ONTOLOGY or rel.startswith(ONTOLOGY + "#"):
        return "/" + quote(rel, safe="/#-_.~")
    path = doc_path(iri, base)
    return "/doc/" + quote(path, safe="/-_.~") if path else None
