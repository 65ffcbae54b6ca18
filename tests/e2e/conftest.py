"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Skipped with a message when /usr/bin/chromium is missing, unless EMPS_REQUIRE_BROWSER=1 (CI), where it fails.
"""

import os
import pathlib

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = pathlib.Path(__file__).parent / "screenshots"

# The sync Playwright API runs an event loop in the test thread; the ORM calls of the tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run on a transactional database that is flushed after each of them. pytest-django runs
    # them last, but pytest then groups the tests using pytest-playwright's parametrised session fixture
    # and moves them back among the others: put them last again, so that later tests keep their data.
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("EMPS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
