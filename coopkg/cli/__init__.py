"""The `coopkg` command. Each group of subcommands lives in its own module and registers here.

Exit codes: 0 success; 1 an error the message explains; 2 wrong usage; 3 bad RDF input;
4 bad SPARQL; 5 the store cannot be opened or reached; 6 a query was stopped at its time limit.
"""
import click

from .. import __version__
from .common import EXIT_CODES  # noqa: F401  (documented in README)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopkg")
@click.option("--data-dir", type=click.Path(file_okay=False), envvar="COOPKG_DATA_DIR",
              help="Data directory of the embedded store [env COOPKG_DATA_DIR].")
@click.pass_context
def main(ctx, data_dir):
    """coopkg: the Cooperative Innovation Knowledge Graph."""
    ctx.obj = {"data_dir": data_dir}


def _register():
    """Mount every `*_command(s)` module's COMMANDS, so each feature owns its module."""
    import importlib
    import pkgutil
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.endswith(("_command", "_commands")):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for command in module.COMMANDS:
                main.add_command(command)


_register()
