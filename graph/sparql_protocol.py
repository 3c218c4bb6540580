"""What the SPARQL 1.1 Protocol needs to know about query and update text, beyond the engine.

- A query's own FROM / FROM NAMED clauses: the store presents the union of graphs as the default
  graph, and pyoxigraph's union switch would override FROM; so the view passes FROM as an explicit
  dataset (the protocol's default-graph-uri/named-graph-uri win over both, as the protocol says).
- using-graph-uri / using-named-graph-uri on updates: pyoxigraph takes no dataset for updates, so
  they are written into the text as USING / USING NAMED clauses of each DELETE/INSERT ... WHERE
  operation (the IRIs are serialised by pyoxigraph, never pasted in).
- Parser messages: "error at 3:14: ..." gets the offending line and a caret.
"""
import re

import pyoxigraph as ox

from .sparql_guard import _TOKEN, resolve_iri

#: the header with which a coopkg server marks an answer it cut at its row cap
TRUNCATED_HEADER = "X-Coopkg-Truncated"

_POSITION = re.compile(r"at (\d+):(\d+)")


def _tokens(text):
    """(kind, value, start, end) for every significant token, with the bracket depth before it."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield kind, m.group(), m.start(), m.end(), depth
        if kind == "open":
            depth += 1


def query_dataset_clauses(text: str) -> tuple[list[str], list[str]] | None:
    """The IRIs of a query's FROM and FROM NAMED clauses, or None if it has none."""
    tokens = list(_tokens(text))
    prefixes, default, named, seen = {}, [], [], False
    for i, (kind, value, _, _, depth) in enumerate(tokens):
        word = value.upper() if kind == "word" else None
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        if word != "FROM" or depth != 0:
            continue
        j, target = i + 1, default
        if j < len(tokens) and tokens[j][1].upper() == "NAMED":
            j, target = j + 1, named
        if j < len(tokens):
            iri = resolve_iri(tokens[j][0], tokens[j][1], prefixes)
            if iri is not None:
                target.append(iri)
                seen = True
    return (default, named) if seen else None


def update_has_dataset_clause(text: str) -> bool:
    """True if the update names its own dataset (USING, USING NAMED or WITH)."""
    return any(kind == "word" and value.upper() in ("USING", "WITH") for kind, value, *_ in _tokens(text))


def add_using(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """The update with USING / USING NAMED clauses before the WHERE of each DELETE/INSERT operation.

    `DELETE WHERE { P }` has no place for USING, so it becomes the equivalent `DELETE { P } USING ... WHERE { P }`.
    """
    clauses = " ".join([f"USING {ox.NamedNode(g)}" for g in default_graphs]
                       + [f"USING NAMED {ox.NamedNode(g)}" for g in named_graphs])
    if not clauses:
        return text
    tokens = list(_tokens(text))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied right to left
    operation_start = True
    first_word = None
    for i, (kind, value, start, end, depth) in enumerate(tokens):
        if depth != 0:
            continue
        if kind == "other" and value == ";":
            operation_start, first_word = True, None
            continue
        word = value.upper() if kind == "word" else None
        if operation_start and word in ("DELETE", "INSERT"):
            operation_start, first_word = False, word
            following = tokens[i + 1][1].upper() if i + 1 < len(tokens) else ""
            if following == "DATA":
                first_word = None
            elif word == "DELETE" and following == "WHERE":
                # DELETE WHERE { P }  ->  DELETE { P } USING ... WHERE { P }
                body_start = tokens[i + 2][2] if i + 2 < len(tokens) else None
                body_end = _group_end(tokens, i + 2)
                if body_start is not None and body_end is not None:
                    pattern = text[body_start:body_end]
                    edits.append((tokens[i + 1][2], body_end, f"{pattern} {clauses} WHERE {pattern}"))
                first_word = None
            continue
        if operation_start and word not in (None, "PREFIX", "BASE"):
            operation_start = False
        if first_word and word == "WHERE":
            edits.append((start, start, clauses + " "))
            first_word = None
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _group_end(tokens, i):
    """The end offset of the bracketed group that starts at token i."""
    if i >= len(tokens) or tokens[i][0] != "open":
        return None
    opening_depth = tokens[i][4]
    for kind, _, _, end, depth in tokens[i + 1:]:
        if kind == "close" and depth == opening_depth:
            return end
    return None


def explain_syntax_error(message: str, text: str) -> str:
    """The parser's message, followed by the line it points at and a caret under the column."""
    match = _POSITION.search(message)
    if not match:
        return message
    line_no, column = int(match.group(1)), int(match.group(2))
    lines = text.splitlines() or [""]
    if not 1 <= line_no <= len(lines):
        return message
    line = lines[line_no - 1]
    if len(line) > 200:
        left = max(0, column - 100)
        line, column = line[left:left + 200], column - left
    return f"{message}\n\n{line}\n{' ' * max(0, column - 1)}^"
