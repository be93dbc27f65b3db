package storage

import rego.v1

# Compliant objects shared by this pack's fixtures, in the shapes of issue 10's interfaces: a prod cluster's
# CephCluster and CephObjectStore, a dev MinIO Tenant, the bucket contract ConfigMap
# (storage_jobs.contract.BucketContract as JSON) and the platform profile with its storage section. Each deny
# case breaks one property. Helper names start with fx_.

fx_set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

fx_provider := "urn:pulumi:prod::ai-platform::ai-platform:region:RegionalPlatform$pulumi:providers:kubernetes::k8s-eu-west-1::0b4c-provider"

fx_urn(stack, type_name, name) := concat("", ["urn:pulumi:", stack, "::ai-platform::ai-platform:in-cluster:InCluster$", type_name, "::", name])

fx_object_store := {
	"__type": "kubernetes:ceph.rook.io/v1:CephObjectStore",
	"__urn": fx_urn("prod", "kubernetes:ceph.rook.io/v1:CephObjectStore", "prod-eu-west-1-k8s-ceph-object-store"),
	"__name": "prod-eu-west-1-k8s-ceph-object-store",
	"__provider": fx_provider,
	"apiVersion": "ceph.rook.io/v1",
	"kind": "CephObjectStore",
	"metadata": {"name": "ai-platform", "namespace": "rook-ceph"},
	"spec": {
		"metadataPool": {"failureDomain": "zone", "replicated": {"size": 3}},
		"dataPool": {"failureDomain": "zone", "erasureCoded": {"dataChunks": 2, "codingChunks": 1}},
		"preservePoolsOnDelete": true,
		"gateway": {"securePort": 443, "sslCertificateRef": "ai-platform-rgw-tls", "instances": 2},
	},
}

fx_ceph_cluster := {
	"__type": "kubernetes:ceph.rook.io/v1:CephCluster",
	"__urn": fx_urn("prod", "kubernetes:ceph.rook.io/v1:CephCluster", "prod-eu-west-1-k8s-ceph-cluster"),
	"__name": "prod-eu-west-1-k8s-ceph-cluster",
	"__provider": fx_provider,
	"apiVersion": "ceph.rook.io/v1",
	"kind": "CephCluster",
	"metadata": {"name": "rook-ceph", "namespace": "rook-ceph"},
	"spec": {"mon": {"count": 3, "allowMultiplePerNode": false}},
}

fx_tenant := {
	"__type": "kubernetes:minio.min.io/v2:Tenant",
	"__urn": fx_urn("dev", "kubernetes:minio.min.io/v2:Tenant", "dev-eu-west-1-k8s-minio-tenant"),
	"__name": "dev-eu-west-1-k8s-minio-tenant",
	"__provider": fx_provider,
	"apiVersion": "minio.min.io/v2",
	"kind": "Tenant",
	"metadata": {"name": "ai-platform", "namespace": "object-store"},
	"spec": {
		"requestAutoCert": false,
		"externalCertSecret": [{"name": "ai-platform-tls", "type": "cert-manager.io/v1"}],
		"pools": [{"name": "pool-0", "servers": 4, "volumesPerServer": 1}],
	},
}

fx_profile_document(environment, backend) := {
	"environment": environment,
	"stack": environment,
	"storage": {"backend": backend, "backup": {"retentionDays": 35, "objectLockDays": 30, "everyHours": 24, "verifyEveryHours": 24}},
}

fx_profile(stack, document) := {
	"__type": "kubernetes:core/v1:ConfigMap",
	"__urn": fx_urn(stack, "kubernetes:core/v1:ConfigMap", concat("", [stack, "-eu-west-1-k8s-profile"])),
	"__name": concat("", [stack, "-eu-west-1-k8s-profile"]),
	"__provider": fx_provider,
	"metadata": {"name": "ai-platform-profile", "namespace": "ai-platform-system"},
	"data": {"profile.json": json.marshal(document)},
}

fx_prod_profile := fx_profile("prod", fx_profile_document("prod", "ceph"))

fx_dev_profile := fx_profile("dev", fx_profile_document("dev", "minio"))

fx_rule(id, expiration, noncurrent) := {
	"id": id,
	"prefix": "",
	"transition_days": null,
	"storage_class": null,
	"expiration_days": expiration,
	"noncurrent_expiration_days": noncurrent,
	"abort_multipart_days": 7,
}

fx_bucket(purpose, lock, rules) := {
	"name": concat("", ["ai-platform-prod-eu-west-1-", purpose]),
	"purpose": purpose,
	"versioning": true,
	"object_lock": lock,
	"lifecycle": rules,
	"grants": [{"user": "bucket-admin", "access": ["list", "read", "write"], "prefixes": [""]}],
}

fx_backups_bucket := fx_bucket("backups", {"mode": "COMPLIANCE", "days": 30}, [fx_rule("expire", 35, 35)])

fx_logs_bucket := fx_bucket("inference-logs", null, [fx_rule("expire", 190, 7)])

fx_buckets := [
	fx_bucket("datasets", null, [fx_rule("noncurrent", null, 90)]),
	fx_bucket("models", null, [fx_rule("noncurrent", null, 365)]),
	fx_logs_bucket,
	fx_bucket("drift-reports", null, [fx_rule("expire", 730, 30)]),
	fx_backups_bucket,
]

fx_contract_map_of(document_text) := {
	"__type": "kubernetes:core/v1:ConfigMap",
	"__urn": fx_urn("prod", "kubernetes:core/v1:ConfigMap", "prod-eu-west-1-k8s-buckets"),
	"__name": "prod-eu-west-1-k8s-buckets",
	"__provider": fx_provider,
	"metadata": {"name": "ai-platform-buckets", "namespace": "ai-platform-storage", "labels": {"ai-platform/bucket-contract": "true"}},
	"data": {"contract.json": document_text},
}

fx_contract_map(buckets) := fx_contract_map_of(json.marshal({"version": 1, "backend": "ceph", "buckets": buckets}))

fx_contract := fx_contract_map(fx_buckets)

# fx_buckets with the bucket of `purpose` replaced.
fx_buckets_with(purpose, bucket) := [b | some original in fx_buckets; b := fx_pick(original, purpose, bucket)]

fx_pick(original, purpose, bucket) := bucket if original.purpose == purpose

fx_pick(original, purpose, _) := original if original.purpose != purpose

fx_good_prod_stack := {"resources": [fx_prod_profile, fx_ceph_cluster, fx_object_store, fx_contract]}

fx_prod_stack_with(resource) := {"resources": [fx_prod_profile, resource]}
