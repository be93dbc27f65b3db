"""The job's one retry policy: attempts and a total time budget per operation on a dependency.

Storage passes the policy to the S3 clients' own retry layer (the AWS SDK's standard strategy in pyarrow,
botocore's standard mode in boto3: see read/s3.py), so nothing is retried twice. Only the Pushgateway push,
a plain HTTP call, is retried here, with exponential backoff, within the same budget.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from drift_jobs.errors import DependencyUnavailableError

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF_SECONDS = 0.5
# An endpoint that accepts connections but never answers fails an operation within about this long (exit 3).
DEFAULT_TOTAL_SECONDS = 60.0


class TransientError(Exception):
    """Raised inside a retried call for a failure that may pass (timeouts, 5xx, refused)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = DEFAULT_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    max_backoff_seconds: float = 8.0
    total_seconds: float = DEFAULT_TOTAL_SECONDS

    def delay(self, attempt: int) -> float:
        return float(min(self.max_backoff_seconds, self.backoff_seconds * 2**attempt))


def call_with_retries(fn: Callable[[], T], what: str, policy: RetryPolicy) -> T:
    """Run fn; on TransientError retry up to policy.attempts in total while the budget lasts, then exit-3 error."""
    last: Exception | None = None
    deadline = time.monotonic() + policy.total_seconds
    attempts = max(1, policy.attempts)
    for attempt in range(attempts):
        try:
            return fn()
        except TransientError as exc:
            last = exc
            delay = policy.delay(attempt)
            if attempt + 1 >= attempts or time.monotonic() + delay >= deadline:
                raise DependencyUnavailableError(
                    f"{what}: unavailable after {attempt + 1} attempts ({policy.total_seconds:g} s budget): {last}"
                ) from exc
            log.warning(
                "retrying after transient failure",
                extra={"what": what, "attempt": attempt + 1, "delay_s": delay, "error": str(exc)},
            )
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
