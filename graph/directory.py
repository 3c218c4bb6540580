"""The browsable directory: lists per class with facets, counts, sorting and pagination.

Built in memory once per store.generation from four bounded queries (types, facet values, directory
entries, subclass links) and shared by every request; a page is then a few set intersections and a
list slice, so it stays fast at 100 000 entries (bench/ measures it), whatever the page number.

Facets: model (ckg:cooperativeModel), category and status (from the ckg:DirectoryEntry that lists
the organisation), province (ckg:province, directly or through the city), city (ckg:city) and year
(of schema:startDate, dcterms:date or schema:foundingDate). Facet values are IRIs (years: "2019").
"""
from __future__ import annotations

import heapq
import threading
from collections import defaultdict
from dataclasses import dataclass

from . import queries
from .generation_cache import GenerationCache
from .labels import pick
from .name_index import name_index
from .vocab import BASE

#: What the directory lists: resources of these classes (or their subclasses). Positions, entries,
#: sources, concepts and vocabulary are described on the pages of what they are about.
LISTED = tuple("https://w3id.org/coopkg/ontology#" + c for c in (
    "Organisation", "Person", "Event", "Collaboration", "Programme", "City", "Province"))
FACETS = ("model", "category", "status", "province", "city", "year")
SORTS = ("name", "-name", "-year", "year")
PAGE_SIZES = (20, 50, 100)


