"""The platform configuration model: every `ai-platform:*` key of a stack file, typed.

Field-level rules (types, ranges, formats, unknown keys) live here; rules that relate several
fields (prod needs two regions, CIDRs must not overlap...) live in `rules.py` so that each problem
can be reported with its own key path.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, StringConstraints

from drift_jobs import contract
from infra.config.alerting import ReceiverConfig, ReceiverName, SmtpConfig
from infra.config.base import Section

Environment = Literal["dev", "staging", "prod"]
Severity = Literal["critical", "high", "medium", "low"]
RiskClass = Literal["minimal", "limited", "high"]
ServingMode = Literal["realtime", "batch"]
DriftFrequency = Literal["daily", "weekly", "monthly"]

DnsLabel = Annotated[str, StringConstraints(pattern=r"^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$")]
AwsRegionName = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")]
KubernetesVersion = Annotated[str, StringConstraints(pattern=r"^1\.(2[89]|3[0-9])$")]
InstanceType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")]
S3Uri = Annotated[str, StringConstraints(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]
# An s3:// URI whose bucket may name the region as `{region}`: the program substitutes each cluster's region
# (infra/config/storage_rules.py requires it for drift URIs, so each region's job reads its own store).
RegionS3Uri = Annotated[str, StringConstraints(pattern=r"^s3://[a-z0-9][a-z0-9.-]*(\{region\}[a-z0-9.-]*)?(/.*)?$")]
IamRoleArn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
CronSchedule = Annotated[str, StringConstraints(pattern=r"^(\S+\s+){4}\S+$")]
KubeQuantity = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")]

# CloudWatch Logs accepts only these retention periods.
CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def _cloudwatch_retention(days: int) -> int:
    if days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(f"must be one of the CloudWatch retention periods {list(CLOUDWATCH_RETENTION_DAYS)}")
    return days


def _private_ipv4_cidr(value: str) -> str:
    network = ipaddress.ip_network(value, strict=True)
    if not isinstance(network, ipaddress.IPv4Network) or not network.is_private:
        raise ValueError("must be a private IPv4 CIDR (RFC 1918)")
    if not 16 <= network.prefixlen <= 20:
        raise ValueError("must have a prefix between /16 and /20 to hold three AZs of public and private subnets")
    return str(network)


def _allow_list_cidr(value: str) -> str:
    network = ipaddress.ip_network(value, strict=True)
    if network.prefixlen == 0:
        raise ValueError("an allow-list entry must not open the endpoint to the whole internet")
    return str(network)


RetentionDays = Annotated[int, AfterValidator(_cloudwatch_retention)]
VpcCidr = Annotated[str, AfterValidator(_private_ipv4_cidr)]
AllowListCidr = Annotated[str, AfterValidator(_allow_list_cidr)]


class RegionConfig(Section):
    """One AWS region of the stack; exactly one is the primary, the others are standby (DR) regions."""

    name: AwsRegionName
    cidr: VpcCidr
    role: Literal["primary", "standby"] = "standby"
    availability_zones: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}-[a-z-]+-\d[a-z]$")]] | None = Field(
        default=None, description="Three AZs; defaults to <region>a, <region>b, <region>c."
    )


class NetworkConfig(Section):
    nat_gateways: Literal["single", "perAz"] | None = Field(
        default=None,
        description="NAT gateways: one per AZ for HA, or a single one. Default: single in dev, perAz otherwise.",
    )
    flow_log_retention_days: RetentionDays = 365


class EndpointAccessConfig(Section):
    public_access: bool = Field(default=False, description="Public API endpoint; needs publicAccessCidrs.")
    public_access_cidrs: list[AllowListCidr] = Field(default_factory=list)


class ClusterConfig(Section):
    endpoint: EndpointAccessConfig = Field(default_factory=EndpointAccessConfig)
    deletion_protection: bool | None = Field(default=None, description="Default: true in prod, false elsewhere.")
    log_retention_days: RetentionDays = 365
    admin_role_arns: list[IamRoleArn] = Field(
        default_factory=list, description="IAM roles granted cluster-admin through EKS access entries."
    )


class Taint(Section):
    key: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    value: Annotated[str, StringConstraints(max_length=63)] = ""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] = "NoSchedule"


PoolName = Annotated[str, StringConstraints(pattern=r"^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$")]
PoolRole = Literal["system", "general", "inference", "training", "batch"]
Accelerator = Literal["none", "nvidia"]


class GpuSharingConfig(Section):
    """How the device plugin shares a pool's GPUs: time-slicing or MIG, never both."""

    time_slicing_replicas: int | None = Field(
        default=None,
        ge=2,
        le=48,
        description="Each GPU is advertised this many times (time-slicing: no memory or fault isolation).",
    )
    mig_strategy: Literal["single", "mixed"] | None = Field(
        default=None,
        description="How the device plugin advertises MIG devices already partitioned on the nodes "
        "(single: as nvidia.com/gpu; mixed: as nvidia.com/mig-<profile>). Partitioning itself is not done here.",
    )


