"""Maintainer accounts and API tokens, in <data_dir>/accounts.sqlite.

Passwords are kept as argon2id hashes; tokens only as their SHA-256 (a token is 256 random bits, so
a fast hash is enough and lets a request be checked by one indexed lookup). The plaintext token is
returned once, by create_token, and never stored. SQLite in WAL mode with a connection per call, so
the CLI can add users or revoke tokens while `coopkg serve` is running on the same data directory.
"""
import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import sqlite_files

FILENAME = "accounts.sqlite"
ROLES = ("maintainer",)
TOKEN_PREFIX = "ckg_"
MIN_PASSWORD_LENGTH = 8
LAST_USED_RESOLUTION_S = 60
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT,
    role TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL DEFAULT '',
    token_sha256 TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    last_used REAL,
    revoked REAL
);
"""


class AccountError(ValueError):
    """The request about accounts cannot be done; the message says why, for a person."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created: float

    @property
    def is_maintainer(self) -> bool:
        return self.role == "maintainer"


@dataclass(frozen=True)
class Token:
    id: int
    user: str
    label: str
    created: float
    last_used: float | None
    revoked: float | None

    @property
    def active(self) -> bool:
        return self.revoked is None


class IssuedToken(str):
    """A new token's plaintext, which is what callers send; `.id` names it for listing and revoking."""

    def __new__(cls, value: str, token_id: int):
        issued = super().__new__(cls, value)
        issued.id = token_id
        return issued


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, data_dir, *, hasher: PasswordHasher | None = None):
        """`hasher`: argon2 parameters; the library's defaults (RFC 9106 low-memory) unless given."""
        self.path = Path(data_dir) / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._hasher = hasher or PasswordHasher()
        # Compared against when the user does not exist, so a wrong name costs as long as a wrong password.
        self._dummy_hash = None
        sqlite_files.create(self.path, _SCHEMA)

    def _connect(self):
        return sqlite_files.transaction(self.path)

    # Users.
    def create_user(self, name: str, password: str | None, role: str = "maintainer") -> User:
        if not _NAME.match(name or ""):
            raise AccountError(f"{name!r} is not a valid user name: use 1-64 letters, digits, '.', '_', '-' or '@'.")
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}; roles are: {', '.join(ROLES)}")
        password_hash = self._hash(password) if password is not None else None
        try:
            with self._connect() as db:
                cursor = db.execute("INSERT INTO users (name, password_hash, role, created) VALUES (?, ?, ?, ?)",
                                    (name, password_hash, role, time.time()))
                row = db.execute("SELECT * FROM users WHERE id = ?", (cursor.lastrowid,)).fetchone()
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"a user named {name!r} already exists") from exc
        return _user(row)

    def set_password(self, name: str, password: str) -> None:
        password_hash = self._hash(password)
        with self._connect() as db:
            if db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)).rowcount == 0:
                raise AccountError(f"there is no user named {name!r}")

    def remove_user(self, name: str) -> int:
        """Delete a user and their tokens (their sessions end: pages look the user up on every request).
        Returns how many tokens went with them."""
        with self._connect() as db:
            row = db.execute("SELECT id FROM users WHERE name = ?", (name or "",)).fetchone()
            if row is None:
                raise AccountError(f"there is no user named {name!r}")
            tokens = db.execute("DELETE FROM tokens WHERE user_id = ?", (row["id"],)).rowcount
            db.execute("DELETE FROM users WHERE id = ?", (row["id"],))
        return tokens

    def verify_password(self, name: str, password: str) -> User | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name or "",)).fetchone()
        stored = row["password_hash"] if row is not None else None
        try:
            self._hasher.verify(stored or self._dummy(), password or "")
        except (VerificationError, InvalidHashError):
            return None
        if stored is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._connect() as db:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (self._hasher.hash(password), row["id"]))
        return _user(row)

    def user(self, name: str) -> User | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name or "",)).fetchone()
        return _user(row) if row else None

    def users(self) -> list[User]:
        with self._connect() as db:
            return [_user(row) for row in db.execute("SELECT * FROM users ORDER BY name")]

    # Tokens.
    def create_token(self, user, label: str = "") -> "IssuedToken":
        """The plaintext token (with its id as `.id`); it is not kept and cannot be shown again."""
        name = user.name if isinstance(user, User) else user
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._connect() as db:
            row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise AccountError(f"there is no user named {name!r}")
            cursor = db.execute("INSERT INTO tokens (user_id, label, token_sha256, created) VALUES (?, ?, ?, ?)",
                                (row["id"], label or "", _sha256(token), time.time()))
        return IssuedToken(token, cursor.lastrowid)

    def verify_token(self, token: str) -> User | None:
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT users.*, tokens.id AS token_id, tokens.last_used FROM tokens JOIN users ON users.id = tokens.user_id "
                "WHERE tokens.token_sha256 = ? AND tokens.revoked IS NULL", (_sha256(token),)).fetchone()
            if row is None:
                return None
            now = time.time()
            if row["last_used"] is None or now - row["last_used"] > LAST_USED_RESOLUTION_S:
                # Not on every request: a write per authenticated request would serialise them.
                db.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now, row["token_id"]))
        return _user(row)

    def revoke_token(self, token_id: int) -> bool:
        """False if there is no such active token."""
        with self._connect() as db:
            return db.execute("UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
                              (time.time(), int(token_id))).rowcount > 0

    def tokens(self, user=None) -> list[Token]:
        name = user.name if isinstance(user, User) else user
        sql = ("SELECT tokens.*, users.name AS user_name FROM tokens JOIN users ON users.id = tokens.user_id"
               + (" WHERE users.name = ?" if name else "") + " ORDER BY tokens.id")
        with self._connect() as db:
            rows = db.execute(sql, (name,) if name else ()).fetchall()
        return [Token(r["id"], r["user_name"], r["label"], r["created"], r["last_used"], r["revoked"]) for r in rows]

    def _hash(self, password: str) -> str:
        if not password or len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        return self._hasher.hash(password)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash


def _user(row) -> User:
    return User(row["id"], row["name"], row["role"], row["created"])
