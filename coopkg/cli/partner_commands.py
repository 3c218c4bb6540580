"""`coopkg partner`: register partner datasets, import their RDF or spreadsheets, pull from their endpoints."""
import json

import click

from coopkg.graph import partners as registry
from coopkg.graph.tabular_mapping import MappingError

from .common import fail, handle_errors, settings_from, store_from


def _partner_errors(func):
    """A table that does not fit its mapping is bad input (exit 3); partner problems are ValueErrors,
    which handle_errors already reports with exit 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except MappingError as exc:
            fail(f"{exc}; nothing was imported", 3)
    return handle_errors(wrapper)


@click.group()
def partner():
    """Partner datasets: register, import (RDF, or CSV/XLSX through a mapping), list, remove."""


@partner.command("add")
@click.argument("name")
@click.option("--title", required=True, help="Human-readable title of the dataset.")
@click.option("--publisher", default="", help="Who publishes it (an organisation's name).")
@click.option("--licence", "--license", "licence", default="",
              help="Licence IRI, or cc-by-4.0, cc-by-sa-4.0, cc0-1.0, odbl-1.0.")
@click.option("--homepage", default="", help="The dataset's landing page.")
@click.option("--namespace", default="", help="IRI prefix of the partner's identifiers (void:uriSpace).")
@click.option("--endpoint", default="", help="The partner's SPARQL endpoint, for `partner pull` and SERVICE.")
@click.pass_context
@_partner_errors
def add(ctx, name, title, publisher, licence, homepage, namespace, endpoint):
    """Register partner dataset NAME (or update its description)."""
    with store_from(ctx) as store:
        p = registry.add_partner(store, name, title=title, publisher=publisher, licence=licence,
                                 homepage=homepage, namespace=namespace, endpoint=endpoint)
    click.echo(f"partner {p.name} registered as <{p.iri}>; its data goes into <{p.graph}>")


@partner.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="JSON or TOML mapping for a CSV/XLSX table (see docs/partners.md).")
@click.pass_context
@_partner_errors
def import_(ctx, name, file, mapping):
    """Replace partner NAME's graph with FILE (all or nothing)."""
    with store_from(ctx) as store:
        report = registry.import_file(store, name, file, mapping)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    rows = f" from {report.rows} rows" if report.rows is not None else ""
    click.echo(f"imported {report.triples} triples ({report.entities} entities){rows} into <{report.graph}>")


@partner.command("pull")
@click.argument("name")
@click.option("--endpoint", default="", help="SPARQL endpoint (default: the one registered with the partner).")
@click.option("--query", "query_file", type=click.File("r"),
              help="A CONSTRUCT query to run there (default: every triple of its default graph).")
@click.option("--limit", default=1_000_000, show_default=True, help="Most triples to fetch.")
@click.pass_context
@_partner_errors
def pull(ctx, name, endpoint, query_file, limit):
    """Replace partner NAME's graph with data fetched from its SPARQL endpoint."""
    from coopkg.graph.federation import pull_partner
    settings = settings_from(ctx)
    with store_from(ctx) as store:
        report = pull_partner(store, name, endpoint=endpoint or None,
                              query=query_file.read() if query_file else None, limit=limit,
                              timeout=settings.query_timeout)
    click.echo(f"pulled {report.triples} triples ({report.entities} entities) into <{report.graph}>")


@partner.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@_partner_errors
def list_(ctx, as_json):
    """The registered partner datasets."""
    with store_from(ctx, read_only=True) as store:
        found = registry.list_partners(store)
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in found], indent=2))
        return
    if not found:
        click.echo("no partner datasets yet; register one with `coopkg partner add NAME --title ...`")
        return
    for p in found:
        when = p.modified or "never imported"
        click.echo(f"{p.name:<24} {p.triples:>9} triples  {p.entities:>7} entities  {when}  {p.title}")


@partner.command("remove")
@click.argument("name")
@click.pass_context
@_partner_errors
def remove(ctx, name):
    """Remove partner NAME: its description, its data graph, its linkset and its review decisions."""
    from coopkg.graph.linksets import forget
    with store_from(ctx) as store:
        existed = registry.remove_partner(store, name)
    existed = forget(settings_from(ctx).data_dir, name) or existed
    if not existed:
        fail(f"no partner dataset {name!r}", 1)
    click.echo(f"partner {name} removed")


COMMANDS = (partner,)