class NodePoolConfig(Section):
    role: PoolRole = Field(
        default="general",
        description="What runs there: system (cluster add-ons, tainted CriticalAddonsOnly), general, inference, "
        "training or batch. Spot is refused for system pools, and for inference pools in prod.",
    )
    accelerator: Accelerator = Field(
        default="none",
        description="none, or nvidia: NVIDIA AMI, the nvidia.com/gpu taint and labels, the device plugin and "
        "the DCGM exporter, GPU-aware autoscaling (infra/components/nodes/gpu_instance_types.yaml).",
    )
    gpu_sharing: GpuSharingConfig | None = Field(
        default=None, description="Time-slicing or MIG strategy for an nvidia pool's GPUs."
    )
    instance_types: list[InstanceType] = Field(min_length=1)
    capacity_type: Literal["on-demand", "spot"] = "on-demand"
    min_size: int = Field(default=1, ge=0, le=1000)
    desired_size: int = Field(default=1, ge=0, le=1000)
    max_size: int = Field(default=3, ge=1, le=1000)
    disk_size_gib: int = Field(default=100, ge=20, le=16384)
    ami_type: str | None = Field(
        default=None,
        description="EKS AMI type; default: the accelerator's first AMI type "
        "(policies/packs/shared/node_scheduling.data.yaml).",
    )
    labels: dict[str, str] = Field(default_factory=dict)
    taints: list[Taint] = Field(default_factory=list)


class LifecycleConfig(Section):
    cold_after_days: int = Field(default=30, ge=30, description="Move to STANDARD_IA (S3 minimum: 30 days).")
    archive_after_days: int = Field(default=90, ge=90, description="Move to GLACIER_IR (instant retrieval).")
    expire_noncurrent_after_days: int = Field(default=365, ge=1)


class BackupConfig(Section):
    retention_days: int = Field(
        default=35, ge=1, le=3650, description="How long a backup is kept (Velero TTL, backups bucket expiry)."
    )
    object_lock_days: int = Field(default=30, ge=1, le=3650, description="Compliance-mode retention on backups.")
    every_hours: Literal[1, 2, 3, 4, 6, 8, 12, 24] = Field(
        default=24, description="Hours between cluster backups (Velero schedule); at most dr.dataLoss.rpoMinutes."
    )
    verify_every_hours: Literal[6, 8, 12, 24] = Field(
        default=24,
        description="Hours between restore verifications of the latest backup; the alert fires on a failed "
        "verification or when none succeeded for twice this interval.",
    )


BucketPurpose = Literal["datasets", "models", "inference-logs", "drift-reports", "backups"]


