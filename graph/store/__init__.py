"""Open the configured store: embedded Oxigraph (default) or a remote SPARQL 1.1 server."""
import json
import os
from pathlib import Path

from .base import (Dataset, GraphNotFound, QueryFailed, QueryRefused, QueryResourceLimit, QueryResponse,
                   QuerySyntaxError,
                   QueryTimeout, RdfSyntaxError, Store, StoreBusy, StoreError)
from .embedded import EmbeddedStore
from .remote import RemoteStore

SERVER_FILE = "server.json"


class StoreInUse(StoreError):
    """Another process (a running `coopkg serve`) holds the embedded store."""


def open_store(settings) -> Store:
    if settings.store == "remote":
        if not settings.remote_query_url:
            raise StoreError("COOPKG_STORE=remote needs COOPKG_REMOTE_QUERY_URL")
        return RemoteStore(settings.remote_query_url, settings.remote_update_url or None,
                           settings.remote_gsp_url or None, user=settings.remote_user or None,
                           password=settings.remote_password or None)
    if settings.store != "embedded":
        raise StoreError(f"unknown store kind {settings.store!r}: use embedded or remote")
    try:
        return EmbeddedStore(settings.store_dir, min_workers=settings.query_workers,
                             max_workers=max(settings.query_workers, settings.query_workers_max),
                             worker_memory=settings.query_memory_mb << 20)
    except OSError as exc:
        server = running_server(settings.data_dir)
        if server:
            raise StoreInUse(f"the store in {settings.data_dir} is in use by coopkg serve "
                             f"(pid {server['pid']}, {server['url']})") from exc
        raise StoreError(f"cannot open the store in {settings.store_dir}: {exc}") from exc


def open_store_for_reading(settings) -> Store:
    """For read-only commands: the store itself, or the running server on it over HTTP."""
    try:
        return open_store(settings)
    except StoreInUse:
        server = running_server(settings.data_dir)
        url = server["url"].rstrip("/")
        return RemoteStore(url + "/sparql", gsp_url=url + "/graph-store")


def running_server(data_dir) -> dict | None:
    path = Path(data_dir) / SERVER_FILE
    try:
        info = json.loads(path.read_text())
        os.kill(int(info["pid"]), 0)
        return info
    except (OSError, ValueError, KeyError):
        return None


def announce_server(data_dir, url: str) -> Path:
    path = Path(data_dir) / SERVER_FILE
    path.write_text(json.dumps({"pid": os.getpid(), "url": url}))
    return path


__all__ = ["Dataset", "EmbeddedStore", "GraphNotFound", "QueryFailed", "QueryRefused", "QueryResourceLimit",
           "QueryResponse",
           "QuerySyntaxError", "QueryTimeout", "RdfSyntaxError", "RemoteStore", "Store", "StoreBusy",
           "StoreError", "StoreInUse", "open_store", "open_store_for_reading", "running_server",
           "announce_server"]
