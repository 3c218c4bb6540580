"""The maintainers' review: login, the queue, a diff per contribution, accept/reject/revert, history."""
from flask import Blueprint, redirect, render_template, request, url_for

from coopkg.graph.contribution_validation import grouped, validate_contribution
from coopkg.graph.contributions import STATES, ContributionError, NotFound
from coopkg.graph.changeset import entity_diff
from coopkg.graph.provenance import RevertConflict, accept, later_dependents, reject, revert

from .. import auth
from ..errors import HttpError
from ..i18n import t
from ..state import get_store
from . import _contrib

bp = Blueprint("review", __name__)
bp.record_once(lambda setup: _contrib.init_app(setup.app))

PAGE_SIZE = 50


@bp.after_request
def _private(response):
    # Review pages show contacts and unpublished statements: never cached by browsers or proxies.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _review_nav():
    # The tabs of every review page; only computed for a logged-in maintainer.
    if request.endpoint in ("review.login",) or auth.current_maintainer() is None:
        return {}
    return {"states": STATES, "counts": _contrib.queue().counts()}


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = _safe_next(request.values.get("next"))
    error = None
    if request.method == "POST":
        auth.check_csrf()
        if auth.attempt_login(request.form.get("name", ""), request.form.get("password", "")):
            return redirect(target)
        error = t("contrib.auth.login_failed")
    status = 401 if error else 200
    return render_template("contributions/login.html", error=error, next=target), status


@bp.post("/logout")
def logout():
    auth.check_csrf()
    auth.logout()
    return redirect(url_for("home.index"))


@bp.get("/review")
@auth.login_required
def queue_page():
    state = request.args.get("state", "pending")
    if state not in STATES:
        raise HttpError(400, t("contrib.review.bad_state"))
    page = max(1, request.args.get("page", 1, type=int))
    items = _contrib.queue().list(state, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                                  newest_first=state != "pending")
    rows = []
    for c in items[:PAGE_SIZE]:
        label = _contrib.labeller(c.changes)  # new entities are named by the contribution itself
        rows.append({"c": c, "entities": [(e, label(e)) for e in c.entities[:5]], "more": max(0, len(c.entities) - 5)})
    return render_template("contributions/queue.html", rows=rows, state=state, page=page,
                           has_next=len(items) > PAGE_SIZE)


@bp.get("/review/history")
@auth.login_required
def history():
    return render_template("contributions/history.html", events=_contrib.queue().events(limit=300))


@bp.get("/review/<cid>")
@auth.login_required
def detail(cid):
    contribution = _get(cid)
    label = _contrib.labeller(contribution.changes)
    report = None
    if contribution.state == "pending":  # the store may have changed since it was submitted
        report = validate_contribution(get_store(), contribution.changes)
        _contrib.queue().set_validation(cid, report.summary())
    dependents = later_dependents(_contrib.queue(), contribution) if contribution.state == "accepted" else []
    return render_template(
        "contributions/detail.html", c=contribution,
        diff=entity_diff(contribution.changes, label),
        report=grouped(report.problems, label, _lang()) if report else None, report_state=report.state if report else None,
        events=_contrib.queue().events(cid), dependents=dependents)


@bp.post("/review/<cid>/<action>")
@auth.login_required
def act(cid, action):
    auth.check_csrf()
    maintainer = auth.current_maintainer().name
    comment = request.form.get("comment", "").strip()[:2000]
    try:
        if action == "accept":
            _accept_checked(cid, maintainer, comment)
        elif action == "reject":
            reject(_contrib.queue(), cid, maintainer, comment)
        elif action == "revert":
            # The page listed the later contributions that will be reverted too; if that list has changed
            # since, the maintainer has not seen what would be undone: refuse.
            shown = sorted(filter(None, request.form.get("cascade", "").split(",")))
            now = sorted(c.id for c in later_dependents(_contrib.queue(), _get(cid)))
            if shown != now:
                raise HttpError(409, t("contrib.review.revert_conflict", ids=", ".join(now)))
            revert(get_store(), _contrib.queue(), cid, maintainer, comment, cascade=bool(now))
        else:
            raise HttpError(404, t("contrib.review.unknown_action"))
    except RevertConflict as exc:
        raise HttpError(409, t("contrib.review.revert_conflict", ids=", ".join(c.id for c in exc.later)))
    except NotFound:
        raise HttpError(404, t("contrib.review.not_found", id=cid))
    except ContributionError as exc:
        raise HttpError(409, str(exc))
    return redirect(url_for("review.detail", cid=cid))


@bp.post("/review/bulk")
@auth.login_required
def bulk():
    auth.check_csrf()
    maintainer = auth.current_maintainer().name
    action = request.form.get("action")
    if action not in ("accept", "reject"):
        raise HttpError(400, t("contrib.review.unknown_action"))
    comment = request.form.get("comment", "").strip()[:2000]
    done, failed = [], []
    for cid in request.form.getlist("ids")[:200]:
        try:
            if action == "accept":
                _accept_checked(cid, maintainer, comment)
            else:
                reject(_contrib.queue(), cid, maintainer, comment)
            done.append(cid)
        except (ContributionError, HttpError) as exc:
            failed.append((cid, getattr(exc, "message", None) or str(exc)))
    return render_template("contributions/bulk_done.html", action=action, done=done, failed=failed)


def _accept_checked(cid, maintainer, comment):
    """Accept unless the contribution, checked against the store as it is now, has violations."""
    contribution = _get(cid)
    if contribution.state == "pending":
        report = validate_contribution(get_store(), contribution.changes)
        _contrib.queue().set_validation(cid, report.summary())
        if report.blocking:
            raise HttpError(409, t("contrib.review.accept_blocked", id=cid))
    accept(get_store(), _contrib.queue(), cid, maintainer, comment)


def _get(cid):
    try:
        return _contrib.queue().get(cid)
    except NotFound:
        raise HttpError(404, t("contrib.review.not_found", id=cid))


def _lang():
    from flask import g
    return getattr(g, "lang", "id")


def _safe_next(target) -> str:
    """Only a path on this site (no open redirect)."""
    # Browsers drop tabs and line breaks from URLs, so "/\t/evil.example" would become "//evil.example".
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(c <= " " or c == "\x7f" for c in target)):
        return target
    return url_for("review.queue_page")
