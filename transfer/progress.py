"""A running import's progress: rows read, checked and written, kept in the `progress` cache.

The import runs inside one transaction, which no other connection sees before it ends; its progress is
written outside it, in a cache every web server reads (files on one machine, Redis for several:
config/settings/base.py). A progress that stops moving for EMPS_TASK_STALE_SECONDS is a dead worker's.
"""

import time

from django.core.cache import caches

TTL_SECONDS = 24 * 60 * 60


def _key(job_id: int) -> str:
    return f"emps:import-progress:{job_id}"


def report(job_id: int, *, read: int = 0, checked: int = 0, written: int = 0, total: int = 0) -> None:
    caches["progress"].set(
        _key(job_id),
        {"read": read, "checked": checked, "written": written, "total": total, "at": time.time()},
        TTL_SECONDS,
    )


def read(job_id: int) -> dict:
    return caches["progress"].get(_key(job_id)) or {"read": 0, "checked": 0, "written": 0, "total": 0, "at": None}


def forget(job_id: int) -> None:
    caches["progress"].delete(_key(job_id))
