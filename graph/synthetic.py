"""A seeded generator of a national-scale cooperative registry in coopkg's own ontology.

It writes N-Quads as it goes (memory stays flat from 10 thousand to 10 million triples): places of
all 38 provinces, cooperatives of every model with their boards (people and dated positions),
directory entries, supporting institutions, events with participants, collaborations with parties and
status, programmes, and a partner's dataset of the same cooperatives in its own vocabulary with an
owl:sameAs linkset. The same seed and size always give the same bytes.

Every entity's attributes are a pure function of (seed, kind, index), so a later entity can point at
an earlier one (a person on a second board, a participant in an event) from its index alone, without
remembering anything.
"""
import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, TextIO

BASE = "https://w3id.org/coopkg/"
CKG = BASE + "ontology#"
KG = BASE + "id/"
KGC = BASE + "concept/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OWL_SAMEAS = "<http://www.w3.org/2002/07/owl#sameAs>"
FOAF_HOMEPAGE = "<http://xmlns.com/foaf/0.1/homepage>"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: the named graphs the generator writes
SOURCE_SLUG = "synthetic-registry"
DATA_GRAPH = f"<{BASE}graph/source/{SOURCE_SLUG}>"
PROVENANCE_GRAPH = f"<{BASE}graph/provenance>"
PARTNER_NAME = "registry-nasional"
PARTNER_GRAPH = f"<{BASE}graph/partner/{PARTNER_NAME}>"
LINKSET_GRAPH = f"<{BASE}graph/linkset/{PARTNER_NAME}>"
#: the partner's own namespace (a made-up registry; example TLD so it can never resolve)
PARTNER_NS = "https://data.registry.example/koperasi/"
PARTNER_VOCAB = "https://data.registry.example/vocab#"
DIRECTORY = f"<{KG}directory/icci>"


def _c(local):  # ontology term
    return f"<{CKG}{local}>"


def _p(ns, local):
    return f"<{ns}{local}>"


LABEL, ALT, DESC = _p(RDFS, "label"), _p(SKOS, "altLabel"), _p(SCHEMA, "description")
START, END, LOCATION = _p(SCHEMA, "startDate"), _p(SCHEMA, "endDate"), _p(SCHEMA, "location")
MEMBER, ORGANIZATION, ROLE, SUBORG = _p(ORG, "member"), _p(ORG, "organization"), _p(ORG, "role"), _p(ORG, "subOrganizationOf")

