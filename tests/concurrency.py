"""Two transactions at once, for the tests of what PostgreSQL does when writers meet."""

import threading

from django.db import connections, transaction


def start_other_transaction(write) -> tuple[threading.Thread, list]:
    """Run `write()` in a transaction of its own, on another connection (a thread); return the thread and
    the list that receives its error, if any."""
    errors: list = []

    def run():
        try:
            with transaction.atomic():
                write()
        except Exception as error:  # noqa: BLE001 (the test asserts the list)
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors
