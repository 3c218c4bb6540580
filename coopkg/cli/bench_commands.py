"""`coopkg generate` (synthetic national-scale data) and `coopkg bench` (coopkg against the bare engine)."""
import json
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm


@click.command()
@click.option("--triples", "-n", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="About how many triples to write (the last cooperative is written whole).")
@click.option("--seed", "-s", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
def generate(triples, seed, quiet, output):
    """Write a synthetic national cooperative registry as N-Quads to OUTPUT (load it with `coopkg load`)."""
    from coopkg.graph.synthetic import generate_file

    started = time.monotonic()
    with tqdm(total=triples, unit="triples", unit_scale=True, file=sys.stderr, disable=quiet,
              desc=Path(output).name) as bar:
        counts = generate_file(output, triples, seed, progress=bar.update)
    elapsed = time.monotonic() - started
    summary = counts.as_dict()
    click.echo(f"{output}: {summary['triples']:,} triples in {elapsed:.1f} s "
               f"({summary['cooperatives']:,} cooperatives in {summary['provinces']} provinces, "
               f"{summary['persons']:,} people, {summary['events']:,} events, "
               f"{summary['collaborations']:,} collaborations)", err=True)


@click.command()
@click.option("--size", type=click.IntRange(min=1000), default=100_000, show_default=True,
              help="Triples to generate and measure on.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--quick", is_flag=True, help="Short runs (1 s per concurrency level, few repeats): a smoke test.")
@click.option("--duration", type=float, help="Seconds per concurrency level, at least 1.5 times the bare engine's sequential mix [default 10; 1 with --quick].")
@click.option("--clients", "clients", default="1,4,16", show_default=True, help="Concurrency levels.")
@click.option("--peer-budget", type=float, help="Seconds the rdflib peer may take [default 240; 10 with --quick].")
@click.option("--peer-max", type=int, default=200_000, show_default=True,
              help="Largest size the rdflib peer is given (it loads everything into memory).")
@click.option("--workdir", type=click.Path(file_okay=False), default="var/bench", show_default=True,
              help="Where data files (kept between runs), stores and logs go.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Write the results here [default WORKDIR/results-SIZE.json].")
@click.option("--query-timeout", type=float, default=300.0, show_default=True,
              help="coopkg's query time limit during the run (above the slowest query, so both engines do the same work).")
@click.option("--reuse-stores", is_flag=True,
              help="Serve the stores a previous run of this size left in WORKDIR (its load figures are carried over).")
def bench(size, seed, quick, duration, clients, peer_budget, peer_max, workdir, json_path, query_timeout, reuse_stores):
    """Measure coopkg against the bare Oxigraph server on generated data; prints a table, writes JSON.

    Ratios are coopkg / bare engine: above 1 is better for throughput, worse for latency, time and memory.
    """
    from coopkg.bench.report import table
    from coopkg.bench.runner import Run

    try:
        levels = tuple(int(c) for c in clients.split(",") if c.strip())
    except ValueError:
        raise click.BadParameter("a comma-separated list of numbers, e.g. 1,4,16", param_hint="--clients")
    started = time.monotonic()
    run = Run(size, seed=seed, quick=quick, workdir=Path(workdir), duration=duration, concurrency=levels,
              peer_budget=peer_budget, peer_max=peer_max, query_timeout=query_timeout, reuse_stores=reuse_stores,
              echo=lambda m: click.echo(m, err=True))
    results = run.run()
    results["total_s"] = round(time.monotonic() - started, 1)
    path = Path(json_path or Path(workdir) / f"results-{size}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    click.echo(table(results))
    click.echo(f"\n{results['total_s']} s in all; results written to {path}")


COMMANDS = (generate, bench)
