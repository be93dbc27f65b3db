"""Names other components need about the models' namespace (kept apart from model_cards.py, which imports the
object-store users: a dependency-free module breaks that cycle)."""

from __future__ import annotations

from typing import Final

MODELS_NAMESPACE: Final = "ai-models"
