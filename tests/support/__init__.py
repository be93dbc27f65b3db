"""Shared test support: real services the tests start (usable from tests/, drift_jobs/tests, storage_jobs/tests)."""
