import pytest

from tests.opendata.factories import build_world


@pytest.fixture
def world(db, astana, almaty):
    """The two-region world with two published snapshots (use in transactional tests)."""
    return build_world(astana, almaty)


@pytest.fixture
def world_without_snapshots(db, astana, almaty):
    """The same world before any snapshot: fine in ordinary tests on both databases."""
    return build_world(astana, almaty, with_snapshots=False)
