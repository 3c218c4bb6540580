"""Content negotiation: one table (graph/formats.py), one way to choose from it.

A `format` parameter (a short name, an extension or a media type) wins over the Accept header.
None means nothing acceptable can be produced: the caller answers 406.
"""
from flask import request

from coopkg.graph.formats import RDF_SYNTAXES, RESULTS_SYNTAXES, rdf_syntax, results_syntax


def _choose(syntaxes, lookup, default_name, format_param, extra=()):
    if format_param:
        return lookup(format_param)
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept"):
        return lookup(default_name)
    offered = [s.media_type for s in syntaxes] + [a for s in syntaxes for a in s.aliases] + list(extra)
    best = accept.best_match(offered)
    if best is None:
        return None
    if best in extra:
        return best
    return lookup(best)


def choose_rdf_syntax(default="turtle", format_param=None, extra=()):
    """An RdfSyntax, a string from `extra` (e.g. "text/html") if that is preferred, or None."""
    return _choose(RDF_SYNTAXES, rdf_syntax, default, format_param, extra)


def choose_results_syntax(default="json", format_param=None, extra=()):
    return _choose(RESULTS_SYNTAXES, results_syntax, default, format_param, extra)


def prefers_html() -> bool:
    """True for browsers, which list text/html explicitly."""
    accept = request.accept_mimetypes
    return "text/html" in (request.headers.get("Accept") or "") and accept["text/html"] >= max(
        [accept[s.media_type] for s in RDF_SYNTAXES] + [accept[s.media_type] for s in RESULTS_SYNTAXES])
