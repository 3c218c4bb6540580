"""The library of example queries: examples/*.rq, each opening with a header of comment lines.

    # title@id: Koperasi per provinsi dan model
    # title@en: Cooperatives per province and model
    # description@id: ...
    # description@en: ...
    # needs@id: dataset mitra    (optional, what must be loaded besides the curated graph;
    # needs@en: a partner dataset  `# needs: ...` alone serves both languages)

The file name without its extension is the example's id (used in share links and tests).
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .paths import EXAMPLES_DIR

_HEADER = re.compile(r"^#\s*([a-z]+)(?:@([a-z]{2}))?\s*:\s*(.*?)\s*$")
REQUIRED = ("title@id", "title@en", "description@id", "description@en")


class ExampleError(ValueError):
    pass


@dataclass(frozen=True)
class Example:
    id: str
    query: str
    title: dict = field(default_factory=dict)        # language -> text
    description: dict = field(default_factory=dict)
    needs: dict = field(default_factory=dict)       # language -> text; empty: the curated graph suffices

    def text(self, what: str, lang: str) -> str:
        values = getattr(self, what)
        return values.get(lang) or values.get("en") or values.get("id") or ""

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "description": self.description, "needs": self.needs,
                "query": self.query}


def parse(example_id: str, text: str) -> Example:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            key = match.group(1) + (f"@{match.group(2)}" if match.group(2) else "")
            fields[key] = match.group(3)
    missing = [key for key in REQUIRED if not fields.get(key)]
    if missing:
        raise ExampleError(f"example {example_id} lacks {', '.join(missing)} in its header")
    return Example(
        id=example_id, query=text,
        title={"id": fields["title@id"], "en": fields["title@en"]},
        description={"id": fields["description@id"], "en": fields["description@en"]},
        needs={lang: fields.get(f"needs@{lang}") or fields["needs"]
               for lang in ("id", "en") if fields.get(f"needs@{lang}") or fields.get("needs")})


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    """Every example, ordered by file name; a malformed header is an error (tests catch it)."""
    return list(_load(str(directory), _mtime(directory)))


@lru_cache(maxsize=4)
def _load(directory: str, _stamp) -> tuple[Example, ...]:
    paths = sorted(Path(directory).glob("*.rq"))
    return tuple(parse(path.stem, path.read_text(encoding="utf-8")) for path in paths)


def _mtime(directory: Path):
    """Changes when a file is added, removed or edited, so a running server sees new examples."""
    if not directory.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.rq")))


def get_example(example_id: str, directory: Path = EXAMPLES_DIR) -> Example | None:
    return next((e for e in load_examples(directory) if e.id == example_id), None)
