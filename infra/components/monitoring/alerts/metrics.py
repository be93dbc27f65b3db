"""The metric names the rules read, each checked at import against the source that defines it.

Drift-job metrics come from drift_jobs.contract.METRICS (a rename there fails here, at import, instead of
leaving an alert that never fires); the serving contract from names.py; the rest are exporters' documented
names: kube-state-metrics, kubelet, Prometheus itself, NVIDIA dcgm-exporter (etc/default-counters.csv; the
throttling and ECC counters are commented out there, so the DCGM exporter's counters file must enable them),
and the VPC CNI's ipamd (aws/amazon-vpc-cni-k8s pkg/ipamd metrics).
"""

from __future__ import annotations

from typing import Final

from drift_jobs import contract
from infra.components.monitoring import names


def _drift(name: str) -> str:
    if name not in contract.METRICS:
        raise KeyError(f"{name} is not a metric of the drift job's contract")
    return name


PSI: Final = _drift("model_drift_psi")
KS_STATISTIC: Final = _drift("model_drift_ks_statistic")
WASSERSTEIN_NORMALIZED: Final = _drift("model_drift_wasserstein_normalized")
MISSING_SHARE_CHANGE: Final = _drift("model_drift_missing_share_change")
FEATURE_STATUS: Final = _drift("model_drift_feature_status")
THRESHOLD: Final = _drift("model_drift_threshold")
SCHEMA_ISSUE: Final = _drift("model_drift_schema_issue")
DRIFTED_FEATURES_SHARE: Final = _drift("model_drift_drifted_features_share")
PERFORMANCE_RELATIVE_DROP: Final = _drift("model_performance_relative_drop")
LATENCY_RELATIVE_INCREASE: Final = _drift("model_latency_relative_increase")
LAST_SUCCESS: Final = _drift("drift_job_last_success_timestamp_seconds")

INFERENCE_REQUESTS: Final = names.INFERENCE_REQUESTS_METRIC

# kube-state-metrics (resource names are sanitised: nvidia.com/gpu -> nvidia_com_gpu).
KSM_JOB_FAILED: Final = "kube_job_failed"
KSM_JOB_OWNER: Final = "kube_job_owner"
KSM_CRONJOB_CREATED: Final = "kube_cronjob_created"
KSM_NODE_CONDITION: Final = "kube_node_status_condition"
KSM_NODE_CAPACITY: Final = "kube_node_status_capacity"
KSM_POD_PHASE: Final = "kube_pod_status_phase"
KSM_POD_REQUESTS: Final = "kube_pod_container_resource_requests"
GPU_RESOURCE: Final = "nvidia_com_gpu"

# kubelet
VOLUME_USED: Final = "kubelet_volume_stats_used_bytes"
VOLUME_CAPACITY: Final = "kubelet_volume_stats_capacity_bytes"

# dcgm-exporter
DCGM_XID: Final = "DCGM_FI_DEV_XID_ERRORS"
DCGM_ECC_DBE: Final = "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"
DCGM_ROW_REMAP_FAILURE: Final = "DCGM_FI_DEV_ROW_REMAP_FAILURE"
DCGM_THERMAL_VIOLATION: Final = "DCGM_FI_DEV_THERMAL_VIOLATION"
DCGM_POWER_VIOLATION: Final = "DCGM_FI_DEV_POWER_VIOLATION"
DCGM_FB_USED: Final = "DCGM_FI_DEV_FB_USED"
DCGM_FB_FREE: Final = "DCGM_FI_DEV_FB_FREE"
DCGM_GPU_UTIL: Final = "DCGM_FI_DEV_GPU_UTIL"
# The exporter's ServiceMonitor keeps honorLabels false (chart default), so the pod a GPU is allocated to
# arrives as exported_pod (pod is the exporter's own).
DCGM_POD_LABEL: Final = "exported_pod"

# VPC CNI (aws-node ipamd)
CNI_ASSIGNED: Final = "awscni_assigned_ip_addresses"
CNI_IP_MAX: Final = "awscni_ip_max"

# Cluster Autoscaler (kubernetes/autoscaler cluster-autoscaler/metrics/metrics.go, namespace cluster_autoscaler);
# its scrape job is the release's Service.
CA_SAFE_TO_AUTOSCALE: Final = "cluster_autoscaler_cluster_safe_to_autoscale"
CA_FAILED_SCALE_UPS: Final = "cluster_autoscaler_failed_scale_ups_total"
AUTOSCALER_JOB: Final = names.CLUSTER_AUTOSCALER_RELEASE

# Prometheus' own target health; kube-prometheus-stack names the API server's job "apiserver".
UP: Final = "up"
APISERVER_JOB: Final = "apiserver"
