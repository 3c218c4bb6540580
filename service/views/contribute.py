"""/contribute: forms for people who do not write RDF, an RDF upload, and autocomplete.

A submission with violations is shown again with the contributor's values and a report grouped by
entity and field in their language (status 422), so they can fix it and submit again; warnings do not
block. A contribution waits for a maintainer at /review.
"""
from flask import Blueprint, g, jsonify, render_template, request

import pyoxigraph as ox

from coopkg.graph import queries
from coopkg.graph.changeset import ChangeSetError, ChangeSetTooLarge, parse_rdf, syntax_for_upload
from coopkg.graph.contribution_forms import (COLLABORATION_TYPES, CORRECTABLE, EVENT_TYPES, KINDS, MULTI,
                                             ORGANISATION_TYPES, SCHEMES, Builder, entity_fields)
from coopkg.graph.contribution_validation import grouped, validate_contribution
from coopkg.graph.contributions import NotFound
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.labels import pick
from coopkg.graph.name_index import name_index
from coopkg.graph.vocab import CKG, KGC

from .. import auth
from ..errors import HttpError
from ..i18n import t
from ..state import get_settings, get_store
from . import _contrib

bp = Blueprint("contribute", __name__)
bp.record_once(lambda setup: _contrib.init_app(setup.app))

SUGGEST_TYPES = {
    "org": [CKG.Organisation], "person": [CKG.Person], "event": [CKG.Event],
    "city": [CKG.City, CKG.Regency], "province": [CKG.Province], "agent": [CKG.Organisation, CKG.Person],
    "entity": None,
}
UPLOAD_FORMATS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML"), ("ntriples", "N-Triples"))
TABS = KINDS + ("upload",)
NOT_ENTITY_FIELDS = {"kind", "csrf_token", "contributor_name", "contributor_contact", "comment", "rdf", "format"}
#: The form field that holds the value of a property of the entity being added.
PATH_FIELDS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    "https://schema.org/startDate": "start",
    "https://schema.org/endDate": "end",
    "https://schema.org/description": "description",
    "https://schema.org/organizer": "organizer",
    "http://xmlns.com/foaf/0.1/homepage": "homepage",
    "http://www.w3.org/ns/org#subOrganizationOf": "parent",
    str(CKG.acronym): "acronym",
    str(CKG.city): "city",
    str(CKG.province): "province",
    str(CKG.cooperativeModel): "cooperative_model",
    str(CKG.participantCount): "participant_count",
    str(CKG.honorificPrefix): "honorific_prefix",
    str(CKG.honorificSuffix): "honorific_suffix",
    str(CKG.collaborationStatus): "status",
}


@bp.get("/contribute")
def contribute_page():
    kind = request.args.get("kind", "organisation")
    if kind not in TABS:
        raise HttpError(404, t("contrib.contribute.unknown_kind"))
    values, hits = {}, None
    if kind == "correction" and request.args.get("entity"):
        values["entity_iri"] = request.args["entity"]
    elif kind == "correction" and request.args.get("q"):  # the entity search without JavaScript
        hits = name_index(get_store()).search(request.args["q"][:200], limit=10, lang=g.lang)
    return _render(kind, values, hits=hits)


@bp.post("/contribute")
def submit():
    auth.check_csrf()
    kind = request.form.get("kind", "")
    if kind not in TABS:
        raise HttpError(400, t("contrib.contribute.unknown_kind"))
    auth.check_submit_rate()
    values = request.form.to_dict()
    errors = []
    name = values.get("contributor_name", "").strip()
    if not name:
        errors.append(("contributor_name", "contrib.form.name_required", {}))
    if kind == "upload":
        changes = _upload(values, errors)
    else:
        result = Builder(get_store(), values, lang=g.lang, resolve=_resolve).build(kind)
        errors.extend(result.errors)
        changes = result.changes
        if changes is not None and changes.is_empty and not result.errors:
            errors.append(("", "contrib.form.nothing", {}))
    created = [] if kind == "upload" else result.created
    if errors or changes is None:
        # Check what could be built too, so every problem is reported at once.
        found = None
        if changes is not None and not changes.is_empty and len(changes) <= get_settings().contribution_max_triples:
            found = validate_contribution(get_store(), changes)
        return _invalid(kind, values, errors, found, changes, created)
    _contrib.check_size(changes)
    report, contribution = _contrib.validate_and_submit(
        changes, name=name, contact=values.get("contributor_contact", ""), comment=values.get("comment", ""),
        source="upload" if kind == "upload" else "form")
    if contribution is None:
        return _invalid(kind, values, [], report, changes, created)
    return render_template("contributions/thanks.html", c=contribution,
                           warnings=grouped(report.warnings, _contrib.labeller(changes), g.lang))


