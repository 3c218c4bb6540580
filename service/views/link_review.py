"""/review/links: maintainers confirm or reject the links proposed from partner datasets, and publish.

The same decisions as `coopkg link accept/reject/publish` (graph/linksets.py); login and CSRF come
from service/auth.py like the contribution review.
"""
from flask import Blueprint, redirect, render_template, request, url_for

from coopkg.graph import linksets
from coopkg.graph import partners as registry
from coopkg.graph.resource_paths import local_href

from .. import auth
from ..errors import HttpError
from ..i18n import t
from ..state import get_settings, get_store

bp = Blueprint("link_review", __name__, url_prefix="/review/links")
bp.record_once(lambda setup: auth.init_app(setup.app))

ACTIONS = {"accept": ("sameAs", True), "accept-exact": ("exactMatch", True), "reject": ("sameAs", False)}


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"  # unpublished candidates stay out of caches
    return response


def _partner_or_404(name: str) -> registry.Partner:
    try:
        partner = registry.get_partner(get_store(), name)
    except registry.PartnerError:
        partner = None
    if partner is None:
        raise HttpError(404, t("links.review.no_partner"))
    return partner


@bp.get("")
@auth.login_required
def index():
    data_dir = get_settings().data_dir
    rows = [(p, linksets.load_proposals(data_dir, p.name).counts()) for p in registry.list_partners(get_store())]
    return render_template("linksets/index.html", rows=rows)


@bp.get("/<name>")
@auth.login_required
def partner_page(name):
    partner = _partner_or_404(name)
    status = request.args.get("status", "proposed")
    if status not in (*linksets.STATUSES, "all"):
        raise HttpError(400, t("links.review.bad_status"))
    proposals = linksets.load_proposals(get_settings().data_dir, name)
    links = [(number, link) for number, link in enumerate(proposals.links, start=1)
             if status == "all" or link.status == status]
    base = get_settings().base_iri
    return render_template("linksets/review.html", partner=partner, links=links, status=status,
                           counts=proposals.counts(), unmatched=proposals.unmatched,
                           message=_done_message(), href=lambda iri: local_href(iri, base) or iri)


def _done_message() -> str | None:
    """What the last action did, from a fixed set of messages (request text is never echoed)."""
    done, count = request.args.get("done"), request.args.get("n", 0, type=int)
    return t(f"links.review.{done}", count=count) if done in ("decided", "published") else None


@bp.post("/<name>/decide")
@auth.login_required
def decide(name):
    auth.check_csrf()
    _partner_or_404(name)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        raise HttpError(400, t("links.review.bad_action"))
    refs = request.form.getlist("links")
    if not refs or not all(ref.isdigit() for ref in refs):
        raise HttpError(400, t("links.review.none_selected"))
    relation, accept = ACTIONS[action]
    try:
        chosen = linksets.decide(get_settings().data_dir, name, refs, accept=accept,
                                 reviewer=auth.current_maintainer().name, relation=relation)
    except linksets.LinksetError as exc:
        raise HttpError(409, str(exc)) from exc
    return redirect(url_for(".partner_page", name=name, status=request.form.get("status", "proposed"),
                            done="decided", n=len(chosen)))


@bp.post("/<name>/publish")
@auth.login_required
def publish(name):
    auth.check_csrf()
    _partner_or_404(name)
    try:
        result = linksets.publish(get_store(), get_settings().data_dir, name)
    except linksets.LinksetError as exc:
        raise HttpError(409, str(exc)) from exc
    return redirect(url_for(".partner_page", name=name, status="accepted",
                            done="published", n=result.links))
