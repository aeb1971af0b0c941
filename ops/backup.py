"""Consistent backups of the database (and media) while the site serves, and their restore.

SQLite: the online backup API copies the whole file in one step, inside one read transaction,
so the copy is the database as it was at that instant; in WAL mode the workers keep writing
meanwhile. PostgreSQL: pg_dump's custom format, which reads one snapshot and blocks no writer.
Every backup is a timestamped file with a sha256sum-style checksum beside it; restore refuses a
file whose checksum does not match.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

PREFIX = "newsroom-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
MEDIA_SUFFIX = ".media.tar.gz"


@dataclass
class Backup:
    path: Path
    checksum: str
    media: Path | None
    seconds: float  # the database's copy alone


def vendor() -> str:
    if connection.vendor not in SUFFIXES:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def backup(directory: Path, *, media: bool = True, keep: int | None = None) -> Backup:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kind = vendor()
    final = directory / f"{PREFIX}{stamp}{SUFFIXES[kind]}"
    partial = final.with_name(final.name + ".partial")  # never mistaken for a finished backup
    started = time.perf_counter()
    try:
        if kind == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
        partial.rename(final)
    finally:
        partial.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    checksum = _sha256(final)
    final.with_name(final.name + ".sha256").write_text(f"{checksum}  {final.name}\n")
    # Media after the database: a photo is saved before the row that names it commits, so every
    # photo the backed-up rows name is in the archive.
    media_file = _media_archive(directory / f"{PREFIX}{stamp}{MEDIA_SUFFIX}") if media else None
    if keep:
        prune(directory, keep)
    return Backup(final, checksum, media_file, seconds)


def restore(path: Path, *, force: bool = False, media: bool = True) -> None:
    kind = vendor()
    if not path.is_file():
        raise CommandError(f"No backup at {path}.")
    if not path.name.endswith(SUFFIXES[kind]):
        raise CommandError(
            f"{path.name} is not a {kind} backup (expected a *{SUFFIXES[kind]} file)."
        )
    verify(path)
    tables = connection.introspection.table_names()
    if tables and not force:
        raise CommandError(
            f"The database is not empty ({len(tables)} tables); restoring would replace it. "
            "Stop the site and run again with --force to overwrite it."
        )
    if kind == "sqlite":
        _sqlite_restore(path)
    else:
        connection.close()
        clean = ["--clean", "--if-exists"] if tables else []
        _pg(
            "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *clean, str(path)
        )
    archive = path.with_name(path.name.removesuffix(SUFFIXES[kind]) + MEDIA_SUFFIX)
    if media and archive.exists():
        verify(archive)
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(settings.MEDIA_ROOT, filter="data")  # no paths outside MEDIA_ROOT


def verify(path: Path) -> None:
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.exists():
        raise CommandError(f"{sidecar.name} is missing: the backup cannot be checked.")
    expected = sidecar.read_text().split()[0]
    if _sha256(path) != expected:
        raise CommandError(f"{path.name} does not match its checksum: it is damaged.")


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (with their checksums and media)."""
    suffixes = tuple(SUFFIXES.values())
    backups = sorted(p for p in directory.glob(PREFIX + "*") if p.name.endswith(suffixes))
    removed = []
    for old in backups[:-keep] if keep > 0 else []:
        media = old.with_name(old.name.removesuffix(old.suffix) + MEDIA_SUFFIX)
        for companion in (old, media):
            companion.unlink(missing_ok=True)
            companion.with_name(companion.name + ".sha256").unlink(missing_ok=True)
        removed.append(old)
    return removed


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()  # the site's own settings: WAL, busy timeout
    copy = sqlite3.connect(target)
    try:
        # The whole database in one step: one read transaction, one consistent snapshot.
        connection.connection.backup(copy)
    finally:
        copy.close()


def _sqlite_restore(source: Path) -> None:
    connection.ensure_connection()
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup_file.backup(connection.connection)  # replaces every page of the database
    finally:
        backup_file.close()
    connection.close()


def _pg(program: str, *args: str) -> None:
    if shutil.which(program) is None:
        raise CommandError(f"{program} is not installed (sudo apt-get install postgresql-client).")
    db = settings.DATABASES["default"]
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # never on the command line, where ps shows it
    result = subprocess.run(  # noqa: S603
        [program, f"--dbname={db['NAME']}", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(f"{program} failed: {result.stderr.strip()}")


def _media_archive(target: Path) -> Path | None:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir() or not any(root.iterdir()):
        return None
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(root, arcname=".")
    partial.rename(target)
    target.with_name(target.name + ".sha256").write_text(f"{_sha256(target)}  {target.name}\n")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
