"""Normalising and comparing names of Indonesian organisations, people and places.

Names in the sources vary in small ways: case and accents ("Koperasi", "KOPERASI"), punctuation
("Kopkun-Institute", "Kopkun Institute"), abbreviations ("Kab. Banyumas" for "Kabupaten Banyumas",
"Kemenkop UKM" for "Kementerian Koperasi dan UKM"), legal forms ("PT. Foo Tbk", "CV Bar"), academic
titles ("Dr. Firdaus Putra, S.Sos."), old spellings ("Djokjakarta", "Soerabaja") and typos.

Public API (kept stable; the search page and the reconciliation service both build on it):

- ``fold(text)``: lower case, accents removed, nothing else changed.
- ``normalise(text)``: the comparison form: folded, abbreviations expanded, legal forms and
  honorifics removed, punctuation turned into spaces, whitespace collapsed.
- ``tokens(text)``: the words of ``normalise(text)``.
- ``spelling_key(token)``: a token with old-Indonesian spellings and doubled letters collapsed, so
  "djokjakarta" and "jogjakarta", "soerabaja" and "surabaya" meet.
- ``is_acronym(text)``: whether a raw string looks like an acronym ("LPDB", "KemenKopUKM", "ICCI").
- ``acronyms_of(text)``: acronyms a full name may be known by ("Lembaga Pengelola Dana Bergulir"
  -> {"lpdb"}); stop words are tried with and without.
- ``trigrams(text)``: character trigrams of a normalised string (padded), for candidate search.
- ``token_similarity(a, b)``: 0..1 for two normalised tokens (exact, prefix, edit distance).
- ``similarity(a, b)``: 0..1 for two names, symmetric enough for ranking, tolerant of spelling
  variants, word order and missing stop words. 1.0 means equal after normalisation.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Abbreviations written with or without a trailing dot, expanded before comparison.
#: Keys are folded (lower case); values are the full words.
ABBREVIATIONS: dict[str, str] = {
    "kab": "kabupaten",
    "kabu": "kabupaten",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "univ": "universitas",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "ds": "desa",
    "jl": "jalan",
    "jln": "jalan",
    "kemenkop": "kementerian koperasi",
    "kemenkopukm": "kementerian koperasi ukm",
    "kemenkop-ukm": "kementerian koperasi ukm",
    "kemenkopum": "kementerian koperasi ukm",
    "kemenkeu": "kementerian keuangan",
    "kemendikbud": "kementerian pendidikan kebudayaan",
    "kemendikbudristek": "kementerian pendidikan kebudayaan riset teknologi",
    "kemendesa": "kementerian desa",
    "kemenparekraf": "kementerian pariwisata ekonomi kreatif",
    "kemenkominfo": "kementerian komunikasi informatika",
    "kementrian": "kementerian",
    "kemen": "kementerian",
    "dinkop": "dinas koperasi",
    "diskop": "dinas koperasi",
    "dinkopukm": "dinas koperasi ukm",
    "pemkab": "pemerintah kabupaten",
    "pemkot": "pemerintah kota",
    "pemprov": "pemerintah provinsi",
    "pemda": "pemerintah daerah",
    "kop": "koperasi",
    "kopma": "koperasi mahasiswa",
    "kopwan": "koperasi wanita",
    "ksp": "koperasi simpan pinjam",
    "kspps": "koperasi simpan pinjam pembiayaan syariah",
    "kud": "koperasi unit desa",
    "inst": "institute",
    "dept": "departemen",
    "fak": "fakultas",
    "yys": "yayasan",
    "assoc": "association",
    "intl": "international",
    "int'l": "international",
    "coop": "cooperative",
    "lab": "laboratorium",
    # Provinces and cities by their everyday short names ("Dinkop Jateng", "UMY Jogja").
    "jateng": "jawa tengah",
    "jabar": "jawa barat",
    "jatim": "jawa timur",
    "yogya": "yogyakarta",
    "jogja": "yogyakarta",
    # Indonesian spellings of words that international bodies' names share with English.
    "pasifik": "pacific",
    "internasional": "international",
    "co-op": "cooperative",
}

#: Legal forms dropped wherever they stand ("PT. Foo", "Foo, Tbk", "CV Bar").
LEGAL_FORMS = frozenset({"pt", "cv", "tbk", "persero", "perum", "perseroan", "ltd", "inc", "llc", "gmbh", "bv"})

#: Honorifics dropped before a name and academic degrees dropped after a comma.
HONORIFICS = frozenset({"dr", "drs", "dra", "prof", "ir", "h", "hj", "kh", "bapak", "bpk", "pak", "ibu", "bu",
                        "mr", "mrs", "ms", "sdr", "sdri"})
_DEGREE = re.compile(
    r",\s*(?:(?:s|m|d|a)\s?\.\s?[a-z]{1,5}\.?(?:\s?\.\s?[a-z]{1,4}\.?)?|ph\.?\s?d\.?|mba|mm|msc|bsc|ma|ba|"
    r"se|sh|st|sp|ak|cpa|cfa|mpa|mpp)\b\.?", re.IGNORECASE)

#: Words that carry little identity; they count less in similarity and acronyms may skip them.
STOP_WORDS = frozenset({"dan", "and", "of", "the", "di", "untuk", "for", "yang", "&", "ke", "dari", "de", "la",
                        "se", "atau", "or", "a", "an", "in", "pada", "bagi"})
#: Frequent words of the domain: they count less than a distinctive word.
COMMON_WORDS = frozenset({"koperasi", "cooperative", "cooperatives", "indonesia", "kementerian", "ministry",
                          "universitas", "university", "kabupaten", "kota", "provinsi", "dinas",
                          "pemerintah", "lembaga", "institute", "komunitas", "community"})

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ABBREVIATION_KEYS = frozenset(ABBREVIATIONS)
_DOMAIN_SUFFIX = re.compile(r"(?<=\w)\.(?:co\.id|or\.id|ac\.id|go\.id|id|com|org|net|coop)\b(?!\.\w)")
_SPACES = re.compile(r"\s+")
# Old (pre-1972 and Dutch) spellings and their current forms, applied to tokens in spelling_key.
_OLD_SPELLINGS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh"))


def fold(text: str) -> str:
    """Lower case without accents: "Koperasi Ünal" -> "koperasi unal"."""
    text = text or ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_WORD_SPLIT = re.compile(r"[\s/()]+")
#: Spelled-out forms contracted to the acronyms names use more often (order matters: UMKM first).
_SME_PHRASES = ((re.compile(r"\busaha mikro kecil (?:dan )?menengah\b"), "umkm"),
                (re.compile(r"\busaha kecil (?:dan )?menengah\b"), "ukm"))
_EDGE_PUNCT = ".,;:!?\"'"


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The comparison form of a name (see the module docstring)."""
    folded = fold(text)
    if "," in folded:
        folded = _DEGREE.sub("", folded)
    # Expand "kab." / "kab" style abbreviations on word boundaries before punctuation goes away.
    words = []
    for raw in _WORD_SPLIT.split(folded):
        if not raw:
            continue
        bare = raw.strip(_EDGE_PUNCT)
        expanded = ABBREVIATIONS.get(bare)
        if expanded is None and "." in bare:
            expanded = ABBREVIATIONS.get(bare.replace(".", ""))
        words.append(expanded or raw)
    joined = " ".join(words)
    if "." in joined:  # "Purusha.id", "Beceer.com": a web-domain suffix glued to a brand is not its name
        joined = _DOMAIN_SUFFIX.sub("", joined)
    parts = _NON_WORD.sub(" ", joined).replace("_", " ").split()
    # A second pass catches abbreviations that were glued to punctuation ("kab.banyumas").
    if not _ABBREVIATION_KEYS.isdisjoint(parts):
        parts = [w for p in parts for w in ABBREVIATIONS.get(p, p).split()]
    if not LEGAL_FORMS.isdisjoint(parts):
        parts = [p for p in parts if p not in LEGAL_FORMS]
    if "usaha" in parts:  # "Usaha Kecil dan Menengah" is what "UKM" stands for: compare them as one
        parts = _SME_PHRASES[1][0].sub(_SME_PHRASES[1][1], _SME_PHRASES[0][0].sub(
            _SME_PHRASES[0][1], " ".join(parts))).split()
    while len(parts) > 1 and parts[0] in HONORIFICS:
        parts = parts[1:]
    return " ".join(parts)


