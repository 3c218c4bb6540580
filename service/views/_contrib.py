"""What the contribute, API and review views share: the queue, labels, and validate-then-submit."""
import pyoxigraph as ox
from flask import current_app, g

from coopkg.graph.contribution_validation import ContributionReport, validate_contribution
from coopkg.graph.contributions import ContributionQueue
from coopkg.graph.labels import Labeller
from coopkg.graph.provenance import recover
from coopkg.graph.store import StoreError

from .. import auth
from ..errors import HttpError
from ..i18n import t
from ..state import get_settings, get_store, state

#: Terms of reused vocabularies that the ontology graph does not label: named in messages/contribute.json.
REUSED_TERMS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#altLabel": "alt_label",
    "https://schema.org/startDate": "start_date",
    "https://schema.org/endDate": "end_date",
    "https://schema.org/description": "description",
    "https://schema.org/location": "location",
    "https://schema.org/organizer": "organizer",
    "http://xmlns.com/foaf/0.1/homepage": "homepage",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "organization",
    "http://www.w3.org/ns/org#role": "role",
    "http://www.w3.org/ns/org#subOrganizationOf": "sub_organization_of",
    "http://www.w3.org/2002/07/owl#sameAs": "same_as",
    "http://purl.org/dc/terms/date": "date",
}
NAME_PREDICATES = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                   "http://xmlns.com/foaf/0.1/name"}


def init_app(app) -> None:
    """Once per app: sessions and CSRF, the queue, and settling accepts a crash interrupted."""
    auth.init_app(app)
    app.jinja_env.filters.setdefault("utc_time", _utc_time)
    app.jinja_env.filters.setdefault("contribution_action", _action_text)
    extras = app.extensions["coopkg"].extras
    if "contributions" in extras:
        return
    app_state = app.extensions["coopkg"]
    extras["contributions"] = queue = ContributionQueue(app_state.settings.data_dir)
    store = app_state.store
    try:
        settled = recover(store, queue, min_age=0 if store.kind == "embedded" else 300)
    except StoreError as exc:  # a remote store that is down must not stop the service from starting
        app.logger.error("could not settle interrupted contributions: %s", exc)
        settled = []
    for cid, new_state in settled:
        app.logger.warning("contribution %s was interrupted by a crash; it is now %s", cid, new_state)


def queue() -> ContributionQueue:
    return state().extras["contributions"]


def labeller(changes=None):
    """iri -> name in the user's language: from the change set itself first (new entities), then the store."""
    lang = getattr(g, "lang", "id")
    own: dict[str, list] = {}
    if changes is not None:
        for triple in changes.add:
            if triple.predicate.value in NAME_PREDICATES and isinstance(triple.object, ox.Literal):
                own.setdefault(triple.subject.value, []).append(triple.object)
    store_labels = Labeller(get_store(), lang)

    def label(iri) -> str:
        iri = str(iri)
        literals = own.get(iri)
        if literals:
            for wanted in (lang, "id", "en", None):
                for literal in literals:
                    if wanted is None or literal.language == wanted:
                        return literal.value
        if iri in REUSED_TERMS and not store_labels.has_label(iri):
            return t("contrib.term." + REUSED_TERMS[iri])
        return store_labels(iri)
    return label


def check_size(changes) -> None:
    limit = get_settings().contribution_max_triples
    if len(changes) > limit:
        raise HttpError(413, t("contrib.contribute.too_many_statements", limit=limit))


def validate_and_submit(changes, *, name, contact, comment, source) -> tuple[ContributionReport, object]:
    """Validate; store the contribution as pending unless the report has violations."""
    report = validate_contribution(get_store(), changes)
    if report.blocking:
        return report, None
    contribution = queue().submit(changes, name=name, contact=contact, comment=comment, source=source,
                                  client=auth.client_key(), entities=[s.value for s in changes.subjects()],
                                  validation=report.summary())
    current_app.logger.info("contribution %s submitted (%s, %d statements)", contribution.id, source, len(changes))
    return report, contribution


def _utc_time(ts) -> str:
    import time
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(ts)))


def _action_text(action: str) -> str:
    """A queue event's action in the user's language ("accepted", "rejected", ...), else as recorded."""
    from ..i18n import catalogue
    key = "contrib.action." + action.replace(" ", "_")
    return t(key) if key in catalogue() else action
