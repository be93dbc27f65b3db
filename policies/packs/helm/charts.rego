package helm

import rego.v1

# The charts this pack can assess through their values: the ones the platform's roadmap installs.
# Kept to what was checked against each chart's published values.yaml and install instructions.
#   repositories: where the chart is installed from (`repositoryOpts.repo`, or the `oci://` prefix of
#                 `chart`); the same name from anywhere else is an unknown chart.
#   hostAccess:   value paths (dotted, list indexes as numbers) where a host-access or privilege flag
#                 is what the chart legitimately needs (node-exporter reads the host's network and
#                 process table).
#   registries:   image reference prefixes the chart's images come from; an image in the values
#                 that points anywhere else is denied.
charts := {
	"kube-prometheus-stack": {
		"repositories": ["https://prometheus-community.github.io/helm-charts", "oci://ghcr.io/prometheus-community/charts"],
		"hostAccess": ["prometheus-node-exporter.hostNetwork", "prometheus-node-exporter.hostPID"],
		"registries": ["quay.io/prometheus/", "quay.io/prometheus-operator/", "quay.io/kiwigrid/", "registry.k8s.io/kube-state-metrics/", "registry.k8s.io/ingress-nginx/", "docker.io/grafana/", "docker.io/bats/"],
	},
	"prometheus-pushgateway": {
		"repositories": ["https://prometheus-community.github.io/helm-charts", "oci://ghcr.io/prometheus-community/charts"],
		"hostAccess": [],
		"registries": ["quay.io/prometheus/"],
	},
	"nvidia-device-plugin": {
		"repositories": ["https://nvidia.github.io/k8s-device-plugin"],
		"hostAccess": [],
		"registries": ["nvcr.io/nvidia/"],
	},
	"dcgm-exporter": {
		"repositories": ["https://nvidia.github.io/dcgm-exporter/helm-charts"],
		"hostAccess": [],
		"registries": ["nvcr.io/nvidia/"],
	},
	"rook-ceph": {
		"repositories": ["https://charts.rook.io/release"],
		"hostAccess": [],
		"registries": ["docker.io/rook/", "quay.io/cephcsi/", "quay.io/csiaddons/", "registry.k8s.io/sig-storage/"],
	},
	"rook-ceph-cluster": {
		"repositories": ["https://charts.rook.io/release"],
		"hostAccess": [],
		"registries": ["quay.io/ceph/", "docker.io/rook/"],
	},
	"cert-manager": {
		"repositories": ["https://charts.jetstack.io"],
		"hostAccess": [],
		"registries": ["quay.io/jetstack/"],
	},
	"trust-manager": {
		"repositories": ["https://charts.jetstack.io"],
		"hostAccess": [],
		"registries": ["quay.io/jetstack/"],
	},
	"karpenter": {
		"repositories": ["oci://public.ecr.aws/karpenter"],
		"hostAccess": [],
		"registries": ["public.ecr.aws/karpenter/"],
	},
	"velero": {
		"repositories": ["https://vmware-tanzu.github.io/helm-charts"],
		"hostAccess": [],
		"registries": ["docker.io/velero/"],
	},
	"cluster-autoscaler": {
		"repositories": ["https://kubernetes.github.io/autoscaler"],
		"hostAccess": [],
		"registries": ["registry.k8s.io/autoscaling/"],
	},
	# minio/operator helm/operator 7.1.1 values.yaml: operator.image quay.io/minio/operator, sidecarImage
	# quay.io/minio/operator-sidecar; no host access (the Tenants it runs are native objects, not values).
	"operator": {
		"repositories": ["https://operator.min.io"],
		"hostAccess": [],
		"registries": ["quay.io/minio/"],
	},
}
