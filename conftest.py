"""Fixtures every test directory shares (tests/, drift_jobs/tests, storage_jobs/tests)."""

# One session-scoped Ceph RGW for the whole run, whichever directories use it.
pytest_plugins = ("tests.support.ceph",)
