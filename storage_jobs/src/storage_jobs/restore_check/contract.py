"""What the restore verification shares with the program and the alert rules: defined here once.

The Pulumi program (infra/components/continuity/velero.py, restore_check.py) imports these names for the
Velero Schedule, the canary objects and the CronJob; the alert rules (infra/components/monitoring/alerts/
backups.py) import the metric names; a rename here changes every side at once.
"""

from __future__ import annotations

from typing import Final

# Velero's Schedule of the whole cluster; its Backups carry the label velero.io/schedule-name=<this>.
SCHEDULE_NAME: Final = "ai-platform-cluster"
SCHEDULE_LABEL: Final = "velero.io/schedule-name"

# The canary: a namespace whose contents are known, backed up like every other namespace, restored under
# another name into the scratch namespace (Velero namespaceMapping) and compared there.
CANARY_NAMESPACE: Final = "backup-canary"
SCRATCH_NAMESPACE: Final = "backup-restore-check"
# A ConfigMap with a fixed payload and its sha256 in an annotation (set by the program at deploy time).
CANARY_CONFIGMAP: Final = "backup-canary"
CANARY_PAYLOAD_KEY: Final = "payload"
CANARY_SHA256_ANNOTATION: Final = "ai-platform/sha256"
# The volume canary: the writer puts random bytes on a PVC and records their sha256 in this ConfigMap (the
# etcd side of the backup); the restored writer reports the sha256 of the restored file (the kopia side).
CANARY_VOLUME_CONFIGMAP: Final = "backup-canary-volume"
CANARY_VOLUME_SHA256_KEY: Final = "sha256"
CANARY_PVC: Final = "backup-canary-data"
CANARY_APP_LABELS: Final[dict[str, str]] = {"app.kubernetes.io/name": "backup-canary"}
CANARY_MOUNT: Final = "/data"
CANARY_FILE: Final = "canary.bin"
CANARY_FILE_BYTES: Final = 64 * 1024

# Kinds compared between the backup's resource list and the restored scratch namespace (the RBAC of the
# check lists exactly these: infra/components/continuity/restore_check.py reads this table).
# resource-list key (Velero's "<group/version>/<Kind>") -> (API group, plural resource)
COMPARED_KINDS: Final[dict[str, tuple[str, str]]] = {
    "v1/ConfigMap": ("", "configmaps"),
    "v1/PersistentVolumeClaim": ("", "persistentvolumeclaims"),
    "v1/ServiceAccount": ("", "serviceaccounts"),
    "apps/v1/Deployment": ("apps", "deployments"),
    "rbac.authorization.k8s.io/v1/Role": ("rbac.authorization.k8s.io", "roles"),
    "rbac.authorization.k8s.io/v1/RoleBinding": ("rbac.authorization.k8s.io", "rolebindings"),
}
# Created in every namespace by Kubernetes itself: the restore skips them or they exist anyway.
GENERATED_NAMES: Final[dict[str, frozenset[str]]] = {
    "v1/ConfigMap": frozenset({"kube-root-ca.crt"}),
    "v1/ServiceAccount": frozenset({"default"}),
}

# Pushgateway grouping: job plus the cluster's identity; each run replaces its own series only.
PUSH_JOB: Final = "backup-restore-verification"
GROUPING_LABELS: Final = ("stack", "region", "cluster")
SUCCESS_METRIC: Final = "backup_restore_verification_success"
LAST_SUCCESS_METRIC: Final = "backup_restore_verification_last_success_timestamp_seconds"
DURATION_METRIC: Final = "backup_restore_verification_duration_seconds"
OBJECTS_METRIC: Final = "backup_restore_verification_objects_compared"
METRICS: Final[dict[str, str]] = {
    SUCCESS_METRIC: "1 if the latest restore verification passed, 0 if it failed.",
    LAST_SUCCESS_METRIC: "Unix time of the last restore verification that passed.",
    DURATION_METRIC: "Seconds the latest restore verification took.",
    OBJECTS_METRIC: "Objects compared between the backup and the restore in the latest verification.",
}

# Exit codes (docs/backups.md): 0 verified; 1 the restore or a comparison failed; 2 bad usage; 3 a
# dependency (API server, Velero, Pushgateway) unavailable or too slow; 4 no Completed backup of the schedule.
EXIT_OK: Final = 0
EXIT_VERIFICATION_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_DEPENDENCY: Final = 3
EXIT_NO_BACKUP: Final = 4
