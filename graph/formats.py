"""The one table of RDF and SPARQL-results formats: names, media types, file extensions."""
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    media_type: str
    extension: str
    oxigraph: ox.RdfFormat
    is_dataset: bool
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultsSyntax:
    name: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()


RDF_SYNTAXES = (
    RdfSyntax("turtle", "text/turtle", "ttl", ox.RdfFormat.TURTLE, False, ("application/x-turtle",)),
    RdfSyntax("ntriples", "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES, False, ("text/plain",)),
    RdfSyntax("rdfxml", "application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML, False, ("application/xml", "text/xml")),
    RdfSyntax("jsonld", "application/ld+json", "jsonld", ox.RdfFormat.JSON_LD, False, ("application/json",)),
    RdfSyntax("trig", "application/trig", "trig", ox.RdfFormat.TRIG, True, ("application/x-trig",)),
    RdfSyntax("nquads", "application/n-quads", "nq", ox.RdfFormat.N_QUADS, True, ("text/x-nquads",)),
)

RESULTS_SYNTAXES = (
    ResultsSyntax("json", "application/sparql-results+json", "srj", ("application/json",)),
    ResultsSyntax("xml", "application/sparql-results+xml", "srx", ("application/xml", "text/xml")),
    ResultsSyntax("csv", "text/csv", "csv"),
    ResultsSyntax("tsv", "text/tab-separated-values", "tsv"),
)

_EXTRA_EXTENSIONS = {"turtle": "ttl", "owl": "rdf", "xml": "rdf", "json": "jsonld", "nquads": "nq", "ntriples": "nt"}


def rdf_syntax(name: str) -> RdfSyntax | None:
    """A syntax by short name, media type or file extension (case-insensitive)."""
    key = name.strip().lower()
    for syntax in RDF_SYNTAXES:
        if key in (syntax.name, syntax.media_type, syntax.extension) or key in syntax.aliases:
            return syntax
    return None


def rdf_syntax_for_path(path) -> RdfSyntax | None:
    suffixes = [s.lstrip(".").lower() for s in __import__("pathlib").Path(str(path)).suffixes]
    suffixes = [s for s in suffixes if s not in ("gz",)]
    if not suffixes:
        return None
    ext = _EXTRA_EXTENSIONS.get(suffixes[-1], suffixes[-1])
    return next((s for s in RDF_SYNTAXES if s.extension == ext), None)


def results_syntax(name: str) -> ResultsSyntax | None:
    key = name.strip().lower()
    for syntax in RESULTS_SYNTAXES:
        if key in (syntax.name, syntax.media_type, syntax.extension) or key in syntax.aliases:
            return syntax
    return None
