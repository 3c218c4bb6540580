"""Loading files and directories into a store, one named graph per source file."""
from pathlib import Path
from typing import Callable, Iterator

from .formats import rdf_syntax_for_path


def expand(paths) -> Iterator[Path]:
    """Files as given; directories walked for every file with a known RDF extension, in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and rdf_syntax_for_path(p))
        else:
            yield path


def load_files(store, paths, *, graph: str | None = None, replace: bool = False,
               on_start: Callable[[Path, int], Callable[[int], None] | None] | None = None,
               on_done: Callable[[Path, int], None] | None = None) -> int:
    """Load each file all-or-nothing; stops at the first file that fails. Returns quads loaded."""
    total = 0
    for path in expand(paths):
        progress = on_start(path, path.stat().st_size) if on_start else None
        count = store.load(path, graph=graph, replace=replace, progress=progress)
        total += max(count, 0)
        if on_done:
            on_done(path, count)
    return total
