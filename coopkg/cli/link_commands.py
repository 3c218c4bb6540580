"""`coopkg link`: propose links from a partner dataset to ours, review them, publish the linkset."""
import getpass
import json

import click

from coopkg.graph import linksets

from .common import handle_errors, settings_from, store_from


def _default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class _LinkGroup(click.Group):
    """`coopkg link NAME` is short for `coopkg link propose NAME`."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["propose", *args]
        return super().resolve_command(ctx, args)


@click.group(cls=_LinkGroup)
def link():
    """Links from a partner dataset to ours: propose, review, accept/reject, publish.

    `coopkg link NAME` proposes links for partner NAME (the same as `coopkg link propose NAME`).
    """


@link.command("propose")
@click.argument("name")
@click.option("--min-score", default=linksets.DEFAULT_MIN_SCORE, show_default=True,
              help="Smallest score (0-100) worth a maintainer's look.")
@click.pass_context
@handle_errors
def propose(ctx, name, min_score):
    """Reconcile partner NAME's entities against ours and store the candidates for review."""
    import sys

    from tqdm import tqdm
    data_dir = settings_from(ctx).data_dir
    bar = None

    def progress(done, total):
        nonlocal bar
        if bar is None and total >= 200 and sys.stderr.isatty():
            bar = tqdm(total=total, unit="entities", desc=name, file=sys.stderr, leave=False)
        if bar is not None:
            bar.update(1)

    # Proposing only reads the store (decisions go to the data directory), so it also works while
    # `coopkg serve` holds the store: then it reads through the server's SPARQL endpoint.
    with store_from(ctx, read_only=True) as store:
        proposals = linksets.propose(store, data_dir, name, min_score=min_score, progress=progress)
    if bar is not None:
        bar.close()
    counts = proposals.counts()
    sure = sum(1 for link in proposals.links if link.match)
    click.echo(f"{len(proposals.links)} candidate links ({sure} clear matches, {counts['accepted']} already accepted, "
               f"{counts['rejected']} already rejected); {len(proposals.unmatched)} partner entities without a "
               f"candidate. Review with `coopkg link review {name}`.")


@link.command("review")
@click.argument("name")
@click.option("--status", type=click.Choice(["all", *linksets.STATUSES]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--interactive", "-i", is_flag=True, help="Decide each proposed link in turn.")
@click.option("--by", "reviewer", default=_default_reviewer, help="Reviewer's name, recorded with each decision.")
@click.pass_context
@handle_errors
def review(ctx, name, status, as_json, interactive, reviewer):
    """List the candidate links of NAME (numbered for accept/reject), or decide them one by one."""
    data_dir = settings_from(ctx).data_dir
    proposals = linksets.load_proposals(data_dir, name)
    if as_json:
        click.echo(json.dumps({"partner": name, "links": [link.__dict__ for link in proposals.links],
                               "unmatched": proposals.unmatched}, ensure_ascii=False, indent=1))
        return
    if not proposals.links:
        click.echo(f"no proposals for {name}; run `coopkg link propose {name}` first")
        return
    for number, entry in enumerate(proposals.links, start=1):
        if status != "all" and entry.status != status:
            continue
        flag = "match" if entry.match else "check"
        click.echo(f"{number:>4}. [{entry.status:<8}] {entry.score:6.1f} {flag:<5} {entry.partner_label!r} "
                   f"<{entry.partner_iri}>\n       -> {entry.candidate_label!r} <{entry.candidate}>"
                   + (f" ({entry.relation})" if entry.status == "accepted" else ""))
        if interactive and entry.status == "proposed":
            choice = click.prompt("       accept as sameAs (s), exactMatch (e), reject (r), skip (k), quit (q)",
                                  type=click.Choice(["s", "e", "r", "k", "q"]), default="k", show_choices=False)
            if choice == "q":
                break
            if choice in ("s", "e", "r"):
                linksets.decide(data_dir, name, [str(number)], accept=choice != "r", reviewer=reviewer,
                                relation="exactMatch" if choice == "e" else "sameAs")
    counts = linksets.load_proposals(data_dir, name).counts()
    click.echo(f"{counts['proposed']} to review, {counts['accepted']} accepted, {counts['rejected']} rejected")


def _decide(ctx, name, refs, accept, reviewer, relation="sameAs", matches=False, min_score=None):
    chosen = linksets.decide(settings_from(ctx).data_dir, name, refs, accept=accept, reviewer=reviewer,
                             relation=relation, matches=matches, min_score=min_score)
    verb = "accepted" if accept else "rejected"
    click.echo(f"{verb} {len(chosen)} link(s); publish with `coopkg link publish {name}`")


@link.command("accept")
@click.argument("name")
@click.argument("refs", nargs=-1)
@click.option("--matches", is_flag=True, help="Every proposed link the reconciler called a clear match.")
@click.option("--min-score", type=float, help="Every proposed link scoring at least this.")
@click.option("--exact-match", is_flag=True, help="Publish as skos:exactMatch (identity not certain).")
@click.option("--by", "reviewer", default=_default_reviewer, help="Reviewer's name.")
@click.pass_context
@handle_errors
def accept(ctx, name, refs, matches, min_score, exact_match, reviewer):
    """Accept links of NAME by number (from `review`) or partner IRI, or by rule."""
    _decide(ctx, name, refs, True, reviewer, "exactMatch" if exact_match else "sameAs", matches, min_score)


@link.command("reject")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@click.option("--by", "reviewer", default=_default_reviewer, help="Reviewer's name.")
@click.pass_context
@handle_errors
def reject(ctx, name, refs, reviewer):
    """Reject links of NAME by number (from `review`) or partner IRI."""
    _decide(ctx, name, refs, False, reviewer)


@link.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "reviewer", default=_default_reviewer, help="Reviewer's name.")
@click.pass_context
@handle_errors
def import_(ctx, name, file, reviewer):
    """Add links a maintainer already knows (CSV: ours, theirs[, relation, note]) as accepted, e.g. Wikidata ids."""
    with store_from(ctx, read_only=True) as store:
        count = linksets.import_links(store, settings_from(ctx).data_dir, name, file, reviewer=reviewer)
    click.echo(f"{count} link(s) recorded as accepted; publish with `coopkg link publish {name}`")


@link.command("publish")
@click.argument("name")
@click.pass_context
@handle_errors
def publish(ctx, name):
    """Publish NAME's accepted links as a VoID linkset in graph/linkset/NAME (replacing the last one)."""
    data_dir = settings_from(ctx).data_dir
    with store_from(ctx) as store:
        result = linksets.publish(store, data_dir, name)
    parts = ", ".join(f"{n} {relation}" for relation, n in sorted(result.by_relation.items()))
    click.echo(f"published {result.links} links ({parts}) in <{result.graph}>")


@link.command("withdraw")
@click.argument("name")
@click.pass_context
@handle_errors
def withdraw(ctx, name):
    """Remove NAME's published linkset (decisions are kept)."""
    with store_from(ctx) as store:
        existed = linksets.withdraw(store, name)
    click.echo(f"linkset of {name} {'withdrawn' if existed else 'was not published'}")


COMMANDS = (link,)