# ---------------------------------------------------------------------------------------------------
# Places: the 38 provinces (weights ~ population in millions) and a spread of their regencies/cities.
# Province IRIs are the ontology's (ontology/concepts/province.ttl defines them); "Kota X" is a city
# (kg:place/x, as the curated gazetteer names cities), anything else a regency (kg:place/x-regency).
PROVINCES = [
    ("Aceh", 5.4, ["Kota Banda Aceh", "Kota Lhokseumawe", "Kota Langsa", "Aceh Besar", "Aceh Utara", "Pidie"]),
    ("Sumatera Utara", 15.1, ["Kota Medan", "Kota Binjai", "Kota Pematangsiantar", "Deli Serdang", "Toba", "Karo", "Simalungun"]),
    ("Sumatera Barat", 5.6, ["Kota Padang", "Kota Bukittinggi", "Kota Payakumbuh", "Agam", "Padang Pariaman", "Tanah Datar"]),
    ("Riau", 6.6, ["Kota Pekanbaru", "Kota Dumai", "Kampar", "Siak", "Indragiri Hilir", "Bengkalis"]),
    ("Kepulauan Riau", 2.1, ["Kota Batam", "Kota Tanjungpinang", "Bintan", "Karimun", "Natuna"]),
    ("Jambi", 3.6, ["Kota Jambi", "Kota Sungai Penuh", "Muaro Jambi", "Kerinci", "Bungo"]),
    ("Sumatera Selatan", 8.6, ["Kota Palembang", "Kota Prabumulih", "Kota Lubuklinggau", "Ogan Komering Ilir", "Banyuasin", "Muara Enim"]),
    ("Kepulauan Bangka Belitung", 1.5, ["Kota Pangkalpinang", "Bangka", "Belitung", "Bangka Tengah"]),
    ("Bengkulu", 2.0, ["Kota Bengkulu", "Rejang Lebong", "Mukomuko", "Bengkulu Utara"]),
    ("Lampung", 9.1, ["Kota Bandar Lampung", "Kota Metro", "Lampung Selatan", "Pringsewu", "Lampung Tengah"]),
    ("DKI Jakarta", 10.6, ["Kota Jakarta Pusat", "Kota Jakarta Selatan", "Kota Jakarta Timur", "Kota Jakarta Barat",
                           "Kota Jakarta Utara", "Kepulauan Seribu"]),
    ("Jawa Barat", 48.8, ["Kota Bandung", "Kota Bogor", "Kota Bekasi", "Kota Depok", "Kota Cirebon", "Kota Tasikmalaya",
                          "Kota Sukabumi", "Bandung Barat", "Garut", "Karawang", "Kuningan", "Sumedang"]),
    ("Banten", 12.0, ["Kota Serang", "Kota Tangerang", "Kota Tangerang Selatan", "Kota Cilegon", "Pandeglang", "Lebak"]),
    ("Jawa Tengah", 37.0, ["Kota Semarang", "Kota Surakarta", "Kota Magelang", "Kota Salatiga", "Kota Pekalongan", "Kota Tegal",
                           "Banyumas", "Kudus", "Jepara", "Klaten", "Purbalingga", "Cilacap", "Wonosobo"]),
    ("DI Yogyakarta", 3.7, ["Kota Yogyakarta", "Sleman", "Bantul", "Kulon Progo", "Gunungkidul"]),
    ("Jawa Timur", 41.1, ["Kota Surabaya", "Kota Malang", "Kota Kediri", "Kota Madiun", "Kota Batu", "Sidoarjo", "Jember",
                          "Banyuwangi", "Gresik", "Lamongan", "Pasuruan", "Tulungagung"]),
    ("Bali", 4.3, ["Kota Denpasar", "Badung", "Gianyar", "Tabanan", "Buleleng", "Karangasem"]),
    ("Nusa Tenggara Barat", 5.5, ["Kota Mataram", "Kota Bima", "Lombok Timur", "Lombok Tengah", "Sumbawa"]),
    ("Nusa Tenggara Timur", 5.5, ["Kota Kupang", "Sikka", "Manggarai Barat", "Sumba Timur", "Ende", "Flores Timur"]),
    ("Kalimantan Barat", 5.5, ["Kota Pontianak", "Kota Singkawang", "Kubu Raya", "Sambas", "Sintang"]),
    ("Kalimantan Tengah", 2.7, ["Kota Palangka Raya", "Kotawaringin Timur", "Kapuas", "Kotawaringin Barat"]),
    ("Kalimantan Selatan", 4.1, ["Kota Banjarmasin", "Kota Banjarbaru", "Banjar", "Tabalong", "Tanah Laut"]),
    ("Kalimantan Timur", 3.8, ["Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kutai Kartanegara", "Berau"]),
    ("Kalimantan Utara", 0.7, ["Kota Tarakan", "Bulungan", "Nunukan", "Malinau"]),
    ("Sulawesi Utara", 2.6, ["Kota Manado", "Kota Bitung", "Kota Tomohon", "Minahasa", "Bolaang Mongondow"]),
    ("Gorontalo", 1.2, ["Kota Gorontalo", "Bone Bolango", "Pohuwato", "Boalemo"]),
    ("Sulawesi Tengah", 3.0, ["Kota Palu", "Poso", "Banggai", "Donggala", "Sigi"]),
    ("Sulawesi Barat", 1.4, ["Mamuju", "Majene", "Polewali Mandar", "Mamasa"]),
    ("Sulawesi Selatan", 9.1, ["Kota Makassar", "Kota Parepare", "Kota Palopo", "Gowa", "Bone", "Maros", "Bulukumba"]),
    ("Sulawesi Tenggara", 2.6, ["Kota Kendari", "Kota Baubau", "Kolaka", "Konawe", "Muna"]),
    ("Maluku", 1.8, ["Kota Ambon", "Kota Tual", "Maluku Tengah", "Seram Bagian Barat"]),
    ("Maluku Utara", 1.3, ["Kota Ternate", "Kota Tidore Kepulauan", "Halmahera Utara", "Halmahera Barat"]),
    ("Papua", 1.0, ["Kota Jayapura", "Keerom", "Biak Numfor", "Sarmi", "Kepulauan Yapen"]),
    ("Papua Barat", 0.6, ["Manokwari", "Fakfak", "Kaimana", "Teluk Bintuni"]),
    ("Papua Barat Daya", 0.6, ["Kota Sorong", "Raja Ampat", "Sorong Selatan", "Maybrat"]),
    ("Papua Selatan", 0.5, ["Merauke", "Boven Digoel", "Mappi", "Asmat"]),
    ("Papua Tengah", 1.4, ["Nabire", "Mimika", "Paniai", "Dogiyai"]),
    ("Papua Pegunungan", 1.4, ["Jayawijaya", "Lanny Jaya", "Yahukimo", "Tolikara"]),
]

