"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium's launch options, the ordering of browser tests and their skipping without Chromium live in the
root conftest, for the browser tests of every folder.
"""

import pathlib

import pytest

SCREENSHOTS = pathlib.Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
