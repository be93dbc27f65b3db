"""Errors that map to the job's exit codes; anything else is a bug (exit 1)."""

from __future__ import annotations

from drift_jobs.contract import EXIT_BAD_INPUT, EXIT_DEPENDENCY


class DriftJobError(Exception):
    exit_code = 1


class BadInputError(DriftJobError):
    """Input data, config or arguments are unusable; retrying will not help."""

    exit_code = EXIT_BAD_INPUT


class DependencyUnavailableError(DriftJobError):
    """Storage or Pushgateway could not be reached after bounded retries."""

    exit_code = EXIT_DEPENDENCY