def tokens(text: str) -> list[str]:
    return normalise(text).split()


@lru_cache(maxsize=65536)
def spelling_key(token: str) -> str:
    """Old spellings mapped to new ones and doubled letters collapsed ("soerabaja" -> "surabaya")."""
    key = token
    for old, new in _OLD_SPELLINGS:
        key = key.replace(old, new)
    # The old "j" is today's "y" ("Djokja" / "Yogya"); both sides of a comparison are mapped alike.
    key = key.replace("j", "y")
    return re.sub(r"(.)\1+", r"\1", key)


def is_acronym(text: str) -> bool:
    """"LPDB", "ICCI", "KemenKopUKM", "Kopkun" is not (one capital only)."""
    raw = (text or "").strip().strip(".")
    if not raw or " " in raw or len(raw) > 12 or len(raw) < 2:
        return False
    letters = [c for c in raw if c.isalpha()]
    if len(letters) < 2:
        return False
    capitals = sum(1 for c in letters if c.isupper())
    return capitals == len(letters) or (capitals >= 3 and capitals / len(letters) >= 0.3)


def acronyms_of(text: str) -> set[str]:
    """Initial-letter acronyms of a multi-word name, with and without stop words."""
    return acronyms_of_words(tokens(text))


def acronyms_of_words(words: list[str]) -> set[str]:
    """acronyms_of() for a name already split into normalised words."""
    if len(words) < 2:
        return set()
    result = {"".join(w[0] for w in words)}
    significant = [w for w in words if w not in STOP_WORDS]
    if len(significant) >= 2:
        result.add("".join(w[0] for w in significant))
    return {a for a in result if len(a) >= 2}


