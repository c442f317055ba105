"""`keystage backup FILE` and `keystage restore FILE`: the database, attachments, secret key.

The archive is a tar file holding ``manifest.json`` (format version, database engine,
creation time, and the size and SHA-256 of every other member), the database —
``database.sqlite3`` taken with SQLite's online backup API, or ``database.pgdump`` from
``pg_dump`` in its custom format, both consistent snapshots of a running instance —
``secret_key``, and every stored file under ``media/`` read through Django's storage
API (so an S3 bucket is backed up the same way as the data directory).

Restore checks the whole archive (member names, sizes, hashes, engine) before it
changes anything, refuses to overwrite a database that holds users unless forced, then
adds the files, replaces the database in one transaction (SQLite's backup API into the
live file; PostgreSQL: drop and recreate the schema and load the dump in a single
``psql`` transaction), and only then removes stored files the archive does not have.
A failure before the database step leaves the instance as it was, apart from extra
files nobody refers to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

FORMAT = "keystage-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_MEMBER = "secret_key"
MEDIA = "media/"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one readable line."""


@dataclass(frozen=True)
class Outcome:
    """What a backup wrote or a restore read."""

    path: Path
    engine: str
    files: int
    size: int


def engine() -> str:
    """The running instance's database engine: ``sqlite`` or ``postgresql``."""
    vendor = connection.vendor
    if vendor not in DATABASE:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client programs)")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{command[0]} failed: {lines[0] if lines else result.returncode}")


def _dump_database(kind: str, target: Path) -> None:
    if kind == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)],
         _pg_env())  # fmt: skip


def _stored_files(folder: str = "") -> Iterator[str]:
    """Every file name in the default storage, depth first."""
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(dirs):
        yield from _stored_files(f"{folder}{name}/")


def backup_create(*, target: Path) -> Outcome:
    """Write a consistent backup of this instance to ``target`` (a new tar file, mode 0600)."""
    kind = engine()
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: the folder {target.parent} does not exist")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".keystage-backup-") as tmp:
        work = Path(tmp)
        members: dict[str, Path] = {}
        members[DATABASE[kind]] = work / DATABASE[kind]
        _dump_database(kind, members[DATABASE[kind]])
        members[KEY_MEMBER] = work / KEY_MEMBER
        members[KEY_MEMBER].write_text(settings.SECRET_KEY)
        (work / "media").mkdir()
        for index, name in enumerate(_stored_files()):
            copy = work / "media" / f"{index}"
            with default_storage.open(name, "rb") as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            members[MEDIA + name] = copy
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "engine": kind,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {
                name: {"sha256": _sha256(path), "size": path.stat().st_size}
                for name, path in members.items()
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = work / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            for name, path in members.items():
                tar.add(path, arcname=name)
        partial.chmod(0o600)
        os.replace(partial, target)
    return Outcome(target, kind, len(members), target.stat().st_size)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def _read_archive(source: Path, work: Path) -> dict[str, object]:
    """Extract and verify the archive into ``work``; its manifest."""
    if not source.is_file():
        raise BackupError(f"no backup file {source}")
    try:
        with tarfile.open(source, "r") as tar:
            entries = tar.getmembers()
            try:
                head = tar.extractfile(MANIFEST)
                manifest = json.loads(head.read()) if head else None
            except (KeyError, ValueError):
                manifest = None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{source} is not a Keystage backup (no valid manifest)")
            if manifest.get("version") != FORMAT_VERSION:
                raise BackupError(f"unsupported backup format version {manifest.get('version')}")
            files = manifest.get("files")
            if not isinstance(files, dict) or not all(
                isinstance(meta, dict)
                and isinstance(meta.get("sha256"), str)
                and isinstance(meta.get("size"), int)
                for meta in files.values()
            ):
                raise BackupError("the backup's manifest is damaged (its list of files)")
            seen: set[str] = set()
            for entry in entries:
                if entry.name == MANIFEST:
                    continue
                if entry.name not in files or not entry.isfile() or not _safe_member(entry.name):
                    raise BackupError(f"unexpected member in the backup: {entry.name!r}")
                expected = files[entry.name]
                if entry.size != expected.get("size"):
                    raise BackupError(f"{entry.name} has the wrong size: the backup is damaged")
                handle = tar.extractfile(entry)
                if handle is None:  # pragma: no cover - regular files always have data
                    raise BackupError(f"cannot read {entry.name}")
                out_path = work / f"m{len(seen)}"
                digest = hashlib.sha256()
                with out_path.open("wb") as out:
                    while block := handle.read(CHUNK):
                        digest.update(block)
                        out.write(block)
                if digest.hexdigest() != expected.get("sha256"):
                    raise BackupError(f"{entry.name} does not match its SHA-256: damaged backup")
                expected["local"] = str(out_path)
                seen.add(entry.name)
            missing = sorted(set(files) - seen)
            if missing:
                raise BackupError(f"the backup lacks {missing[0]} (listed in its manifest)")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"cannot read {source}: {exc}") from exc
    return manifest


