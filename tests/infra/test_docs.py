"""The committed configuration reference matches the model; the storage purposes table matches its data file."""

from __future__ import annotations

from infra.components.storage.docs import DOC, current_table, render_table
from infra.config.reference import OUTPUT, render


def test_configuration_reference_is_up_to_date() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run `make docs` (python -m infra.config.reference)"
    )


def test_storage_purposes_table_is_up_to_date() -> None:
    assert current_table(DOC.read_text(encoding="utf-8")) == render_table(), (
        "docs/storage.md is stale: run `python -m infra.components.storage.docs`"
    )
