"""Tiers from thresholds, and adaptive thresholds calibrated on past runs only.

Adaptive thresholds can only raise the static ones: the static values are the business
floor (DESIGN §2), history only says when a feature's natural run-to-run variation sits
above that floor. The current run is appended to the history after it is evaluated, so a
window never calibrates its own threshold. Runs where the feature was critical are left
out of the calibration and the raise is capped (contract.ADAPTIVE_MAX_FACTOR), so a drift
that persists keeps alerting instead of becoming the new normal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drift_jobs.config import Tier
from drift_jobs.contract import ADAPTIVE_K, ADAPTIVE_MAX_FACTOR

TIER_RANK = {"ok": 0, "warning": 1, "critical": 2}
MAD_TO_SIGMA = 1.4826


def tier_of(value: float | None, tier: Tier) -> str:
    """DESIGN §2 thresholds are strict: PSI > 0.1 warns, PSI > 0.2 is critical."""
    if value is None:
        return "ok"
    if value > tier.critical:
        return "critical"
    if value > tier.warning:
        return "warning"
    return "ok"


def worst(*tiers: str) -> str:
    ranked = [t for t in tiers if t in TIER_RANK]
    return max(ranked, key=TIER_RANK.__getitem__) if ranked else "ok"


@dataclass(frozen=True)
class ThresholdUsed:
    tier: Tier
    source: str  # default | config | adaptive
    history_runs: int = 0
    adaptive_warning: float | None = None
    adaptive_critical: float | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "warning": self.tier.warning,
            "critical": self.tier.critical,
            "source": self.source,
        }
        if self.history_runs:
            out["history_runs"] = self.history_runs
            out["adaptive_warning"] = self.adaptive_warning
            out["adaptive_critical"] = self.adaptive_critical
        return out


def adapt(static: Tier, source: str, past: list[float], min_history: int) -> ThresholdUsed:
    """Raise the static tier to median + k * sigma(MAD) of past values when that is higher."""
    if len(past) < min_history:
        return ThresholdUsed(static, source, len(past))
    values = np.asarray(past, dtype=np.float64)
    median = float(np.median(values))
    sigma = MAD_TO_SIGMA * float(np.median(np.abs(values - median)))
    warning = median + ADAPTIVE_K["warning"] * sigma
    critical = median + ADAPTIVE_K["critical"] * sigma
    raised_w = min(max(static.warning, warning), static.warning * ADAPTIVE_MAX_FACTOR)
    raised_c = min(max(static.critical, critical, raised_w), static.critical * ADAPTIVE_MAX_FACTOR)
    used = "adaptive" if (raised_w, raised_c) != (static.warning, static.critical) else source
    return ThresholdUsed(Tier(raised_w, raised_c), used, len(past), warning, critical)
