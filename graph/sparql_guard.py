"""A lexical look at SPARQL text before any engine sees it.

The engines have no policy hooks: pyoxigraph fetches any SERVICE IRI itself and crashes the process on
~3000 nested brackets. So we scan tokens (skipping strings, IRIs and comments) to learn the query form,
the SERVICE targets and the nesting depth, and refuse what the public endpoint must not run.
"""
import re
from dataclasses import dataclass, field

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-.%:\u00B7-\uFFFF]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class GuardError(ValueError):
    """The request must be refused; the message says why, for a person."""


@dataclass
class QueryShape:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or an update keyword
    is_update: bool
    services: list[str | None] = field(default_factory=list)  # IRIs, None for SERVICE ?var
    max_depth: int = 0
    prefixes: dict[str, str] = field(default_factory=dict)


def inspect(text: str) -> QueryShape:
    """Scan the text once; never raises on odd input (the engine reports syntax errors)."""
    form = None
    depth = max_depth = 0
    services: list[str | None] = []
    prefixes: dict[str, str] = {}
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    for i, (kind, value) in enumerate(tokens):
        if kind == "open":
            depth += 1
            max_depth = max(max_depth, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word":
            word = value.upper()
            if form is None and (word in QUERY_FORMS or word in UPDATE_KEYWORDS):
                form = word
            if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
                prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            if word == "SERVICE":
                j = i + 1
                if j < len(tokens) and tokens[j][1].upper() == "SILENT":
                    j += 1
                services.append(_service_target(tokens[j] if j < len(tokens) else None, prefixes))
    return QueryShape(form, form in UPDATE_KEYWORDS, services, max_depth, prefixes)


def _service_target(token, prefixes) -> str | None:
    return None if token is None else resolve_iri(*token, prefixes)


def resolve_iri(kind: str, value: str, prefixes: dict) -> str | None:
    """The IRI an `iri` or `pname` token stands for, or None (a variable, an unknown prefix)."""
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def check_query(text: str, *, allowed_services=(), max_depth: int = 200, max_length: int = 100_000) -> QueryShape:
    """Refuse, with a message a person understands, what the public query endpoint must not run."""
    if len(text) > max_length:
        raise GuardError(f"The query is {len(text)} characters long; the limit is {max_length}.")
    shape = inspect(text)
    if shape.is_update:
        raise GuardError(
            f"This endpoint only answers queries; {shape.form} is a SPARQL Update operation. "
            "Updates go to /sparql/update with a maintainer token."
        )
    _check_common(shape, allowed_services, max_depth)
    return shape


def check_update(text: str, *, allowed_services=(), max_depth: int = 200, max_length: int = 10_000_000) -> QueryShape:
    if len(text) > max_length:
        raise GuardError(f"The update is {len(text)} characters long; the limit is {max_length}.")
    shape = inspect(text)
    if any(kind == "word" and value.upper() == "LOAD" for kind, value in _words(text)):
        raise GuardError("LOAD is not allowed: coopkg never fetches data from URLs named in a request.")
    _check_common(shape, allowed_services, max_depth)
    return shape


def _words(text):
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            yield "word", m.group()


def _check_common(shape: QueryShape, allowed_services, max_depth: int) -> None:
    if shape.max_depth > max_depth:
        raise GuardError(f"The query nests brackets {shape.max_depth} levels deep; the limit is {max_depth}.")
    allowed = set(allowed_services)
    for target in shape.services:
        if target is None:
            raise GuardError("SERVICE with a variable or an unknown prefix is not allowed; name an allowed endpoint.")
        if target not in allowed:
            raise GuardError(
                f"SERVICE <{target}> is not on this endpoint's allow-list of partner endpoints; "
                "coopkg does not send queries to other servers unless they are configured."
            )
