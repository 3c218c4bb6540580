"""The contribution queue, in <data_dir>/contributions.sqlite.

Nothing here is in the RDF store: pending and rejected contributions and every contributor's contact
live only in this file, so the public SPARQL endpoint, dumps and pages cannot show them. Only an
accepted contribution's statements and its public provenance (coopkg.graph.provenance) reach the store.

States: pending -> accepting -> accepted -> reverting -> reverted, and pending -> rejected.
`accepting` and `reverting` are intents written (and synced) before the store is changed; after a crash,
provenance.recover() settles them by looking at the store. Every transition is a conditional UPDATE, so
two maintainers (or the CLI and the service) cannot both accept one contribution.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from . import sqlite_files
from .changeset import ChangeSet

FILENAME = "contributions.sqlite"
STATES = ("pending", "accepting", "accepted", "rejected", "reverting", "reverted")
OPEN_STATES = ("pending",)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contributions (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    contributor_name TEXT NOT NULL,
    contributor_contact TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL,
    entities TEXT NOT NULL DEFAULT '[]',
    validation TEXT NOT NULL DEFAULT '{}',
    reviewer TEXT,
    review_comment TEXT,
    reviewed REAL,
    accepted REAL,
    applied TEXT,
    reverted_by TEXT,
    revert_comment TEXT,
    reverted REAL
);
CREATE INDEX IF NOT EXISTS contributions_state ON contributions(state, seq);
CREATE INDEX IF NOT EXISTS contributions_client ON contributions(client, created);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    contribution TEXT NOT NULL REFERENCES contributions(id),
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_contribution ON events(contribution, seq);
"""


class ContributionError(ValueError):
    """The operation cannot be done on this contribution; the message says why."""


class NotFound(ContributionError):
    pass


class WrongState(ContributionError):
    pass


@dataclass
class Contribution:
    id: str
    seq: int
    state: str
    source: str
    created: float
    updated: float
    contributor_name: str
    contributor_contact: str
    comment: str
    client: str
    changes: ChangeSet
    entities: list[str]
    validation: dict
    reviewer: str | None
    review_comment: str | None
    reviewed: float | None
    accepted: float | None
    applied: dict | None
    reverted_by: str | None
    revert_comment: str | None
    reverted: float | None

    @property
    def validation_state(self) -> str:
        """conforms | warnings | violations (as measured when last validated)."""
        return self.validation.get("state", "conforms")

    def public_status(self) -> dict:
        """What anyone holding the id may see: never the contact, the client or the statements."""
        status = {"id": self.id, "state": _public_state(self.state), "submitted": _iso(self.created),
                  "validation": self.validation_state}
        if self.reviewed:
            status["reviewed"] = _iso(self.reviewed)
        if self.state in ("accepted", "reverting", "reverted"):
            from .provenance import contribution_graph
            status["graph"] = contribution_graph(self.id)
        if self.reverted:
            status["reverted"] = _iso(self.reverted)
        return status