class BucketLifecycleConfig(Section):
    """Overrides of one purpose's lifecycle; unset keys keep policies/packs/shared/object_storage.data.yaml."""

    cold_after_days: int | None = Field(
        default=None, ge=0, le=3650, description="Days before current versions move to the cold class (0: never)."
    )
    expire_after_days: int | None = Field(
        default=None, ge=0, le=3650, description="Days before current versions expire (0: never)."
    )
    expire_noncurrent_after_days: int | None = Field(
        default=None, ge=1, le=3650, description="Days a noncurrent (overwritten or deleted) version is kept."
    )


class CephConfig(Section):
    osd_size_gib: int = Field(default=256, ge=10, le=16384, description="Size of each OSD's encrypted gp3 volume.")
    osds_per_zone: int = Field(default=1, ge=1, le=32, description="OSDs in each availability zone of the region.")


class MinioConfig(Section):
    servers: int = Field(default=4, ge=1, le=32, description="MinIO server pods of the Tenant's pool.")
    volumes_per_server: int = Field(default=1, ge=1, le=16)
    volume_size_gib: int = Field(default=100, ge=1, le=16384)


class StorageConfig(Section):
    backend: Literal["minio", "ceph"] = Field(
        default="ceph",
        description="In-cluster object store: ceph (Rook-Ceph RGW), or minio (legacy: the community server is "
        "archived upstream; docs/storage.md).",
    )
    lifecycle: LifecycleConfig = Field(
        default_factory=LifecycleConfig,
        description="Tiering of the AWS S3 backup vault (STANDARD_IA, then GLACIER_IR: both readable by a "
        "plain GET, which Velero's kopia repository needs on restore).",
    )
    buckets: dict[BucketPurpose, BucketLifecycleConfig] = Field(
        default_factory=dict, description="Per-purpose lifecycle overrides of the in-cluster buckets."
    )
    backup: BackupConfig = Field(default_factory=BackupConfig)
    ceph: CephConfig = Field(default_factory=CephConfig)
    minio: MinioConfig = Field(default_factory=MinioConfig)


class TeamAccessConfig(Section):
    admin: list[IamRoleArn] = Field(default_factory=list)
    edit: list[IamRoleArn] = Field(default_factory=list)
    view: list[IamRoleArn] = Field(default_factory=list)


class TeamQuotaConfig(Section):
    cpu: KubeQuantity = "32"
    memory: KubeQuantity = "128Gi"
    gpus: int = Field(default=0, ge=0, le=1024)
    pods: int = Field(default=200, ge=1, le=10000)


class TeamConfig(Section):
    name: DnsLabel
    cost_center: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    access: TeamAccessConfig = Field(default_factory=TeamAccessConfig)
    quota: TeamQuotaConfig = Field(default_factory=TeamQuotaConfig)
    alert_receiver: ReceiverName | None = Field(
        default=None, description="Receiver for the team's alerts. Default: monitoring.platformReceiver."
    )


class Band(Section):
    """A warning/critical pair; critical must not be below warning."""

    warning: float = Field(gt=0)
    critical: float = Field(gt=0)


def _default_band(metric: str) -> Band:
    """The drift job's own default (drift_jobs.contract), so the job and the alerts share one value."""
    return Band(**contract.DEFAULT_THRESHOLDS[metric])


class FeatureThresholds(Section):
    """Per-feature overrides (null: the model's band); the drift job tiers the feature and the alerts fire on them."""

    psi: Band | None = None
    missing_share_increase: Band | None = None
    ks_statistic: Band | None = Field(
        default=None, description="The feature's own KS band (e.g. a heavy-tailed feature); null: the model's."
    )
    wasserstein_normalized: Band | None = Field(
        default=None, description="The feature's own normalised Wasserstein band; null: the model's."
    )


