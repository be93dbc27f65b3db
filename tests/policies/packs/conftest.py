from __future__ import annotations

from pathlib import Path

import pytest

from policies.engines import Pack, load_packs

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKS_ROOT = REPO_ROOT / "policies" / "packs"


@pytest.fixture(scope="session")
def packs() -> dict[str, Pack]:
    return {pack.name: pack for pack in load_packs(PACKS_ROOT)}
