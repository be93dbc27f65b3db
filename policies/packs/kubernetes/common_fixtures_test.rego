package kubernetes_admission

import rego.v1

# Compliant objects shared by this pack's fixtures; each deny case breaks exactly one property.
# Helper names start with fx_ so that they never collide with a rule's local variables.

fx_parameters := {"allowedRegistries": ["ghcr.io/ai-platform/", "registry.k8s.io/"]}

fx_review(obj) := {
	"review": {
		"kind": {"group": "", "version": "v1", "kind": obj.kind},
		"operation": "CREATE",
		"namespace": object.get(object.get(obj, "metadata", {}), "namespace", ""),
		"object": obj,
	},
	"parameters": fx_parameters,
}

fx_container := {
	"name": "server",
	"image": "ghcr.io/ai-platform/model-server:1.4.2",
	"ports": [{"containerPort": 8080}],
	"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
	"livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
	"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
	"securityContext": {
		"allowPrivilegeEscalation": false,
		"readOnlyRootFilesystem": true,
		"runAsNonRoot": true,
		"capabilities": {"drop": ["ALL"]},
	},
}

fx_pod_spec := {
	"automountServiceAccountToken": false,
	"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
	"containers": [fx_container],
}

# Engine-neutral edits: regopy's object.union is shallow where OPA's (and regorus') merges nested
# objects, so fixtures only ever union objects whose keys do not overlap.
fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

fx_merge(obj, changes) := object.union(object.remove(obj, object.keys(changes)), changes)

fx_with_security(container, changes) := fx_set(container, "securityContext", fx_merge(container.securityContext, changes))

fx_spec_with_containers(containers) := fx_set(fx_pod_spec, "containers", containers)

fx_deployment(pod_spec) := fx_annotated_deployment(pod_spec, {})

fx_annotated_deployment(pod_spec, annotations) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "fraud-scoring", "namespace": "ai-models"},
	"spec": {
		"replicas": 2,
		"selector": {"matchLabels": {"app": "fraud-scoring"}},
		"template": {"metadata": {"labels": {"app": "fraud-scoring"}, "annotations": annotations}, "spec": pod_spec},
	},
}

fx_cron_job(pod_spec) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "drift-fraud-scoring", "namespace": "ai-models"},
	"spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec}}}},
}

fx_pod(pod_spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "ai-models"}, "spec": pod_spec}

fx_good_deployment := fx_review(fx_deployment(fx_pod_spec))

fx_deployment_with_container(container) := fx_review(fx_deployment(fx_spec_with_containers([container])))

fx_namespace(labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ai-models", "labels": labels}}

fx_restricted_labels := {"pod-security.kubernetes.io/enforce": "restricted"}

fx_quota := {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "team", "namespace": "ai-models"}, "spec": {"hard": {"pods": "100"}}}

fx_default_deny := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "NetworkPolicy",
	"metadata": {"name": "default-deny", "namespace": "ai-models"},
	"spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
}

fx_inventory(objects) := {"namespace": {"ai-models": {api_version: by_kind |
	some object_entry in objects
	api_version := object_entry.apiVersion
	by_kind := {k: by_name |
		some same_api in objects
		same_api.apiVersion == api_version
		k := same_api.kind
		by_name := {n: item | some item in objects; item.apiVersion == api_version; item.kind == k; n := item.metadata.name}
	}
}}}
