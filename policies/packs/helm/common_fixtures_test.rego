package helm

import rego.v1

# Compliant releases shared by the tests of this pack; each deny case breaks exactly one property.
# Helper names start with fx_ so that they never collide with a rule's local variables.

# Engine-neutral edit: regopy's object.union is shallow, so fixtures replace a whole property.
fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

fx_urn := "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::monitoring"

good_release := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": fx_urn,
	"__name": "monitoring",
	"chart": "kube-prometheus-stack",
	"version": "65.1.0",
	"repositoryOpts": {"repo": "https://prometheus-community.github.io/helm-charts"},
	"namespace": "monitoring",
	"values": {
		"prometheus-node-exporter": {"hostNetwork": true, "hostPID": true},
		"prometheus": {"prometheusSpec": {"image": {"registry": "quay.io", "repository": "prometheus/prometheus", "tag": "v3.0.0"}}},
		"grafana": {"image": {"repository": "grafana/grafana"}, "securityContext": {"allowPrivilegeEscalation": false}},
	},
}

good_karpenter := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::karpenter",
	"__name": "karpenter",
	"chart": "oci://public.ecr.aws/karpenter/karpenter",
	"version": "1.1.0",
	"values": {"controller": {"image": {"repository": "public.ecr.aws/karpenter/controller"}}},
}

good_dcgm := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::dcgm",
	"__name": "dcgm",
	"chart": "dcgm-exporter",
	"version": "4.1.1",
	"repositoryOpts": {"repo": "https://nvidia.github.io/dcgm-exporter/helm-charts/"},
	"values": {"image": {"registry": "nvcr.io", "repository": "nvidia/k8s/dcgm-exporter"}},
}

# The device plugin as device_plugin.py declares it (values/nvidia-device-plugin.yaml, placement from config).
good_device_plugin := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::device-plugin",
	"__name": "device-plugin",
	"chart": "nvidia-device-plugin",
	"version": "0.20.0",
	"repositoryOpts": {"repo": "https://nvidia.github.io/k8s-device-plugin"},
	"namespace": "node-agents",
	"values": {
		"image": {"repository": "nvcr.io/nvidia/k8s-device-plugin", "tag": "v0.20.0"},
		"gfd": {"enabled": false},
		"nfd": {"enabled": false},
		"nodeSelector": {"nvidia.com/gpu.present": "true"},
		"tolerations": [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
		"config": {"map": {"default": "version: v1\n", "gpu": "version: v1\n"}, "default": "default"},
	},
}

fx_values(doc, values) := fx_set(doc, "values", values)

# cert-manager and trust-manager as infra/components/security/pki/component.py declares them.
good_cert_manager := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::pki-cert-manager",
	"__name": "pki-cert-manager",
	"chart": "cert-manager",
	"version": "v1.21.1",
	"repositoryOpts": {"repo": "https://charts.jetstack.io"},
	"namespace": "cert-manager",
	"values": {"crds": {"enabled": true, "keep": true}, "prometheus": {"servicemonitor": {"enabled": true}}},
}

good_trust_manager := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::pki-trust-manager",
	"__name": "pki-trust-manager",
	"chart": "trust-manager",
	"version": "v0.24.0",
	"repositoryOpts": {"repo": "https://charts.jetstack.io"},
	"namespace": "cert-manager",
	"values": {"crds": {"enabled": true}, "app": {"trust": {"namespace": "cert-manager"}}},
}
