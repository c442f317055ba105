"""E1: `keystage backup` → `keystage restore` into a fresh instance, on SQLite and PostgreSQL.

Every table's rows and every attachment's SHA-256 are equal afterwards, the secret key
came along, and a user signs in to the restored instance. Restore refuses to replace a
database with users without --force, and a damaged archive changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PG_SERVER = "postgres://postgres@127.0.0.1:5432"

BUILD = """
import datetime as dt
from django.core.files.uploadedfile import SimpleUploadedFile
from keystage.accounts import services as accounts
from keystage.initiation import services as initiation
from keystage.initiation.attachments import attachment_create
from keystage.planning.services import wbs
from keystage.portfolio import services as portfolio
org = accounts.organisation_get_or_create(name="Acme")
pmo = accounts.user_create(username="pmo", password="a-long-pass-phrase-1", organisation=org,
                           org_role="portfolio_owner")
pm = accounts.user_create(username="pm", password="a-long-pass-phrase-2", organisation=org)
project = portfolio.project_create(who=pmo, name="Backup", code="BAK-1", kind="other",
    start_date=dt.date(2027, 1, 4), target_date=dt.date(2027, 3, 1), project_manager=pm)
wbs.plan_append(who=pm, project=project, rows=[{"name": "A"}, {"name": "B"}, {"name": "C"}],
                links=[(0, 1, "FS", 0), (1, 2, "FS", 0)])
note = initiation.note_create(who=pm, project=project, data={"title": "Vendors", "body": "Quotes"})
for i in range(2):
    attachment_create(who=pm, note=note, upload=SimpleUploadedFile(
        f"quote-{i}.pdf", b"%PDF-1.4 quote " + bytes([i]) * 5000, content_type="application/pdf"))
print("built")
"""

SIGN_IN = """
from django.test import Client
from django.urls import reverse
r = Client().post(reverse("accounts:login"), {"username": "pm", "password": "a-long-pass-phrase-2"})
print(r.status_code, r.headers.get("Location"))
"""


def _keystage() -> str:
    return str(Path(sys.executable).parent / "keystage")


def run(args: list[str], data_dir: Path, database: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KEYSTAGE_SECRET_KEY"}}
    env.update({"KEYSTAGE_DATA_DIR": str(data_dir), "KEYSTAGE_ALLOWED_HOSTS": "testserver"})
    if database:
        env["DATABASE_URL"] = database
    return subprocess.run(
        [_keystage(), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _media(data_dir: Path) -> dict[str, str]:
    root = data_dir / "media"
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _digest(rows: list[tuple]) -> str:
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def _sqlite_tables(data_dir: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(data_dir / "keystage.sqlite3") as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            n: (len(rows), _digest(rows))
            for n in names
            if not n.startswith("sqlite_")
            for rows in [db.execute(f'SELECT * FROM "{n}"').fetchall()]  # noqa: S608
        }


def _pg_tables(url: str) -> dict[str, tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            n: (len(rows), _digest(rows))
            for n in names
            for rows in [db.execute(f'SELECT t::text FROM "{n}" t').fetchall()]  # noqa: S608
        }


def _round_trip(tmp_path: Path, source_db: str = "", target_db: str = "") -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    ok(run(["migrate"], old, source_db))
    assert "built" in ok(run(["manage", "shell", "-c", BUILD], old, source_db))
    archive = tmp_path / "keystage.backup"
    out = ok(run(["backup", str(archive)], old, source_db))
    assert "2 file(s)" in out
    assert archive.stat().st_mode & 0o777 == 0o600
    new.mkdir()
    ok(run(["restore", str(archive)], new, target_db))
    assert len(_media(old)) == 2
    assert _media(new) == _media(old)
    assert (new / "secret_key").read_text() == (old / "secret_key").read_text()
    assert (new / "secret_key").stat().st_mode & 0o777 == 0o600
    return archive, new


def _signs_in(data_dir: Path, database: str = "") -> None:
    signed_in = ok(run(["manage", "shell", "-c", SIGN_IN], data_dir, database))
    status, location = signed_in.strip().splitlines()[-1].split()
    assert status == "302" and "/accounts/login" not in location


@pytest.fixture(scope="module")
def sqlite_round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One SQLite instance backed up and restored into a fresh one, for this module's tests
    (each `keystage` process starts Django: the round trip costs a dozen seconds). Tests
    change only their own copy of the restored instance: :func:`_copy_of`."""
    tmp_path = tmp_path_factory.mktemp("round-trip")
    archive, new = _round_trip(tmp_path)
    return archive, tmp_path / "old", new


