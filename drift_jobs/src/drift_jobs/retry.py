"""Bounded retries with exponential backoff for calls to storage and the Pushgateway."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from drift_jobs.errors import DependencyUnavailableError

T = TypeVar("T")
log = logging.getLogger(__name__)


class TransientError(Exception):
    """Raised inside a retried call for a failure that may pass (timeouts, 5xx, refused)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_backoff_seconds, self.backoff_seconds * 2**attempt))


def call_with_retries(fn: Callable[[], T], what: str, policy: RetryPolicy) -> T:
    """Run fn; on TransientError retry up to policy.attempts in total, then exit-3 error."""
    last: Exception | None = None
    for attempt in range(max(1, policy.attempts)):
        try:
            return fn()
        except TransientError as exc:
            last = exc
            if attempt + 1 < policy.attempts:
                delay = policy.delay(attempt)
                log.warning(
                    "retrying after transient failure",
                    extra={"what": what, "attempt": attempt + 1, "delay_s": delay, "error": str(exc)},
                )
                time.sleep(delay)
    raise DependencyUnavailableError(f"{what}: unavailable after {policy.attempts} attempts: {last}")
