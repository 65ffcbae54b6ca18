import os
import pathlib

import pytest

from actions.models import Domain
from emps.models import PartnerCategory
from emps.reference_data import DOMAINS, END_REASONS, ORIGINS, PARTNER_CATEGORIES, SITUATIONS, seed
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory
from youths.models import EndReason, Origin, Situation

# Browser tests drive Playwright's sync API, which runs an event loop in the test thread; the ORM
# calls of their fixtures then need this, whichever browser test file runs first (or alone).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """With --reuse-db, SQLite's test database is a file kept between runs (one per xdist worker) rather
    than in memory. Without it, nothing changes: a fresh in-memory database per run and per worker."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if request.config.getvalue("reuse_db") and database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        folder = pathlib.Path(settings.BASE_DIR) / "var"
        folder.mkdir(exist_ok=True)
        test["NAME"] = str(folder / f"test-{worker}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """A reused database (--reuse-db) was left flushed by the previous run's last transactional test:
    put the reference lists of the data migrations back before the first test reads them."""
    if request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock():
            seed_all()


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


def seed_all() -> None:
    """Every reference list, with the current models (tests that flush the database need them back)."""
    seed(PartnerCategory, PARTNER_CATEGORIES)
    seed(Origin, ORIGINS)
    seed(Situation, SITUATIONS)
    seed(EndReason, END_REASONS)
    seed(Domain, DOMAINS)


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


CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium; never `playwright install`
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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests (mark `e2e`) run last, and are skipped with a message without Chromium, unless
    EMPS_REQUIRE_BROWSER=1 (CI), where a missing Chromium stops the run."""
    # They run on a transactional database flushed after each of them. pytest-django runs them last,
    # but pytest then groups the tests using pytest-playwright's parametrised session fixture and moves
    # them back among the others: put them last again, so that later tests keep their data.
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
    """Every browser test of every folder drives Debian's Chromium through one Playwright instance."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
