"""Consistent online backups of a data directory, and restoring one into an empty data directory.

A backup holds the embedded store (as an Oxigraph database that opens directly), every SQLite file
(accounts, contributions), copied with SQLite's online backup API, and the other files of the data
directory, plus manifest.json (counts and SHA-256 of every file), written last.

It works while `coopkg serve` runs: the store is opened read-only, which sees one consistent point
in time and takes no lock, and its quads are copied, leaving out graphs that were still being
loaded (staging graphs and graphs named in pending markers, which a restart would roll back).
SQLite files are copied *before* the store, so a contribution accepted during the backup can only
appear in the store while still pending in the database (accepting it again is harmless), never the
reverse (recorded as accepted, but its triples missing).
"""
import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from pathlib import Path

import pyoxigraph as ox

from .store.embedded import STAGING_PREFIX

FORMAT = "coopkg-backup/1"
MANIFEST = "manifest.json"
STORE = Path("store") / "oxigraph"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
# Not data: live-process markers, SQLite side files (their content is in the backed-up database),
# the store's own directory (copied as quads) and a half-written restore.
SKIPPED = {"store", "server.json", ".write-test", ".restore-incomplete"}
SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal")
RESTORE_MARKER = ".restore-incomplete"
BATCH = 100_000


class BackupError(ValueError):
    """The backup or restore cannot be done; the message says why and what to do."""


def backup(data_dir, target, *, on_step=None) -> dict:
    """Write a backup of `data_dir` into `target` (a new or empty directory). Returns the manifest."""
    data_dir, target = Path(data_dir).resolve(), Path(target).resolve()
    if not (data_dir / "store" / "oxigraph").is_dir():
        raise BackupError(f"there is no store in {data_dir} to back up (run `coopkg init` first?)")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty directory; choose a new one")
    if target == data_dir or data_dir in target.parents:
        raise BackupError("the backup cannot go inside the data directory it backs up")
    step = on_step or (lambda *_: None)
    work = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True, mode=0o700)  # it holds password hashes and the session secret
    try:
        files = []
        for path in sorted(data_dir.iterdir()):
            if path.name in SKIPPED or path.name.endswith(SKIPPED_SUFFIXES) or path.name.startswith(".backup"):
                continue
            if path.is_file() and path.name.endswith(SQLITE_SUFFIXES):
                _copy_sqlite(path, work / path.name)
                step("database", path.name)
            elif path.is_dir():
                shutil.copytree(path, work / path.name, symlinks=True)
                step("directory", path.name)
            elif path.is_file():
                shutil.copy2(path, work / path.name)
                step("file", path.name)
        counts = _copy_store(data_dir / "store", work / STORE)
        step("store", f"{counts['quads']} quads")
        for path in sorted(p for p in work.rglob("*") if p.is_file()):
            files.append({"path": path.relative_to(work).as_posix(), "bytes": path.stat().st_size,
                          "sha256": _sha256(path)})
        manifest = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "source": str(data_dir), "store": counts, "files": files}
        _write_json(work / MANIFEST, manifest)
        if target.exists():
            target.rmdir()
        os.replace(work, target)
        return manifest
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _copy_sqlite(source: Path, destination: Path) -> None:
    """SQLite's online backup: a consistent copy even while the service writes to it."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(destination)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pending_graphs(store_dir: Path) -> set[str]:
    graphs = set()
    for marker in (store_dir / "pending").glob("*.json"):
        try:
            graphs.update(json.loads(marker.read_text() or "[]"))
        except (OSError, ValueError):
            continue  # written or removed while we read: the other reading covers it
    return graphs


def _copy_store(store_dir: Path, destination: Path, attempts: int = 8) -> dict:
    """Copy the live quads of a (possibly running) store into a new database at `destination`.

    The running server's compactions may delete a file the read-only view is opening or reading
    (RocksDB reports it as corruption); the copy then starts again from a fresh view."""
    for attempt in range(attempts):
        try:
            return _copy_store_once(store_dir, destination)
        except (OSError, RuntimeError):
            shutil.rmtree(destination, ignore_errors=True)
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def _copy_store_once(store_dir: Path, destination: Path) -> dict:
    hidden = _pending_graphs(store_dir)
    source = ox.Store.read_only(str(store_dir / "oxigraph"))
    hidden |= _pending_graphs(store_dir)  # markers of loads that began before we opened

    def live(quad):
        graph = quad.graph_name
        return not (isinstance(graph, ox.NamedNode) and (graph.value in hidden or graph.value.startswith(STAGING_PREFIX)))

    destination.parent.mkdir(parents=True, exist_ok=True)
    copy = ox.Store(str(destination))
    quads, batch = 0, []
    for quad in source.quads_for_pattern(None, None, None, None):
        if live(quad):
            batch.append(quad)
            if len(batch) >= BATCH:
                copy.bulk_extend(batch)
                quads += len(batch)
                batch = []
    copy.bulk_extend(batch)
    quads += len(batch)
    graphs = sum(1 for _ in copy.named_graphs())
    copy.flush()
    copy.optimize()
    del copy, source
    return {"quads": quads, "named_graphs": graphs, "skipped_graphs": sorted(hidden)}


def restore(source, data_dir, *, on_step=None) -> dict:
    """Restore a backup into `data_dir`, which must be missing or empty (and so not served)."""
    source, data_dir = Path(source).resolve(), Path(data_dir).resolve()
    step = on_step or (lambda *_: None)
    manifest = verify(source)
    if data_dir.exists() and any(p.name != ".write-test" for p in data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty; restore only into a new or empty data directory "
                          "(stop `coopkg serve` and move the old directory aside first)")
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / RESTORE_MARKER
    marker.write_text(json.dumps({"from": str(source), "started": time.time()}))
    for entry in sorted(source.iterdir()):
        if entry.name == MANIFEST:
            continue
        if entry.is_dir():
            shutil.copytree(entry, data_dir / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, data_dir / entry.name)
        step("copied", entry.name)
    if (data_dir / "secret_key").exists():
        os.chmod(data_dir / "secret_key", 0o600)
    restored = ox.Store(str(data_dir / STORE))
    count = len(restored)
    restored.flush()
    del restored
    if count != manifest["store"]["quads"]:
        raise BackupError(f"the restored store holds {count} quads, the backup says {manifest['store']['quads']}")
    for entry in data_dir.iterdir():
        if entry.is_file() and entry.name.endswith(SQLITE_SUFFIXES):
            with sqlite3.connect(entry) as db:
                if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError(f"the restored database {entry.name} fails SQLite's integrity check")
    step("verified", f"{count} quads")
    marker.unlink()
    return manifest


def verify(source) -> dict:
    """Check a backup's manifest and every file's checksum; returns the manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: it is not a coopkg backup, or the backup did not finish") from None
    except ValueError as exc:
        raise BackupError(f"{source / MANIFEST} is not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup in format {manifest.get('format')!r}; this coopkg reads {FORMAT}")
    for entry in manifest["files"]:
        path = source / entry["path"]
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {entry['path']} is missing")
        if path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"the backup is damaged: {entry['path']} does not match its checksum")
    return manifest


def incomplete_restore(data_dir) -> bool:
    return (Path(data_dir) / RESTORE_MARKER).exists()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, value) -> None:
    with open(path, "w") as fh:
        json.dump(value, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