class DriftThresholds(Section):
    psi: Band = Field(default_factory=lambda: _default_band("psi"))
    accuracy_drop: Band = Field(default_factory=lambda: _default_band("accuracy_drop"))
    latency_increase: Band = Field(default_factory=lambda: _default_band("latency_increase"))
    missing_share_increase: Band = Field(
        default_factory=lambda: _default_band("missing_share_increase"),
        description="Absolute rise of a feature's missing share (0.1 = 10 points) that warns / is critical.",
    )
    ks_statistic: Band = Field(
        default_factory=lambda: _default_band("ks_statistic"),
        description="Kolmogorov-Smirnov statistic of a feature that warns / is critical (sees scale and tail changes).",
    )
    wasserstein_normalized: Band = Field(
        default_factory=lambda: _default_band("wasserstein_normalized"),
        description="Wasserstein-1 distance / reference std of a feature that warns / is critical.",
    )
    dataset_drift_share: float = Field(
        default=contract.DEFAULT_DATASET_DRIFT_SHARE,
        gt=0,
        le=1,
        description="Share of evaluated features that must drift for the dataset to count as drifted.",
    )
    features: dict[str, FeatureThresholds] = Field(default_factory=dict)


SchemaTier = Literal["ok", "warning", "critical"]


def _schema_tier(reason: str) -> SchemaTier:
    """The drift job's own default tier for a schema finding (drift_jobs.contract.DEFAULT_SCHEMA_TIERS)."""
    tier = contract.DEFAULT_SCHEMA_TIERS[reason]
    assert tier in ("ok", "warning", "critical")
    return tier  # type: ignore[return-value]


class FeatureSchemaTiers(Section):
    """One feature's own tiers for the feature-level findings (null: the model's)."""

    missing_column: SchemaTier | None = None
    all_missing: SchemaTier | None = None
    type_change: SchemaTier | None = None
    cardinality_explosion: SchemaTier | None = None


class DriftSchemaTiers(Section):
    """Tiers of the drift job's schema and data-quality findings: "ok" reports without alerting, "warning" and
    "critical" page through ModelSchemaIssue (docs/drift-jobs.md, "Schema and data-quality findings")."""

    missing_column: SchemaTier = Field(
        default_factory=lambda: _schema_tier("missing_column"), description="A feature absent from the window."
    )
    all_missing: SchemaTier = Field(
        default_factory=lambda: _schema_tier("all_missing"), description="A feature with no valid value."
    )
    type_change: SchemaTier = Field(
        default_factory=lambda: _schema_tier("type_change"),
        description="A feature whose values are mostly of another type (text in a numeric column).",
    )
    cardinality_explosion: SchemaTier = Field(
        default_factory=lambda: _schema_tier("cardinality_explosion"),
        description="A categorical feature flooded with categories the reference never had.",
    )
    extra_column: SchemaTier = Field(
        default_factory=lambda: _schema_tier("extra_column"), description="A window column the reference lacks."
    )
    nothing_evaluated: SchemaTier = Field(
        default_factory=lambda: _schema_tier("nothing_evaluated"),
        description="A window with rows in which no feature could be evaluated.",
    )
    features: dict[str, FeatureSchemaTiers] = Field(default_factory=dict)


class DriftConfig(Section):
    reference: RegionS3Uri = Field(
        description="Reference window in the region's datasets bucket, e.g. "
        "s3://<project>-<stack>-{region}-datasets/<model>/reference/."
    )
    current: RegionS3Uri = Field(
        description="Current window in the region's inference-logs bucket, e.g. "
        "s3://<project>-<stack>-{region}-inference-logs/<model>/latest/."
    )
    frequency: DriftFrequency | None = Field(
        default=None,
        description="Default: daily for high-risk or real-time models, monthly for minimal-risk batch, else weekly.",
    )
    schedule: CronSchedule | None = Field(
        default=None, description="Explicit cron schedule; overrides frequency's default."
    )
    numeric_features: list[str] | None = None
    categorical_features: list[str] | None = None
    prediction_column: str | None = None
    label_column: str | None = None
    latency_column: str | None = None
    task: Literal["classification", "regression"] | None = None
    thresholds: DriftThresholds = Field(default_factory=DriftThresholds)
    schema_tiers: DriftSchemaTiers = Field(
        default_factory=DriftSchemaTiers,
        alias="schema",
        description="Tiers of schema findings (missing or retyped columns...); defaults: the drift job's own.",
    )
    adaptive: bool = True
    reports: RegionS3Uri | None = Field(
        default=None,
        description="Where reports and adaptive-threshold history go, in the region's drift-reports bucket; "
        "default s3://<project>-<stack>-{region}-drift-reports/<model>/.",
    )
    window_rows: int = Field(default=1_000_000, ge=1, description="Typical rows per window; sizes requests and shards.")
    shards: int = Field(default=1, ge=1, le=64, description=">1 runs the window as an Indexed Job plus a merge step.")


