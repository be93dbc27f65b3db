package storage

import rego.v1

# Helpers of the storage pack. The purposes, locked purposes, log purpose, object-lock mode and backend
# notices are the shared object-storage contract (data.object_storage, packs/shared); where the program puts
# the bucket contract and the platform profile is data.storage_pack (storage.data.yaml). Plain style both
# embedded engines agree on: no `every`, json.unmarshal only after json.is_valid, messages with concat.

as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

metadata_of(resource) := as_object(object.get(resource, "metadata", {}))

labels_of(resource) := as_object(object.get(metadata_of(resource), "labels", {}))

spec_of(resource) := as_object(object.get(resource, "spec", {}))

resource_name(resource) := concat("/", [object.get(metadata_of(resource), "namespace", ""), object.get(metadata_of(resource), "name", "")])

# --- the contracts -----------------------------------------------------------------------------------

object_storage := data.object_storage if is_object(data.object_storage)

object_storage := {} if not is_object(data.object_storage)

pack_data := data.storage_pack if is_object(data.storage_pack)

pack_data := {} if not is_object(data.storage_pack)

locked_purposes := {p | some p in as_array(object.get(object_storage, "lockedPurposes", [])); is_string(p)}

log_purpose := object.get(object_storage, "logPurpose", null)

object_lock_mode := object.get(object_storage, "objectLockMode", null)

minio_backend := as_object(object.get(as_object(object.get(object_storage, "backends", {})), "minio", {}))

contract_config := as_object(object.get(pack_data, "bucketContract", {}))

profile_config := as_object(object.get(pack_data, "profile", {}))

# The shared contract or this pack's data cannot be read: the bucket rules fail closed.
contracts_unreadable if count(locked_purposes) == 0

contracts_unreadable if not is_string(log_purpose)

contracts_unreadable if not is_string(object_lock_mode)

contracts_unreadable if not is_string(object.get(contract_config, "configMap", null))

contracts_unreadable if not is_string(object.get(contract_config, "key", null))

contracts_unreadable if not is_string(object.get(profile_config, "configMap", null))

unreadable_contracts_message := "the object-storage contract (data.object_storage) or the storage pack's data (data.storage_pack) is missing or unreadable: bucket contracts cannot be assessed"

# --- numbers -----------------------------------------------------------------------------------------

# A number, or a text of digits (Kubernetes objects often carry numbers as strings).
as_int(value) := value if is_number(value)

as_int(value) := to_number(value) if {
	is_string(value)
	regex.match(`^[0-9]+$`, value)
}

# --- the bucket contract ConfigMap -------------------------------------------------------------------

config_map_type := "kubernetes:core/v1:ConfigMap"

# The bucket contract: the ConfigMap of that name, or any ConfigMap carrying the contract label.
bucket_contract_map(resource) if {
	resource.__type == config_map_type
	object.get(metadata_of(resource), "name", "") == contract_config.configMap
}

bucket_contract_map(resource) if {
	resource.__type == config_map_type
	is_string(contract_config.label)
	contract_config.label in object.keys(labels_of(resource))
}

contract_text(resource) := object.get(as_object(object.get(resource, "data", {})), contract_config.key, null)

# The parsed contract (undefined when the text is a secret, unknown, missing or not a JSON object with a
# list of buckets).
contract_document(resource) := document if {
	text := contract_text(resource)
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
	is_array(object.get(document, "buckets", null))
}

contract_buckets(resource) := [as_object(b) | some b in contract_document(resource).buckets]

bucket_label(bucket) := concat("", ["bucket \"", format_text(object.get(bucket, "name", "")), "\" (", format_text(object.get(bucket, "purpose", "")), ")"])

format_text(value) := value if is_string(value)

format_text(value) := "?" if not is_string(value)

# --- the platform profile ----------------------------------------------------------------------------

profile_map(resource) if {
	resource.__type == config_map_type
	object.get(metadata_of(resource), "name", "") == profile_config.configMap
}

profile_document(resource) := document if {
	text := object.get(as_object(object.get(resource, "data", {})), object.get(profile_config, "key", ""), null)
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
}

provider_of(resource) := plan_provider_reference(resource)

# Each cluster's profile, keyed by the Kubernetes provider its objects are declared with (one pass).
profiles_by_provider[provider] := resource if {
	some resource in resources
	profile_map(resource)
	provider := provider_of(resource)
}

resources := as_array(object.get(input, "resources", []))

# storage.backup of the profile in the same cluster as `resource` (undefined when unreadable).
backup_settings(resource) := backup if {
	profile := profile_document(profiles_by_provider[provider_of(resource)])
	backup := as_object(object.get(as_object(object.get(profile, "storage", {})), "backup", {}))
	as_int(object.get(backup, "retentionDays", null)) >= 0
	as_int(object.get(backup, "objectLockDays", null)) >= 0
}

# --- prod --------------------------------------------------------------------------------------------

# A prod stack: a profile says prod or cannot be read (fail closed), or the stack is named prod.
prod_stack if {
	some resource in resources
	profile_map(resource)
	object.get(profile_document(resource), "environment", null) == pack_data.prodEnvironment
}

prod_stack if {
	some resource in resources
	profile_map(resource)
	not is_string(object.get(profile_document(resource), "environment", null))
}

prod_stack if {
	some resource in resources
	urn_stack(resource) == object.get(pack_data, "prodEnvironment", "prod")
}

prod_stack if not is_string(object.get(pack_data, "prodEnvironment", null))

urn_stack(resource) := trim_prefix(split(resource.__urn, "::")[0], "urn:pulumi:") if is_string(resource.__urn)
