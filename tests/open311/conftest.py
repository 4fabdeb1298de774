"""Open311 tests: the appeals' named world and generous rates (from the API tests)."""

from __future__ import annotations

from tests.api.conftest import api_settings, private_media  # noqa: F401
from tests.appeals.conftest import appeals_world, world  # noqa: F401
