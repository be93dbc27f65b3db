package storage

import rego.v1

ceph_object_store_type := "kubernetes:ceph.rook.io/v1:CephObjectStore"

ceph_cluster_type := "kubernetes:ceph.rook.io/v1:CephCluster"

minio_tenant_type := "kubernetes:minio.min.io/v2:Tenant"

# METADATA
# title: Object stores serve S3 over TLS only
# description: >-
#   A Rook CephObjectStore's gateway must have a securePort and an sslCertificateRef, and no plain `port`
#   (Rook then opens no HTTP listener). A MinIO Tenant must have an externalCertSecret (a cert-manager
#   certificate) or requestAutoCert true (the operator's autocert). Object keys, model artefacts and
#   credentials otherwise cross the network in clear text. Secret or unknown values fail closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:SC-8, NIST-800-53:SC-13, ISO-27001:A.8.24, CIS-EKS-5.4.5]
#   message: >-
#     Set spec.gateway.securePort and spec.gateway.sslCertificateRef (a cert-manager Certificate's Secret) and
#     remove spec.gateway.port on the CephObjectStore; on a Tenant set externalCertSecret to the Secret of a
#     cert-manager Certificate issued by the platform CA.
deny_object_store_without_tls contains msg if {
	input.__type == ceph_object_store_type
	gateway := as_object(object.get(spec_of(input), "gateway", {}))
	not gateway_tls(gateway)
	msg := concat("", ["CephObjectStore ", resource_name(input), ": the gateway has no securePort with an sslCertificateRef"])
}

deny_object_store_without_tls contains msg if {
	input.__type == ceph_object_store_type
	gateway := as_object(object.get(spec_of(input), "gateway", {}))
	plain_port(object.get(gateway, "port", null))
	msg := concat("", ["CephObjectStore ", resource_name(input), ": the gateway also listens on a plain HTTP port (spec.gateway.port)"])
}

deny_object_store_without_tls contains msg if {
	input.__type == minio_tenant_type
	not tenant_tls(spec_of(input))
	msg := concat("", ["Tenant ", resource_name(input), ": neither externalCertSecret nor requestAutoCert: true, MinIO serves plain HTTP"])
}

gateway_tls(gateway) if {
	as_int(object.get(gateway, "securePort", null)) > 0
	ref := object.get(gateway, "sslCertificateRef", null)
	is_string(ref)
	ref != ""
	ref != "[secret]"
}

# Absent, null or 0 is no listener; anything else (a number, a secret, the unknown sentinel) may be one.
plain_port(port) if {
	port != null
	not as_int(port) == 0
}

tenant_tls(spec) if object.get(spec, "requestAutoCert", null) == true

tenant_tls(spec) if {
	some entry in as_array(object.get(spec, "externalCertSecret", []))
	name := object.get(as_object(entry), "name", null)
	is_string(name)
	name != ""
	name != "[secret]"
}

# METADATA
# title: No Ceph pool keeps a single copy
# description: >-
#   Any replicated pool of a Rook object (CephObjectStore data and metadata pools, CephBlockPool,
#   CephFilesystem pools, anywhere in the spec) with size 1, and any erasure-coded pool without coding chunks,
#   loses data with one disk. Sizes that are secret or unknown fail closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:CP-10, ISO-27001:A.8.13, ISO-27001:A.8.14]
#   message: >-
#     Give the pool replicated.size >= 2 (3 in prod) or erasureCoded with codingChunks >= 1.
deny_ceph_pool_size_one contains msg if {
	startswith(object.get(input, "__type", ""), "kubernetes:ceph.rook.io/")
	walk(spec_of(input), [path, value])
	count(path) > 0
	path[count(path) - 1] == "replicated"
	is_object(value)
	"size" in object.keys(value)
	not as_int(value.size) > 1
	msg := concat("", [kind_of(input), " ", resource_name(input), ": pool ", path_text(path), " keeps ", size_text(value.size), " copy"])
}

deny_ceph_pool_size_one contains msg if {
	startswith(object.get(input, "__type", ""), "kubernetes:ceph.rook.io/")
	walk(spec_of(input), [path, value])
	count(path) > 0
	path[count(path) - 1] == "erasureCoded"
	is_object(value)
	not as_int(object.get(value, "codingChunks", null)) > 0
	msg := concat("", [kind_of(input), " ", resource_name(input), ": erasure-coded pool ", path_text(path), " has no coding chunk"])
}

kind_of(resource) := parts[count(parts) - 1] if {
	parts := split(resource.__type, ":")
}

path_text(path) := concat(".", [format_segment(s) | some s in path])

format_segment(segment) := segment if is_string(segment)

format_segment(segment) := format_int(segment, 10) if is_number(segment)

size_text(size) := format_int(size, 10) if is_number(size)

size_text(size) := "an unreadable number of" if not is_number(size)