# (code, share of the registry, Indonesian name prefix, acronym prefix, listed in the ICCI directory)
MODELS = [
    ("savings-and-loan", 30, "Koperasi Simpan Pinjam", "KSP", False),
    ("consumer", 18, "Koperasi Konsumen", "KOPKON", False),
    ("producer", 14, "Koperasi Produsen", "KOPPRO", False),
    ("service", 10, "Koperasi Jasa", "KOPJAS", False),
    ("marketing", 6, "Koperasi Pemasaran", "KOPPAS", False),
    ("multi-stakeholder", 4, "Koperasi Multi Pihak", "KMP", True),
    ("student", 4, "Koperasi Mahasiswa", "KOPMA", True),
    ("worker", 4, "Koperasi Pekerja", "KOPKER", True),
    ("startup", 4, "Koperasi Startup", "KOPSTART", True),
    ("platform", 3, "Koperasi Platform", "KOPLAT", True),
    ("community", 3, "Koperasi Komunitas", "KOPKOM", True),
]

NAME_WORDS_A = ["Sejahtera", "Maju", "Mitra", "Karya", "Bina", "Sumber", "Tunas", "Harapan", "Cipta", "Sinar",
                "Makmur", "Mandiri", "Usaha", "Berkah", "Bumi", "Citra", "Daya", "Gotong", "Insan", "Jaya",
                "Lestari", "Mulia", "Nusa", "Permata", "Rukun", "Sentosa", "Surya", "Tirta", "Wahana", "Warga"]
NAME_WORDS_B = ["Bersama", "Jaya", "Tani", "Nelayan", "Abadi", "Mandiri", "Sentosa", "Makmur", "Utama", "Digital",
                "Kreatif", "Muda", "Bahari", "Raya", "Sakti", "Lestari", "Setia", "Amanah", "Syariah", "Wiguna",
                "Kencana", "Persada", "Nusantara", "Karsa", "Loka", "Sejati", "Rahayu", "Mulya", "Santosa", "Kopi"]

GIVEN = ["Budi", "Siti", "Agus", "Dewi", "Ahmad", "Sri", "Eko", "Rina", "Hendra", "Fitri", "Joko", "Yuni",
         "Bambang", "Indah", "Rizky", "Nur", "Dian", "Wahyu", "Putri", "Andi", "Ratna", "Firdaus", "Lestari",
         "Teguh", "Ayu", "Arif", "Kartika", "Fajar", "Nanda", "Yoga", "Anisa", "Bayu", "Citra", "Dimas",
         "Endang", "Farhan", "Gita", "Hadi", "Intan", "Irfan", "Maya", "Novita", "Oki", "Puspita", "Rahmat",
         "Sari", "Taufik", "Umi", "Vina", "Wulan", "Yusuf", "Zainal", "Suharti", "Suryadi", "Mulyadi",
         "Hotma", "Togar", "Rudy", "Yohanes", "Maria", "Fransiska", "Kadek", "Komang", "Wayan", "Ketut",
         "Asep", "Ujang", "Euis", "Cecep", "Daeng", "Andi Muhammad", "La Ode", "Wa Ode", "Teuku", "Cut"]
FAMILY = ["Santoso", "Rahmawati", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Setiawan", "Nugroho", "Pratama",
          "Lestari", "Susanto", "Wibowo", "Siregar", "Nasution", "Simanjuntak", "Harahap", "Sitompul", "Lubis",
          "Putra", "Sari", "Gunawan", "Hakim", "Purnomo", "Suryani", "Handayani", "Firmansyah", "Kurniawan",
          "Ramadhan", "Maulana", "Syahputra", "Tanjung", "Panjaitan", "Manurung", "Pangaribuan", "Sembiring",
          "Ginting", "Tarigan", "Sinaga", "Pohan", "Daulay", "Mahendra", "Permana", "Sugiarto", "Utomo",
          "Wirawan", "Astuti", "Yulianti", "Anggraini", "Fauzi", "Iskandar", "Sutrisno", "Prasetyo", "Mappa",
          "Pattimura", "Rumbiak", "Wanggai", "Mandacan", "Manuhutu", "Latuconsina", "Tuasikal"]
PREFIXES = ["Dr.", "Ir.", "Drs.", "Prof. Dr.", "H.", "Hj."]
SUFFIXES = ["S.E.", "M.M.", "S.T.", "M.Si.", "S.Kom.", "M.B.A.", "S.H.", "Ph.D.", "S.P.", "M.Ak."]