def _copy_of(data_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "instance"
    shutil.copytree(data_dir, copy)
    return copy


def test_sqlite_backup_restores_every_row_file_and_key(sqlite_round_trip, tmp_path):
    archive, old, restored = sqlite_round_trip
    new = _copy_of(restored, tmp_path)
    before = _sqlite_tables(old)
    assert before["accounts_user"][0] == 2 and before["planning_task"][0] >= 3
    assert _sqlite_tables(new) == before
    _signs_in(new)

    # A database with users is not replaced without --force; nothing changes.
    with sqlite3.connect(new / "keystage.sqlite3") as db:
        db.execute("UPDATE accounts_user SET first_name = 'Changed'")
    refused = run(["restore", str(archive)], new)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "keystage: error: the database already holds 2 user(s); restore with --force to replace it"
    ]
    assert _sqlite_tables(new) != before
    ok(run(["restore", str(archive), "--force"], new))
    assert _sqlite_tables(new) == before


def test_damaged_or_foreign_archive_changes_nothing(sqlite_round_trip, tmp_path):
    archive, _, restored = sqlite_round_trip
    new = _copy_of(restored, tmp_path)
    before, files = _sqlite_tables(new), _media(new)
    damaged = tmp_path / "damaged.backup"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("media/"):
                data = data[:-1] + b"!"
            import io

            out.addfile(member, io.BytesIO(data))
    result = run(["restore", str(damaged), "--force"], new)
    assert result.returncode == 1
    assert "does not match its SHA-256" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _sqlite_tables(new) == before and _media(new) == files

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = run(["restore", str(not_a_backup), "--force"], new)
    assert result.returncode == 1 and "cannot read" in result.stderr
    missing = run(["restore", str(tmp_path / "nope.backup")], new)
    assert missing.returncode == 1 and "no backup file" in missing.stderr


def _pg_available() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.postgres
@pytest.mark.skipif(not _pg_available(), reason="PostgreSQL is not reachable")
def test_postgres_backup_restores_into_a_fresh_database(tmp_path):
    import psycopg

    names = (f"ks_ops_bk_src_{os.getpid()}", f"ks_ops_bk_dst_{os.getpid()}")
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    source, target = (f"{PG_SERVER}/{name}" for name in names)
    try:
        archive, _ = _round_trip(tmp_path, source, target)
        before = _pg_tables(source)
        assert before["accounts_user"][0] == 2 and before["planning_task"][0] >= 3
        assert _pg_tables(target) == before
        _signs_in(tmp_path / "new", target)
        with tarfile.open(archive) as tar:
            assert "database.pgdump" in tar.getnames()
        elsewhere = run(["restore", str(archive)], tmp_path / "sqlite")
        assert elsewhere.returncode == 1
        assert "holds a postgresql database; this instance uses sqlite" in elsewhere.stderr
        # --force replaces the whole schema in one transaction, even with extra tables.
        with psycopg.connect(target, autocommit=True) as db:
            db.execute("CREATE TABLE leftover (x int)")
            db.execute("UPDATE accounts_user SET first_name = 'Changed'")
        ok(run(["restore", str(archive), "--force"], tmp_path / "new", target))
        assert _pg_tables(target) == before
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
