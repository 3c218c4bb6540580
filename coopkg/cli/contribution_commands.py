"""`coopkg contributions list|show|accept|reject|revert`: the review queue from the command line.

list, show and reject need only the queue (SQLite), so they work while `coopkg serve` runs. accept
and revert change the store: with the embedded store that needs the store itself (stop the server,
or use /review in the running service); with a remote store they work alongside the service.
"""
import json
import time

import click

from coopkg.graph.accounts import Accounts
from coopkg.graph.contributions import STATES, ContributionError, ContributionQueue
from coopkg.graph.provenance import RevertConflict, accept, recover, reject, revert
from coopkg.graph.store import StoreInUse
from coopkg.graph.vocab import PREFIXES

from .common import fail, handle_errors, settings_from, store_from


def _queue(ctx) -> ContributionQueue:
    return ContributionQueue(settings_from(ctx).data_dir)


def _maintainer(ctx, name: str) -> str:
    user = Accounts(settings_from(ctx).data_dir).user(name)
    if user is None or not user.is_maintainer:
        fail(f"{name!r} is not a maintainer account (create one with `coopkg user add {name}`)", 1)
    return user.name


def _when(ts) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts)) if ts else "-"


@click.group()
def contributions():
    """Review contributions: list, show, accept, reject, revert."""


@contributions.command("list")
@click.option("--state", type=click.Choice(STATES), default="pending", show_default=True)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@handle_errors
def list_command(ctx, state, limit, as_json):
    """Contributions in one state (oldest pending first; otherwise newest first)."""
    items = _queue(ctx).list(state, limit=limit, newest_first=state != "pending")
    for c in items:
        if as_json:
            click.echo(json.dumps(c.public_status() | {"contributor": c.contributor_name, "entities": c.entities,
                                                       "statements": len(c.changes)}))
        else:
            click.echo(f"{c.id}  {_when(c.created)}  {c.validation_state:10}  {len(c.changes):4} statements  "
                       f"{c.contributor_name}  {', '.join(c.entities[:3])}{' ...' if len(c.entities) > 3 else ''}")
    if not items and not as_json:
        click.echo(f"no {state} contributions", err=True)


@contributions.command("show")
@click.argument("cid")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def show_command(ctx, cid, as_json):
    """One contribution: who, when, its validation, its statements (Turtle) and its history."""
    queue = _queue(ctx)
    c = queue.get(cid)
    if as_json:
        click.echo(json.dumps(c.public_status() | {
            "contributor": c.contributor_name, "contact": c.contributor_contact, "comment": c.comment,
            "source": c.source, "reviewer": c.reviewer, "review_comment": c.review_comment,
            "add": c.changes.to_turtle("add", PREFIXES), "remove": c.changes.to_turtle("remove", PREFIXES),
            "problems": c.validation.get("problems", []), "events": queue.events(cid)}, indent=2))
        return
    click.echo(f"contribution {c.id}: {c.state} (submitted {_when(c.created)} via {c.source})")
    click.echo(f"contributor: {c.contributor_name} <{c.contributor_contact or 'no contact'}>")
    if c.comment:
        click.echo(f"comment: {c.comment}")
    if c.reviewer:
        click.echo(f"reviewed by {c.reviewer} at {_when(c.reviewed)}: {c.review_comment or ''}")
    click.echo(f"validation: {c.validation_state}")
    for problem in c.validation.get("problems", []):
        message = problem["messages"].get("en") or next(iter(problem["messages"].values()), "")
        click.echo(f"  {problem['severity']}: {problem['entity']} {problem.get('path') or ''}: {message}")
    if c.changes.remove:
        click.echo("# statements removed")
        click.echo(c.changes.to_turtle("remove", PREFIXES))
    click.echo("# statements added")
    click.echo(c.changes.to_turtle("add", PREFIXES))
    for event in reversed(queue.events(cid)):
        click.echo(f"{_when(event['at'])}  {event['actor']}: {event['action']} {event['comment']}".rstrip())


def _store_and_queue(ctx):
    try:
        store = store_from(ctx)
    except StoreInUse as exc:
        fail(f"{exc}; accept and revert in its /review pages, or stop it first", 5)
    queue = _queue(ctx)
    for cid, state in recover(store, queue, min_age=0 if store.kind == "embedded" else 300):
        click.echo(f"contribution {cid} had been interrupted by a crash; it is now {state}", err=True)
    return store, queue


@contributions.command("accept")
@click.argument("ids", nargs=-1, required=True)
@click.option("--as", "maintainer", required=True, help="Your maintainer account name.")
@click.option("--comment", default="", help="Why (kept with the decision).")
@click.pass_context
@handle_errors
def accept_command(ctx, ids, maintainer, comment):
    """Apply pending contributions to the public graph (each all or nothing)."""
    name = _maintainer(ctx, maintainer)
    from coopkg.graph.contribution_validation import validate_contribution
    failed = False
    store, queue = _store_and_queue(ctx)
    with store:
        for cid in ids:
            try:
                report = validate_contribution(store, queue.get(cid).changes)
                if report.blocking:
                    raise ContributionError(f"contribution {cid} violates the shapes now; reject it instead")
                outcome = accept(store, queue, cid, name, comment)
                click.echo(f"accepted {cid}: {outcome.added} statements added, {outcome.removed} removed")
            except ContributionError as exc:
                click.echo(f"coopkg: {exc}", err=True)
                failed = True
    if failed:
        raise SystemExit(1)


@contributions.command("reject")
@click.argument("ids", nargs=-1, required=True)
@click.option("--as", "maintainer", required=True, help="Your maintainer account name.")
@click.option("--comment", default="", help="Why (the contributor may be told).")
@click.pass_context
@handle_errors
def reject_command(ctx, ids, maintainer, comment):
    """Reject pending contributions; they stay on record, never in the store."""
    name = _maintainer(ctx, maintainer)
    queue = _queue(ctx)
    failed = False
    for cid in ids:
        try:
            reject(queue, cid, name, comment)
            click.echo(f"rejected {cid}")
        except ContributionError as exc:
            click.echo(f"coopkg: {exc}", err=True)
            failed = True
    if failed:
        raise SystemExit(1)


@contributions.command("revert")
@click.argument("cid")
@click.option("--as", "maintainer", required=True, help="Your maintainer account name.")
@click.option("--comment", default="", help="Why.")
@click.option("--cascade", is_flag=True, help="Also revert later contributions made on top of this one.")
@click.pass_context
@handle_errors
def revert_command(ctx, cid, maintainer, comment, cascade):
    """Restore the state before an accepted contribution (see docs/contributions.md for the rule)."""
    name = _maintainer(ctx, maintainer)
    store, queue = _store_and_queue(ctx)
    with store:
        try:
            outcome = revert(store, queue, cid, name, comment, cascade=cascade)
        except RevertConflict as exc:
            fail(f"{exc}; add --cascade to revert them too", 1)
    also = f" (with {', '.join(outcome.also_reverted)})" if outcome.also_reverted else ""
    click.echo(f"reverted {cid}{also}: {outcome.removed} statements removed, {outcome.added} restored")


COMMANDS = (contributions,)