# (role code in kgc:role, Indonesian title, English title)
BOARD = [("chair", "Ketua", "Chair"), ("executive-committee-member", "Sekretaris", "Secretary"),
         ("executive-committee-member", "Bendahara", "Treasurer"),
         ("board-member", "Ketua Pengawas", "Head of the supervisory board"), ("chief-executive", "Manajer", "Manager")]

# Supporting institutions: (class, share, label pattern, directory category)
SUPPORT = [
    ("Incubator", 3, "Inkubator Koperasi {w} {city}", "incubator"),
    ("University", 3, "Universitas {w} {city}", "supporting-institution"),
    ("CreativeHub", 2, "Ruang Kreatif {w} {city}", "creative-community"),
    ("Community", 2, "Komunitas {w} {city}", "creative-community"),
    ("Company", 2, "PT {w} {b} Indonesia", "supporting-institution"),
    ("Investor", 1, "{w} {b} Ventura", "supporting-institution"),
    ("Association", 1, "Asosiasi Koperasi {w} {province}", "supporting-institution"),
]
EVENTS = [  # (class, share, Indonesian label pattern)
    ("Workshop", 4, "Lokakarya {topic} {city} {year}"),
    ("FocusGroupDiscussion", 3, "FGD {topic} {city} {year}"),
    ("CoordinationMeeting", 2, "Rapat Koordinasi Koperasi {province} {year}"),
    ("Festival", 1, "Festival Koperasi {city} {year}"),
    ("Visit", 2, "Kunjungan ke {org}"),
    ("Camp", 1, "Startup Coop Camp {city} {year}"),
    ("Commemoration", 1, "Peringatan Hari Koperasi {city} {year}"),
]
TOPICS = ["Koperasi Digital", "Koperasi Multi Pihak", "Tata Kelola Koperasi", "Koperasi Pekerja", "Literasi Keuangan",
          "Pemasaran Daring", "Koperasi Platform", "Inovasi Koperasi", "Koperasi Pangan", "Ekonomi Kreatif"]
COLLABORATIONS = [  # (class, share, Indonesian label prefix)
    ("MemorandumOfUnderstanding", 4, "Nota Kesepahaman"),
    ("Commitment", 3, "Komitmen Kerja Sama"),
    ("FundingSupport", 2, "Dukungan Pendanaan"),
    ("ResearchCooperation", 1, "Kerja Sama Riset"),
]
STATUSES = [("planned", 2), ("committed", 3), ("signed", 4), ("ongoing", 5), ("completed", 4)]
ENTRY_STATUSES = [("running", 8), ("pending", 1), ("stopped", 2)]
VENUES = ["Gedung Koperasi {city}", "Balai Kota {city}", "Aula Dinas Koperasi {city}", "Hotel Santika {city}",
          "Pendopo {city}"]

# How often the generator adds each kind of thing, per cooperative.
EVENT_EVERY, COLLAB_EVERY, SUPPORT_EVERY, PROGRAMME_EVERY = 8, 5, 40, 50
PARTNER_SHARE, DIRECTORY_SHARE_OTHER, REUSED_PERSON_SHARE = 0.35, 0.08, 0.15


# ---------------------------------------------------------------------------------------------------
def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str, lang: str | None = None) -> str:
    return f'"{_escape(text)}"@{lang}' if lang else f'"{_escape(text)}"'


def typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def date(year: int, month: int, day: int) -> str:
    return typed(f"{year:04d}-{month:02d}-{day:02d}", "date")


def _cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


_PROVINCE_NAMES = {name for name, _, _ in PROVINCES}
_PROVINCE_CUM = _cumulative([w for _, w, _ in PROVINCES])
_MODEL_CUM = _cumulative([w for _, w, *_ in MODELS])
_SUPPORT_CUM = _cumulative([w for _, w, *_ in SUPPORT])
_EVENT_CUM = _cumulative([w for _, w, _ in EVENTS])
_COLLAB_CUM = _cumulative([w for _, w, _ in COLLABORATIONS])
_STATUS_CUM = _cumulative([w for _, w in STATUSES])
_ENTRY_CUM = _cumulative([w for _, w in ENTRY_STATUSES])


def _pick(rng, items, cum):
    return rng.choices(items, cum_weights=cum)[0]


def place_iri(label: str) -> str:
    """Province names and "Kota X" map to kg:place/x; a regency's name to kg:place/x-regency."""
    if label in _PROVINCE_NAMES:
        return f"<{KG}place/{slugify(label)}>"
    if label.startswith("Kota "):
        return f"<{KG}place/{slugify(place_label(label))}>"
    return f"<{KG}place/{slugify(label)}-regency>"