def _user_count() -> int:
    from keystage.accounts.models import User

    if User._meta.db_table not in connection.introspection.table_names():
        return 0
    return User.objects.count()


def _restore_database(kind: str, dump: Path) -> None:
    connection.close()
    if kind == "sqlite":
        source = sqlite3.connect(str(dump))
        live = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=20)
        try:
            source.backup(live)
        except sqlite3.Error as exc:
            raise BackupError(f"the database was not restored: {exc}") from exc
        finally:
            live.close()
            source.close()
        return
    script = dump.with_suffix(".sql")
    _run(["pg_restore", "--no-owner", "--no-privileges", "-f", str(script), str(dump)], _pg_env())
    _run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
         "-c", "DROP SCHEMA IF EXISTS public CASCADE", "-c", "CREATE SCHEMA public",
         "-f", str(script)],
        _pg_env(),
    )  # fmt: skip


def _put_file(name: str, local: Path) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    with local.open("rb") as handle:
        saved = default_storage.save(name, File(handle, name=name))
    if saved != name:
        raise BackupError(f"the storage renamed {name} to {saved}")


def _restore_secret(secret: str) -> str:
    """Put the archived key where this instance reads it; a note when it cannot."""
    if os.environ.get("KEYSTAGE_SECRET_KEY"):
        if os.environ["KEYSTAGE_SECRET_KEY"] == secret:
            return ""
        kept = Path(settings.DATA_DIR) / "secret_key.restored"
        kept.write_text(secret)
        kept.chmod(0o600)
        return (
            f"; the backup's secret key differs from KEYSTAGE_SECRET_KEY and was saved to "
            f"{kept} (set it to keep sessions and reset links valid)"
        )
    key_file = Path(settings.DATA_DIR) / KEY_MEMBER
    fresh = key_file.with_name(".secret_key.new")
    fresh.write_text(secret)
    fresh.chmod(0o600)
    os.replace(fresh, key_file)
    return ""


def backup_restore(*, source: Path, force: bool = False) -> tuple[Outcome, str]:
    """Restore the backup ``source`` into this instance; the outcome and a note (or "")."""
    kind = engine()
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".restore-") as tmp:
        manifest = _read_archive(source, Path(tmp))
        if manifest.get("engine") != kind:
            raise BackupError(
                f"the backup holds a {manifest.get('engine')} database; this instance uses {kind}"
            )
        files: dict[str, dict[str, str]] = manifest["files"]  # type: ignore[assignment]
        if DATABASE[kind] not in files:
            raise BackupError(f"the backup has no {DATABASE[kind]}")
        users = _user_count()
        if users and not force:
            raise BackupError(
                f"the database already holds {users} user(s); restore with --force to replace it"
            )
        media = {name[len(MEDIA) :]: Path(meta["local"]) for name, meta in files.items()
                 if name.startswith(MEDIA)}  # fmt: skip
        for name, local in media.items():
            _put_file(name, local)
        _restore_database(kind, Path(files[DATABASE[kind]]["local"]))
        for name in list(_stored_files()):
            if name not in media:
                with contextlib.suppress(OSError):
                    default_storage.delete(name)
        note = ""
        if KEY_MEMBER in files:
            note = _restore_secret(Path(files[KEY_MEMBER]["local"]).read_text())
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return Outcome(source, kind, len(files), source.stat().st_size), note
