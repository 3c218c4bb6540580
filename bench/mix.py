"""The researcher query mix (bench/queries/*.rq) and how each endpoint is asked it."""
import re
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    description: str

    @property
    def is_graph(self) -> bool:
        body = re.sub(r"(?m)^\s*(#.*|PREFIX\s.*)$", "", self.text).strip().upper()
        return body.startswith(("DESCRIBE", "CONSTRUCT"))

    @property
    def accept(self) -> str:
        return NTRIPLES if self.is_graph else RESULTS_JSON


def load_mix() -> list[Query]:
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        out.append(Query(path.stem, text, first.lstrip("# ").strip()))
    return out


def coopkg_request(base_url: str, query: Query):
    """coopkg's SPARQL Protocol endpoint, by GET, as a researcher's tool would send it."""
    return ("GET", base_url + "/sparql", {"params": {"query": query.text}, "headers": {"Accept": query.accept}})


def bare_request(base_url: str, query: Query):
    return ("GET", base_url + "/query", {"params": {"query": query.text}, "headers": {"Accept": query.accept}})


def answer_size(response, query: Query) -> int:
    """Rows of a SELECT answer, or triples of a graph answer: to check both engines agree."""
    if query.is_graph:
        return sum(1 for line in response.text.splitlines() if line.strip() and not line.startswith("#"))
    data = response.json()
    return len(data["results"]["bindings"]) if "results" in data else 1