def _public_state(state: str) -> str:
    return {"accepting": "pending", "reverting": "accepted"}.get(state, state)


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class ContributionQueue:
    def __init__(self, data_dir):
        self.path = Path(data_dir) / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        sqlite_files.create(self.path, _SCHEMA)

    def _connect(self):
        # FULL: an intent is on disk before the store is touched (crash safety of accept/revert).
        return sqlite_files.transaction(self.path, timeout=15, synchronous="FULL")

    # ---- submitting ----
    def submit(self, changes: ChangeSet, *, name: str, contact: str = "", comment: str = "",
               source: str = "api", client: str = "", entities=(), validation: dict | None = None) -> Contribution:
        name = (name or "").strip()
        if not name:
            raise ContributionError("the contributor's name is required")
        now = time.time()
        cid = secrets.token_hex(6)
        with self._connect() as db:
            # seq is computed inside the INSERT, so concurrent submissions cannot take the same number.
            db.execute(
                "INSERT INTO contributions (id, seq, state, source, created, updated, contributor_name, "
                "contributor_contact, comment, client, changes, entities, validation) "
                "VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM contributions), 'pending', "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cid, source, now, now, name[:200], (contact or "").strip()[:300], (comment or "")[:4000],
                 client, changes.to_nquads(), json.dumps([str(e) for e in entities]),
                 json.dumps(validation or {})))
            _event(db, cid, now, name[:200], "submitted", "")
        return self.get(cid)

    def recent_submissions(self, client: str, since: float) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM contributions WHERE client = ? AND created >= ?",
                              (client, since)).fetchone()[0]

    # ---- reading ----
    def get(self, cid: str) -> Contribution:
        with self._connect() as db:
            row = db.execute("SELECT * FROM contributions WHERE id = ?", (str(cid),)).fetchone()
        if row is None:
            raise NotFound(f"there is no contribution {cid!r}")
        return _contribution(row)

    def list(self, state: str | None = None, *, limit: int = 100, offset: int = 0,
             newest_first: bool = False) -> list[Contribution]:
        sql = "SELECT * FROM contributions" + (" WHERE state = ?" if state else "")
        sql += f" ORDER BY seq {'DESC' if newest_first else 'ASC'} LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, ((state,) if state else ()) + (int(limit), int(offset))).fetchall()
        return [_contribution(r) for r in rows]

    def counts(self) -> dict:
        with self._connect() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM contributions GROUP BY state").fetchall()
        return {state: 0 for state in STATES} | {r[0]: r[1] for r in rows}

    def accepted_after(self, accepted: float) -> list[Contribution]:
        """Accepted contributions applied after the given time, newest first (for revert)."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM contributions WHERE state = 'accepted' AND accepted > ? "
                              "ORDER BY accepted DESC, seq DESC", (accepted,)).fetchall()
        return [_contribution(r) for r in rows]

    def events(self, cid: str | None = None, *, limit: int = 200) -> list[dict]:
        sql = ("SELECT events.*, contributions.contributor_name FROM events JOIN contributions "
               "ON contributions.id = events.contribution")
        args: tuple = ()
        if cid:
            sql += " WHERE events.contribution = ?"
            args = (cid,)
        sql += " ORDER BY events.seq DESC LIMIT ?"
        with self._connect() as db:
            return [dict(r) for r in db.execute(sql, args + (int(limit),)).fetchall()]

    def in_state(self, *states: str) -> list[Contribution]:
        marks = ",".join("?" * len(states))
        with self._connect() as db:
            rows = db.execute(f"SELECT * FROM contributions WHERE state IN ({marks}) ORDER BY seq", states)
            return [_contribution(r) for r in rows.fetchall()]

    # ---- transitions ----
    def transition(self, cids, from_state: str, to_state: str, *, actor: str, action: str,
                   comment: str = "", **fields) -> None:
        """Move every contribution in `cids` from one state to another in one transaction, or none."""
        cids = [cids] if isinstance(cids, str) else list(cids)
        now = time.time()
        assignments = {"state": to_state, "updated": now, **fields}
        for key, value in list(assignments.items()):
            if isinstance(value, (dict, list)):
                assignments[key] = json.dumps(value)
        sets = ", ".join(f"{k} = ?" for k in assignments)
        with self._connect() as db:
            for cid in cids:
                changed = db.execute(f"UPDATE contributions SET {sets} WHERE id = ? AND state = ?",
                                     (*assignments.values(), cid, from_state)).rowcount
                if not changed:
                    row = db.execute("SELECT state FROM contributions WHERE id = ?", (cid,)).fetchone()
                    if row is None:
                        raise NotFound(f"there is no contribution {cid!r}")
                    raise WrongState(f"contribution {cid} is {_public_state(row[0])}, not {from_state}")
                if action:
                    _event(db, cid, now, actor, action, comment)

    def set_validation(self, cid: str, validation: dict) -> None:
        with self._connect() as db:
            db.execute("UPDATE contributions SET validation = ? WHERE id = ?", (json.dumps(validation), cid))


def _event(db, cid, at, actor, action, comment) -> None:
    db.execute("INSERT INTO events (contribution, at, actor, action, comment) VALUES (?, ?, ?, ?, ?)",
               (cid, at, actor, action, comment or ""))


def _contribution(row) -> Contribution:
    return Contribution(
        id=row["id"], seq=row["seq"], state=row["state"], source=row["source"], created=row["created"],
        updated=row["updated"], contributor_name=row["contributor_name"],
        contributor_contact=row["contributor_contact"], comment=row["comment"], client=row["client"],
        changes=ChangeSet.from_nquads(row["changes"]), entities=json.loads(row["entities"] or "[]"),
        validation=json.loads(row["validation"] or "{}"), reviewer=row["reviewer"],
        review_comment=row["review_comment"], reviewed=row["reviewed"], accepted=row["accepted"],
        applied=json.loads(row["applied"]) if row["applied"] else None, reverted_by=row["reverted_by"],
        revert_comment=row["revert_comment"], reverted=row["reverted"])
