"""Errors that map to the job's exit codes, and the one rule that maps any other exception to one.

The rule (docs/drift-jobs.md, "CronJob contract"):

- a `DriftJobError` carries its code: `BadInputError` 2, `DependencyUnavailableError` 3;
- an `OSError` is an environment fault when its errno says so: a path that cannot be used as given (missing, not a
  directory, read-only, permission, ...) is 2, retrying will not help; a resource that may come back (disk full,
  quota, I/O error, a busy or unreachable file server) is 3. An `OSError` with another errno or none is a bug;
- any exception raised while *parsing* an input document (config, profile, shard summary: `reading(...)`) is 2,
  naming the document: the document is what is wrong, whatever Python error its shape provoked;
- everything else is a bug: exit 1 with the traceback in the log. Nothing is swallowed.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from drift_jobs.contract import EXIT_BAD_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL, EXIT_OK


class DriftJobError(Exception):
    exit_code = EXIT_INTERNAL


class BadInputError(DriftJobError):
    """Input data, config or arguments are unusable; retrying will not help."""

    exit_code = EXIT_BAD_INPUT


class DependencyUnavailableError(DriftJobError):
    """Storage, the local disk or the Pushgateway failed or could not be reached after bounded retries."""

    exit_code = EXIT_DEPENDENCY


# A path given to the job that cannot be used as it is: fix the config, the mount or the permissions.
BAD_PATH_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "ENOENT",
        "ENOTDIR",
        "EISDIR",
        "EEXIST",
        "EACCES",
        "EPERM",
        "EROFS",
        "ENAMETOOLONG",
        "ELOOP",
        "ENXIO",
        "ENODEV",
        "ETXTBSY",
    )
    if hasattr(errno, name)
)
# A resource that may come back: free space, a quota, a disk or a network file server.
RESOURCE_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "ENOSPC",
        "EDQUOT",
        "EFBIG",
        "EIO",
        "EAGAIN",
        "EBUSY",
        "EINTR",
        "ESTALE",
        "EMFILE",
        "ENFILE",
        "ENOMEM",
        "ETIMEDOUT",
        "ECONNREFUSED",
        "ECONNRESET",
        "ECONNABORTED",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ENETDOWN",
        "EPIPE",
        "ENOLCK",
        "EREMOTEIO",
    )
    if hasattr(errno, name)
)
# Exceptions that parsing a document of the wrong shape provokes (a JSON list where an object belongs, a missing
# key, an index past an array's end, bytes that are not UTF-8, ...).
DOCUMENT_ERRORS: tuple[type[Exception], ...] = (
    ValueError,  # includes UnicodeDecodeError and json.JSONDecodeError
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    EOFError,
)


def one_line(text: str) -> str:
    """Messages end on one stderr line, whatever a library put in them."""
    return " ".join(text.split())


def first_line(exc: BaseException) -> str:
    """An exception's first line (a library's multi-line dump cut to its headline), or its type's name."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def describe_os_error(exc: OSError) -> str:
    """`Read-only file system [EROFS]`: the system's words and the errno's name, for logs and runbooks."""
    name = errno.errorcode.get(exc.errno or -1)
    reason = exc.strerror or str(exc) or type(exc).__name__
    return one_line(f"{reason} [{name}]" if name else reason)


def fault_class(exc: OSError) -> type[DriftJobError] | None:
    """By errno: `BadInputError` for a path that cannot be used as given, `DependencyUnavailableError` for a
    resource that may come back, None for anything else (a bug)."""
    if exc.errno in BAD_PATH_ERRNOS:
        return BadInputError
    if exc.errno in RESOURCE_ERRNOS:
        return DependencyUnavailableError
    return None


def os_fault(exc: OSError, what: str | None = None) -> DriftJobError | None:
    """The exit-code error for an environment fault, None when the errno does not say one (then it is a bug).

    `what` names where it happened (`--out /x: cannot write drift_report.json`); default: the file the OS named.
    """
    cls = fault_class(exc)
    if cls is None:
        return None
    where = what or (str(exc.filename) if exc.filename is not None else "local filesystem")
    return cls(f"{where}: {describe_os_error(exc)}")


def as_job_error(exc: BaseException) -> DriftJobError | None:
    """`exc` itself, or its exit-code error under the rule above; None for a bug."""
    if isinstance(exc, DriftJobError):
        return exc
    if isinstance(exc, OSError):
        return os_fault(exc)
    return None


def combined_exit_code(faults: list[DriftJobError]) -> int:
    """One code for several faults of one run: 2 when any needs a fix (retrying will not help), else the worst."""
    codes = {f.exit_code for f in faults}
    if not codes:
        return EXIT_OK
    return EXIT_BAD_INPUT if EXIT_BAD_INPUT in codes else max(codes)


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Parse an input document: whatever its shape provokes is bad input naming `what` (exit 2).

    Use it around the parsing of one document only (bytes already in memory → typed object), never around
    computation on what was parsed: there a `ValueError` is a bug and must stay exit 1.
    """
    try:
        yield
    except DriftJobError:
        raise
    except OSError as exc:
        fault = os_fault(exc, what)
        if fault is None:
            raise BadInputError(f"{what}: unreadable ({one_line(str(exc))})") from exc
        raise fault from exc
    except DOCUMENT_ERRORS as exc:
        raise BadInputError(f"{what}: malformed ({type(exc).__name__}: {one_line(str(exc))})") from exc