def place_label(name: str) -> str:
    """"Kota Bandung" is called Bandung; a city named like its province keeps "Kota" (Kota Jambi)."""
    if name.startswith("Kota "):
        return name if name.removeprefix("Kota ") in _PROVINCE_NAMES else name.removeprefix("Kota ")
    return f"Kabupaten {name}"


def venue_iri(city: str, n: int) -> str:
    return f"<{KG}place/venue-{slugify(city)}-{n}>"


def concept(scheme: str, code: str) -> str:
    return f"<{KGC}{scheme}/{code}>"


# ---------------------------------------------------------------------------------------------------
@dataclass
class Counts:
    triples: int = 0
    cooperatives: int = 0
    persons: int = 0
    positions: int = 0
    events: int = 0
    collaborations: int = 0
    institutions: int = 0
    programmes: int = 0
    entries: int = 0
    partner_records: int = 0
    provinces: set = field(default_factory=set)

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "provinces"}
        out["provinces"] = len(self.provinces)
        return out


class _Entities:
    """Attributes of the i-th entity of a kind, recomputed on demand from (seed, kind, i)."""

    KINDS = {"coop": 1, "person": 2, "support": 3, "event": 4}

    def __init__(self, seed: int):
        self.seed = seed

    def rng(self, kind: str, i: int) -> random.Random:
        return random.Random((self.seed << 40) ^ (self.KINDS[kind] << 36) ^ i)

    def coop(self, i: int) -> dict:
        r = self.rng("coop", i)
        model = _pick(r, MODELS, _MODEL_CUM)
        province = _pick(r, PROVINCES, _PROVINCE_CUM)
        city = r.choice(province[2])
        a, b = r.choice(NAME_WORDS_A), r.choice(NAME_WORDS_B)
        place = city.removeprefix("Kota ")
        label = f"{model[2]} {a} {b} {place}"
        return {"i": i, "model": model, "province": province[0], "city": city, "label": label,
                "acronym": f"{model[3]} {a[:3].upper()}{b[:2].upper()}", "words": (a, b),
                "iri": f"<{KG}org/{slugify(f'{model[3]} {a} {b} {place}')}-{i}>",
                "year": r.randint(1985, 2025), "rng": r}

    def person(self, i: int) -> dict:
        r = self.rng("person", i)
        given, family = r.choice(GIVEN), r.choice(FAMILY)
        if r.random() < 0.3:
            given = f"{given} {r.choice(GIVEN)}"
        name = f"{given} {family}"
        return {"name": name, "iri": f"<{KG}person/{slugify(name)}-{i}>",
                "prefix": r.choice(PREFIXES) if r.random() < 0.12 else None,
                "suffix": r.choice(SUFFIXES) if r.random() < 0.35 else None}

    def support(self, i: int) -> dict:
        r = self.rng("support", i)
        cls, _, pattern, category = _pick(r, SUPPORT, _SUPPORT_CUM)
        province = _pick(r, PROVINCES, _PROVINCE_CUM)
        city = r.choice(province[2])
        label = pattern.format(w=r.choice(NAME_WORDS_A), b=r.choice(NAME_WORDS_B), city=city.removeprefix("Kota "),
                               province=province[0])
        return {"cls": cls, "category": category, "label": label, "city": city, "province": province[0],
                "iri": f"<{KG}org/{slugify(label)}-s{i}>"}

    def event_iri(self, i: int) -> str:
        return f"<{KG}event/synthetic-{i}>"


def _province_office(province: str) -> str:
    return f"<{KG}org/dinas-koperasi-ukm-{slugify(province)}>"


