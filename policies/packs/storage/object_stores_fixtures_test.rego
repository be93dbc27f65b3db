package storage

import rego.v1

fixtures.deny_object_store_without_tls_allow_ceph_secure_port := fx_object_store

fixtures.deny_object_store_without_tls_allow_minio_external_cert := fx_tenant

fixtures.deny_object_store_without_tls_allow_minio_autocert := fx_set(fx_tenant, "spec", {"requestAutoCert": true, "pools": []})

# port 0 opens no listener.
fixtures.deny_object_store_without_tls_allow_ceph_port_zero := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "gateway", {"port": 0, "securePort": 443, "sslCertificateRef": "ai-platform-rgw-tls"}))

fixtures.deny_object_store_without_tls_deny_ceph_plain_port := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "gateway", {"port": 80, "instances": 2}))

fixtures.deny_object_store_without_tls_deny_ceph_no_certificate := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "gateway", {"securePort": 443}))

# TLS, but a plain listener beside it.
fixtures.deny_object_store_without_tls_deny_ceph_both_ports := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "gateway", {"port": 80, "securePort": 443, "sslCertificateRef": "ai-platform-rgw-tls"}))

fixtures.deny_object_store_without_tls_deny_ceph_secret_gateway := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "gateway", "[secret]"))

fixtures.deny_object_store_without_tls_deny_minio_no_tls := fx_set(fx_tenant, "spec", {"requestAutoCert": false, "pools": []})

fixtures.deny_object_store_without_tls_deny_minio_autocert_unset := fx_set(fx_tenant, "spec", {"pools": []})

fixtures.deny_ceph_pool_size_one_allow_resilient := fx_object_store

fixtures.deny_ceph_pool_size_one_allow_replicated_two := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": 2}}))

fixtures.deny_ceph_pool_size_one_deny_metadata_size_one := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "metadataPool", {"replicated": {"size": 1}}))

fixtures.deny_ceph_pool_size_one_deny_size_one_as_text := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": "1"}}))

fixtures.deny_ceph_pool_size_one_deny_unknown_size := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}))

fixtures.deny_ceph_pool_size_one_deny_no_coding_chunks := fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "dataPool", {"erasureCoded": {"dataChunks": 2, "codingChunks": 0}}))

# Anywhere in any Rook object: a CephBlockPool.
fixtures.deny_ceph_pool_size_one_deny_block_pool := {
	"__type": "kubernetes:ceph.rook.io/v1:CephBlockPool",
	"__urn": fx_urn("prod", "kubernetes:ceph.rook.io/v1:CephBlockPool", "prod-eu-west-1-k8s-ceph-block"),
	"__name": "prod-eu-west-1-k8s-ceph-block",
	"metadata": {"name": "replicapool", "namespace": "rook-ceph"},
	"spec": {"replicated": {"size": 1, "requireSafeReplicaSize": false}},
}

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_erasure_coded := fx_good_prod_stack

# Replicated data is fine outside prod.
fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_staging_replicated := {"resources": [
	fx_profile("staging", fx_profile_document("staging", "ceph")),
	fx_set(fx_set(fx_object_store, "__urn", fx_urn("staging", "kubernetes:ceph.rook.io/v1:CephObjectStore", "staging-os")), "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": 2}})),
]}

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_replicated_data := fx_prod_stack_with(fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": 3}})))

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_metadata_two := fx_prod_stack_with(fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "metadataPool", {"replicated": {"size": 2}})))

# An unreadable profile counts as prod.
fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_unreadable_profile := {"resources": [
	fx_set(fx_set(fx_prod_profile, "__urn", fx_urn("staging", "kubernetes:core/v1:ConfigMap", "p")), "data", {"profile.json": "[secret]"}),
	fx_set(fx_set(fx_object_store, "__urn", fx_urn("staging", "kubernetes:ceph.rook.io/v1:CephObjectStore", "os")), "spec", fx_set(fx_object_store.spec, "dataPool", {"replicated": {"size": 2}})),
]}

fixtures.stack_deny_ceph_mons_below_three_in_prod_allow_three := fx_good_prod_stack

fixtures.stack_deny_ceph_mons_below_three_in_prod_allow_dev_one := {"resources": [
	fx_profile("dev", fx_profile_document("dev", "ceph")),
	fx_set(fx_set(fx_ceph_cluster, "__urn", fx_urn("dev", "kubernetes:ceph.rook.io/v1:CephCluster", "dev-c")), "spec", {"mon": {"count": 1}}),
]}

