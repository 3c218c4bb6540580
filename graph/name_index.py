"""An in-memory index of every name in the graph, for search and reconciliation.

    index = name_index(store)              # built once per store.generation, shared by threads
    hits = index.search("kopkun", types=[CKG.Organisation], limit=10, lang="en")
    hits[0] -> Hit(iri="https://w3id.org/coopkg/id/org/kopkun", label="Kopkun", score=1.0,
                   types=("https://w3id.org/coopkg/ontology#Cooperative",), lang="id", matched="Kopkun")

What is indexed: every rdfs:label, skos:prefLabel, skos:altLabel and ckg:acronym of every IRI in the
union of graphs, with the resource's rdf:types. `types=` filters by class *including subclasses*
(rdfs:subClassOf+ from the ontology), so ckg:Organisation finds cooperatives and incubators.

How a search works (fast for 100 000+ entities):
1. the query is normalised with coopkg.graph.names (case, accents, abbreviations, legal forms);
2. each query word is looked up in a word -> names inverted index: exactly, as a prefix (type-ahead),
   by spelling key (old spellings), and approximately through a trigram -> word index with an edit-
   distance check; a one-word query is also looked up among the acronyms derived from full names;
3. candidates collect an IDF-weighted score (very frequent words such as "koperasi" only add to
   candidates when no rarer word is given), the best few hundred are re-scored with
   names.similarity(), and each entity keeps its best name;
4. hits are ranked by score, then by primary name before alternative names, then alphabetically.

Hit.label is the entity's display name (preferred language, then Indonesian, English, any); Hit.lang
is that label's language tag ("" when untagged); Hit.matched is the name that matched the query.
"""
from __future__ import annotations

import bisect
from array import array
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from . import queries
from .generation_cache import GenerationCache
from .names import acronyms_of_words, normalise, spelling_key, token_similarity, trigrams, similarity, STOP_WORDS

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
CKG_ACRONYM = "https://w3id.org/coopkg/ontology#acronym"

PRIMARY, ALTERNATIVE, ACRONYM = 0, 1, 2
_KIND = {RDFS_LABEL: PRIMARY, SKOS_PREF: PRIMARY, SKOS_ALT: ALTERNATIVE, CKG_ACRONYM: ACRONYM}
_LANG_ORDER = ("id", "en", "")

#: A word found in more names than this only adds candidates when the query has no rarer word.
COMMON_POSTING = 5000
#: How many candidate names are re-scored with the full similarity.
RESCORE = 300
#: Hits below this score are not returned.
MIN_SCORE = 0.45


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    score: float
    types: tuple[str, ...]
    lang: str
    matched: str = ""


@dataclass(slots=True)
class _Entity:
    iri: str
    types: tuple[str, ...] = ()
    labels: list = field(default_factory=list)  # (text, lang, kind)


