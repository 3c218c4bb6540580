"""What every subcommand shares: settings, opening the store, turning errors into exit codes."""
import functools
import sys

import click

from coopkg.graph.settings import Settings
from coopkg.graph.sparql_guard import GuardError
from coopkg.graph.store import (QueryResourceLimit, QuerySyntaxError, QueryTimeout, RdfSyntaxError, StoreError, open_store,
                                open_store_for_reading)

EXIT_CODES = {0: "success", 1: "error", 2: "usage", 3: "bad RDF input", 4: "bad SPARQL",
              5: "store unavailable", 6: "query time limit"}


def settings_from(ctx, **overrides) -> Settings:
    data_dir = (ctx.find_root().obj or {}).get("data_dir")
    return Settings.from_env(data_dir=data_dir, **overrides)


def store_from(ctx, *, read_only=False):
    settings = settings_from(ctx)
    return (open_store_for_reading if read_only else open_store)(settings)


def fail(message: str, code: int):
    click.echo(f"coopkg: {message}", err=True)
    sys.exit(code)


def handle_errors(func):
    """Map the domain's errors to a message on stderr and a documented exit code."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RdfSyntaxError as exc:
            fail(f"invalid RDF: {exc}; nothing from that file was loaded", 3)
        except (QuerySyntaxError, GuardError) as exc:
            fail(f"invalid SPARQL: {exc}", 4)
        except (QueryTimeout, QueryResourceLimit) as exc:
            fail(str(exc), 6)
        except StoreError as exc:
            fail(str(exc), 5)
        except ValueError as exc:
            fail(str(exc), 1)
    return wrapper
