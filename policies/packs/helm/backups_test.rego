package helm

import rego.v1

test_deny_velero_backups_unprotected_allow_pod_identity_fs_backups_kms if {
	count(deny_velero_backups_unprotected) == 0 with input as fixtures.deny_velero_backups_unprotected_allow_pod_identity_fs_backups_kms
}

test_deny_velero_backups_unprotected_allow_unknown_key_before_the_vault_exists if {
	count(deny_velero_backups_unprotected) == 0 with input as fixtures.deny_velero_backups_unprotected_allow_unknown_key_before_the_vault_exists
}

test_deny_velero_backups_unprotected_deny_secret_credentials if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_secret_credentials
}

test_deny_velero_backups_unprotected_deny_credentials_default if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_credentials_default
}

test_deny_velero_backups_unprotected_deny_keys_in_values if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_keys_in_values
}

test_deny_velero_backups_unprotected_deny_snapshots if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_snapshots
}

test_deny_velero_backups_unprotected_deny_location_without_kms_key if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_location_without_kms_key
}

test_deny_velero_backups_unprotected_deny_locations_secret if {
	count(deny_velero_backups_unprotected) == 1 with input as fixtures.deny_velero_backups_unprotected_deny_locations_secret
}