@lru_cache(maxsize=262144)
def trigrams(normalised: str) -> frozenset[str]:
    """Padded character trigrams of each word: "kopkun" -> {"  k", " ko", "kop", ...}.

    Cached: the same indexed names are compared with query after query."""
    grams = set()
    for word in normalised.split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=262144)
def token_similarity(a: str, b: str) -> float:
    """How alike two normalised words are: 1 equal, 0.9 same spelling key, ~0.85 prefix, else edit ratio."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    ka, kb = spelling_key(a), spelling_key(b)
    if ka == kb:
        return 0.92
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long_.startswith(short):
        return 0.6 + 0.3 * len(short) / len(long_)
    longest = max(len(ka), len(kb))
    limit = 1 if longest <= 5 else 2 if longest <= 10 else 3
    distance = _edit_distance(ka, kb, limit)
    if distance > limit:
        return 0.0
    return max(0.0, 0.9 * (1 - distance / longest))


def _weight(token: str) -> float:
    if token in STOP_WORDS:
        return 0.15
    if token in COMMON_WORDS:
        return 0.5
    return 1.0


#: _weight() of every word that is not worth 1.0, looked up once per word in the hot loop.
_WEIGHTS = {**{w: 0.5 for w in COMMON_WORDS}, **{w: 0.15 for w in STOP_WORDS}}


def _coverage(source: list[str], target: list[str]) -> float:
    """Weighted share of `source` words found (exactly or approximately) in `target`."""
    total = found = 0.0
    for s in source:
        weight = _WEIGHTS.get(s, 1.0)
        total += weight
        if s in target:  # an exact word needs no comparison with every other word (the common case)
            found += weight
            continue
        best = 0.0
        for t in target:
            value = token_similarity(s, t)
            if value > best:
                best = value
        found += weight * best
    return found / total if total else 0.0


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(a: str, b: str, *, normalised: bool = False) -> float:
    """0..1: how likely two strings name the same thing. `normalised=True` skips normalise()."""
    na, nb = (a, b) if normalised else (normalise(a), normalise(b))
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ta, tb = na.split(), nb.split()
    if "".join(ta) == "".join(tb):  # "kop kun" / "kopkun"
        return 0.97
    # An acronym against the full name it abbreviates.
    if len(ta) == 1 and ta[0] in acronyms_of(nb):
        return 0.85
    if len(tb) == 1 and tb[0] in acronyms_of(na):
        return 0.85
    forward, backward = _coverage(ta, tb), _coverage(tb, ta)
    dice = _dice(trigrams(na), trigrams(nb))
    score = 0.55 * forward + 0.3 * backward + 0.15 * dice
    return round(min(score, 0.99), 4)
