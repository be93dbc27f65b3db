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