class AlertsConfig(Section):
    """Platform alert knobs; null (unset) takes the value in infra/components/monitoring/alerts/defaults.yaml.

    Model alerts (drift, quality, latency) use each model's drift thresholds instead."""

    gpu_pending_minutes: int | None = Field(
        default=None, ge=1, le=1440, description="Minutes a pod requesting nvidia.com/gpu may stay Pending."
    )
    gpu_idle_minutes: int | None = Field(
        default=None, ge=5, le=10080, description="Minutes an allocated GPU must stay idle before the cost alert."
    )
    gpu_idle_utilization_percent: float | None = Field(
        default=None, ge=0, le=100, description="Average GPU utilisation (%) below which an allocated GPU is idle."
    )
    gpu_throttle_share: float | None = Field(
        default=None, gt=0, le=1, description="Share of time a GPU may be thermally or power throttled."
    )
    gpu_memory_saturation: Band | None = Field(
        default=None, description="Used share of a GPU's framebuffer memory (0.9 = 90 %)."
    )
    pvc_fill: Band | None = Field(default=None, description="Used share of a persistent volume (0.8 = 80 %).")
    node_not_ready_minutes: int | None = Field(
        default=None, ge=1, le=1440, description="Minutes a node may stay not Ready before the alert."
    )
    inference_error_rate: Band | None = Field(
        default=None, description="Share of a real-time model's inference requests that fail."
    )
    cni_ip_exhaustion: Band | None = Field(
        default=None, description="Share of a node's VPC CNI IP addresses (awscni_ip_max) assigned to pods."
    )


RUNBOOK_BASE_URL = "https://github.com/ai-platform/ai-platform/blob/main/docs/runbooks"


class MonitoringConfig(Section):
    retention_days: int = Field(default=15, ge=1, le=365)
    scrape_interval_seconds: int = Field(default=30, ge=5, le=300)
    alert_emails: list[Email] = Field(
        default_factory=list,
        description="Shorthand for an email-only on-call receiver; use receivers and onCall for anything more.",
    )
    receivers: list[ReceiverConfig] = Field(default_factory=list, description="Alertmanager receivers.")
    on_call: ReceiverName | None = Field(default=None, description="Receiver paged for critical alerts.")
    platform_receiver: ReceiverName | None = Field(
        default=None,
        description="Receiver for the platform team's and unowned alerts. Default: the on-call receiver.",
    )
    smtp: SmtpConfig | None = Field(default=None, description="Mail relay; required by email receivers.")
    runbook_base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+[^/\s]$")] = Field(
        default=RUNBOOK_BASE_URL,
        description="Where docs/runbooks/ is published; every alert's runbook_url is <this>/<file>.",
    )
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)


class ApprovalConfig(Section):
    approved_by: Annotated[str, StringConstraints(min_length=1)]
    approved_at: dt.date
    ticket: Annotated[str, StringConstraints(min_length=1)]