fixtures.stack_deny_ceph_mons_below_three_in_prod_deny_one := fx_prod_stack_with(fx_set(fx_ceph_cluster, "spec", {"mon": {"count": 1}}))

fixtures.stack_deny_ceph_mons_below_three_in_prod_deny_count_missing := fx_prod_stack_with(fx_set(fx_ceph_cluster, "spec", {}))

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_preserved := fx_good_prod_stack

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_dev := {"resources": [
	fx_profile("dev", fx_profile_document("dev", "ceph")),
	fx_set(fx_set(fx_object_store, "__urn", fx_urn("dev", "kubernetes:ceph.rook.io/v1:CephObjectStore", "dev-os")), "spec", object.remove(fx_object_store.spec, ["preservePoolsOnDelete"])),
]}

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_absent := fx_prod_stack_with(fx_set(fx_object_store, "spec", object.remove(fx_object_store.spec, ["preservePoolsOnDelete"])))

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_text_true := fx_prod_stack_with(fx_set(fx_object_store, "spec", fx_set(fx_object_store.spec, "preservePoolsOnDelete", "true")))

fixtures.stack_warn_minio_in_prod_allow_dev := {"resources": [fx_dev_profile, fx_tenant]}

fixtures.stack_warn_minio_in_prod_allow_prod_ceph := fx_good_prod_stack

fixtures.stack_warn_minio_in_prod_deny_prod_tenant := {"resources": [fx_prod_profile, fx_tenant]}

fixtures.stack_warn_minio_in_prod_deny_prod_profile_minio := {"resources": [fx_profile("prod", fx_profile_document("prod", "minio"))]}

# --- a store on shared pools (CephBlockPools), as the program plans it: one default placement with a COLD
# storage class on its own pool; prod's pools protected in Pulumi.

fx_block_pool(name, spec, protect) := {
	"__type": "kubernetes:ceph.rook.io/v1:CephBlockPool",
	"__urn": fx_urn("prod", "kubernetes:ceph.rook.io/v1:CephBlockPool", concat("", ["prod-eu-west-1-k8s-ceph-pool-", name])),
	"__name": concat("", ["prod-eu-west-1-k8s-ceph-pool-", name]),
	"__provider": fx_provider,
	"__options": {"parent": "", "protect": protect, "dependsOn": [], "provider": fx_provider},
	"apiVersion": "ceph.rook.io/v1",
	"kind": "CephBlockPool",
	"metadata": {"name": name, "namespace": "rook-ceph"},
	"spec": spec,
}

fx_replicated_three := {"failureDomain": "zone", "replicated": {"size": 3}, "deviceClass": "ssd", "application": "rgw"}

fx_erasure_coded(device_class) := {"failureDomain": "zone", "erasureCoded": {"dataChunks": 2, "codingChunks": 1}, "deviceClass": device_class, "application": "rgw"}

fx_shared_pools := {
	"preserveRadosNamespaceDataOnDelete": true,
	"poolPlacements": [{
		"name": "default-placement",
		"default": true,
		"metadataPoolName": "ai-platform-meta",
		"dataPoolName": "ai-platform-data",
		"storageClasses": [{"name": "COLD", "dataPoolName": "ai-platform-data-cold"}],
	}],
}

fx_shared_store := fx_set(fx_object_store, "spec", fx_set(object.remove(fx_object_store.spec, ["dataPool", "metadataPool", "preservePoolsOnDelete"]), "sharedPools", fx_shared_pools))

fx_shared_store_with(shared) := fx_set(fx_shared_store, "spec", fx_set(fx_shared_store.spec, "sharedPools", shared))

fx_placement_with(key, value) := fx_set(fx_shared_pools, "poolPlacements", [fx_set(fx_shared_pools.poolPlacements[0], key, value)])

fx_pools(meta, hot, cold, protect) := [
	fx_block_pool("rgw-root", object.union(fx_replicated_three, {"name": ".rgw.root"}), protect),
	fx_block_pool("ai-platform-meta", meta, protect),
	fx_block_pool("ai-platform-data", hot, protect),
	fx_block_pool("ai-platform-data-cold", cold, protect),
]

