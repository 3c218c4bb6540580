"""Partner spreadsheets (CSV, XLSX) to RDF through a small declared mapping (JSON or TOML).

The mapping says which column is the identifier, the name, the type, the city, and how identifiers
become IRIs; docs/partners.md documents every key. Rows become triples in coopkg's vocabulary, so a
partner's entities can be reconciled and linked to ours like with like.
"""
import csv
import io
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .vocab import CKG, PREFIXES, RDF, RDFS, SDO, SKOS, FOAF

XSD = "http://www.w3.org/2001/XMLSchema#"


class MappingError(ValueError):
    """The mapping file or the table does not fit; the message says which key, column or row."""


@dataclass
class ExtraColumn:
    column: str
    predicate: str
    datatype: str | None = None  # CURIE or IRI; None: a plain (or language-tagged) literal
    language: str | None = None
    kind: str = "literal"  # literal | iri


@dataclass
class TabularMapping:
    id_column: str
    name_column: str
    iri_template: str  # "https://data.example.go.id/koperasi/{id}"; {id} is percent-encoded
    type: str = "ckg:Organisation"  # class of every row unless type_column says otherwise
    type_column: str | None = None
    types: dict[str, str] = field(default_factory=dict)  # type_column value -> class
    name_language: str = "id"
    alt_name_columns: list[str] = field(default_factory=list)
    acronym_column: str | None = None
    city_column: str | None = None
    province_column: str | None = None
    homepage_column: str | None = None
    description_column: str | None = None
    place_iri_template: str | None = None  # "{base}place/{slug}" style; default: beside iri_template
    columns: list[ExtraColumn] = field(default_factory=list)
    sheet: str | None = None  # XLSX: worksheet name (default: the first)
    delimiter: str = ","
    encoding: str = "utf-8-sig"

    @property
    def used_columns(self) -> list[str]:
        names = [self.id_column, self.name_column, self.type_column, self.acronym_column, self.city_column,
                 self.province_column, self.homepage_column, self.description_column,
                 *self.alt_name_columns, *(c.column for c in self.columns)]
        return [n for n in names if n]


_KEYS = {f for f in TabularMapping.__dataclass_fields__}
_COLUMN_KEYS = {f for f in ExtraColumn.__dataclass_fields__}


def load_mapping(path) -> TabularMapping:
    """Read a mapping from .json or .toml; unknown keys are refused so a typo cannot go unnoticed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"{path.name}: not valid {path.suffix.lstrip('.').upper() or 'JSON'}: {exc}") from exc
    return mapping_from_dict(raw, source=path.name)


def mapping_from_dict(raw: dict, source: str = "mapping") -> TabularMapping:
    if not isinstance(raw, dict):
        raise MappingError(f"{source}: the mapping must be an object of keys")
    raw = dict(raw.get("mapping", raw)) if set(raw) <= {"mapping"} else dict(raw)
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise MappingError(f"{source}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(_KEYS))}")
    for key in ("id_column", "name_column", "iri_template"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise MappingError(f"{source}: `{key}` is required")
    if "{id}" not in raw["iri_template"]:
        raise MappingError(f"{source}: `iri_template` must contain {{id}}, e.g. https://example.org/org/{{id}}")
    if not raw["iri_template"].startswith(("http://", "https://", "urn:")):
        raise MappingError(f"{source}: `iri_template` must be an absolute http(s) IRI template")
    for key in ("iri_template", "place_iri_template"):
        if raw.get(key):
            try:
                ox.NamedNode(raw[key].replace("{id}", "x").replace("{slug}", "x").replace("{base}", "http://x/"))
            except ValueError as exc:
                raise MappingError(f"{source}: `{key}` does not make valid IRIs ({exc})") from exc
    columns = []
    for i, col in enumerate(raw.pop("columns", []) or []):
        bad = sorted(set(col) - _COLUMN_KEYS) if isinstance(col, dict) else ["(not an object)"]
        if bad or "column" not in col or "predicate" not in col:
            raise MappingError(f"{source}: columns[{i}] needs `column` and `predicate` (unknown: {', '.join(bad) or '-'})")
        columns.append(ExtraColumn(**col))
    if isinstance(raw.get("alt_name_columns"), str):
        raw["alt_name_columns"] = [raw["alt_name_columns"]]
    mapping = TabularMapping(columns=columns, **raw)
    for curie in [mapping.type, *mapping.types.values(), *(c.predicate for c in columns),
                  *(c.datatype for c in columns if c.datatype)]:
        expand_curie(curie, source)
    return mapping


def expand_curie(value: str, source: str = "mapping") -> str:
    """`ckg:Cooperative` -> full IRI with coopkg's prefixes; full IRIs pass through."""
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    raise MappingError(f"{source}: {value!r} is neither a full IRI nor a CURIE with a known prefix "
                       f"({', '.join(sorted(PREFIXES))})")


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


