"""The Flask application: `create_app(test_config)` builds one app with its own store."""
import secrets
from pathlib import Path

from flask import Flask

from coopkg.graph.backup import incomplete_restore
from coopkg.graph.settings import Settings
from coopkg.graph.store import open_store

from . import errors, i18n, metrics, navigation, request_log, security
from .state import AppState
from .views import register_blueprints


class ConfigError(Exception):
    """The configuration cannot work; the message says what to change."""


def create_app(test_config: dict | None = None, *, store=None) -> Flask:
    """`test_config` may hold Settings fields (lower case) and Flask keys (upper case)."""
    test_config = dict(test_config or {})
    overrides = {k: test_config.pop(k) for k in list(test_config) if k.islower()}
    settings = Settings.from_env(**overrides)
    check_settings(settings)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or _stored_secret(settings.data_dir),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    app.config.update(test_config)
    app.extensions["coopkg"] = AppState(settings=settings, store=store or open_store(settings))

    i18n.init_app(app)
    navigation.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    request_log.init_app(app)
    metrics.init_app(app)
    register_blueprints(app)
    return app


def check_settings(settings: Settings) -> None:
    problems = []
    data_dir = Path(settings.data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        problems.append(f"the data directory {data_dir} is not writable ({exc.strerror}); set COOPKG_DATA_DIR")
    for iri in settings.allowed_services:
        if not iri.startswith(("http://", "https://")) or any(c in iri for c in "<>\"{}|\\^` "):
            problems.append(f"COOPKG_SERVICE_ALLOWLIST entry {iri!r} is not an http(s) IRI")
    problems += limit_problems(settings) + secret_problems(settings)
    if incomplete_restore(data_dir):
        problems.append(f"a `coopkg restore` into {data_dir} did not finish; restore again into an empty directory")
    if settings.store == "remote" and not settings.remote_query_url:
        problems.append("COOPKG_STORE=remote needs COOPKG_REMOTE_QUERY_URL")
    if settings.store not in ("embedded", "remote"):
        problems.append(f"COOPKG_STORE={settings.store!r}: use embedded or remote")
    if settings.secret_key and len(settings.secret_key) < 16:
        problems.append("COOPKG_SECRET_KEY is shorter than 16 characters; use a long random value")
    if problems:
        raise ConfigError("; ".join(problems))


# The engine's parser overflows its stack at about 3000 nested brackets (docs/security.md).
MAX_SAFE_QUERY_DEPTH = 2000
# Below this a worker cannot even open the store (measured: 500 MiB fails, 600 MiB works, 2 cores).
MIN_QUERY_MEMORY_MB = 768


def limit_problems(settings: Settings) -> list[str]:
    """Limits that would switch a protection off, or that the engine cannot survive."""
    problems = []
    positive = {"query_timeout": "seconds", "max_rows": "rows", "max_body_bytes": "bytes",
                "query_workers": "workers", "query_workers_max": "workers", "threads": "threads"}
    for name, unit in positive.items():
        if getattr(settings, name) <= 0:
            problems.append(f"COOPKG_{name.upper()}={getattr(settings, name)} must be more than 0 {unit}")
    if not 1 <= settings.max_query_depth <= MAX_SAFE_QUERY_DEPTH:
        problems.append(f"COOPKG_MAX_QUERY_DEPTH={settings.max_query_depth} must be between 1 and "
                        f"{MAX_SAFE_QUERY_DEPTH}: deeper nesting crashes the query engine")
    if settings.query_memory_mb < 0 or 0 < settings.query_memory_mb < MIN_QUERY_MEMORY_MB:
        problems.append(f"COOPKG_QUERY_MEMORY_MB={settings.query_memory_mb} is too small: a query worker needs about "
                        f"600 MiB of address space just to open the store; use 0 (no limit) or at least {MIN_QUERY_MEMORY_MB}")
    if not 0 <= settings.port <= 65535:
        problems.append(f"COOPKG_PORT={settings.port} is not a TCP port (0-65535)")
    for iri in settings.allowed_services:
        if iri.startswith(("http://", "https://")) and not iri.split("://", 1)[1].split("/", 1)[0]:
            problems.append(f"COOPKG_SERVICE_ALLOWLIST entry {iri!r} has no host")
    return problems


def secret_problems(settings: Settings) -> list[str]:
    """Without COOPKG_SECRET_KEY a key kept in the data directory is used; it must be usable."""
    if settings.secret_key:
        return []
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        return []
    try:
        stored = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"the stored secret key {path} cannot be read ({exc}); set COOPKG_SECRET_KEY or delete the file"]
    if len(stored) < 16:
        return [f"the stored secret key {path} is missing or too short; delete it (a new one is generated) "
                "or set COOPKG_SECRET_KEY to a long random value"]
    return []


def _stored_secret(data_dir) -> str:
    """A random secret kept in the data directory, so sessions survive restarts without configuration."""
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()
