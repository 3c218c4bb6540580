"""Maintainer accounts: argon2 passwords, tokens stored only as hashes, and the CLI around them."""
import os
import sqlite3
import threading

import pytest
from argon2 import PasswordHasher

from coopkg.graph.accounts import AccountError, Accounts
from servers import run_cli


# Cheap argon2 parameters keep these tests fast; the CLI test below uses the real defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def accounts(tmp_path):
    return Accounts(tmp_path, hasher=FAST)


def test_password_is_verified_and_stored_as_argon2(accounts, tmp_path):
    accounts.create_user("ana", "correct horse")
    assert accounts.verify_password("ana", "correct horse").name == "ana"
    assert accounts.verify_password("ana", "wrong horse") is None
    assert accounts.verify_password("nobody", "correct horse") is None
    with sqlite3.connect(tmp_path / "accounts.sqlite") as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_set_password_replaces_the_old_one(accounts):
    accounts.create_user("ana", "first password")
    accounts.set_password("ana", "second password")
    assert accounts.verify_password("ana", "first password") is None
    assert accounts.verify_password("ana", "second password") is not None
    with pytest.raises(AccountError):
        accounts.set_password("nobody", "whatever123")


def test_bad_names_roles_passwords_and_duplicates_are_refused(accounts):
    accounts.create_user("ana", "long enough")
    for name, password, role in [("ana", "long enough", "maintainer"), ("ANA", "long enough", "maintainer"),
                                 ("", "long enough", "maintainer"), ("a b", "long enough", "maintainer"),
                                 ("budi", "short", "maintainer"), ("budi", "long enough", "admin")]:
        with pytest.raises(AccountError):
            accounts.create_user(name, password, role=role)
    assert [u.name for u in accounts.users()] == ["ana"]


def test_token_is_shown_once_stored_hashed_and_revocable(accounts, tmp_path):
    user = accounts.create_user("ana", "long enough")
    token = accounts.create_token(user, "ci")
    assert token.startswith("ckg_") and len(token) > 40
    assert accounts.verify_token(token).name == "ana"
    assert accounts.verify_token(token[:-1]) is None
    assert accounts.verify_token("") is None
    for suffix in ("", "-wal"):
        path = tmp_path / f"accounts.sqlite{suffix}"
        if path.exists():
            assert token.encode() not in path.read_bytes()
    (listed,) = accounts.tokens("ana")
    assert listed.id == token.id and listed.label == "ci" and listed.active and listed.last_used is not None
    assert accounts.revoke_token(token.id) is True
    assert accounts.verify_token(token) is None
    assert accounts.revoke_token(token.id) is False
    assert not accounts.tokens(user)[0].active


def test_token_for_unknown_user_is_refused(accounts):
    with pytest.raises(AccountError):
        accounts.create_token("nobody")


def test_concurrent_token_checks_from_threads(accounts):
    accounts.create_user("ana", "long enough")
    tokens = [accounts.create_token("ana", f"t{i}") for i in range(4)]
    results = []

    def check(token):
        for _ in range(20):
            results.append(accounts.verify_token(token) is not None)

    threads = [threading.Thread(target=check, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(results)


def test_cli_user_and_token_lifecycle(tmp_path):
    env = {**os.environ, "COOPKG_DATA_DIR": str(tmp_path)}
    assert run_cli(["user", "add", "ana", "--password-stdin"], env=env, input="long enough\n").returncode == 0
    assert "ana\tmaintainer" in run_cli(["user", "list"], env=env).stdout
    again = run_cli(["user", "add", "ana", "--password-stdin"], env=env, input="long enough\n")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert run_cli(["user", "password", "ana", "--password-stdin"], env=env, input="even longer\n").returncode == 0
    assert Accounts(tmp_path).verify_password("ana", "even longer") is not None
    assert run_cli(["user", "passwd", "ana", "--password-stdin"], env=env, input="third password\n").returncode == 0
    assert Accounts(tmp_path).verify_password("ana", "third password") is not None

    created = run_cli(["token", "create", "ana", "--label", "laptop"], env=env)
    token = created.stdout.strip()
    assert created.returncode == 0 and token.startswith("ckg_") and "only this once" in created.stderr
    assert Accounts(tmp_path).verify_token(token).name == "ana"
    listing = run_cli(["token", "list"], env=env).stdout
    assert "laptop" in listing and "active" in listing and token not in listing

    token_id = listing.split("\t")[0]
    assert run_cli(["token", "revoke", token_id], env=env).returncode == 0
    assert Accounts(tmp_path).verify_token(token) is None
    assert run_cli(["token", "revoke", token_id], env=env).returncode == 1
    assert run_cli(["token", "create", "nobody"], env=env).returncode == 1
