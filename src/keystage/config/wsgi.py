"""WSGI entry point (gunicorn keystage.config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
application = get_wsgi_application()


def settle_after_start() -> None:
    """Import every view now and move what start-up made out of the garbage collector's way.

    A request for a large page (the Gantt of 2,000 tasks) allocates enough objects to
    set off full collections; without this each one would walk the hundreds of
    thousands of long-lived objects Django, DRF and our modules create at start-up,
    which is most of the slowest requests' time.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf and with it every view
    gc.collect()
    gc.freeze()


settle_after_start()
