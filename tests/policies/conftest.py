from __future__ import annotations

import pytest
from session_cache import OfflinePlans, SessionCache


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> SessionCache:
    """Results computed once per session and shared by its xdist workers (session_cache.py); keys name their user."""
    return SessionCache.for_session(tmp_path_factory)


@pytest.fixture(scope="session")
def offline_plans(session_cache: SessionCache) -> OfflinePlans:
    """The project's stacks' offline plans, each made once per session: `offline_plans.document("prod")`."""
    return OfflinePlans(session_cache)