def _invalid(kind, values, errors, found, changes, created):
    """The form again (422) with the grouped report, and each violation of the main entity also at its field."""
    errors = list(errors)
    report = None
    if found is not None and found.problems:
        report = grouped(found.problems, _contrib.labeller(changes), g.lang)
        main = created[0] if created else None
        own_fields = {k: v for k, v in values.items() if k not in NOT_ENTITY_FIELDS and v}
        for problem in found.violations:
            if problem.entity != main:
                continue
            field = next((k for k, v in own_fields.items() if problem.value and v.strip() == problem.value),
                         PATH_FIELDS.get(problem.path or ""))
            if field:
                errors.append((field, "", {"text": problem.message(g.lang)}))
    return _render(kind, values, errors=errors, report=report), 422


@bp.get("/contribute/status/<cid>")
def status_page(cid):
    """The contributor's view of their contribution: its state and dates, nothing else."""
    try:
        contribution = _contrib.queue().get(cid)
    except NotFound:
        raise HttpError(404, t("contrib.review.not_found", id=cid))
    return render_template("contributions/status.html", status=contribution.public_status())


@bp.get("/contribute/suggest")
def suggest():
    """Autocomplete: entities by name (optionally of one type), or the concepts of a scheme."""
    text = request.args.get("q", "")[:200]
    scheme = request.args.get("scheme")
    if scheme:
        return jsonify([{"iri": iri, "label": label} for iri, label in _concepts(scheme)
                        if text.lower() in label.lower()][:20])
    kind = request.args.get("type", "entity")
    if kind not in SUGGEST_TYPES:
        raise HttpError(400, t("contrib.contribute.unknown_kind"))
    hits = name_index(get_store()).search(text, types=SUGGEST_TYPES[kind], limit=10, lang=g.lang)
    return jsonify([{"iri": h.iri, "label": h.label, "matched": h.matched, "types": list(h.types)} for h in hits])


def _upload(values, errors):
    settings = get_settings()
    upload = request.files.get("file")
    data, filename = b"", None
    if upload and upload.filename:
        data, filename = upload.read(settings.contribution_max_bytes + 1), upload.filename
    elif values.get("rdf", "").strip():
        data = values["rdf"].encode("utf-8")
    if len(data) > settings.contribution_max_bytes:
        raise HttpError(413, t("contrib.contribute.too_large", limit=settings.contribution_max_bytes))
    if not data:
        errors.append(("rdf", "contrib.form.upload_missing", {}))
        return None
    if filename and not values.get("rdf", "").strip():
        values["rdf"] = data.decode("utf-8", "replace")  # shown again for fixing
    syntax = rdf_syntax(values.get("format") or "") or syntax_for_upload(None, filename) or rdf_syntax("turtle")
    try:
        return parse_rdf(data, syntax, max_triples=settings.contribution_max_triples)
    except ChangeSetTooLarge as exc:
        raise HttpError(413, str(exc))
    except ChangeSetError as exc:
        errors.append(("rdf", "contrib.form.upload_invalid", {"detail": str(exc)}))
        return None


def _resolve(text, types):
    """IRIs of the entities a typed name stands for: one strong match, or the close ones."""
    hits = name_index(get_store()).search(text, types=types, limit=5, lang=g.lang)
    strong = [h.iri for h in hits if h.score >= 0.95]
    return strong if strong else [h.iri for h in hits if h.score >= 0.8]


def _concepts(scheme_key: str):
    scheme = SCHEMES.get(scheme_key, scheme_key)
    try:
        scheme_iri = ox.NamedNode(str(KGC) + scheme)
    except ValueError:  # not a scheme name: no concepts
        return []
    rows = get_store().select(queries.load("contribution_concepts"), {"scheme": scheme_iri})
    labels: dict[str, list] = {}
    for row in rows:
        labels.setdefault(row["concept"].value, []).append((row["label"].value, row["label"].language or "", 0))
    return sorted(((iri, pick(found, g.lang)[0]) for iri, found in labels.items()), key=lambda c: c[1].lower())


def _render(kind, values, errors=(), report=None, hits=None):
    label = _contrib.labeller()
    class_lists = {"organisation": ORGANISATION_TYPES, "event": EVENT_TYPES, "collaboration": COLLABORATION_TYPES}
    types = [(local, label(str(CKG) + local)) for local in class_lists.get(kind, ())]
    choices = {key: _concepts(key) for key in SCHEMES}
    entity, fields = None, []
    if kind == "correction" and values.get("entity_iri"):
        iri = values["entity_iri"]
        entity = {"iri": iri, "label": label(iri)}
        fields = [dict(f, label=label(f["predicate"])) for f in entity_fields(get_store(), iri)]
        if not fields:
            entity, errors = None, list(errors) + [("entity", "contrib.form.not_found", {"text": iri})]
    error_map = {}
    for field_name, key, params in errors:
        error_map.setdefault(field_name, []).append(t(key, **params) if key else params["text"])
    return render_template(
        "contributions/contribute.html", kind=kind, tabs=TABS, values=values, errors=error_map, report=report,
        types=types, choices=choices, entity=entity, fields=fields, multi=range(1, MULTI + 1),
        correctable=[(p, label(p)) for p in CORRECTABLE], formats=UPLOAD_FORMATS, **({"hits": hits} if hits is not None else {}))
