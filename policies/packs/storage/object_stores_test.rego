package storage

import rego.v1

# One test per fixture (object_stores_fixtures_test.rego); deny cases count their messages.

test_deny_object_store_without_tls_allow_ceph_secure_port if {
	count(deny_object_store_without_tls) == 0 with input as fixtures.deny_object_store_without_tls_allow_ceph_secure_port
}

test_deny_object_store_without_tls_allow_minio_external_cert if {
	count(deny_object_store_without_tls) == 0 with input as fixtures.deny_object_store_without_tls_allow_minio_external_cert
}

test_deny_object_store_without_tls_allow_minio_autocert if {
	count(deny_object_store_without_tls) == 0 with input as fixtures.deny_object_store_without_tls_allow_minio_autocert
}

test_deny_object_store_without_tls_allow_ceph_port_zero if {
	count(deny_object_store_without_tls) == 0 with input as fixtures.deny_object_store_without_tls_allow_ceph_port_zero
}

test_deny_object_store_without_tls_deny_ceph_plain_port if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_ceph_plain_port
}

test_deny_object_store_without_tls_deny_ceph_no_certificate if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_ceph_no_certificate
}

test_deny_object_store_without_tls_deny_ceph_both_ports if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_ceph_both_ports
}

test_deny_object_store_without_tls_deny_ceph_secret_gateway if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_ceph_secret_gateway
}

test_deny_object_store_without_tls_deny_minio_no_tls if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_minio_no_tls
}

test_deny_object_store_without_tls_deny_minio_autocert_unset if {
	count(deny_object_store_without_tls) > 0 with input as fixtures.deny_object_store_without_tls_deny_minio_autocert_unset
}

test_deny_ceph_pool_size_one_allow_resilient if {
	count(deny_ceph_pool_size_one) == 0 with input as fixtures.deny_ceph_pool_size_one_allow_resilient
}

test_deny_ceph_pool_size_one_allow_replicated_two if {
	count(deny_ceph_pool_size_one) == 0 with input as fixtures.deny_ceph_pool_size_one_allow_replicated_two
}

test_deny_ceph_pool_size_one_deny_metadata_size_one if {
	count(deny_ceph_pool_size_one) > 0 with input as fixtures.deny_ceph_pool_size_one_deny_metadata_size_one
}

test_deny_ceph_pool_size_one_deny_size_one_as_text if {
	count(deny_ceph_pool_size_one) > 0 with input as fixtures.deny_ceph_pool_size_one_deny_size_one_as_text
}

test_deny_ceph_pool_size_one_deny_unknown_size if {
	count(deny_ceph_pool_size_one) > 0 with input as fixtures.deny_ceph_pool_size_one_deny_unknown_size
}

test_deny_ceph_pool_size_one_deny_no_coding_chunks if {
	count(deny_ceph_pool_size_one) > 0 with input as fixtures.deny_ceph_pool_size_one_deny_no_coding_chunks
}

test_deny_ceph_pool_size_one_deny_block_pool if {
	count(deny_ceph_pool_size_one) > 0 with input as fixtures.deny_ceph_pool_size_one_deny_block_pool
}

test_stack_deny_ceph_pools_not_resilient_in_prod_allow_erasure_coded if {
	count(stack_deny_ceph_pools_not_resilient_in_prod) == 0 with input as fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_erasure_coded
}

test_stack_deny_ceph_pools_not_resilient_in_prod_allow_staging_replicated if {
	count(stack_deny_ceph_pools_not_resilient_in_prod) == 0 with input as fixtures.stack_deny_ceph_pools_not_resilient_in_prod_allow_staging_replicated
}

test_stack_deny_ceph_pools_not_resilient_in_prod_deny_replicated_data if {
	count(stack_deny_ceph_pools_not_resilient_in_prod) > 0 with input as fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_replicated_data
}

test_stack_deny_ceph_pools_not_resilient_in_prod_deny_metadata_two if {
	count(stack_deny_ceph_pools_not_resilient_in_prod) > 0 with input as fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_metadata_two
}

test_stack_deny_ceph_pools_not_resilient_in_prod_deny_unreadable_profile if {
	count(stack_deny_ceph_pools_not_resilient_in_prod) > 0 with input as fixtures.stack_deny_ceph_pools_not_resilient_in_prod_deny_unreadable_profile
}

test_stack_deny_ceph_mons_below_three_in_prod_allow_three if {
	count(stack_deny_ceph_mons_below_three_in_prod) == 0 with input as fixtures.stack_deny_ceph_mons_below_three_in_prod_allow_three
}

test_stack_deny_ceph_mons_below_three_in_prod_allow_dev_one if {
	count(stack_deny_ceph_mons_below_three_in_prod) == 0 with input as fixtures.stack_deny_ceph_mons_below_three_in_prod_allow_dev_one
}

test_stack_deny_ceph_mons_below_three_in_prod_deny_one if {
	count(stack_deny_ceph_mons_below_three_in_prod) > 0 with input as fixtures.stack_deny_ceph_mons_below_three_in_prod_deny_one
}

test_stack_deny_ceph_mons_below_three_in_prod_deny_count_missing if {
	count(stack_deny_ceph_mons_below_three_in_prod) > 0 with input as fixtures.stack_deny_ceph_mons_below_three_in_prod_deny_count_missing
}

test_stack_deny_ceph_pools_not_preserved_in_prod_allow_preserved if {
	count(stack_deny_ceph_pools_not_preserved_in_prod) == 0 with input as fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_preserved
}

test_stack_deny_ceph_pools_not_preserved_in_prod_allow_dev if {
	count(stack_deny_ceph_pools_not_preserved_in_prod) == 0 with input as fixtures.stack_deny_ceph_pools_not_preserved_in_prod_allow_dev
}

test_stack_deny_ceph_pools_not_preserved_in_prod_deny_absent if {
	count(stack_deny_ceph_pools_not_preserved_in_prod) > 0 with input as fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_absent
}

test_stack_deny_ceph_pools_not_preserved_in_prod_deny_text_true if {
	count(stack_deny_ceph_pools_not_preserved_in_prod) > 0 with input as fixtures.stack_deny_ceph_pools_not_preserved_in_prod_deny_text_true
}

test_stack_warn_minio_in_prod_allow_dev if {
	count(stack_warn_minio_in_prod) == 0 with input as fixtures.stack_warn_minio_in_prod_allow_dev
}

test_stack_warn_minio_in_prod_allow_prod_ceph if {
	count(stack_warn_minio_in_prod) == 0 with input as fixtures.stack_warn_minio_in_prod_allow_prod_ceph
}

test_stack_warn_minio_in_prod_deny_prod_tenant if {
	count(stack_warn_minio_in_prod) > 0 with input as fixtures.stack_warn_minio_in_prod_deny_prod_tenant
}

test_stack_warn_minio_in_prod_deny_prod_profile_minio if {
	count(stack_warn_minio_in_prod) > 0 with input as fixtures.stack_warn_minio_in_prod_deny_prod_profile_minio
}