# ---- reading tables ----

def read_table(path, mapping: TabularMapping) -> tuple[list[str], list[dict]]:
    """Header and rows (dicts of column -> stripped text) of a CSV or XLSX file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, mapping.sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        delimiter = "\t" if suffix == ".tsv" else mapping.delimiter
        try:
            text = path.read_text(encoding=mapping.encoding)
        except UnicodeDecodeError as exc:
            raise MappingError(f"{path.name} is not {mapping.encoding} text ({exc.reason} at byte {exc.start}); "
                               "set `encoding` in the mapping") from exc
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = [r for r in reader]
        if not rows:
            raise MappingError(f"{path.name} is empty")
        header = [h.strip() for h in rows[0]]
        return header, [{h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)} for r in rows[1:]
                        if any(c.strip() for c in r)]
    raise MappingError(f"{path.name}: a table must be .csv, .tsv or .xlsx")


def _read_xlsx(path: Path, sheet: str | None):
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise MappingError(f"{path.name} is not a readable XLSX workbook: {exc}") from exc
    try:
        if sheet and sheet not in book.sheetnames:
            raise MappingError(f"{path.name} has no sheet {sheet!r}; it has {', '.join(book.sheetnames)}")
        rows = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise MappingError(f"{path.name} is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for r in rows[1:]:
        cells = [_cell_text(c) for c in r]
        if any(cells):
            out.append({h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)})
    return header, out


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    return str(value).strip()


# ---- rows to RDF ----

@dataclass
class TableConversion:
    triples: list[ox.Triple]
    rows: int
    entities: int
    warnings: list[str]


def convert_table(path, mapping: TabularMapping, namespace: str | None = None) -> TableConversion:
    header, rows = read_table(path, mapping)
    missing = [c for c in mapping.used_columns if c not in header]
    if missing:
        raise MappingError(f"{Path(path).name}: column(s) {', '.join(repr(m) for m in missing)} named in the mapping "
                           f"are not in the table; its columns are {', '.join(repr(h) for h in header)}")
    return convert_rows(rows, mapping, namespace)


def convert_rows(rows: list[dict], mapping: TabularMapping, namespace: str | None = None) -> TableConversion:
    triples: list[ox.Triple] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    places: dict[str, ox.NamedNode] = {}
    default_type = ox.NamedNode(expand_curie(mapping.type))
    type_map = {k.strip().casefold(): ox.NamedNode(expand_curie(v)) for k, v in mapping.types.items()}
    place_template = mapping.place_iri_template or _default_place_template(mapping.iri_template, namespace)
    a, label = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label))

    def lit(text):
        return ox.Literal(text, language=mapping.name_language) if mapping.name_language else ox.Literal(text)

    def place(name: str, cls) -> ox.NamedNode:
        key = f"{cls}|{slug(name)}"
        if key not in places:
            node = ox.NamedNode(place_template.format(slug=slug(name), base=namespace or ""))
            places[key] = node
            triples.extend([ox.Triple(node, a, ox.NamedNode(str(cls))), ox.Triple(node, label, lit(name))])
        return places[key]

    for number, row in enumerate(rows, start=2):  # row 1 is the header
        ident, name = row.get(mapping.id_column, ""), row.get(mapping.name_column, "")
        if not ident or not name:
            warnings.append(f"row {number}: no {'identifier' if not ident else 'name'}; skipped")
            continue
        if ident in seen:
            warnings.append(f"row {number}: identifier {ident!r} repeats row {seen[ident]}; merged into one entity")
        seen.setdefault(ident, number)
        subject = ox.NamedNode(mapping.iri_template.format(id=quote(ident, safe="")))
        cls = default_type
        if mapping.type_column and row.get(mapping.type_column):
            value = row[mapping.type_column]
            cls = type_map.get(value.strip().casefold())
            if cls is None:
                warnings.append(f"row {number}: type {value!r} is not in the mapping's `types`; used {mapping.type}")
                cls = default_type
        triples.append(ox.Triple(subject, a, cls))
        triples.append(ox.Triple(subject, label, lit(name)))
        for column in mapping.alt_name_columns:
            for alt in _split(row.get(column, "")):
                triples.append(ox.Triple(subject, ox.NamedNode(str(SKOS.altLabel)), lit(alt)))
        if mapping.acronym_column:
            for acronym in _split(row.get(mapping.acronym_column, "")):
                triples.append(ox.Triple(subject, ox.NamedNode(str(CKG.acronym)), ox.Literal(acronym)))
        if mapping.city_column and row.get(mapping.city_column):
            triples.append(ox.Triple(subject, ox.NamedNode(str(CKG.city)), place(row[mapping.city_column], CKG.City)))
        if mapping.province_column and row.get(mapping.province_column):
            triples.append(ox.Triple(subject, ox.NamedNode(str(CKG.province)),
                                     place(row[mapping.province_column], CKG.Province)))
        if mapping.homepage_column and row.get(mapping.homepage_column):
            page = row[mapping.homepage_column]
            if not page.startswith(("http://", "https://")):
                page = "https://" + page
            try:
                triples.append(ox.Triple(subject, ox.NamedNode(str(FOAF.homepage)), ox.NamedNode(page)))
            except ValueError:
                warnings.append(f"row {number}: homepage {row[mapping.homepage_column]!r} is not a valid IRI; skipped")
        if mapping.description_column and row.get(mapping.description_column):
            triples.append(ox.Triple(subject, ox.NamedNode(str(SDO.description)), lit(row[mapping.description_column])))
        for extra in mapping.columns:
            value = row.get(extra.column, "")
            if value:
                term = _extra_term(extra, value, number, warnings)
                if term is not None:
                    triples.append(ox.Triple(subject, ox.NamedNode(expand_curie(extra.predicate)), term))
    return TableConversion(triples, len(rows), len(seen), warnings)


def _default_place_template(iri_template: str, namespace: str | None) -> str:
    if namespace:
        return namespace.rstrip("/#") + "/place/{slug}"
    head = iri_template.split("{id}")[0]
    return head.rstrip("/#").rsplit("/", 1)[0] + "/place/{slug}"


def _split(value: str) -> list[str]:
    """Several alternative names in one cell are separated by `;` or `|`."""
    return [part.strip() for part in re.split(r"[;|]", value or "") if part.strip()]


#: Lexical forms checked before a typed literal is written (a bad cell is skipped with a warning).
_LEXICAL = {"integer": r"[+-]?\d+", "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)", "gYear": r"-?\d{4}",
            "date": r"-?\d{4}-\d{2}-\d{2}", "boolean": r"true|false|1|0"}


def _extra_term(extra: ExtraColumn, value: str, number: int, warnings: list[str]):
    if extra.kind == "iri":
        try:
            return ox.NamedNode(value)
        except ValueError:
            warnings.append(f"row {number}: {extra.column} {value!r} is not an IRI; skipped")
            return None
    if extra.datatype:
        datatype = expand_curie(extra.datatype)
        pattern = _LEXICAL.get(datatype.removeprefix(XSD))
        if pattern and not re.fullmatch(pattern, value):
            warnings.append(f"row {number}: {extra.column} {value!r} is not a valid {extra.datatype}; skipped")
            return None
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value, language=extra.language) if extra.language else ox.Literal(value)
