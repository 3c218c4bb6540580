"""Bind values to variables of a fixed query without formatting values into its text by hand.

The bindings become a VALUES block placed at the start of the WHERE group (pyoxigraph's own
substitutions only bind projected variables, and a remote server has none); each value is written by
pyoxigraph's N-Triples serialisation of the term, which escapes it.
"""
from .sparql_guard import _TOKEN


def with_values(query: str, bindings: dict) -> str:
    if not bindings:
        return query
    names = list(bindings)
    values = " ".join(str(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    seen_where = False
    first_open = None
    for m in _TOKEN.finditer(query):
        kind, text = m.lastgroup, m.group()
        if kind == "word" and text.upper() == "WHERE":
            seen_where = True
        elif kind == "open" and text == "{":
            if seen_where:
                return query[: m.end()] + block + query[m.end():]
            if first_open is None:
                first_open = m.end()
    if first_open is None:
        raise ValueError("query has no group pattern to bind values in")
    return query[:first_open] + block + query[first_open:]
