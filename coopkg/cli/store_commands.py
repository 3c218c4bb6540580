"""init, load, query, export, stats."""
import json
import sys
import time

import click
from tqdm import tqdm

from coopkg.graph import stats as graph_stats
from coopkg.graph.bootstrap import initialise
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.loading import load_files
from coopkg.graph.sparql_guard import check_query
from coopkg.graph.vocab import PREFIXES

from .common import handle_errors, settings_from, store_from


@click.command()
@click.pass_context
@handle_errors
def init(ctx):
    """Create the store and load ontology/, shapes/ and data/ (safe to repeat)."""
    with store_from(ctx) as store:
        initialise(store, on_step=lambda name, n: click.echo(f"loaded {name}: {n} quads", err=True))
        click.echo(f"store ready: {store.triple_count()} quads in {settings_from(ctx).data_dir}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--graph", "graph", help="Named graph IRI (default: one graph per file).")
@click.option("--replace", is_flag=True, help="Replace the graph's content instead of adding to it.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def load(ctx, paths, graph, replace, quiet):
    """Load RDF files or directories (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD).

    Each file is loaded all or nothing: a syntax error leaves nothing of that file in the store.
    """
    bars, started = {}, {}

    def on_start(path, size):
        started[path] = time.monotonic()
        if quiet:
            return None
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)
        bars[path] = bar
        return lambda done: bar.update(done - bar.n)

    def on_done(path, count):
        bar = bars.pop(path, None)
        if bar:
            bar.close()
        elapsed = max(time.monotonic() - started.pop(path), 1e-6)
        rate = f", {count / elapsed:,.0f} triples/s" if count >= 0 else ""
        click.echo(f"{path}: {count if count >= 0 else '?'} triples in {elapsed:.1f} s{rate}", err=True)

    with store_from(ctx) as store:
        try:
            load_files(store, paths, graph=graph, replace=replace, on_start=on_start, on_done=on_done)
        finally:
            for bar in bars.values():
                bar.close()


OUTPUT_FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml")


@click.command()
@click.argument("text", required=False)
@click.option("--file", "-f", "file", type=click.File("r"), help="Read the query from a file ('-': stdin).")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True)
@click.pass_context
@handle_errors
def query(ctx, text, file, fmt):
    """Run a SPARQL query given as TEXT, from --file, or from stdin."""
    if text is None:
        source = file or (sys.stdin if not sys.stdin.isatty() else None)
        if source is None:
            raise click.UsageError("give a query, --file FILE, or a query on stdin")
        text = source.read()
    settings = settings_from(ctx)
    shape = check_query(text, allowed_services=settings.allowed_services, max_depth=settings.max_query_depth)
    graph_query = shape.form in ("CONSTRUCT", "DESCRIBE")
    results_format = "json" if fmt == "table" else fmt if fmt in ("json", "csv", "tsv", "xml") else "json"
    graph_format = fmt if fmt in ("turtle", "ntriples", "jsonld", "rdfxml") else "turtle"
    with store_from(ctx, read_only=True) as store:
        response = store.run_query(text, results_format=results_format, graph_format=graph_format,
                                   timeout=settings.query_timeout, row_limit=None,
                                   kind="graph" if graph_query else "bindings", prefixes=PREFIXES)
    if fmt == "table" and not graph_query:
        click.echo(render_table(json.loads(response.body)))
    else:
        sys.stdout.buffer.write(response.body)
        sys.stdout.flush()
    if response.truncated:
        click.echo("coopkg: the running server cut these results at its row cap (COOPKG_MAX_ROWS); "
                   "stop it to query the store without a cap", err=True)


def render_table(results: dict) -> str:
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    variables = results["head"]["vars"]
    rows = [[_cell(b.get(v)) for v in variables] for b in results["results"]["bindings"]]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(variables), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cell(binding) -> str:
    if binding is None:
        return ""
    if binding["type"] == "uri":
        return f"<{binding['value']}>"
    if "xml:lang" in binding:
        return f"{binding['value']}@{binding['xml:lang']}"
    return binding["value"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig", "turtle", "jsonld"]), default="nquads",
              show_default=True)
@click.option("--graph", "graph", help="Export one named graph (required for Turtle).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_context
@handle_errors
def export(ctx, fmt, graph, output):
    """Export the graph as N-Quads, TriG, Turtle or JSON-LD."""
    syntax = rdf_syntax(fmt)
    if graph is None and not syntax.is_dataset and fmt != "jsonld":
        raise click.UsageError("Turtle holds one graph: give --graph IRI, or use nquads/trig for everything")
    with store_from(ctx, read_only=True) as store:
        if output:
            with open(output, "wb") as fh:
                _dump(store, fh, syntax, graph)
        else:
            _dump(store, sys.stdout.buffer, syntax, graph)
            sys.stdout.flush()


def _dump(store, fh, syntax, graph):
    if syntax.name == "jsonld" and graph is None:
        # JSON-LD can hold named graphs: serialise the whole dataset as quads.
        import io
        import pyoxigraph as ox
        buffer = io.BytesIO()
        store.dump(buffer, rdf_syntax("nquads"))
        quads = ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_QUADS)
        ox.serialize(quads, fh, format=ox.RdfFormat.JSON_LD)
        return
    store.dump(fh, syntax, graph=graph)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@handle_errors
def stats(ctx, as_json):
    """Triples per named graph, classes and their instance counts."""
    with store_from(ctx, read_only=True) as store:
        graphs, classes = graph_stats.graph_sizes(store), graph_stats.class_counts(store)
    if as_json:
        click.echo(json.dumps({"graphs": dict(graphs), "classes": dict(classes)}, indent=2))
        return
    click.echo(f"{'triples':>10}  named graph")
    for graph, n in graphs:
        click.echo(f"{n:>10}  {graph}")
    click.echo(f"{sum(n for _, n in graphs):>10}  in all\n")
    click.echo(f"{'instances':>10}  class")
    for cls, n in classes:
        click.echo(f"{n:>10}  {cls}")


COMMANDS = (init, load, query, export, stats)
