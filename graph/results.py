"""SPARQL results and RDF graphs to bytes, with a row cap.

pyoxigraph serialises whole result sets natively but cannot stop at a cap, so solutions are written
here; graphs (CONSTRUCT/DESCRIBE) go through pyoxigraph's serialisers.
"""
import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .formats import RdfSyntax, ResultsSyntax

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_to_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_to_json(term.subject),
            "predicate": term_to_json(term.predicate),
            "object": term_to_json(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _term_to_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _term_to_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _term_to_tsv(term) -> str:
    return "" if term is None else str(term)


def serialize_solutions(variables: list[str], rows, syntax: ResultsSyntax, row_limit: int | None = None):
    """Write SELECT results; `rows` yields sequences aligned with `variables`. Returns (bytes, truncated)."""
    taken, truncated = [], False
    for row in rows:
        if row_limit is not None and len(taken) >= row_limit:
            truncated = True
            break
        taken.append(row)
    if syntax.name == "json":
        bindings = [{v: term_to_json(t) for v, t in zip(variables, row) if t is not None} for row in taken]
        body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
        return body.encode(), truncated
    if syntax.name == "xml":
        out = io.StringIO()
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out.writelines(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.write("</head><results>")
        for row in taken:
            out.write("<result>")
            out.writelines(
                f"<binding name={quoteattr(v)}>{_term_to_xml(t)}</binding>"
                for v, t in zip(variables, row) if t is not None)
            out.write("</result>")
        out.write("</results></sparql>\n")
        return out.getvalue().encode(), truncated
    if syntax.name == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_to_csv(t) for t in row] for row in taken)
        return out.getvalue().encode(), truncated
    if syntax.name == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines.extend("\t".join(_term_to_tsv(t) for t in row) for row in taken)
        return ("\n".join(lines) + "\n").encode(), truncated
    raise ValueError(f"unknown results syntax {syntax.name}")


def serialize_boolean(value: bool, syntax: ResultsSyntax) -> bytes:
    if syntax.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if syntax.name == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    # CSV and TSV define no boolean form; this is the common convention (Jena, Oxigraph).
    header = "_askResult" if syntax.name == "csv" else "?_askResult"
    return f"{header}\n{'true' if value else 'false'}\n".encode()


def serialize_triples(triples, syntax: RdfSyntax, row_limit: int | None = None, prefixes=None):
    """Returns (bytes, truncated)."""
    taken, truncated = [], False
    for triple in triples:
        if row_limit is not None and len(taken) >= row_limit:
            truncated = True
            break
        taken.append(triple)
    kwargs = {"prefixes": prefixes} if prefixes and syntax.name in ("turtle", "trig") else {}
    return ox.serialize(taken, format=syntax.oxigraph, **kwargs) or b"", truncated
