import pytest

from tests.privacy.conftest import other_coordinator, youth  # noqa: F401 - shared fixtures


@pytest.fixture
def axes_on(settings):
    """django-axes as in production (the test settings turn it off), its handler rebuilt for each test."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None
    yield
    AxesProxyHandler.implementation = None