# METADATA
# title: Prod object stores erasure-code their data and replicate their metadata three times
# description: >-
#   In prod (the platform profile's environment, or a stack named prod; an unreadable profile counts as
#   prod), a CephObjectStore's dataPool must be erasure-coded (dataChunks and codingChunks numbers) and its
#   metadataPool replicated with size >= data.storage_pack.prodMinReplicas (3): a zone lost in prod must not
#   lose or freeze the index of every bucket.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CP-9, NIST-800-53:CP-10, ISO-27001:A.8.14]
#   message: >-
#     In prod set spec.dataPool.erasureCoded {dataChunks, codingChunks} and spec.metadataPool.replicated.size 3.
stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	pool := as_object(object.get(spec_of(store), "dataPool", {}))
	not erasure_coded(as_object(object.get(pool, "erasureCoded", {})))
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " data pool is not erasure-coded in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	pool := as_object(object.get(spec_of(store), "metadataPool", {}))
	replicated := as_object(object.get(pool, "replicated", {}))
	not as_int(object.get(replicated, "size", null)) >= object.get(pack_data, "prodMinReplicas", 3)
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " metadata pool is not replicated at least ", format_int(object.get(pack_data, "prodMinReplicas", 3), 10), " times in prod"])
}

erasure_coded(spec) if {
	as_int(object.get(spec, "dataChunks", null)) > 0
	as_int(object.get(spec, "codingChunks", null)) > 0
}

# METADATA
# title: Prod Ceph clusters run three monitors
# description: >-
#   In prod (as for the pool rule), a CephCluster's spec.mon.count must be at least
#   data.storage_pack.prodMinMons (3): with fewer, one lost monitor (one zone) stops the cluster's quorum and
#   every read and write. An unreadable count fails closed.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CP-10, NIST-800-53:SC-36, ISO-27001:A.8.14]
#   message: >-
#     Set spec.mon.count to 3 (one per zone) on the prod CephCluster.
stack_deny_ceph_mons_below_three_in_prod contains msg if {
	prod_stack
	some cluster in resources
	cluster.__type == ceph_cluster_type
	mon := as_object(object.get(spec_of(cluster), "mon", {}))
	not as_int(object.get(mon, "count", null)) >= object.get(pack_data, "prodMinMons", 3)
	msg := concat("", [cluster.__urn, ": CephCluster ", resource_name(cluster), " runs fewer than ", format_int(object.get(pack_data, "prodMinMons", 3), 10), " monitors in prod"])
}

# METADATA
# title: Prod object stores keep their pools when the object is deleted
# description: >-
#   In prod (as for the pool rule), a CephObjectStore must set spec.preservePoolsOnDelete true: otherwise
#   deleting or replacing the Kubernetes object (a rename in the program, a mistaken destroy) deletes every
#   bucket's data with it.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CP-9, NIST-800-53:CM-3, ISO-27001:A.8.13]
#   message: >-
#     Set spec.preservePoolsOnDelete: true on the prod CephObjectStore.
stack_deny_ceph_pools_not_preserved_in_prod contains msg if {
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	object.get(spec_of(store), "preservePoolsOnDelete", null) != true
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " does not preserve its pools on delete in prod"])
}

# METADATA
# title: MinIO in prod is a legacy backend
# description: >-
#   A prod stack (as for the pool rule) that runs a MinIO Tenant, or whose platform profile selects
#   storage.backend minio, gets a warning that names the upstream status of the community MinIO server
#   (data.object_storage.backends.minio): it receives no security fixes.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SA-22, NIST-800-53:SI-2, ISO-27001:A.8.8]
#   message: >-
#     Migrate the stack to storage.backend ceph (docs/storage-minio.md, "Migrating to Ceph").
stack_warn_minio_in_prod contains msg if {
	prod_stack
	some tenant in resources
	tenant.__type == minio_tenant_type
	msg := concat("", [tenant.__urn, ": MinIO Tenant ", resource_name(tenant), " in prod: MinIO is ", minio_status, ". ", minio_notice])
}

stack_warn_minio_in_prod contains msg if {
	prod_stack
	some resource in resources
	profile_map(resource)
	object.get(as_object(object.get(profile_document(resource), "storage", {})), "backend", null) == "minio"
	# One warning per cluster: where the Tenant is in the plan, the rule above already names it.
	not has_minio_tenant
	msg := concat("", [resource.__urn, ": the platform profile selects storage.backend minio in prod: MinIO is ", minio_status, ". ", minio_notice])
}

has_minio_tenant if {
	some tenant in resources
	tenant.__type == minio_tenant_type
}

minio_status := object.get(minio_backend, "status", "of unknown upstream status")

minio_notice := object.get(minio_backend, "notice", "") if is_string(object.get(minio_backend, "notice", ""))

minio_notice := "" if not is_string(object.get(minio_backend, "notice", ""))
