"""Local development: test settings plus DEBUG and a forgiving template engine, but real password hashing.

Only the test suite hashes passwords with MD5 (fast, and its passwords are fake): `manage.py` defaults to
these settings, and an account created with them may end up in production."""

import os

os.environ.setdefault("DEBUG", "1")

from django.conf import global_settings  # noqa: E402

from config.settings.base import CACHES as BASE_CACHES  # noqa: E402
from config.settings.base import TASKS as BASE_TASKS  # noqa: E402
from config.settings.test import *  # noqa: E402,F403
from config.settings.test import TEMPLATES  # noqa: E402

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
AXES_ENABLED = True
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = ""
# Django's hashers; MD5 last, only to read the hashes of a development database seeded before this change
# (they are rehashed at the next log-in).
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
# `make run`: the tasks go to the queue that `make run`'s worker serves (not inline, as in the tests).
TASKS = BASE_TASKS
CACHES = BASE_CACHES
