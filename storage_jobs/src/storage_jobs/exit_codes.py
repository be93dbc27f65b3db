"""Exit codes of every `storage-jobs` subcommand (a Job's status is its exit code)."""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0
EXIT_INTERNAL: Final = 1
EXIT_BAD_INPUT: Final = 2  # the contract (or another input) is unreadable, invalid or unsupported
EXIT_UNREACHABLE: Final = 3  # the object store did not answer after botocore's retries, or no credentials
EXIT_MISMATCH: Final = 4  # the store refused a change or cannot be made to match (named in the summary)

EPILOG: Final = f"""exit codes:
  {EXIT_OK}  the store matches the contract
  {EXIT_INTERNAL}  internal error (a bug)
  {EXIT_BAD_INPUT}  bad contract: unreadable, invalid, or asks for something this backend cannot do here
  {EXIT_UNREACHABLE}  object store unreachable after retries, or no credentials
  {EXIT_MISMATCH}  the store refused a change or cannot be made to match (each bucket's error is in the summary)
"""
