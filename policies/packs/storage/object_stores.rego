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
#   prod), a CephObjectStore's data must be erasure-coded (dataChunks and codingChunks numbers) and its
#   metadata replicated with size >= data.storage_pack.prodMinReplicas (3): a zone lost in prod must not
#   lose or freeze the index of every bucket. A store with pools of its own is judged on spec.dataPool and
#   spec.metadataPool; a store on shared pools on the CephBlockPools its spec.sharedPools and every
#   poolPlacements entry name (same cluster and namespace; the Ceph name is spec.name, else metadata.name).
#   A named pool the plan does not declare, or a name that is secret or unknown, fails closed.
# custom:
#   scope: platform
#   severity: medium
#   controls: [NIST-800-53:CP-9, NIST-800-53:CP-10, ISO-27001:A.8.14]
#   message: >-
#     In prod set erasureCoded {dataChunks, codingChunks} on the data pool (spec.dataPool, or the CephBlockPool
#     a placement's dataPoolName names) and replicated.size 3 on the metadata pool (spec.metadataPool, or the
#     CephBlockPool named by metadataPoolName); declare every named pool in the same stack.
stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	own_pools(store)
	pool := as_object(object.get(spec_of(store), "dataPool", {}))
	not erasure_coded(as_object(object.get(pool, "erasureCoded", {})))
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " data pool is not erasure-coded in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	own_pools(store)
	pool := as_object(object.get(spec_of(store), "metadataPool", {}))
	not replicated_enough(pool)
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " metadata pool is not replicated at least ", format_int(prod_min_replicas, 10), " times in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	some [role, name] in shared_pool_names(store)
	not readable_pool_name(name)
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " names a ", role, " pool that cannot be read (secret or unknown) in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	some [role, name] in shared_pool_names(store)
	readable_pool_name(name)
	count(block_pools_named(store, name)) == 0
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " names ", role, " pool ", name, " that no CephBlockPool of the stack declares in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	some [role, name] in shared_pool_names(store)
	role == "data"
	some pool in block_pools_named(store, name)
	not erasure_coded(as_object(object.get(spec_of(pool), "erasureCoded", {})))
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " data pool ", name, " (CephBlockPool ", resource_name(pool), ") is not erasure-coded in prod"])
}

stack_deny_ceph_pools_not_resilient_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	some [role, name] in shared_pool_names(store)
	role == "metadata"
	some pool in block_pools_named(store, name)
	not replicated_enough(spec_of(pool))
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " metadata pool ", name, " (CephBlockPool ", resource_name(pool), ") is not replicated at least ", format_int(prod_min_replicas, 10), " times in prod"])
}

erasure_coded(spec) if {
	as_int(object.get(spec, "dataChunks", null)) > 0
	as_int(object.get(spec, "codingChunks", null)) > 0
}

prod_min_replicas := object.get(pack_data, "prodMinReplicas", 3)

replicated_enough(pool) if {
	replicated := as_object(object.get(pool, "replicated", {}))
	as_int(object.get(replicated, "size", null)) >= prod_min_replicas
}

ceph_block_pool_type := "kubernetes:ceph.rook.io/v1:CephBlockPool"

shared_pools_of(store) := as_object(object.get(spec_of(store), "sharedPools", {}))

# A store uses shared pools when its sharedPools names any; a sharedPools that is itself secret or unknown
# (not an object) counts too, so the store is judged on the (then unreadable) shared names, not let through.
uses_shared_pools(store) if {
	shared := object.get(spec_of(store), "sharedPools", null)
	shared != null
	not is_object(shared)
}

uses_shared_pools(store) if {
	shared := shared_pools_of(store)
	some key in ["dataPoolName", "metadataPoolName", "poolPlacements"]
	not object.get(shared, key, "") in {"", null, []}
}

# Judged on pools of its own: a store on no shared pools, or one that also declares its own (Rook uses them
# where no default placement or shared name replaces them).
own_pools(store) if not uses_shared_pools(store)

own_pools(store) if {
	some key in ["dataPool", "metadataPool"]
	count(as_object(object.get(spec_of(store), key, {}))) > 0
}

# [role, name] of every pool the store's shared pools name: "data" (the STANDARD data of a placement) and
# "metadata". The storage classes' pools are judged by deny_ceph_pool_size_one only (never one copy).
shared_pool_names(store) := names if {
	uses_shared_pools(store)
	shared := shared_pools_of(store)
	top := {[role, name] |
		some [role, key] in [["data", "dataPoolName"], ["metadata", "metadataPoolName"]]
		name := object.get(shared, key, "")
		name != ""
	}
	placed := {[role, name] |
		some placement in as_array(object.get(shared, "poolPlacements", []))
		some [role, key] in [["data", "dataPoolName"], ["metadata", "metadataPoolName"]]
		name := object.get(as_object(placement), key, null)
	}
	unreadable := {["shared", "[secret]"] | not is_object(object.get(spec_of(store), "sharedPools", {}))}
	broken := {["placement", "[secret]"] |
		some placement in as_array(object.get(shared, "poolPlacements", []))
		not is_object(placement)
	}
	names := ((top | placed) | unreadable) | broken
}

readable_pool_name(name) if {
	is_string(name)
	name != ""
	name != "[secret]"
	name != unknown_sentinel
}

