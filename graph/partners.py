"""The registry of partner datasets and their imports.

Each partner is a void:Dataset / dcat:Dataset described in the registry graph (graph/partners), so the
dataset page and any SPARQL client see who publishes what under which licence. Its data lives in its
own named graph, graph/partner/<name>, which an import replaces all-or-nothing (the store's load is
atomic). Tables come in through a declared mapping (tabular_mapping.py).
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import queries
from .formats import rdf_syntax, rdf_syntax_for_path
from .store import RdfSyntaxError
from .tabular_mapping import MappingError, convert_table, load_mapping
from .vocab import DCAT, DCTERMS, FOAF, GRAPH, LINKSET_GRAPH, PARTNER_GRAPH, RDF, VOID, XSD

PARTNERS_GRAPH = str(GRAPH["partners"])
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")

#: short licence names people type, to the IRIs DCAT wants
LICENCES = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odbl-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ogl-id": "https://data.go.id/lisensi",
}


class PartnerError(ValueError):
    """A partner command cannot be carried out; the message says what to do instead."""


@dataclass
class Partner:
    name: str
    title: str
    publisher: str = ""
    licence: str = ""
    homepage: str = ""
    namespace: str = ""
    endpoint: str = ""
    modified: str = ""
    triples: int = 0
    entities: int = 0

    @property
    def iri(self) -> str:
        return dataset_iri(self.name)

    @property
    def graph(self) -> str:
        return partner_graph(self.name)


@dataclass
class ImportReport:
    partner: str
    graph: str
    triples: int
    entities: int
    rows: int | None = None
    warnings: list[str] = field(default_factory=list)


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise PartnerError(f"partner name {name!r} must be lower-case letters, digits and hyphens "
                           "(e.g. kemenkop-registry), at most 63 characters")
    return name


def dataset_iri(name: str) -> str:
    """The partner dataset is named by its graph: one IRI for "the dataset" and "where its triples are"."""
    return partner_graph(name)


def partner_graph(name: str) -> str:
    return str(PARTNER_GRAPH[check_name(name)])


def licence_iri(value: str) -> str:
    value = value.strip()
    if value.lower() in LICENCES:
        return LICENCES[value.lower()]
    if value.startswith(("http://", "https://")):
        return value
    raise PartnerError(f"licence {value!r}: give an IRI or one of {', '.join(sorted(LICENCES))}")


def _iri(value: str, what: str) -> ox.NamedNode:
    if not value.startswith(("http://", "https://")):
        raise PartnerError(f"{what} {value!r} must be an http(s) address")
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise PartnerError(f"{what} {value!r} is not a valid IRI") from exc


def _n(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _description(partner: Partner) -> list[ox.Quad]:
    g = ox.NamedNode(PARTNERS_GRAPH)
    ds = ox.NamedNode(partner.iri)
    quads = [ox.Quad(ds, _n(RDF.type), _n(VOID.Dataset), g), ox.Quad(ds, _n(RDF.type), _n(DCAT.Dataset), g),
             ox.Quad(ds, _n(DCTERMS.identifier), ox.Literal(partner.name), g),
             ox.Quad(ds, _n(DCTERMS.title), ox.Literal(partner.title), g)]
    if partner.publisher:
        agent = ox.NamedNode(partner.iri + "#publisher")
        quads += [ox.Quad(ds, _n(DCTERMS.publisher), agent, g), ox.Quad(agent, _n(RDF.type), _n(FOAF.Agent), g),
                  ox.Quad(agent, _n(FOAF.name), ox.Literal(partner.publisher), g)]
    if partner.licence:
        quads.append(ox.Quad(ds, _n(DCTERMS.license), _iri(partner.licence, "licence"), g))
    if partner.homepage:
        page = _iri(partner.homepage, "homepage")
        quads += [ox.Quad(ds, _n(FOAF.homepage), page, g), ox.Quad(ds, _n(DCAT.landingPage), page, g)]
    if partner.namespace:
        quads.append(ox.Quad(ds, _n(VOID.uriSpace), ox.Literal(partner.namespace), g))
    if partner.endpoint:
        quads.append(ox.Quad(ds, _n(VOID.sparqlEndpoint), _iri(partner.endpoint, "SPARQL endpoint"), g))
    if partner.modified:
        quads.append(ox.Quad(ds, _n(DCTERMS.modified), ox.Literal(partner.modified, datatype=_n(XSD.dateTime)), g))
        quads.append(ox.Quad(ds, _n(VOID.triples), ox.Literal(str(partner.triples), datatype=_n(XSD.integer)), g))
        quads.append(ox.Quad(ds, _n(VOID.entities), ox.Literal(str(partner.entities), datatype=_n(XSD.integer)), g))
    return quads


def _current_description(store, name: str) -> list[ox.Quad]:
    g = ox.NamedNode(PARTNERS_GRAPH)
    quads = []
    for subject in (dataset_iri(name), dataset_iri(name) + "#publisher"):
        s = ox.NamedNode(subject)
        for row in store.select(queries.load("subject_in_graph"), {"g": g, "s": s}):
            quads.append(ox.Quad(s, row["p"], row["o"], g))
    return quads


def _write(store, partner: Partner) -> None:
    store.add_quads(_description(partner), remove=_current_description(store, partner.name))


def add_partner(store, name: str, *, title: str, publisher: str = "", licence: str = "", homepage: str = "",
                namespace: str = "", endpoint: str = "") -> Partner:
    """Register a partner, or update its description (keeping the statistics of its last import)."""
    check_name(name)
    if not title.strip():
        raise PartnerError("a partner needs a --title")
    if namespace and not namespace.startswith(("http://", "https://", "urn:")):
        raise PartnerError(f"namespace {namespace!r} must be the IRI prefix of the partner's identifiers")
    old = get_partner(store, name)
    partner = Partner(name, title.strip(), publisher.strip(), licence_iri(licence) if licence else "",
                      homepage.strip(), namespace.strip(), endpoint.strip())
    if old:
        partner.modified, partner.triples, partner.entities = old.modified, old.triples, old.entities
    _description(partner)  # validates every IRI before anything is written
    _write(store, partner)
    return partner


def list_partners(store) -> list[Partner]:
    rows = store.select(queries.load("partners_list"), {"g": ox.NamedNode(PARTNERS_GRAPH)})
    partners = {}
    for row in rows:
        name = row["name"].value
        if name in partners:
            continue
        partners[name] = Partner(
            name=name, title=row["title"].value,
            publisher=row["publisher"].value if "publisher" in row else "",
            licence=row["licence"].value if "licence" in row else "",
            homepage=row["homepage"].value if "homepage" in row else "",
            namespace=row["namespace"].value if "namespace" in row else "",
            endpoint=row["endpoint"].value if "endpoint" in row else "",
            modified=row["modified"].value if "modified" in row else "",
            triples=int(row["triples"].value) if "triples" in row else 0,
            entities=int(row["entities"].value) if "entities" in row else 0)
    return list(partners.values())


def get_partner(store, name: str) -> Partner | None:
    check_name(name)
    return next((p for p in list_partners(store) if p.name == name), None)


def require_partner(store, name: str) -> Partner:
    partner = get_partner(store, name)
    if partner is None:
        raise PartnerError(f"no partner dataset {name!r}; register it first with "
                           f"`coopkg partner add {name} --title ...`")
    return partner


def remove_partner(store, name: str) -> bool:
    """Remove the description, the data and the linkset of a partner. False if there was none."""
    existed = get_partner(store, name) is not None
    store.add_quads([], remove=_current_description(store, name))
    dropped = store.drop_graph(partner_graph(name))
    store.drop_graph(str(LINKSET_GRAPH[name]))
    return existed or dropped


def import_file(store, name: str, path, mapping=None) -> ImportReport:
    """Replace the partner's graph with an RDF file, or a CSV/XLSX table read through `mapping`."""
    partner = require_partner(store, name)
    path = Path(path)
    rows, warnings = None, []
    if mapping is not None:
        mapping = load_mapping(mapping) if isinstance(mapping, (str, Path)) else mapping
        conversion = convert_table(path, mapping, partner.namespace or None)
        if not conversion.triples:
            raise MappingError(f"{path.name}: no row had both an identifier and a name; nothing imported")
        data = ox.serialize(conversion.triples, format=ox.RdfFormat.N_TRIPLES)
        store.load_data(data, rdf_syntax("ntriples"), graph=partner.graph, replace=True)
        rows, warnings = conversion.rows, conversion.warnings
    elif path.suffix.lower() in TABLE_SUFFIXES:
        raise PartnerError(f"{path.name} is a table: give --mapping FILE (JSON or TOML; see docs/partners.md)")
    else:
        syntax = rdf_syntax_for_path(path)
        if syntax is None:
            raise PartnerError(f"{path.name}: unknown format; use an RDF file (.ttl, .nt, .rdf, .jsonld, .trig, "
                               ".nq) or a .csv/.xlsx table with --mapping")
        if syntax.is_dataset:
            # A partner's data is one graph: the graph names inside a TriG/N-Quads file are dropped.
            # Streamed through a temporary N-Triples file, so a large dump never sits in memory.
            import tempfile
            with tempfile.NamedTemporaryFile(suffix=".nt") as flat:
                try:
                    ox.serialize((q.triple for q in ox.parse(path=str(path), format=syntax.oxigraph)), flat,
                                 format=ox.RdfFormat.N_TRIPLES)
                except SyntaxError as exc:
                    raise RdfSyntaxError(str(exc), str(path)) from exc
                flat.flush()
                store.load(Path(flat.name), graph=partner.graph, replace=True)
        else:
            store.load(path, graph=partner.graph, replace=True)
    return _record_import(store, partner, rows, warnings)


def replace_data(store, name: str, ntriples: bytes) -> ImportReport:
    """Replace the partner's graph with N-Triples (used by pulls from a partner's SPARQL endpoint)."""
    partner = require_partner(store, name)
    store.load_data(ntriples, rdf_syntax("ntriples"), graph=partner.graph, replace=True)
    return _record_import(store, partner, None, [])


def _record_import(store, partner: Partner, rows, warnings) -> ImportReport:
    size = store.select(queries.load("graph_size"), {"g": ox.NamedNode(partner.graph)})
    partner.triples = int(size[0]["triples"].value) if size else 0
    partner.entities = int(size[0]["entities"].value) if size else 0
    partner.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _write(store, partner)
    return ImportReport(partner.name, partner.graph, partner.triples, partner.entities, rows, warnings)
