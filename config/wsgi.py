"""WSGI entry point for gunicorn: production settings unless told otherwise."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# Django, the application's modules and the translations are loaded now and live as long as the worker:
# frozen, the garbage collector stops walking their ~150,000 objects at every full collection, which
# otherwise pauses a request now and then (docs/performance.md).
gc.freeze()