# What Pulumi puts in a plan for a value not known before apply.
unknown_sentinel := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

pool_ceph_name(pool) := name if {
	name := object.get(spec_of(pool), "name", "")
	is_string(name)
	name != ""
}

pool_ceph_name(pool) := object.get(metadata_of(pool), "name", "") if {
	object.get(spec_of(pool), "name", "") in {"", null}
}

# The CephBlockPools of the plan, collected once: [cluster (Kubernetes provider), namespace, Ceph name].
block_pool_entries := {[[provider_of(pool), object.get(metadata_of(pool), "namespace", ""), pool_ceph_name(pool)], pool] |
	some pool in resources
	pool.__type == ceph_block_pool_type
}

# The CephBlockPools of the store's cluster and namespace with that Ceph name.
block_pools_named(store, name) := {pool |
	some [key, pool] in block_pool_entries
	key == [provider_of(store), object.get(metadata_of(store), "namespace", ""), name]
}

# METADATA
# title: Prod Ceph clusters run three monitors
# description: >-
#   In prod (as for the pool rule), a CephCluster's spec.mon.count must be at least
#   data.storage_pack.prodMinMons (3): with fewer, one lost monitor (one zone) stops the cluster's quorum and
#   every read and write. An unreadable count fails closed.
# custom:
#   scope: platform
#   severity: medium
#   controls: [NIST-800-53:CP-10, NIST-800-53:SC-36, ISO-27001:A.8.14]
#   message: >-
#     Set spec.mon.count to 3 (one per zone) on the prod CephCluster.
stack_deny_ceph_mons_below_three_in_prod contains msg if {
	platform_stack
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
#   In prod (as for the pool rule), deleting or replacing a Kubernetes object (a rename in the program, a
#   mistaken destroy) must not delete every bucket's data with it. A CephObjectStore with pools of its own
#   must set spec.preservePoolsOnDelete true. A store on shared pools must set
#   spec.sharedPools.preserveRadosNamespaceDataOnDelete true, and every CephBlockPool it names must be
#   protected in Pulumi (deleting a CephBlockPool object deletes the Ceph pool; Rook has no preserve switch
#   for it).
# custom:
#   scope: platform
#   severity: medium
#   controls: [NIST-800-53:CP-9, NIST-800-53:CM-3, ISO-27001:A.8.13]
#   message: >-
#     Set spec.preservePoolsOnDelete: true on a prod CephObjectStore with its own pools; on shared pools set
#     spec.sharedPools.preserveRadosNamespaceDataOnDelete: true and create each named CephBlockPool with
#     ResourceOptions(protect=True).
stack_deny_ceph_pools_not_preserved_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	own_pools(store)
	object.get(spec_of(store), "preservePoolsOnDelete", null) != true
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " does not preserve its pools on delete in prod"])
}

stack_deny_ceph_pools_not_preserved_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	uses_shared_pools(store)
	object.get(shared_pools_of(store), "preserveRadosNamespaceDataOnDelete", null) != true
	msg := concat("", [store.__urn, ": CephObjectStore ", resource_name(store), " does not preserve its RADOS namespaces in the shared pools on delete in prod"])
}

stack_deny_ceph_pools_not_preserved_in_prod contains msg if {
	platform_stack
	prod_stack
	some store in resources
	store.__type == ceph_object_store_type
	some name in named_pools(store)
	some pool in block_pools_named(store, name)
	object.get(as_object(object.get(pool, "__options", {})), "protect", null) != true
	msg := concat("", [pool.__urn, ": CephBlockPool ", resource_name(pool), " (pool ", name, " of CephObjectStore ", resource_name(store), ") is not protected in prod: deleting it deletes the pool's data"])
}

# Every pool name the store's shared pools use: STANDARD data, metadata, non-EC data and storage classes.
named_pools(store) := {name |
	uses_shared_pools(store)
	shared := shared_pools_of(store)
	some holder in array.concat([shared], [as_object(p) | some p in as_array(object.get(shared, "poolPlacements", []))])
	some entry in array.concat([holder], [as_object(c) | some c in as_array(object.get(holder, "storageClasses", []))])
	some key in ["dataPoolName", "metadataPoolName", "dataNonECPoolName"]
	name := object.get(entry, key, "")
	readable_pool_name(name)
}

# METADATA
# title: MinIO in prod is a legacy backend
# description: >-
#   A prod stack (as for the pool rule) that runs a MinIO Tenant, or whose platform profile selects
#   storage.backend minio, gets a warning that names the upstream status of the community MinIO server
#   (data.object_storage.backends.minio): it receives no security fixes.
# custom:
#   scope: platform
#   severity: medium
#   controls: [NIST-800-53:SA-22, NIST-800-53:SI-2, ISO-27001:A.8.8]
#   message: >-
#     Migrate the stack to storage.backend ceph (docs/storage-minio.md, "Migrating to Ceph").
stack_warn_minio_in_prod contains msg if {
	platform_stack
	prod_stack
	some tenant in resources
	tenant.__type == minio_tenant_type
	msg := concat("", [tenant.__urn, ": MinIO Tenant ", resource_name(tenant), " in prod: MinIO is ", minio_status, ". ", minio_notice])
}

stack_warn_minio_in_prod contains msg if {
	platform_stack
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