class ModelConfig(Section):
    name: DnsLabel
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")]
    stage: Literal["development", "staging", "production", "archived"] = "production"
    owner: DnsLabel = Field(description="The declared team accountable for the model.")
    framework: Annotated[str, StringConstraints(min_length=1)]
    risk_class: RiskClass = Field(description="EU AI Act risk class.")
    serving: ServingMode
    dataset_version: Annotated[str, StringConstraints(min_length=1)]
    trained_by: Annotated[str, StringConstraints(min_length=1)]
    human_oversight: Email | None = Field(default=None, description="Required for high-risk models.")
    approval: ApprovalConfig | None = Field(default=None, description="Required for high-risk models.")
    log_retention_days: int = Field(default=190, ge=1, le=3650)
    drift: DriftConfig


class DrObjective(Section):
    rto_minutes: int = Field(ge=0)
    rpo_minutes: int = Field(ge=0)


class DrConfig(Section):
    """Continuity objectives per scenario (DESIGN §2); the defaults are the design's maxima."""

    region_outage: DrObjective = Field(default_factory=lambda: DrObjective(rto_minutes=240, rpo_minutes=60))
    model_corruption: DrObjective = Field(default_factory=lambda: DrObjective(rto_minutes=30, rpo_minutes=0))
    data_loss: DrObjective = Field(default_factory=lambda: DrObjective(rto_minutes=120, rpo_minutes=1440))
    human_deletion: DrObjective = Field(default_factory=lambda: DrObjective(rto_minutes=60, rpo_minutes=1440))


class BudgetConfig(Section):
    name: DnsLabel
    team: DnsLabel | None = Field(default=None, description="Scope the budget to one team's cost-allocation tag.")
    monthly_limit_usd: float = Field(gt=0)
    notify_at_percent: list[int] = Field(default_factory=lambda: [50, 80, 100])
    emails: list[Email] = Field(min_length=1)


IMAGE_DIGEST = re.compile(r"^[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}$")


def _digest_pinned_image(image: str) -> str:
    # A tag can be moved to other content; only a digest names what was reviewed and scanned.
    if not IMAGE_DIGEST.match(image):
        raise ValueError("must be pinned by digest: <registry>/<repository>[:<tag>]@sha256:<64 hex digits>")
    return image


# No drift job image has been published yet (no release workflow exists), so the default digest is an
# obvious placeholder, not an invented one: deploying for real needs `ai-platform:driftJobs.image` set to
# the digest your registry reports for the image built from drift_jobs/Dockerfile.
DRIFT_JOB_IMAGE = "ghcr.io/ai-platform/drift-job:0.1.0@sha256:" + "0" * 64


class DriftJobsConfig(Section):
    image: Annotated[str, AfterValidator(_digest_pinned_image)] = Field(
        default=DRIFT_JOB_IMAGE,
        description=(
            "The drift job image, pinned by digest (`image@sha256:...`). The default digest is a placeholder "
            "until the image is published: set the digest of the image you built from drift_jobs/Dockerfile."
        ),
    )


STORAGE_JOBS_IMAGE = "ghcr.io/ai-platform/storage-jobs:0.1.0@sha256:" + "0" * 64


class StorageJobsConfig(Section):
    image: Annotated[str, AfterValidator(_digest_pinned_image)] = Field(
        default=STORAGE_JOBS_IMAGE,
        description=(
            "The storage jobs image (bucket reconciler, restore verification), pinned by digest. The default "
            "digest is a placeholder until the image is published: set the digest of storage_jobs/Dockerfile's build."
        ),
    )


class AuditConfig(Section):
    trail_object_lock_days: int = Field(
        default=365, ge=1, le=3650, description="Compliance-mode retention of CloudTrail log files."
    )
    access_log_retention_days: int = Field(
        default=365, ge=1, le=3650, description="How long S3 server access logs are kept."
    )


