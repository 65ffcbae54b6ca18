from tests.privacy.conftest import other_coordinator, youth  # noqa: F401 - shared fixtures
