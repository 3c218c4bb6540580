"""`coopkg serve`: the Flask app under waitress, a production WSGI server (never Flask's own)."""
import importlib.util
import signal
import sys

import click

from .common import fail, settings_from


@click.command()
@click.option("--host", default=None, help="Address to listen on [default 127.0.0.1, env COOPKG_HOST].")
@click.option("--port", type=int, default=None, help="Port [default 8080, env COOPKG_PORT].")
@click.option("--threads", type=int, default=None, help="Request threads [default 16, env COOPKG_THREADS].")
@click.pass_context
def serve(ctx, host, port, threads):
    """Serve the knowledge graph over HTTP."""
    import waitress

    from coopkg.graph.store import StoreError, announce_server
    from coopkg.service import ConfigError, create_app

    _skip_main_script_in_workers()
    try:
        settings = settings_from(ctx, host=host, port=port, threads=threads)
    except ValueError as exc:  # e.g. COOPKG_PORT=abc: one line that names the variable, not a traceback
        fail(f"configuration problem: {exc}", 1)
    overrides = {"data_dir": settings.data_dir, "host": settings.host, "port": settings.port}
    try:
        app = create_app(overrides)
    except ConfigError as exc:
        fail(f"configuration problem: {exc}", 1)
    except StoreError as exc:
        fail(str(exc), 5)
    url = f"http://{settings.host}:{settings.port}/"
    marker = announce_server(settings.data_dir, url)
    # SIGTERM ends the loop like Ctrl-C, so the store is flushed and closed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"coopkg serving {settings.data_dir} at {url}", err=True)
    try:
        waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads,
                       ident="coopkg", channel_timeout=60, clear_untrusted_proxy_headers=True,
                       max_request_body_size=settings.max_body_bytes + 65536)
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}", 1)
    finally:
        marker.unlink(missing_ok=True)
        app.extensions["coopkg"].store.close()


def _skip_main_script_in_workers():
    """Query workers are started by multiprocessing, which runs the main script again in every new
    worker unless __main__ names a package's __main__ module. For the `coopkg` console script that is
    the whole CLI: about a second of CPU per worker, spent exactly when heavy queries keep the cores
    busy and a light query waits for a fresh worker (measured: 1.2-1.6 s; 20-60 ms without)."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.util.find_spec("coopkg.__main__")


COMMANDS = (serve,)
