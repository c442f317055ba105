"""Static files in production: hashed names from a manifest that `collectstatic` writes.

Collecting compresses every file (about half a minute of CPU), so it runs only when
the sources changed: a stamp in STATIC_ROOT holds a fingerprint of the files the
finders see (path, size, modification time) and of the storage backend.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

STAMP = ".keystage-collected"
BROTLI_QUALITY = 9  # 11 (the default) took ten times the CPU for a few per cent smaller files


class _Compressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed static files, with a quicker brotli level."""

    def create_compressor(self, **kwargs: object) -> Compressor:
        """The compressor `collectstatic` uses for every file."""
        return _Compressor(**kwargs)


def manifest_path() -> str | None:
    """Where the static manifest must be, or None when the storage needs none (development)."""
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return None
    return str(storage.path(storage.manifest_name))


def sources_fingerprint() -> str:
    """A hash of every static source file's path, size and modification time."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda x: x[0]):
            info = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def static_prepare() -> bool:
    """Collect the static files into STATIC_ROOT when production needs it; whether it ran.

    Idempotent and quiet: nothing happens outside production (files are served straight
    from the installed packages) or when the last collection saw the same sources.
    """
    manifest = manifest_path()
    if manifest is None:
        return False
    stamp = Path(settings.STATIC_ROOT) / STAMP
    fingerprint = sources_fingerprint()
    if Path(manifest).exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
