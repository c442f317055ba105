"""Settings for running on more than one machine: a shared cache and shared file storage.

Pure functions of the environment (no Django imports), called from ``settings.py`` and
by tests that want the very same configuration:

- ``KEYSTAGE_REDIS_URL`` → Django's built-in Redis cache, so counters such as the login
  throttle hold across every app process and machine. Without it the embedded default
  stays (a per-process cache on SQLite, the database cache on PostgreSQL).
- ``KEYSTAGE_S3_BUCKET`` (with ``_ENDPOINT_URL``, ``_ACCESS_KEY_ID``,
  ``_SECRET_ACCESS_KEY``, ``_REGION``, ``_PREFIX``) → attachments in an S3-compatible
  bucket through django-storages. Objects are private: no public ACL, and the app never
  hands out their URLs — downloads go through the views that check project access.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
S3_STORAGE = "storages.backends.s3.S3Storage"


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def redis_cache(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``CACHES['default']`` entry for ``KEYSTAGE_REDIS_URL``, or None when unset."""
    url = _get(env, "KEYSTAGE_REDIS_URL")
    if not url:
        return None
    return {
        "BACKEND": REDIS_CACHE,
        "LOCATION": url,
        "KEY_PREFIX": _get(env, "KEYSTAGE_REDIS_PREFIX") or "keystage",
        "TIMEOUT": 300,
        # Fail fast when Redis is unreachable rather than hanging a request.
        "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
    }


def s3_storage(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``STORAGES['default']`` entry for ``KEYSTAGE_S3_BUCKET``, or None when unset."""
    bucket = _get(env, "KEYSTAGE_S3_BUCKET")
    if not bucket:
        return None
    endpoint = _get(env, "KEYSTAGE_S3_ENDPOINT_URL") or None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": _get(env, "KEYSTAGE_S3_ACCESS_KEY_ID") or None,
        "secret_key": _get(env, "KEYSTAGE_S3_SECRET_ACCESS_KEY") or None,
        "region_name": _get(env, "KEYSTAGE_S3_REGION") or None,
        "location": _get(env, "KEYSTAGE_S3_PREFIX"),
        "default_acl": "private",
        "querystring_auth": True,  # should a URL ever be built, it is signed and expires
        "querystring_expire": 60,
        "file_overwrite": False,
        "signature_version": "s3v4",
        # S3-compatible servers (MinIO, Ceph, moto) address buckets by path.
        "addressing_style": "path" if endpoint else None,
    }
    return {"BACKEND": S3_STORAGE, "OPTIONS": options}