class Generator:
    """Writes the graph to a text stream; `run()` stops after the unit that reaches the target."""

    def __init__(self, out: TextIO, target: int, seed: int = 1, progress: Callable[[int], None] | None = None):
        self.out, self.target, self.seed, self.progress = out, target, seed, progress
        self.e = _Entities(seed)
        self.rng = random.Random(seed)
        self.counts = Counts()
        self._lines: list[str] = []

    # ---- writing ----
    def q(self, s, p, o, g=DATA_GRAPH):
        self._lines.append(f"{s} {p} {o} {g} .\n")

    def flush(self):
        self.out.writelines(self._lines)
        self.counts.triples += len(self._lines)
        if self.progress:
            self.progress(len(self._lines))
        self._lines.clear()

    # ---- fixed part ----
    def places(self):
        for name, _, cities in PROVINCES:
            p = place_iri(name)
            for city in cities:
                c = place_iri(city)
                self.q(c, RDF_TYPE, _c("City" if city.startswith("Kota ") else "Regency"))
                self.q(c, LABEL, lit(place_label(city), "id"))
                self.q(c, _c("province"), p)
                for n, pattern in enumerate(VENUES[:2]):
                    v = venue_iri(city, n)
                    self.q(v, RDF_TYPE, _c("Venue"))
                    self.q(v, LABEL, lit(pattern.format(city=city.removeprefix("Kota ")), "id"))
                    self.q(v, _c("city"), c)
            office = _province_office(name)
            self.q(office, RDF_TYPE, _c("RegionalGovernmentOffice"))
            self.q(office, LABEL, lit(f"Dinas Koperasi dan UKM Provinsi {name}", "id"))
            self.q(office, LABEL, lit(f"Cooperatives and SMEs Office of {name} Province", "en"))
            self.q(office, _c("province"), p)
            self.q(office, _c("city"), place_iri(cities[0]))

    def provenance(self):
        source = f"<{KG}source/{SOURCE_SLUG}>"
        g = PROVENANCE_GRAPH
        self.q(DATA_GRAPH, _p(PROV, "wasDerivedFrom"), source, g)
        self.q(source, RDF_TYPE, _p(SCHEMA, "Dataset"), g)
        self.q(source, RDF_TYPE, _p(PROV, "Entity"), g)
        self.q(source, _p(DCT, "title"), lit(f"Registri koperasi nasional sintetis (seed {self.seed})", "id"), g)
        self.q(source, _p(DCT, "title"), lit(f"Synthetic national cooperative registry (seed {self.seed})", "en"), g)
        self.q(source, _p(DCT, "date"), date(2026, 1, 1), g)
        self.q(DIRECTORY, RDF_TYPE, _c("Directory"))
        self.q(DIRECTORY, LABEL, lit("Direktori Inovasi Koperasi Indonesia", "id"))
        self.q(DIRECTORY, LABEL, lit("Indonesian Cooperative Innovation Directory", "en"))

    # ---- one cooperative and what comes with it ----
    def cooperative(self, i: int):
        c = self.e.coop(i)
        r, iri = c["rng"], c["iri"]
        self.counts.cooperatives += 1
        self.counts.provinces.add(c["province"])
        self.q(iri, RDF_TYPE, _c("Cooperative"))
        self.q(iri, LABEL, lit(c["label"], "id"))
        if r.random() < 0.6:
            self.q(iri, _c("acronym"), lit(c["acronym"]))
        if r.random() < 0.2:
            self.q(iri, ALT, lit(f"Kop. {c['words'][0]} {c['words'][1]}", "id"))
        self.q(iri, _c("cooperativeModel"), concept("cooperative-model", c["model"][0]))
        self.q(iri, _c("city"), place_iri(c["city"]))
        self.q(iri, _c("province"), place_iri(c["province"]))
        self.q(iri, DESC, lit(f"{c['label']} adalah koperasi {c['model'][2].split(' ', 1)[1].lower()} di "
                              f"{c['city']}, {c['province']}, berdiri tahun {c['year']}.", "id"))
        if r.random() < 0.5:
            self.q(iri, DESC, lit(f"A {c['model'][0].replace('-', ' ')} cooperative in {c['city']}, "
                                  f"{c['province']}, founded in {c['year']}.", "en"))
        if r.random() < 0.25:
            self.q(iri, FOAF_HOMEPAGE, f"<https://{slugify(c['label']).replace('-', '')[:40]}.example.id/>")
        if r.random() < 0.1:
            self.q(iri, SUBORG, _province_office(c["province"]))
        self.board(c)
        if c["model"][4] or r.random() < DIRECTORY_SHARE_OTHER:
            self.entry(iri, "practitioner", f"coop-{i}", r)
        if r.random() < PARTNER_SHARE:
            self.partner_record(c)

    def board(self, c):
        r, org = c["rng"], c["iri"]
        for n, (role, title_id, title_en) in enumerate(BOARD[:r.randint(3, 5)]):
            self.position(org, role, title_id, title_en, f"{c['i']}-{n}", r, c["year"])
        if c["year"] <= 2018 and r.random() < 0.3:  # a former chair, with an end date
            self.position(org, "chair", "Ketua", "Chair", f"{c['i']}-past", r, c["year"], past=True)

    def position(self, org, role, title_id, title_en, key, r, founded, past=False):
        if self.counts.persons and r.random() < REUSED_PERSON_SHARE:
            person = self.e.person(r.randrange(self.counts.persons))["iri"]
        else:
            person = self.new_person()
        pos = f"<{KG}position/{key}>"
        self.counts.positions += 1
        self.q(pos, RDF_TYPE, _c("Position"))
        self.q(pos, MEMBER, person)
        self.q(pos, ORGANIZATION, org)
        self.q(pos, ROLE, concept("role", role))
        self.q(pos, _c("title"), lit(title_id, "id"))
        if r.random() < 0.3:
            self.q(pos, _c("title"), lit(title_en, "en"))
        start = r.randint(max(founded, 1990), 2019 if past else 2025)
        self.q(pos, START, date(start, r.randint(1, 12), r.randint(1, 28)))
        if past:
            self.q(pos, END, date(min(start + r.randint(1, 5), 2024), r.randint(1, 12), r.randint(1, 28)))

    def new_person(self) -> str:
        k = self.counts.persons
        self.counts.persons += 1
        p = self.e.person(k)
        self.q(p["iri"], RDF_TYPE, _c("Person"))
        self.q(p["iri"], LABEL, lit(p["name"], "id"))
        if p["prefix"]:
            self.q(p["iri"], _c("honorificPrefix"), lit(p["prefix"]))
        if p["suffix"]:
            self.q(p["iri"], _c("honorificSuffix"), lit(p["suffix"]))
        return p["iri"]

    def entry(self, org, category, key, r):
        e = f"<{KG}entry/{key}>"
        self.counts.entries += 1
        self.q(e, RDF_TYPE, _c("DirectoryEntry"))
        self.q(e, _c("entryOf"), org)
        self.q(e, _c("inDirectory"), DIRECTORY)
        self.q(e, _c("directoryCategory"), concept("directory-category", category))
        self.q(e, _c("entryStatus"), concept("entry-status", _pick(r, [s for s, _ in ENTRY_STATUSES], _ENTRY_CUM)))
        self.q(e, _p(DCT, "modified"), date(r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28)))

    def partner_record(self, c):
        r = c["rng"]
        self.counts.partner_records += 1
        nik = f"{3100000000 + c['i'] * 7919 % 899999999:010d}"
        rec = f"<{PARTNER_NS}{nik}>"
        g = PARTNER_GRAPH
        self.q(rec, RDF_TYPE, f"<{PARTNER_VOCAB}Koperasi>", g)
        self.q(rec, LABEL, lit(c["label"].upper()), g)
        self.q(rec, f"<{PARTNER_VOCAB}nik>", lit(nik), g)
        self.q(rec, f"<{PARTNER_VOCAB}kabupatenKota>", lit(c["city"].upper()), g)
        self.q(rec, f"<{PARTNER_VOCAB}provinsi>", lit(c["province"].upper()), g)
        self.q(rec, f"<{PARTNER_VOCAB}jumlahAnggota>", typed(r.randint(20, 5000), "integer"), g)
        self.q(c["iri"], OWL_SAMEAS, rec, LINKSET_GRAPH)

    # ---- what is shared between cooperatives ----
    def institution(self, k: int):
        s = self.e.support(k)
        self.counts.institutions += 1
        self.q(s["iri"], RDF_TYPE, _c(s["cls"]))
        self.q(s["iri"], LABEL, lit(s["label"], "id"))
        self.q(s["iri"], _c("city"), place_iri(s["city"]))
        self.q(s["iri"], _c("province"), place_iri(s["province"]))
        r = self.e.rng("support", k)
        self.q(s["iri"], DESC, lit(f"{s['label']} mendukung ekosistem koperasi di {s['province']}.", "id"))
        self.entry(s["iri"], s["category"], f"inst-{k}", r)
        for n, (role, tid, ten) in enumerate([("director", "Direktur", "Director")]):
            self.position(s["iri"], role, tid, ten, f"s{k}-{n}", r, 2000)

    def _some_org(self, r) -> str:
        """An earlier cooperative, often a recent (nearby in the stream) one, so clusters form."""
        n = self.counts.cooperatives
        i = r.randrange(max(0, n - 50), n) if r.random() < 0.6 else r.randrange(n)
        return self.e.coop(i)["iri"]

    def _some_person(self, r) -> str:
        return self.e.person(r.randrange(self.counts.persons))["iri"]

    def event(self, k: int):
        r = self.rng
        self.counts.events += 1
        cls, _, pattern = _pick(r, EVENTS, _EVENT_CUM)
        host_coop = self.e.coop(r.randrange(self.counts.cooperatives))
        city, province = host_coop["city"], host_coop["province"]
        year, month, day = r.randint(2015, 2026), r.randint(1, 12), r.randint(1, 26)
        label = pattern.format(topic=r.choice(TOPICS), city=city.removeprefix("Kota "), year=year,
                               province=province, org=host_coop["label"])
        ev = self.e.event_iri(k)
        self.q(ev, RDF_TYPE, _c(cls))
        self.q(ev, LABEL, lit(label, "id"))
        self.q(ev, START, date(year, month, day))
        self.q(ev, END, date(year, month, day + r.randint(0, 2)))
        self.q(ev, _c("city"), place_iri(city))
        self.q(ev, LOCATION, venue_iri(city, r.randint(0, 1)))
        self.q(ev, _p(SCHEMA, "organizer"), host_coop["iri"] if r.random() < 0.6 else _province_office(province))
        self.q(ev, _c("host"), self._some_person(r))
        for _ in range(r.randint(1, 3)):
            self.q(ev, _c("speaker"), self._some_person(r))
        for org in {self._some_org(r) for _ in range(r.randint(2, 8))}:
            self.q(ev, _c("participatingOrganisation"), org)
        self.q(ev, _c("participantCount"), typed(r.randint(10, 400), "integer"))

    def collaboration(self, k: int):
        r = self.rng
        self.counts.collaborations += 1
        cls, _, prefix = _pick(r, COLLABORATIONS, _COLLAB_CUM)
        parties = {self._some_org(r) for _ in range(r.randint(1, 2))}
        if self.counts.institutions and r.random() < 0.7:
            parties.add(self.e.support(r.randrange(self.counts.institutions))["iri"])
        else:
            parties.add(self._some_org(r))
        if len(parties) < 2:
            parties.add(_province_office(self.e.coop(r.randrange(self.counts.cooperatives))["province"]))
        col = f"<{KG}collaboration/synthetic-{k}>"
        year = r.randint(2016, 2026)
        status = _pick(r, [s for s, _ in STATUSES], _STATUS_CUM)
        self.q(col, RDF_TYPE, _c(cls))
        self.q(col, LABEL, lit(f"{prefix} {r.choice(TOPICS)} {year} #{k}", "id"))
        for party in sorted(parties):
            self.q(col, _c("party"), party)
        self.q(col, _c("collaborationStatus"), concept("collaboration-status", status))
        month, day = r.randint(1, 12), r.randint(1, 28)
        self.q(col, START, date(year, month, day))
        if status == "completed":  # ends after it started: 0-2 years later, later in the year if the same
            later = r.randint(0, 2)
            end_month = r.randint(month, 12) if later == 0 else r.randint(1, 12)
            end_day = r.randint(day, 28) if later == 0 and end_month == month else r.randint(1, 28)
            self.q(col, END, date(year + later, end_month, end_day))
        self.q(col, _p(DCT, "date"), date(year, r.randint(1, 12), r.randint(1, 28)))
        if self.counts.events and r.random() < 0.3:
            self.q(col, _c("announcedAt"), self.e.event_iri(r.randrange(self.counts.events)))
        self.q(col, DESC, lit(f"{prefix} antara {len(parties)} pihak untuk {r.choice(TOPICS).lower()}.", "id"))

    def programme(self, k: int):
        r = self.rng
        self.counts.programmes += 1
        prog = f"<{KG}programme/synthetic-{k}>"
        self.q(prog, RDF_TYPE, _c("Programme"))
        self.q(prog, LABEL, lit(f"Inkubasi Koperasi Startup Angkatan {k + 1}", "id"))
        self.q(prog, LABEL, lit(f"Startup cooperative incubation, batch {k + 1}", "en"))
        runner = (self.e.support(r.randrange(self.counts.institutions))["iri"] if self.counts.institutions
                  else _province_office(r.choice(PROVINCES)[0]))
        self.q(prog, _c("runBy"), runner)
        self.q(prog, START, date(r.randint(2018, 2026), r.randint(1, 12), 1))

    # ---- the whole ----
    def run(self) -> Counts:
        self.provenance()
        self.places()
        self.flush()
        i = 0
        while self.counts.triples < self.target:
            if i % SUPPORT_EVERY == 0:
                self.institution(self.counts.institutions)
            self.cooperative(i)
            if i % EVENT_EVERY == EVENT_EVERY - 1:
                self.event(self.counts.events)
            if i % COLLAB_EVERY == COLLAB_EVERY - 1:
                self.collaboration(self.counts.collaborations)
            if i % PROGRAMME_EVERY == PROGRAMME_EVERY - 1:
                self.programme(self.counts.programmes)
            self.flush()
            i += 1
        return self.counts


def generate(out: TextIO, triples: int, seed: int = 1, progress: Callable[[int], None] | None = None) -> Counts:
    """Write about `triples` quads (a little over: the last cooperative is written whole) to `out`."""
    if triples < 1:
        raise ValueError("the number of triples must be positive")
    return Generator(out, triples, seed, progress).run()


def generate_file(path, triples: int, seed: int = 1, progress: Callable[[int], None] | None = None) -> Counts:
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        return generate(out, triples, seed, progress)