class NameIndex:
    """Immutable once built; safe to share between threads."""

    def __init__(self, label_rows, type_rows, ancestor_rows, generation: int = 0):
        self.generation = generation
        self._ancestors: dict[str, set[str]] = defaultdict(set)
        for cls, ancestor in ancestor_rows:
            self._ancestors[cls].add(ancestor)

        entity_ids: dict[str, int] = {}
        self._entities: list[_Entity] = []
        # Names: parallel lists indexed by name id.
        self._name_entity: list[int] = []
        self._name_norm: list[str] = []
        self._name_text: list[str] = []
        self._name_kind: list[int] = []
        for iri, predicate, text, lang in label_rows:
            if not text.strip():
                continue
            eid = entity_ids.get(iri)
            if eid is None:
                eid = entity_ids[iri] = len(self._entities)
                self._entities.append(_Entity(iri))
            kind = _KIND.get(predicate, ALTERNATIVE)
            label = (text, lang, kind)
            labels = self._entities[eid].labels
            if label in labels:  # the same name stated in two graphs
                continue
            labels.append(label)
            norm = normalise(text)
            if not norm:
                continue
            self._name_entity.append(eid)
            self._name_norm.append(norm)
            self._name_text.append(text)
            self._name_kind.append(kind)

        types: dict[int, set[str]] = defaultdict(set)
        for iri, cls in type_rows:
            eid = entity_ids.get(iri)
            if eid is not None:
                types[eid].add(cls)
        shared: dict[tuple, tuple] = {}  # most entities share one of a few type tuples
        for eid, classes in types.items():
            key = tuple(sorted(classes))
            self._entities[eid].types = shared.setdefault(key, key)
        self._entity_ids = entity_ids

        postings: dict[str, list[int]] = defaultdict(list)
        acronyms: dict[str, list[int]] = defaultdict(list)
        for nid, norm in enumerate(self._name_norm):
            words = norm.split()
            for word in set(words):
                postings[word].append(nid)
            if len(words) > 1 and self._name_kind[nid] != ACRONYM:
                for acronym in acronyms_of_words(words):
                    acronyms[acronym].append(nid)
        # Compact int arrays rather than lists of int objects: a tenth of the memory at national scale.
        self._postings = {word: array("i", ids) for word, ids in postings.items()}
        del postings
        self._acronyms = dict(acronyms)
        self._vocabulary = sorted(self._postings)
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._by_gram: dict[str, list[int]] = defaultdict(list)
        for wid, word in enumerate(self._vocabulary):
            self._by_key[spelling_key(word)].append(word)
            for gram in trigrams(word):
                self._by_gram[gram].append(wid)
        self._name_count = max(1, len(self._name_norm))

    # ---- facts about the index ----
    def __len__(self) -> int:
        return len(self._entities)

    @property
    def name_count(self) -> int:
        return len(self._name_norm)

    def labels_of(self, iri: str) -> list[tuple[str, str, int]]:
        """(text, lang, kind) of every name of `iri`; kind is PRIMARY, ALTERNATIVE or ACRONYM."""
        eid = self._entity_ids.get(iri)
        return list(self._entities[eid].labels) if eid is not None else []

    def typed(self):
        """(iri, class) of every named resource, for other in-memory indexes (saves a query)."""
        for entity in self._entities:
            for cls in entity.types:
                yield entity.iri, cls

    def types_of(self, iri: str) -> tuple[str, ...]:
        eid = self._entity_ids.get(iri)
        return self._entities[eid].types if eid is not None else ()

    def is_a(self, iri: str, classes) -> bool:
        eid = self._entity_ids.get(iri)
        return eid is not None and self._entity_matches(eid, frozenset(str(c) for c in classes))

    # ---- search ----
    def search(self, text: str, types=None, limit: int = 10, lang: str | None = None,
               min_score: float = MIN_SCORE, exclude_types=None, within: str | None = None) -> list[Hit]:
        """Entities whose names resemble `text`, best first (see the module docstring).

        `types`: only instances of these classes (or their subclasses); `exclude_types`: leave out
        resources directly typed with any of these (e.g. owl:Class, to keep vocabulary out of search);
        `lang`: preferred language of Hit.label; `min_score`: hits scoring lower are dropped;
        `within`: only IRIs starting with it (e.g. our own base, leaving partners' records out)."""
        query = normalise(text or "")
        if not query or limit <= 0:
            return []
        wanted = frozenset(str(t) for t in types) if types else None
        excluded = frozenset(str(t) for t in exclude_types) if exclude_types else None
        words = query.split()
        candidates = self._candidates(words)
        if wanted is not None or excluded is not None or within is not None:
            candidates = {nid: s for nid, s in candidates.items()
                          if (wanted is None or self._entity_matches(self._name_entity[nid], wanted))
                          and (excluded is None or excluded.isdisjoint(self._entities[self._name_entity[nid]].types))
                          and (within is None or self._entities[self._name_entity[nid]].iri.startswith(within))}
        best = heapq.nlargest(RESCORE, candidates.items(),
                              key=lambda item: (item[1], -len(self._name_norm[item[0]])))
        per_entity: dict[int, tuple[float, int, str]] = {}
        for nid, _ in best:
            score = similarity(query, self._name_norm[nid], normalised=True)
            kind = self._name_kind[nid]
            if kind == ACRONYM and score < 1.0:
                score *= 0.9  # a near-miss on an acronym is weak evidence
            eid = self._name_entity[nid]
            current = per_entity.get(eid)
            if current is None or (score, -kind) > (current[0], -current[1]):
                per_entity[eid] = (score, kind, self._name_text[nid])
        ranked = sorted(((s, k, eid, m) for eid, (s, k, m) in per_entity.items() if s >= min_score),
                        key=lambda r: (-r[0], r[1], self._display(r[2], lang)[0].casefold()))
        hits = []
        for score, _, eid, matched in ranked[:limit]:
            label, label_lang = self._display(eid, lang)
            entity = self._entities[eid]
            hits.append(Hit(entity.iri, label, round(score, 4), entity.types, label_lang, matched))
        return hits

    def _entity_matches(self, eid: int, wanted: frozenset) -> bool:
        for cls in self._entities[eid].types:
            if cls in wanted or not wanted.isdisjoint(self._ancestors.get(cls, ())):
                return True
        return False

    def _display(self, eid: int, lang: str | None) -> tuple[str, str]:
        labels = self._entities[eid].labels
        order = ((lang,) if lang else ()) + _LANG_ORDER
        for kind in (PRIMARY, ALTERNATIVE, ACRONYM):
            of_kind = [(t, l) for t, l, k in labels if k == kind]
            for wanted in order:
                for text, label_lang in of_kind:
                    if label_lang == wanted:
                        return text, label_lang
            if of_kind:
                return of_kind[0]
        return self._entities[eid].iri, ""

    def _word_matches(self, word: str) -> dict[str, float]:
        """Words of the vocabulary that `word` may stand for, with how well each matches."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        if len(word) >= 2:
            start = bisect.bisect_left(self._vocabulary, word)
            for other in self._vocabulary[start:start + 200]:
                if not other.startswith(word):
                    break
                found.setdefault(other, token_similarity(word, other))
        for other in self._by_key.get(spelling_key(word), ()):
            found.setdefault(other, token_similarity(word, other))
        if len(word) >= 4:
            grams = trigrams(word)
            shared: dict[int, int] = defaultdict(int)
            for gram in grams:
                for wid in self._by_gram.get(gram, ()):
                    shared[wid] += 1
            needed = max(2, int(len(grams) * 0.4))
            for wid, count in shared.items():
                if count >= needed:
                    other = self._vocabulary[wid]
                    if other not in found:
                        quality = token_similarity(word, other)
                        if quality >= 0.6:
                            found[other] = quality
        return found

    def _candidates(self, words: list[str]) -> dict[int, float]:
        per_word = []
        for word in dict.fromkeys(words):
            matches = self._word_matches(word)
            size = sum(len(self._postings[w]) for w in matches)
            per_word.append((word, matches, size))
        sizes = [size for _, _, size in per_word]
        if any(size > COMMON_POSTING for size in sizes) and not any(0 < size <= COMMON_POSTING for size in sizes):
            return self._common_candidates(per_word)
        scores: dict[int, float] = defaultdict(float)
        for word, matches, size in per_word:
            if size > COMMON_POSTING:
                continue  # frequent words still count when candidates are re-scored
            weight = 0.15 if word in STOP_WORDS else 1.0
            contribution: dict[int, float] = {}
            for other, quality in matches.items():
                posting = self._postings[other]
                idf = math.log(1 + self._name_count / len(posting))
                value = weight * quality * idf
                for nid in posting:
                    if contribution.get(nid, 0.0) < value:
                        contribution[nid] = value
            for nid, value in contribution.items():
                scores[nid] += value
        if len(words) == 1:
            for nid in self._acronyms.get(words[0], ()):
                scores[nid] += math.log(1 + self._name_count)
        return scores

    def _common_candidates(self, per_word) -> dict[int, float]:
        """Every query word is frequent ("koperasi sejahtera"): names holding all of them (set
        intersections run in C), shortest first, so an exact name is among the few re-scored."""
        sets = []
        for _, matches, size in sorted(per_word, key=lambda item: item[2]):
            if not size:
                continue
            found: set[int] = set()
            for other in matches:
                found.update(self._postings[other])
            sets.append(found)
        if not sets:
            return {}
        common = set.intersection(*sets) or sets[0]
        shortest = heapq.nsmallest(RESCORE, common, key=lambda nid: len(self._name_norm[nid]))
        return {nid: 1.0 for nid in shortest}

    def display_labels(self, lang: str | None) -> dict[str, str]:
        """IRI -> display name in `lang` (with the usual fallback) for every named resource, in one pass."""
        return {entity.iri: self._display(eid, lang)[0] for eid, entity in enumerate(self._entities)}


# ---- building and caching per store generation ----
def build_name_index(store) -> NameIndex:
    """Read every name, type and subclass link from the store and index them."""
    generation = store.generation
    label_rows = [(r["s"].value, r["p"].value, r["label"].value, getattr(r["label"], "language", None) or "")
                  for r in store.select(queries.load("names_labels"))]
    type_rows = [(r["s"].value, r["type"].value) for r in store.select(queries.load("names_types"))]
    ancestor_rows = [(r["class"].value, r["ancestor"].value) for r in store.select(queries.load("class_ancestors"))]
    return NameIndex(label_rows, type_rows, ancestor_rows, generation)


_cache = GenerationCache(build_name_index, "name index")


def name_index(store) -> NameIndex:
    """The index for the store's current generation, shared by all threads. After a change a small
    index is rebuilt before answering; a large one is rebuilt in the background while searches keep
    using the previous one (graph/generation_cache.py)."""
    return _cache.get(store)