@dataclass
class Page:
    items: list[str]             # IRIs of this page, in order
    total: int                   # how many match the filter
    page: int
    page_size: int
    counts: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], most frequent first

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class DirectoryIndex:
    def __init__(self, type_rows, facet_rows, entry_rows, ancestor_rows, labels_of, generation=0,
                 display_labels=None, listed=LISTED):
        self.generation = generation
        ancestors: dict[str, set[str]] = defaultdict(set)
        for cls, ancestor in ancestor_rows:
            ancestors[cls].add(ancestor)
        listed = set(listed)
        self._ids: dict[str, int] = {}
        self._iris: list[str] = []
        self._types: list[set[str]] = []
        self._members: dict[str, set[int]] = defaultdict(set)  # class (with superclasses) -> ids
        for iri, cls in type_rows:
            if cls not in listed and listed.isdisjoint(ancestors.get(cls, ())):
                continue
            eid = self._id(iri)
            self._types[eid].add(cls)
            self._members[cls].add(eid)
            for ancestor in ancestors.get(cls, ()):
                self._members[ancestor].add(eid)
        self._values: dict[str, dict[str, set[int]]] = {f: defaultdict(set) for f in FACETS}
        self._facets_of: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        city_province: dict[str, set[str]] = defaultdict(set)
        entity_cities: list[tuple[int, str]] = []
        self._year: dict[int, str] = {}
        self._date: dict[int, str] = {}
        for iri, facet, value in facet_rows:
            if facet == "province":
                city_province[iri].add(value)
            eid = self._ids.get(iri)
            if eid is None:
                continue
            if facet == "date":
                year = value[:4]
                if year.isdigit():
                    self._add(eid, "year", year)
                    self._year[eid] = min(self._year.get(eid, year), year)
                    self._date[eid] = min(self._date.get(eid, value), value)
                continue
            self._add(eid, facet, value)
            if facet == "city":
                entity_cities.append((eid, value))
        for eid, city in entity_cities:
            for province in city_province.get(city, ()):
                self._add(eid, "province", province)
        for iri, entry, facet, value in entry_rows:
            eid = self._ids.get(iri)
            if eid is not None:
                self._add(eid, facet, value)
        self._labels_of = labels_of
        self._display_labels = display_labels
        self._order: dict[tuple[str, str], list[int]] = {}
        self._lock = threading.Lock()

    def _id(self, iri: str) -> int:
        eid = self._ids.get(iri)
        if eid is None:
            eid = self._ids[iri] = len(self._iris)
            self._iris.append(iri)
            self._types.append(set())
        return eid

    def _add(self, eid: int, facet: str, value: str) -> None:
        self._values[facet][value].add(eid)
        self._facets_of[eid][facet].add(value)

    # ---- reading ----
    def class_count(self, cls: str) -> int:
        return len(self._members.get(cls, ()))

    def classes(self) -> list[tuple[str, int]]:
        return sorted(((c, len(m)) for c, m in self._members.items()), key=lambda x: -x[1])

    def facets_of(self, iri: str) -> dict[str, set[str]]:
        eid = self._ids.get(iri)
        return dict(self._facets_of.get(eid, {})) if eid is not None else {}

    def year_of(self, iri: str) -> str | None:
        eid = self._ids.get(iri)
        return self._year.get(eid) if eid is not None else None

    def types_of(self, iri: str) -> set[str]:
        eid = self._ids.get(iri)
        return set(self._types[eid]) if eid is not None else set()

    def label(self, iri: str, lang: str) -> str:
        found = pick(self._labels_of(iri), lang)
        return found[0] if found else iri.rstrip("/").rsplit("/", 1)[-1]

    def _by_name(self, lang: str) -> tuple[list[int], list[int]]:
        """(ids in name order, rank of each id) for `lang`; computed once per language and kept."""
        with self._lock:
            found = self._order.get(("name", lang))
            if found is None:
                if self._display_labels is not None:
                    shown = self._display_labels(lang)
                    names = [(shown.get(iri) or iri).casefold() for iri in self._iris]
                else:
                    names = [self.label(iri, lang).casefold() for iri in self._iris]
                order = sorted(range(len(self._iris)), key=lambda e: (names[e], self._iris[e]))
                rank = [0] * len(order)
                for position, eid in enumerate(order):
                    rank[eid] = position
                found = self._order[("name", lang)] = (order, rank)
            return found

    def _rank(self, sort: str, lang: str) -> list:
        """A sort key per id for `sort` (smaller first)."""
        key = ("rank", sort, lang)
        with self._lock:
            found = self._order.get(key)
        if found is not None:
            return found
        order, rank = self._by_name(lang)
        if sort == "name":
            found = rank
        elif sort == "-name":
            found = [-r for r in rank]
        else:
            sign = -1 if sort == "-year" else 1
            # undated last, then by year, then by name
            found = [(0, sign * int(self._year[e]), rank[e]) if e in self._year else (1, 0, rank[e])
                     for e in range(len(rank))]
        with self._lock:
            self._order[key] = found
        return found

    def _ordered(self, sort: str, lang: str) -> list[int]:
        key = ("order", sort, lang)
        with self._lock:
            found = self._order.get(key)
        if found is None:
            rank = self._rank(sort, lang)
            found = sorted(range(len(self._iris)), key=rank.__getitem__)
            with self._lock:
                self._order[key] = found
        return found

    def warm(self, languages=("id", "en")) -> None:
        """Compute the name orders ahead (they are the slow part of a first page)."""
        for lang in languages:
            self._ordered("name", lang)

    def page(self, cls: str | None, filters: dict[str, list[str]] | None = None, *, sort: str = "name",
             page: int = 1, page_size: int = 50, lang: str = "id") -> Page:
        """One page of `cls` (None: everything typed) matching every facet filter (values OR-ed within
        a facet, facets AND-ed)."""
        sort = sort if sort in SORTS else "name"
        page_size = page_size if page_size in PAGE_SIZES else 50
        matching = set(self._members.get(cls, ())) if cls else set(range(len(self._iris)))
        for facet, values in (filters or {}).items():
            if facet not in self._values or not values:
                continue
            allowed = set()
            for value in values:
                allowed |= self._values[facet].get(value, set())
            matching &= allowed
        counts = {}
        for facet in FACETS:
            facet_counts = [(value, len(ids & matching)) for value, ids in self._values[facet].items()]
            facet_counts = [(v, n) for v, n in facet_counts if n]
            if facet == "year":
                facet_counts.sort(reverse=True)  # newest first
            else:
                facet_counts.sort(key=lambda vn: (-vn[1], vn[0]))
            counts[facet] = facet_counts
        total = len(matching)
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        start = (page - 1) * page_size
        items: list[str] = []
        if total and total * 20 < len(self._iris):
            # few matches: sort just them by their precomputed rank
            rank = self._rank(sort, lang)
            items = [self._iris[e] for e in heapq.nsmallest(start + page_size, matching, key=rank.__getitem__)[start:]]
        elif total:
            skipped = 0
            for eid in self._ordered(sort, lang):
                if eid in matching:
                    if skipped < start:
                        skipped += 1
                        continue
                    items.append(self._iris[eid])
                    if len(items) == page_size:
                        break
        return Page(items, total, page, page_size, counts)

    def crosstab(self, cls: str | None, rows: str, columns: str) -> tuple[list[str], list[str], dict]:
        """Counts of `cls` members for each (row value, column value) of two facets, e.g. province x
        model: (row values, column values, {(row, column): count}), both ordered by their totals."""
        members = self._members.get(cls, set()) if cls else set(range(len(self._iris)))
        row_sets = {v: ids & members for v, ids in self._values[rows].items()}
        column_sets = {v: ids & members for v, ids in self._values[columns].items()}
        row_sets = {v: ids for v, ids in row_sets.items() if ids}
        column_sets = {v: ids for v, ids in column_sets.items() if ids}
        counts = {(r, c): len(r_ids & c_ids) for r, r_ids in row_sets.items() for c, c_ids in column_sets.items()}
        order_rows = sorted(row_sets, key=lambda v: (-len(row_sets[v]), v))
        order_columns = sorted(column_sets, key=lambda v: (-len(column_sets[v]), v))
        return order_rows, order_columns, counts

    def dated(self, classes, year: str | None = None) -> list[tuple[str, str]]:
        """(earliest date, IRI) of members of any of `classes` that have a date, oldest first."""
        members = set()
        for cls in classes:
            members |= self._members.get(cls, set())
        rows = [(self._date[e], self._iris[e]) for e in members
                if e in self._date and (year is None or self._year[e] == year)]
        return sorted(rows)

    def years(self, classes) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for cls in classes:
            for e in self._members.get(cls, ()):
                if e in self._year:
                    counts[self._year[e]] += 1
        return sorted(counts.items())


# ---- building and caching ----
def build_directory(store) -> DirectoryIndex:
    generation = store.generation
    names = name_index(store)
    # What is listed has a name (the name index read the types already) and is ours: partners'
    # records are linked to our entities by sameAs, not listed beside them.
    type_rows = [(iri, cls) for iri, cls in names.typed() if iri.startswith(BASE)]
    facet_rows = [(r["s"].value, r["facet"].value, r["value"].value) for r in store.select(queries.load("directory_facets"))]
    entry_rows = [(r["s"].value, r["entry"].value, r["facet"].value, r["value"].value)
                  for r in store.select(queries.load("directory_entry_facets"))]
    ancestor_rows = [(r["class"].value, r["ancestor"].value) for r in store.select(queries.load("class_ancestors"))]
    index = DirectoryIndex(type_rows, facet_rows, entry_rows, ancestor_rows, names.labels_of, generation,
                           display_labels=names.display_labels)
    index.warm()
    return index


_cache = GenerationCache(build_directory, "directory")


def directory_index(store) -> DirectoryIndex:
    """The directory for the store's current generation (a large one is rebuilt in the background
    while readers keep the previous one; graph/generation_cache.py)."""
    return _cache.get(store)
