"""Local development: test settings plus DEBUG and a forgiving template engine."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings.base import CACHES as BASE_CACHES  # noqa: E402
from config.settings.base import TASKS as BASE_TASKS  # noqa: E402
from config.settings.test import *  # noqa: E402,F403
from config.settings.test import TEMPLATES  # noqa: E402

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
AXES_ENABLED = True
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = ""
# `make run`: the tasks go to the queue that `make run`'s worker serves (not inline, as in the tests).
TASKS = BASE_TASKS
CACHES = BASE_CACHES
