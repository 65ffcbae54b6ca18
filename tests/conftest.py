import os

import pytest

from emps.reference_data import seed_all
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory

# Browser tests drive Playwright's sync API, which runs an event loop in the test thread; the ORM
# calls of their fixtures then need this, whichever browser test file runs first (or alone).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def team(db):
    commune = CommuneFactory(name="Hénin-Beaumont")
    QuartierFactory(commune=commune, name="Darcy")
    return TeamFactory(name="EMPS Test", reference_prefix="HB", communes=[commune])


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Autre équipe", reference_prefix="AU", communes=[CommuneFactory(name="Lens")])


@pytest.fixture
def educator(team):
    return UserFactory(username="alice", teams=[team])


@pytest.fixture
def teammate(team):
    return UserFactory(username="bob", teams=[team])


@pytest.fixture
def other_educator(other_team):
    return UserFactory(username="charlie", teams=[other_team])


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coordination", coordinator=True, teams=[team])


@pytest.fixture
def funder(team):
    return UserFactory(username="financeur", funder=True, teams=[team])


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live server, browser) flush the database, data migrations included.

    They restore the reference lists here rather than with serialized_rollback: a flush by another
    transactional test re-creates the content types, which a serialized rollback would then duplicate.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        # Set the database up the way the test's own mark asks (serialized_rollback included) first.
        request.getfixturevalue("_django_db_helper")
        seed_all()


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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Every browser test of every folder drives Debian's Chromium through one Playwright instance."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}
