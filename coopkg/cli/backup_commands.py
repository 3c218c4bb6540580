"""backup, restore: consistent copies of a data directory (store, accounts, contributions)."""
import click

from coopkg.graph.backup import backup as make_backup
from coopkg.graph.backup import restore as restore_backup
from coopkg.graph.store import running_server

from .common import handle_errors, settings_from


@click.command()
@click.argument("target", type=click.Path(file_okay=False))
@click.pass_context
@handle_errors
def backup(ctx, target):
    """Back up the data directory into TARGET (a new or empty directory).

    Safe while `coopkg serve` runs: the copy is one consistent point in time.
    """
    settings = settings_from(ctx)
    manifest = make_backup(settings.data_dir, target,
                           on_step=lambda kind, what: click.echo(f"{kind}: {what}", err=True))
    store = manifest["store"]
    click.echo(f"backup written to {target}: {store['quads']} quads in {store['named_graphs']} named graphs, "
               f"{len(manifest['files'])} files")


@click.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@click.pass_context
@handle_errors
def restore(ctx, source):
    """Restore the backup in SOURCE into the data directory, which must be new or empty."""
    settings = settings_from(ctx)
    server = running_server(settings.data_dir)
    if server:
        raise click.ClickException(f"coopkg serve (pid {server['pid']}) is running on {settings.data_dir}; "
                                   "stop it and restore into a new, empty data directory")
    manifest = restore_backup(source, settings.data_dir,
                              on_step=lambda kind, what: click.echo(f"{kind}: {what}", err=True))
    click.echo(f"restored {manifest['store']['quads']} quads from the backup of {manifest['created']} "
               f"into {settings.data_dir}")


COMMANDS = (backup, restore)
