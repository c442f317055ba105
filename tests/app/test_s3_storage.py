"""Attachments on S3-compatible storage (django-storages), against moto's in-process server.

The storage is configured exactly as ``settings.py`` does from ``KEYSTAGE_S3_*``: a file
uploaded through the API lands in the bucket (nothing on local disk), downloads through
the access-checked views return the same bytes, outsiders get 404, removal deletes the
object, and an object gone from the bucket answers 404 rather than 500.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.config import scaling
from keystage.initiation import services
from keystage.initiation.models import ResearchAttachment

pytestmark = pytest.mark.django_db

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "keystage-test-attachments"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(range(256)) * 64


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 emulator on a free loopback port, with one private bucket."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any) -> Iterator[Any]:
    """The default storage switched to the bucket, as the KEYSTAGE_S3_* variables do."""
    env = {
        "KEYSTAGE_S3_BUCKET": BUCKET,
        "KEYSTAGE_S3_ENDPOINT_URL": s3_endpoint,
        "KEYSTAGE_S3_ACCESS_KEY_ID": "testing",
        "KEYSTAGE_S3_SECRET_ACCESS_KEY": "testing",
        "KEYSTAGE_S3_REGION": "us-east-1",
    }
    settings.STORAGES = {**settings.STORAGES, "default": scaling.s3_storage(env)}
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).Bucket(BUCKET)
    s3.objects.all().delete()
    yield s3
    s3.objects.all().delete()


@pytest.fixture
def note(world: Any) -> Any:
    # The team member's own note: team members attach files only to notes they wrote.
    return services.note_create(
        who=world.a["team_member"],
        project=world.project_a,
        data={"title": "Vendor offers", "body": "Signed offers."},
    )


def files_url(world: Any, note: Any) -> str:
    return (
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        "/attachments/"
    )


def local_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_settings_choose_s3_only_when_a_bucket_is_named():
    assert scaling.s3_storage({}) is None
    assert scaling.s3_storage({"KEYSTAGE_S3_BUCKET": "  "}) is None
    entry = scaling.s3_storage({"KEYSTAGE_S3_BUCKET": "files", "KEYSTAGE_S3_REGION": "eu-west-1"})
    assert entry is not None and entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "files" and options["region_name"] == "eu-west-1"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_the_environment_switches_the_settings(tmp_path):
    """settings.py itself, in a fresh process: the bucket and Redis variables take effect."""
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.CACHES['default']['BACKEND']]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keystage.config.settings",
        "KEYSTAGE_DATA_DIR": str(tmp_path),
        "KEYSTAGE_S3_BUCKET": "files",
        "KEYSTAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "KEYSTAGE_REDIS_URL": "redis://127.0.0.1:6379/7",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    storage, cache = json.loads(done.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "files"
    assert storage["OPTIONS"]["addressing_style"] == "path"
    assert cache == "django.core.cache.backends.redis.RedisCache"
    plain = {k: v for k, v in env.items() if not k.startswith(("KEYSTAGE_S3", "KEYSTAGE_REDIS"))}
    done = subprocess.run(
        [sys.executable, "-c", script], env=plain, capture_output=True, text=True, timeout=60
    )
    storage, cache = json.loads(done.stdout)
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert cache != "django.core.cache.backends.redis.RedisCache"


def test_upload_lands_in_the_bucket_and_downloads_the_same_bytes(
    world, api, note, bucket, settings, django_capture_on_commit_callbacks
):
    url = files_url(world, note)
    created = api(world.a["team_member"]).post(
        url, {"file": SimpleUploadedFile("offer.pdf", PDF, "application/pdf")}, format="multipart"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()

    objects = list(bucket.objects.all())
    assert len(objects) == 1
    key = objects[0].key
    assert key.startswith(f"research/{world.project_a.public_id}/") and "offer" not in key
    assert objects[0].get()["Body"].read() == PDF
    assert local_files(settings) == []  # nothing written to this machine's disk
    stored = ResearchAttachment.objects.get()
    assert stored.file.name == key
    assert type(stored.file.storage._wrapped).__name__ == "S3Storage"

    download = api(world.a["stakeholder"]).get(body["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="offer.pdf"'

    page = Client()
    page.force_login(world.a["sponsor"])
    page_url = (
        f"/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        f"/files/{body['id']}/"
    )
    from_page = page.get(page_url)
    assert from_page.status_code == 200 and b"".join(from_page.streaming_content) == PDF

    for intruder in (world.outsider, world.b["project_manager"]):
        denied = api(intruder).get(body["download"])
        assert denied.status_code == 404 and PDF[:8] not in denied.content
        other = Client()
        other.force_login(intruder)
        assert other.get(page_url).status_code == 404

    detail = f"{url}{body['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        removed = api(world.a["team_member"]).delete(detail, HTTP_IF_MATCH="1")
    assert removed.status_code == 204
    assert list(bucket.objects.all()) == []


def test_an_object_missing_from_the_bucket_is_not_found(world, api, note, bucket):
    url = files_url(world, note)
    created = api(world.a["project_manager"]).post(
        url, {"file": SimpleUploadedFile("a.txt", b"minutes")}, format="multipart"
    )
    assert created.status_code == 201, created.content
    bucket.objects.all().delete()
    response = api(world.a["project_manager"]).get(created.json()["download"])
    assert response.status_code == 404