class GateConfig(Section):
    fail_on: Severity | None = Field(
        default=None, description="Lowest blocking severity. Default: medium in prod, high elsewhere."
    )
    # The project's own registry only: a shared public registry (public.ecr.aws) lets anyone publish.
    allowed_registries: list[str] = Field(
        default_factory=lambda: ["ghcr.io/ai-platform/"],
        description="Image registry prefixes the kubernetes pack accepts.",
    )


AddonName = Literal["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"]
ADDON_NAMES: tuple[AddonName, ...] = (
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
)
AddonVersion = Annotated[str, StringConstraints(pattern=r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")]


@functools.cache
def default_addon_versions() -> dict[str, dict[str, str]]:
    """Per Kubernetes version, the pinned version of each EKS add-on (infra/config/data/addon_versions.yaml)."""
    path = Path(__file__).with_name("data") / "addon_versions.yaml"
    loaded: dict[str, dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


class AddonsConfig(Section):
    versions: dict[AddonName, AddonVersion] = Field(
        default_factory=dict,
        description="Per add-on version; default: infra/config/data/addon_versions.yaml for kubernetesVersion.",
    )


class PlatformConfig(Section):
    """Everything under the `ai-platform:` namespace of `stacks/Pulumi.<stack>.yaml`."""

    environment: Environment
    regions: list[RegionConfig] = Field(min_length=1)
    kubernetes_version: KubernetesVersion = "1.35"
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    cluster: ClusterConfig = Field(default_factory=ClusterConfig)
    node_pools: dict[PoolName, NodePoolConfig] = Field(
        min_length=1,
        description="Named node pools (1-20 characters); each has a role and an accelerator. "
        "At least one pool has role: system.",
    )
    storage: StorageConfig = Field(default_factory=StorageConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)
    teams: list[TeamConfig] = Field(min_length=1)
    models: list[ModelConfig] = Field(default_factory=list)
    addons: AddonsConfig = Field(default_factory=AddonsConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    drift_jobs: DriftJobsConfig = Field(default_factory=DriftJobsConfig)
    storage_jobs: StorageJobsConfig = Field(default_factory=StorageJobsConfig)
    dr: DrConfig = Field(default_factory=DrConfig)
    budgets: list[BudgetConfig] = Field(default_factory=list)
    gate: GateConfig = Field(default_factory=GateConfig)
    tags: dict[str, str] = Field(default_factory=dict, description="Extra tags on every taggable AWS resource.")

    @property
    def primary_region(self) -> RegionConfig:
        return next(r for r in self.regions if r.role == "primary")

    @property
    def nat_mode(self) -> Literal["single", "perAz"]:
        if self.network.nat_gateways is not None:
            return self.network.nat_gateways
        return "single" if self.environment == "dev" else "perAz"

    @property
    def deletion_protection(self) -> bool:
        if self.cluster.deletion_protection is not None:
            return self.cluster.deletion_protection
        return self.environment == "prod"

    @property
    def addon_versions(self) -> dict[str, str | None]:
        """The version of each add-on: the stack's override, else the default for kubernetesVersion (None: none)."""
        defaults = default_addon_versions().get(self.kubernetes_version, {})
        return {name: self.addons.versions.get(name, defaults.get(name)) for name in ADDON_NAMES}

    @property
    def fail_on(self) -> Severity:
        if self.gate.fail_on is not None:
            return self.gate.fail_on
        return "medium" if self.environment == "prod" else "high"


def required_drift_frequency(risk_class: RiskClass, serving: ServingMode) -> DriftFrequency:
    """DESIGN §2: real-time or high-risk models daily, batch weekly, low-risk models monthly."""
    if risk_class == "high" or serving == "realtime":
        return "daily"
    if risk_class == "minimal":
        return "monthly"
    return "weekly"


FREQUENCY_RANK: dict[DriftFrequency, int] = {"daily": 0, "weekly": 1, "monthly": 2}


def effective_drift_frequency(model: ModelConfig) -> DriftFrequency:
    return model.drift.frequency or required_drift_frequency(model.risk_class, model.serving)
