"""The committed configuration reference matches the model."""

from __future__ import annotations

from infra.config.reference import OUTPUT, render


def test_configuration_reference_is_up_to_date() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run `make docs` (python -m infra.config.reference)"
    )
