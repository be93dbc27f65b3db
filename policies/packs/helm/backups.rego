package helm

import rego.v1

velero_release if {
	release
	known_chart
	chart_name == "velero"
}

velero_credentials := as_object(object.get(values_object, "credentials", {}))

velero_configuration := as_object(object.get(values_object, "configuration", {}))

velero_problems contains "credentials.useSecret is not false: static cloud keys in a Secret" if {
	object.get(velero_credentials, "useSecret", true) != false
}

velero_problems contains "credentials.secretContents holds keys in the release values" if {
	count(as_object(object.get(velero_credentials, "secretContents", {}))) > 0
}

velero_problems contains "snapshotsEnabled is not false: EBS snapshots stay in the region and cannot be restored elsewhere" if {
	object.get(values_object, "snapshotsEnabled", true) != false
}

velero_problems contains "configuration.backupStorageLocation is not a list of locations (secret, unknown or empty)" if {
	locations := object.get(velero_configuration, "backupStorageLocation", null)
	not non_empty_array(locations)
}

velero_problems contains reason if {
	some index, location in as_array(object.get(velero_configuration, "backupStorageLocation", []))
	not kms_key_set(location)
	reason := sprintf("backupStorageLocation %d has no config.kmsKeyId: backups are not encrypted with the vault's key", [index])
}

non_empty_array(value) if {
	is_array(value)
	count(value) > 0
}

# The key is the vault's, an output of the program: unknown before the vault exists is fine here
# (deny_values_not_assessable already reports unknown values); a missing or empty key is not.
kms_key_set(location) if {
	key := object.get(as_object(object.get(as_object(location), "config", {})), "kmsKeyId", "")
	key != ""
	key != null
}

# METADATA
# title: Velero backs up with workload identity, encrypted, without region-bound snapshots
# description: >-
#   A Velero release must not hold cloud credentials (credentials.useSecret false, no
#   secretContents: the server and node agent get their role through EKS Pod Identity), must not
#   take EBS snapshots (snapshotsEnabled false: snapshots cannot be restored in another region; the
#   node agent's file-system backups go to the vault bucket instead), and every backup storage
#   location must encrypt with a KMS key (config.kmsKeyId). Locations that are secret or unknown
#   fail closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:CP-9, NIST-800-53:SC-28, NIST-800-53:IA-5, ISO-27001:A.8.13, CIS-EKS-5.4.1]
#   message: >-
#     Set credentials.useSecret false with a Pod Identity association for Velero's service account,
#     snapshotsEnabled false with deployNodeAgent and defaultVolumesToFsBackup, and config.kmsKeyId on
#     every backupStorageLocation (infra/components/continuity/velero.py does all three).
deny_velero_backups_unprotected contains msg if {
	velero_release
	some reason in velero_problems
	msg := concat("", ["Helm release \"", input.__name, "\": ", reason])
}
