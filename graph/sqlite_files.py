"""The small SQLite databases beside the store (accounts, the contribution queue): one way to open them."""
import sqlite3
from contextlib import closing, contextmanager


def create(path, schema: str) -> None:
    """WAL, so readers never wait for the one writer; the schema is idempotent (CREATE ... IF NOT EXISTS)."""
    with transaction(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)


@contextmanager
def transaction(path, *, timeout: float = 10, synchronous: str | None = None):
    """A connection for one transaction, committed when the block ends without an error."""
    with closing(sqlite3.connect(path, timeout=timeout)) as db:
        db.row_factory = sqlite3.Row
        if synchronous:
            db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("PRAGMA foreign_keys=ON")
        with db:
            yield db