fx_good_pools := fx_pools(fx_replicated_three, fx_erasure_coded("ssd"), fx_erasure_coded("hdd"), true)

fx_shared_prod_stack(store, pools) := {"resources": array.concat([fx_prod_profile, fx_ceph_cluster, store], pools)}

fixtures.deny_ceph_pool_size_one_allow_block_pools := fx_good_pools[2]

fixtures.deny_ceph_pool_size_one_deny_cold_block_pool_one_copy := fx_block_pool("ai-platform-data-cold", {"replicated": {"size": 1}, "deviceClass": "hdd"}, true)

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_shared_pools := fx_shared_prod_stack(fx_shared_store, fx_good_pools)

# The cold class's pool is judged only for a single copy: replicated twice is its owner's choice.
fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_shared_cold_replicated := fx_shared_prod_stack(fx_shared_store, fx_pools(fx_replicated_three, fx_erasure_coded("ssd"), {"replicated": {"size": 2}}, true))

# Named by spec.name (.rgw.root style) rather than metadata.name.
fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_shared_pool_by_spec_name := fx_shared_prod_stack(
	fx_shared_store_with(fx_placement_with("metadataPoolName", ".rgw.root")),
	fx_good_pools,
)

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_hot_data_replicated := fx_shared_prod_stack(fx_shared_store, fx_pools(fx_replicated_three, fx_replicated_three, fx_erasure_coded("hdd"), true))

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_metadata_two := fx_shared_prod_stack(fx_shared_store, fx_pools({"replicated": {"size": 2}}, fx_erasure_coded("ssd"), fx_erasure_coded("hdd"), true))

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_pool_not_declared := fx_shared_prod_stack(fx_shared_store_with(fx_placement_with("dataPoolName", "elsewhere")), fx_good_pools)

# The same names in another cluster's plan do not count.
fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_pools_of_another_cluster := fx_shared_prod_stack(
	fx_set(fx_shared_store, "__provider", "urn:pulumi:prod::ai-platform::pulumi:providers:kubernetes::k8s-us-east-1::1c5d-provider"),
	fx_good_pools,
)

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_pool_name_unknown := fx_shared_prod_stack(fx_shared_store_with(fx_placement_with("dataPoolName", "04da6b54-80e4-46f7-96ec-b56ff0331ba9")), fx_good_pools)

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_pools_secret := fx_shared_prod_stack(fx_shared_store_with("[secret]"), fx_good_pools)

fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_shared_placement_secret := fx_shared_prod_stack(fx_shared_store_with(fx_set(fx_shared_pools, "poolPlacements", ["[secret]"])), fx_good_pools)

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_shared_protected := fx_shared_prod_stack(fx_shared_store, fx_good_pools)

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_staging_unprotected := {"resources": array.concat(
	[
		fx_profile("staging", fx_profile_document("staging", "ceph")),
		fx_set(fx_set(fx_shared_store, "__urn", fx_urn("staging", "kubernetes:ceph.rook.io/v1:CephObjectStore", "staging-os")), "spec", fx_set(fx_shared_store.spec, "sharedPools", object.remove(fx_shared_pools, ["preserveRadosNamespaceDataOnDelete"]))),
	],
	[fx_set(p, "__urn", fx_urn("staging", "kubernetes:ceph.rook.io/v1:CephBlockPool", p.__name)) | some p in fx_pools(fx_replicated_three, fx_replicated_three, fx_replicated_three, false)],
)}

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_shared_pool_unprotected := fx_shared_prod_stack(fx_shared_store, fx_pools(fx_replicated_three, fx_erasure_coded("ssd"), fx_erasure_coded("hdd"), false))

# Only the cold class's pool unprotected.
fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_shared_cold_pool_unprotected := fx_shared_prod_stack(fx_shared_store, array.concat(
	array.slice(fx_good_pools, 0, 3),
	[fx_block_pool("ai-platform-data-cold", fx_erasure_coded("hdd"), false)],
))

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_shared_namespaces_not_preserved := fx_shared_prod_stack(fx_shared_store_with(object.remove(fx_shared_pools, ["preserveRadosNamespaceDataOnDelete"])), fx_good_pools)

fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_shared_protect_unknown := fx_shared_prod_stack(fx_shared_store, [object.remove(p, ["__options"]) | some p in fx_good_pools])
