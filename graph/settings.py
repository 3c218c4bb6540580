"""Settings from environment variables with one prefix, COOPKG_. docs/settings.md documents each one."""
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from .paths import DEFAULT_STORE_DIR
from .vocab import BASE

PREFIX = "COOPKG_"


@dataclass
class Settings:
    data_dir: Path = field(default=DEFAULT_STORE_DIR, metadata={"doc": "Where the embedded store, accounts and contributions live."})
    store: str = field(default="embedded", metadata={"doc": "`embedded` (Oxigraph on disk) or `remote` (any SPARQL 1.1 server)."})
    remote_query_url: str = field(default="", metadata={"doc": "Remote store: SPARQL query endpoint URL."})
    remote_update_url: str = field(default="", metadata={"doc": "Remote store: SPARQL update endpoint URL."})
    remote_gsp_url: str = field(default="", metadata={"doc": "Remote store: Graph Store Protocol endpoint URL."})
    remote_user: str = field(default="", metadata={"doc": "Remote store: HTTP Basic user name (optional)."})
    remote_password: str = field(default="", metadata={"doc": "Remote store: HTTP Basic password (optional)."})
    base_iri: str = field(default=BASE, metadata={"doc": "Base of every IRI coopkg mints; the service maps its own host to it."})
    query_timeout: float = field(default=30.0, metadata={"doc": "Seconds a public SPARQL query may run before it is stopped."})
    max_rows: int = field(default=10000, metadata={"doc": "Most result rows (or triples) a public query returns."})
    max_body_bytes: int = field(default=10 * 1024 * 1024, metadata={"doc": "Largest request body accepted (larger: 413)."})
    max_query_depth: int = field(default=200, metadata={"doc": "Deepest bracket nesting accepted in a query."})
    query_workers: int = field(default=2, metadata={"doc": "Query worker processes kept warm."})
    query_workers_max: int = field(default=6, metadata={"doc": "Most query worker processes at once."})
    query_memory_mb: int = field(default=2048, metadata={"doc": "Address-space limit of one query worker, in MiB (0: none)."})
    service_allowlist: str = field(default="", metadata={"doc": "Space-separated SPARQL endpoint IRIs that SERVICE may call."})
    secret_key: str = field(default="", metadata={"doc": "Secret for signing sessions; generated and kept in the data directory if unset."})
    host: str = field(default="127.0.0.1", metadata={"doc": "Address `coopkg serve` listens on."})
    port: int = field(default=8080, metadata={"doc": "Port `coopkg serve` listens on."})
    threads: int = field(default=16, metadata={"doc": "Request threads of the WSGI server."})
    contribution_max_bytes: int = field(default=1024 * 1024, metadata={"doc": "Largest contribution (upload or API body) accepted (larger: 413)."})
    contribution_max_triples: int = field(default=5000, metadata={"doc": "Most triples one contribution may add and remove together (more: 413)."})
    contribution_rate_limit: int = field(default=30, metadata={"doc": "Contributions one client may submit per hour (more: 429)."})
    login_rate_limit: int = field(default=10, metadata={"doc": "Failed maintainer logins per client and per user name in 15 minutes before logins are refused (429)."})

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.data_dir = Path(settings.data_dir)
        return settings

    @property
    def allowed_services(self) -> list[str]:
        return self.service_allowlist.split()

    @property
    def store_dir(self) -> Path:
        return Path(self.data_dir) / "store"


def _convert(f, raw: str):
    kind = f.type if isinstance(f.type, type) else {"Path": Path, "int": int, "float": float, "str": str}.get(str(f.type), str)
    try:
        return kind(raw)
    except ValueError as exc:
        raise ValueError(f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}") from exc


def documented_settings():
    return [(PREFIX + f.name.upper(), f.default, f.metadata.get("doc", "")) for f in fields(Settings)]


def settings_markdown() -> str:
    """docs/settings.md, generated so that it cannot drift from the code (a test compares them)."""
    lines = ["# Settings", "",
             "Every setting is an environment variable with the prefix `COOPKG_`; `coopkg --data-dir` also",
             "sets the data directory. Regenerate this file with `python -m coopkg.graph.settings > docs/settings.md`.",
             "", "| variable | default | meaning |", "| --- | --- | --- |"]
    for name, default, doc in documented_settings():
        shown = "`var/` in the checkout" if name == PREFIX + "DATA_DIR" else f"`{default}`" if default != "" else "(empty)"
        lines.append(f"| `{name}` | {shown} | {doc} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_markdown(), end="")
