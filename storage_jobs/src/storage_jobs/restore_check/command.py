"""`storage-jobs restore-check [canary]`: argument parsing, exit codes and the metrics push around verify.py."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence

from storage_jobs.restore_check import canary, contract
from storage_jobs.restore_check.kube import KubeCluster
from storage_jobs.restore_check.push import push, registry
from storage_jobs.restore_check.verify import (
    Cluster,
    DependencyError,
    NoBackupError,
    Settings,
    VerificationError,
    Verifier,
)

log = logging.getLogger("storage_jobs.restore_check")


NAME = "restore-check"
HELP = "verify that the latest backup restores (or, with `canary`, run the volume canary writer)"
EPILOG = f"""exit codes:
  {contract.EXIT_OK}  the latest backup restored and matched (or the canary ran)
  {contract.EXIT_VERIFICATION_FAILED}  the restore failed or what it restored differs from the backup
  {contract.EXIT_USAGE}  bad usage
  {contract.EXIT_DEPENDENCY}  the Kubernetes API, Velero or the Pushgateway did not answer in time
  {contract.EXIT_NO_BACKUP}  no Completed backup of the schedule exists"""


def register(p: argparse.ArgumentParser) -> None:
    """The subcommand's arguments (the storage-jobs dispatcher and `parser()` share them)."""
    p.add_argument("--velero-namespace", default="velero")
    p.add_argument("--schedule", default=contract.SCHEDULE_NAME)
    p.add_argument("--pushgateway", required=False, help="Pushgateway URL; without it nothing is pushed")
    for label in contract.GROUPING_LABELS:
        p.add_argument(f"--{label}", default="", help=f"grouping label {label} of the pushed metrics")
    p.add_argument("--timeout-seconds", type=float, default=1800.0)
    sub = p.add_subparsers(dest="mode")
    c = sub.add_parser("canary", help="run the volume canary writer (inside the canary pod)")
    c.add_argument("--dir", default=contract.CANARY_MOUNT)
    c.add_argument("--namespace", default=None)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="storage-jobs restore-check",
        description="Verify that the latest backup restores.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    register(p)
    return p


def verify(args: argparse.Namespace, cluster: Cluster, *, now: Callable[[], float] = time.time) -> int:
    settings = Settings(
        velero_namespace=args.velero_namespace, schedule=args.schedule, timeout_seconds=args.timeout_seconds
    )
    started = time.monotonic()
    objects, code = 0, contract.EXIT_OK
    try:
        outcome = Verifier(cluster, settings).run()
        objects = outcome.objects_compared
        log.info("backup %s restored as %s: %s", outcome.backup, outcome.restore, outcome.per_kind)
    except VerificationError as error:
        log.error("restore verification FAILED: %s", error)
        code = contract.EXIT_VERIFICATION_FAILED
    except NoBackupError as error:
        log.error("restore verification FAILED: %s", error)
        code = contract.EXIT_NO_BACKUP
    except DependencyError as error:
        log.error("restore verification could not run: %s", error)
        code = contract.EXIT_DEPENDENCY
    if args.pushgateway:
        grouping = {label: getattr(args, label) for label in contract.GROUPING_LABELS}
        reg = registry(
            success=code == contract.EXIT_OK, duration_s=time.monotonic() - started, objects=objects, finished_at=now()
        )
        try:
            push(args.pushgateway, grouping, reg)
        except DependencyError as error:
            log.error("%s", error)
            code = code or contract.EXIT_DEPENDENCY
    return code


def main(argv: Sequence[str] | None = None, *, cluster_factory: Callable[[str], Cluster] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return contract.EXIT_OK if exit_.code == 0 else contract.EXIT_USAGE
    return run(args, cluster_factory=cluster_factory)


def run(args: argparse.Namespace, *, cluster_factory: Callable[[str], Cluster] | None = None) -> int:
    if args.mode == "canary":
        return canary.main(args.dir, args.namespace)
    if args.pushgateway and not all(getattr(args, label) for label in contract.GROUPING_LABELS):
        log.error("--pushgateway needs --stack, --region and --cluster")
        return contract.EXIT_USAGE
    if cluster_factory is None:
        cluster_factory = KubeCluster
    try:
        cluster = cluster_factory(args.velero_namespace)
    except Exception as error:
        log.error("cannot reach the Kubernetes API: %s", error)
        return contract.EXIT_DEPENDENCY
    return verify(args, cluster)
